#include <stdlib.h>

#include "report.h"
#include "tap.h"
#include "xl-util.h"

static char *render(const struct xl_report *rep, enum xl_report_format fmt, const char *num, const char *den)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    xl_report_write(rep, fmt, num, den, f);
    fclose(f);
    return buf;
}

int main(void)
{
    const char *src = getenv("XENLAB_SRCDIR");
    char *seed = xl_asprintf("%s/tests/data/seed/results.jsonl", src);
    char *dir = xl_asprintf("%s/tests/data/seed", src);
    struct xl_report rep;
    char *out;

    xl_report_init(&rep);
    tap_ok(xl_report_load(&rep, seed) == 0, "seed results load (%s)", xl_error_message());
    TAP_EQ_INT(rep.nr_rows, 5, "five rows");
    TAP_EQ_INT(rep.nr_arms, 2, "two arms");
    out = render(&rep, XL_REPORT_MD, "vm2", "vm1");
    tap_golden(out, "tests/data/seed/report.md", "Markdown table");
    free(out);
    out = render(&rep, XL_REPORT_CSV, "vm2", "vm1");
    tap_golden(out, "tests/data/seed/report.csv", "CSV");
    free(out);
    out = render(&rep, XL_REPORT_JSON, "vm2", "vm1");
    tap_golden(out, "tests/data/seed/report.json", "JSON");
    free(out);
    /* Loading the same documents twice must not double the trials. */
    tap_ok(xl_report_load(&rep, seed) == 0, "reloading is harmless");
    out = render(&rep, XL_REPORT_MD, "vm2", "vm1");
    tap_golden(out, "tests/data/seed/report.md", "duplicates are dropped");
    free(out);
    xl_report_dispose(&rep);

    xl_report_init(&rep);
    tap_ok(xl_report_set_arms(&rep, "vm2") == 0 && xl_report_load(&rep, dir) == 0, "a directory of *.jsonl loads");
    out = render(&rep, XL_REPORT_MD, NULL, NULL);
    tap_ok(strstr(out, "vm1") == NULL && strstr(out, "445.80 (dev 1.12%)") != NULL, "--arms selects columns");
    free(out);
    tap_ok(xl_report_write(&rep, XL_REPORT_MD, "vm3", "vm2", stdout) == XL_ERR_INVAL &&
               strstr(xl_error_message(), "vm3"),
           "a ratio of an unknown arm names it: %s", xl_error_message());
    xl_report_dispose(&rep);

    xl_report_init(&rep);
    {
        char *bad = xl_asprintf("%s/tests/data/seed/bad-results.txt", src);

        tap_ok(xl_report_load(&rep, bad) == XL_ERR_INVAL && strstr(xl_error_message(), "bad-results.txt:2"),
               "an invalid line is named by file and line: %s", xl_error_message());
        free(bad);
    }
    xl_report_dispose(&rep);
    free(seed);
    free(dir);
    return tap_done();
}
