#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "journal.h"
#include "json-util.h"
#include "report.h"
#include "xl-util.h"

#define MAX_REPORT (256 * 1024 * 1024)

static const char usage_text[] =
    "usage: xenlab report [--format md|csv|json|pts|html|junit] [--arms A,B,...] [--ratio A/B] [--output FILE]\n"
    "                     ID|PATH...\n"
    "  ID:   a run id, the run directory ${XENLAB_RUNS_DIR:-${XENLAB_STATE_DIR:-/var/lib/xenlab}/runs}/ID\n"
    "  PATH: result documents (JSON lines or a JSON array) or a run directory\n"
    "  pts:  a Phoronix Test Suite composite.xml; html: one self-contained page\n"
    "  junit: JUnit XML, a test case per run of each test (exit metric), for CI servers\n";

/* Writes through an open file, in place: a fifo, a device, a terminal. */
static int write_in_place(const char *path, int flags, const char *buf, size_t len)
{
    xl_autofd int fd = -1;
    struct stat st;
    int rc, r;

    fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | flags, 0644);
    if (fd < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "--output %s", path);
    /* /dev/stdout may be a regular file: its old contents go. */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "--output %s: truncate", path);
    rc = xl_write_all(fd, buf, len, path);
    if (rc)
        return xl_error_prefix(rc, "--output");
    r = close(fd);
    fd = -1;
    if (r < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "--output %s: close", path);
    return XL_OK;
}

/* A regular file (or a new one) is replaced atomically, so a reader never
 * sees half a report; anything else is written in place, and a symlink is
 * followed: renaming over it would turn /dev/full or the link itself into a
 * plain file. */
static int write_output(const char *path, const char *buf, size_t len)
{
    xl_autofree char *target = NULL;
    struct stat st;

    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        target = realpath(path, NULL);
        /* Dangling, or a magic link such as /proc/self/fd/1 to a pipe. */
        if (!target)
            return write_in_place(path, O_CREAT, buf, len);
        path = target;
    }
    if (stat(path, &st) < 0) {
        if (errno != ENOENT)
            return xl_error_errno(XL_ERR_FAIL, errno, "--output %s", path);
        return xl_write_file_atomic(path, buf, len);
    }
    if (S_ISREG(st.st_mode))
        return xl_write_file_atomic(path, buf, len);
    if (S_ISDIR(st.st_mode))
        return xl_error(XL_ERR_INVAL, "--output %s: is a directory", path);
    return write_in_place(path, 0, buf, len);
}

