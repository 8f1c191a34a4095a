/* libFuzzer target: a run journal (plugin/run/journal.h), which a crash, a power
 * loss or a hostile hand may have left in any state. The reader must pass on
 * only JSON objects, count the rest, and every getter must be null-safe; the
 * records read back from it (dom0's samples, the host) must be checked. The
 * same bytes then go to the report as a results file (results.json with its
 * run, host and dom0 list, or JSON lines), merged by run, and through the
 * Markdown and JSON writers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dom0-sensors.h"
#include "fuzz-file.h"
#include "host-info.h"
#include "journal.h"
#include "report.h"
#include "xl-util.h"

static void look(void *opaque, json_object *ev)
{
    size_t *n = opaque;
    static const char *keys[] = { "event", "state", "job", "arm", "kind", "what", "reason", "domain", "slot", "pid" };
    size_t k;

    if (!json_object_is_type(ev, json_type_object))
        __builtin_trap();
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const char *s = xl_journal_str(ev, keys[k]);

        if (s)
            *n += strlen(s);
        *n += (size_t)xl_journal_int(ev, keys[k], 0) & 1;
    }
    *n += xl_journal_is(ev, "run") + xl_journal_is(ev, "result");
    {
        struct xl_dom0_record r;
        struct xl_host_info h;
        json_object *host = NULL;

        if (xl_dom0_record_read(ev, &r) && (r.wall_s < 0 || r.cpu_s < 0 || r.nr_beside > XL_DOM0_MAX_BESIDE))
            __builtin_trap();
        if (json_object_object_get_ex(ev, "host", &host)) {
            xl_host_info_read(host, &h);
            *n += strlen(h.hostname) + strlen(h.cpu_model) + (size_t)h.cpus;
        }
    }
}

/* The bytes as a report's input, two runs' worth, written twice. */
static void report(const char *path)
{
    struct xl_report rep;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem;

    xl_report_init(&rep);
    rep.by_run = true;
    if (xl_report_load(&rep, path) == XL_OK && rep.nr_rows) {
        mem = open_memstream(&buf, &len);
        if (mem) {
            xl_report_write(&rep, XL_REPORT_MD, NULL, NULL, mem);
            xl_report_write(&rep, XL_REPORT_JSON, NULL, NULL, mem);
            fclose(mem);
        }
        free(buf);
    }
    xl_error_clear();
    xl_report_dispose(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xl_journal_stats st;
    char path[64];
    size_t n = 0;
    int fd = fuzz_file("journal", data, size, path);

    if (fd < 0)
        return 0;
    if (xl_journal_read(path, look, &n, &st) == XL_OK && st.events + st.torn > size + 1)
        __builtin_trap();       /* more lines than bytes */
    xl_error_clear();
    report(path);
    close(fd);
    return 0;
}
