#include <stdlib.h>

#include "bench.h"
#include "tap.h"
#include "xl-util.h"

static char *data(const char *name)
{
    char *path = xl_asprintf("%s/tests/data/dbench/%s", getenv("XENLAB_SRCDIR"), name);
    char *buf = NULL;

    if (xl_read_file(path, 1 << 20, &buf, NULL))
        buf = NULL;
    free(path);
    return buf;
}

int main(void)
{
    struct xl_dbench_summary s;
    char *out;

    out = data("clients2-tmpfs.txt");
    tap_ok(out && xl_dbench_parse(out, &s) == 0, "recorded 2-client run parses");
    tap_ok(s.mbps == 722.833 && s.clients == 2 && s.max_latency_ms == 5.035,
           "throughput 722.833 MB/s, 2 clients, max latency 5.035 ms");
    free(out);
    out = data("clients6.txt");
    tap_ok(out && xl_dbench_parse(out, &s) == 0 && s.clients == 6 && s.mbps > 0, "recorded 6-client run parses");
    free(out);
    out = data("missing-dir.txt");
    tap_ok(out && xl_dbench_parse(out, &s) != 0, "a failed run has no throughput line");
    free(out);
    tap_ok(xl_dbench_parse("", &s) != 0, "empty output is an error");
    tap_ok(xl_dbench_parse("Throughput abc MB/sec", &s) != 0, "garbage is an error");
    tap_ok(xl_dbench_parse("x\nThroughput 52.79 MB/sec  48 clients  48 procs  max_latency=1.5 ms\n", &s) == 0 &&
               s.clients == 48 && s.mbps == 52.79,
           "the summary line is found after other lines");
    return tap_done();
}