/* A bare name that is not an existing path is a run id. */
int xl_cli_report_source(const char *arg, char **path_r, bool *is_run_r)
{
    struct stat st;

    *is_run_r = false;
    if (strchr(arg, '/') || stat(arg, &st) == 0) {
        *path_r = xl_strdup(arg);
        return XL_OK;
    }
    if (!*arg || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
        return xl_error(XL_ERR_INVAL, "report: \"%s\" is not a run id", arg);
    *path_r = xl_asprintf("%s/%s", xl_runs_dir(), arg);
    *is_run_r = true;
    if (stat(*path_r, &st) < 0) {
        int rc = xl_error(XL_ERR_INVAL, "report: %s: no such file, and no run directory %s", arg, *path_r);

        free(*path_r);
        *path_r = NULL;
        return rc;
    }
    return XL_OK;
}

/* Each job's last state and reason, from a run directory's journal. */
static void note_job(void *opaque, json_object *ev)
{
    const char *job = xl_journal_str(ev, "job"), *state = xl_journal_str(ev, "state");
    json_object *o;

    if (!xl_journal_is(ev, "job") || !job || !state)
        return;
    o = json_object_new_object();
    xl_json_add(o, "state", xl_json_str(state));
    if (xl_journal_str(ev, "reason"))
        xl_json_add(o, "reason", xl_json_str(xl_journal_str(ev, "reason")));
    xl_json_add(opaque, job, o);
}

/* Why a run directory has no results: its guests failed, each for its
 * reason. NULL if the journal does not say so. */
static char *failed_jobs(const char *path)
{
    xl_autofree char *journal = xl_asprintf("%s/" XL_JOURNAL_NAME, path);
    json_object *jobs = json_object_new_object();
    char *text = NULL;
    size_t failed = 0;

    if (xl_journal_read(journal, note_job, jobs, NULL) == XL_OK) {
        json_object_object_foreach(jobs, name, o) {
            const char *state = xl_journal_str(o, "state"), *reason = xl_journal_str(o, "reason");
            char *more;

            if (strcmp(state, "failed") != 0)
                continue;
            more = xl_asprintf("%s%s%s: %s", text ? text : "", text ? "; " : "", name, reason ? reason : "no reason given");
            free(text);
            text = more;
            failed++;
        }
    }
    xl_error_clear();
    if (text) {
        int total = json_object_object_length(jobs);
        char *msg = failed == (size_t)total ? xl_asprintf("all %zu guests failed: %s", failed, text)
                                            : xl_asprintf("%zu of %d guests failed: %s", failed, total, text);

        free(text);
        text = msg;
    }
    json_object_put(jobs);
    return text;
}

/* The title: the experiment's name from the run's spec.json when there is
 * one, else the run id or file name. */
static void set_title(struct xl_report *rep, const char *path, const char *arg)
{
    xl_autofree char *spec_path = xl_asprintf("%s/spec.json", path);
    json_object *spec = NULL, *name = NULL;
    const char *base = strrchr(arg, '/');

    if (rep->title[0])
        return;
    if (xl_json_parse_file(spec_path, 1024 * 1024, &spec) == XL_OK && json_object_object_get_ex(spec, "name", &name) &&
        json_object_is_type(name, json_type_string))
        snprintf(rep->title, sizeof(rep->title), "xenlab: %s (%s)", json_object_get_string(name),
                 base && base[1] ? base + 1 : arg);
    else
        snprintf(rep->title, sizeof(rep->title), "xenlab: %s", base && base[1] ? base + 1 : arg);
    xl_error_clear();
    json_object_put(spec);
}

int xl_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "arms", required_argument, NULL, 'a' },
        { "ratio", required_argument, NULL, 'r' },
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    enum xl_report_format fmt = XL_REPORT_MD;
    xl_autofree char *ratio = NULL;
    xl_autofree char *buf = NULL;
    const char *output = NULL;
    char *den = NULL;
    struct xl_report rep;
    size_t len = 0;
    FILE *mem = NULL;
    int opt, i, rc = XL_OK;

    xl_report_init(&rep);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:a:r:o:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!xl_report_format_from_name(optarg, &fmt))
                rc = xl_error(XL_ERR_INVAL, "--format: unknown format \"%s\" (md, csv, json, pts, html, junit)", optarg);
            break;
        case 'a':
            rc = xl_report_set_arms(&rep, optarg);
            break;
        case 'r':
            free(ratio);
            ratio = xl_strdup(optarg);
            den = strchr(ratio, '/');
            if (!den || den == ratio || !den[1])
                rc = xl_error(XL_ERR_INVAL, "--ratio: \"%s\" must be ARM/ARM", optarg);
            else
                *den++ = '\0';
            break;
        case 'o':
            output = optarg;
            if (!*output)
                rc = xl_error(XL_ERR_INVAL, "--output: give a file name");
            break;
        case 'h':
            fputs(usage_text, stdout);
            xl_report_dispose(&rep);
            return 0;
        default:
            fputs(usage_text, stderr);
            xl_report_dispose(&rep);
            return 2;
        }
        if (rc)
            goto out;
    }
    if (optind >= argc) {
        rc = xl_error(XL_ERR_INVAL, "report: give at least one run id, result file or run directory");
        goto out;
    }
    /* Several runs side by side: run A's vm1 and run B's vm1 are two arms. */
    rep.by_run = argc - optind > 1;
    for (i = optind; i < argc && !rc; i++) {
        xl_autofree char *path = NULL;
        size_t before = rep.nr_rows;
        bool is_run;

        rc = xl_cli_report_source(argv[i], &path, &is_run);
        if (!rc)
            rc = xl_report_load(&rep, path);
        if (!rc)
            set_title(&rep, path, argv[i]);
        if (!rc && rep.nr_rows == before && argc - optind == 1) {
            xl_autofree char *why = failed_jobs(path);

            if (why)
                rc = xl_error(XL_ERR_FAIL, "report: run %s has no results: %s", argv[i], why);
        }
    }
    if (!rc && rep.nr_rows == 0)
        rc = xl_error(XL_ERR_INVAL, "report: no result documents found in the given paths");
    if (rc)
        goto out;
    rep.generated = xl_report_time();
    /* Render in memory first: a failed report never leaves half a file. */
    mem = open_memstream(&buf, &len);
    if (!mem) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "report: open_memstream");
        goto out;
    }
    rc = xl_report_write(&rep, fmt, ratio, den, mem);
    if (fclose(mem) != 0 && !rc)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "report: rendering");
    if (rc)
        goto out;
    if (len > MAX_REPORT) {
        rc = xl_error(XL_ERR_FAIL, "report: output larger than %d MiB", MAX_REPORT >> 20);
        goto out;
    }
    if (output)
        rc = write_output(output, buf, len);
    else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "report: writing to standard output");
out:
    xl_report_dispose(&rep);
    return rc ? xl_cli_fail(rc) : 0;
}
