#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json-util.h"
#include "xl-util.h"

int xl_journal_open(const char *path, int *fd_r)
{
    /* Read access too: an append looks at the last byte first. */
    *fd_r = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (*fd_r < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s", path);
    return XL_OK;
}

/* Whether the file ends mid-line (torn, or a NUL tail): the next line must
 * not be glued onto it. */
static int ends_mid_line(int fd, const char *path, bool *mid_r)
{
    struct stat st;
    char last = '\n';
    ssize_t n;

    *mid_r = false;
    if (fstat(fd, &st) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: fstat", path);
    if (st.st_size == 0)
        return XL_OK;
    /* xl_journal_open opens O_RDWR, so the appender can read its last byte. */
    n = pread(fd, &last, 1, st.st_size - 1);
    if (n < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: reading its last byte", path);
    *mid_r = n == 1 && last != '\n';
    return XL_OK;
}

int xl_journal_write(int fd, const char *path, json_object *ev)
{
    xl_autofree char *line = NULL;
    bool mid;
    int rc;

    rc = ends_mid_line(fd, path, &mid);
    if (rc)
        return rc;
    xl_json_add(ev, "t", xl_json_time(xl_wall_now()));
    line = xl_asprintf("%s%s\n", mid ? "\n" : "", xl_json_compact(ev));
    /* One write() (O_APPEND) keeps the runner's and the collector's lines whole. */
    if (xl_write_all(fd, line, strlen(line), path))
        return XL_ERR_FAIL;
    return XL_OK;
}

int xl_journal_sync(int fd, const char *path)
{
    if (fsync(fd) < 0)
        return xl_error_errno(XL_ERR_FAIL, errno, "%s: fsync", path);
    return XL_OK;
}

int xl_journal_append(int fd, const char *path, json_object *ev)
{
    int rc = xl_journal_write(fd, path, ev);

    return rc ? rc : xl_journal_sync(fd, path);
}

static bool blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

int xl_journal_read(const char *path, void (*fn)(void *opaque, json_object *ev), void *opaque,
                    struct xl_journal_stats *stats_r)
{
    struct xl_journal_stats st = { 0, 0, 0 };
    xl_autofree char *buf = NULL;
    size_t len = 0, pos = 0;
    int rc;

    rc = xl_read_file(path, XL_JOURNAL_MAX_BYTES, &buf, &len);
    if (rc == XL_ERR_NOTFOUND) {
        xl_error_clear();
        rc = XL_OK;
        goto out;
    }
    if (rc)
        goto out;
    /* Lines end at '\n' or at a NUL; a NUL run is skipped whole. The last
     * piece, without either, was never acknowledged: it is torn. */
    while (pos < len) {
        size_t start = pos, end;
        json_object *ev = NULL;

        if (buf[pos] == '\0') {
            while (pos < len && buf[pos] == '\0')
                pos++;
            st.nul_runs++;
            continue;
        }
        while (pos < len && buf[pos] != '\n' && buf[pos] != '\0')
            pos++;
        end = pos;
        if (pos < len && buf[pos] == '\n')
            pos++;
        if (blank(buf + start, end - start))
            continue;
        if (end < len && xl_json_parse(buf + start, end - start, path, &ev) == XL_OK &&
            json_object_is_type(ev, json_type_object)) {
            st.events++;
            if (fn)
                fn(opaque, ev);
        } else {
            st.torn++;
        }
        json_object_put(ev);
    }
    xl_error_clear();
out:
    if (stats_r)
        *stats_r = st;
    return rc;
}

const char *xl_journal_str(json_object *ev, const char *key)
{
    json_object *v;

    if (ev && json_object_object_get_ex(ev, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

int64_t xl_journal_int(json_object *ev, const char *key, int64_t dflt)
{
    json_object *v;

    if (ev && json_object_object_get_ex(ev, key, &v) && json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    return dflt;
}

bool xl_journal_is(json_object *ev, const char *name)
{
    const char *e = xl_journal_str(ev, "event");

    return e && strcmp(e, name) == 0;
}

static json_object *new_event(const char *event)
{
    json_object *ev = json_object_new_object();

    xl_json_add(ev, "event", xl_json_str(event));
    return ev;
}

json_object *xl_journal_ev_run(const char *state, int pid)
{
    json_object *ev = new_event("run");

    xl_json_add(ev, "state", xl_json_str(state));
    if (pid > 0)
        xl_json_add(ev, "pid", json_object_new_int(pid));
    return ev;
}

json_object *xl_journal_ev_run_failed(const char *reason)
{
    json_object *ev = new_event("run");

    xl_json_add(ev, "state", xl_json_str("failed"));
    xl_json_add(ev, "reason", xl_json_str(reason ? reason : "unknown"));
    return ev;
}

json_object *xl_journal_ev_job(const char *job, const char *arm, unsigned replica, const char *state,
                               int domain, const char *reason)
{
    json_object *ev = new_event("job");

    xl_json_add(ev, "job", xl_json_str(job));
    xl_json_add(ev, "arm", xl_json_str(arm));
    xl_json_add(ev, "replica", json_object_new_int((int)replica));
    xl_json_add(ev, "state", xl_json_str(state));
    if (domain >= 0)
        xl_json_add(ev, "domain", json_object_new_int(domain));
    if (reason)
        xl_json_add(ev, "reason", xl_json_str(reason));
    return ev;
}

json_object *xl_journal_ev_resource(bool created, const char *job, const char *kind, const char *what)
{
    json_object *ev = new_event(created ? "created" : "removed");

    xl_json_add(ev, "job", xl_json_str(job));
    xl_json_add(ev, "kind", xl_json_str(kind));
    xl_json_add(ev, "what", xl_json_str(what));
    return ev;
}

json_object *xl_journal_ev_guest(const char *event, unsigned domid, const char *job, const char *arm)
{
    json_object *ev = new_event(event);

    xl_json_add(ev, "domain", json_object_new_int64(domid));
    if (job)
        xl_json_add(ev, "job", xl_json_str(job));
    if (arm)
        xl_json_add(ev, "arm", xl_json_str(arm));
    return ev;
}

const char *xl_runs_dir(void)
{
    static char *from_state;
    const char *d = getenv("XENLAB_RUNS_DIR");

    if (d && *d)
        return d;
    if (!from_state)
        from_state = xl_asprintf("%s/runs", xl_state_dir());
    return from_state;
}
