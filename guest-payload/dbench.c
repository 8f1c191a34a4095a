#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "json-util.h"
#include "xl-spawn.h"
#include "xl-util.h"

#define DEBIAN_LOADFILE "/usr/share/dbench/client.txt"
#define DBENCH_DEFAULT_SECONDS 600
#define DBENCH_MAX_OUTPUT (1024 * 1024)
/* dbench's warm-up and cleanup come on top of -t, and each client makes
 * and removes its own tree: a hang guard, not a timing. On the loaded CI
 * testbed (steal up to 93 %) 48 clients of a 10 s run missed 300 s twice. */
#define DBENCH_GRACE_S 300
#define DBENCH_GRACE_PER_CLIENT_S 30

int xl_dbench_parse(const char *output, struct xl_dbench_summary *s)
{
    const char *line = output;

    while (line && *line) {
        double mbps, lat;
        unsigned clients;

        if (sscanf(line, "Throughput %lf MB/sec %u clients %*u procs max_latency=%lf ms", &mbps, &clients,
                   &lat) == 3) {
            s->mbps = mbps;
            s->clients = clients;
            s->max_latency_ms = lat;
            return XL_OK;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return xl_error(XL_ERR_FAIL, "dbench printed no \"Throughput ... MB/sec\" line");
}

/* The last non-empty line of dbench's output: its own error message. */
static void last_line(const char *out, char *buf, size_t len)
{
    const char *end = out + strlen(out), *start;

    while (end > out && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    start = end;
    while (start > out && start[-1] != '\n')
        start--;
    snprintf(buf, len, "%.*s", (int)(end - start), start);
}

void xl_bench_dbench(const struct xl_bench_params *p, struct xl_result *r)
{
    unsigned seconds = p->seconds ? p->seconds : DBENCH_DEFAULT_SECONDS;
    const char *loadfile = p->loadfile ? p->loadfile : DEBIAN_LOADFILE;
    char dir[PATH_MAX], t[16], c[16], tail[200];
    struct xl_spawn_result sr;
    struct xl_dbench_summary sum;
    json_object *d;
    unsigned guard;
    int rc;

    guard = seconds + DBENCH_GRACE_S + DBENCH_GRACE_PER_CLIENT_S * p->clients;
    if (p->dir)
        snprintf(dir, sizeof(dir), "%s", p->dir);
    else if (!getcwd(dir, sizeof(dir)))
        snprintf(dir, sizeof(dir), ".");
    snprintf(t, sizeof(t), "%u", seconds);
    snprintf(c, sizeof(c), "%u", p->clients);
    if (access(loadfile, R_OK) != 0) {
        xl_result_set_error(r, "dbench load file %s: %s (Debian package 'dbench' ships it)", loadfile,
                            strerror(errno));
        return;
    }
    {
        char *argv[] = { (char *)"dbench", (char *)"-t", t, (char *)"-D", dir, (char *)"-c", (char *)loadfile, c, NULL };

        rc = xl_spawn_capture(argv, XL_SPAWN_MERGE_STDERR | XL_SPAWN_NEW_PGROUP, guard, DBENCH_MAX_OUTPUT, &sr);
    }
    if (rc == XL_ERR_NOTFOUND) {
        xl_result_set_error(r, "dbench is not installed (install the Debian package 'dbench')");
        return;
    }
    if (rc) {
        xl_result_set_error(r, "dbench: %s", xl_error_message());
        return;
    }
    if (sr.timed_out) {
        xl_result_set_error(r, "dbench did not finish within %u s", guard);
    } else if (sr.exit_code != 0) {
        last_line(sr.out, tail, sizeof(tail));
        xl_result_set_error(r, "dbench exited with status %d in %s: %s", sr.exit_code, dir, tail);
    } else if (xl_dbench_parse(sr.out, &sum)) {
        xl_result_set_error(r, "%s", xl_error_message());
    } else {
        d = json_object_new_object();
        xl_json_add(d, "clients", json_object_new_int((int)sum.clients));
        xl_json_add(d, "seconds", json_object_new_int((int)seconds));
        xl_json_add(d, "max_latency_ms", json_object_new_double(sum.max_latency_ms));
        r->details = d;
        r->value = sum.mbps;
    }
    xl_spawn_result_dispose(&sr);
}
