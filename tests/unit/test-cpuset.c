/* vCPU pinning sets (common/cpuset.h): strict parsing, canonical forms,
 * overlap. */
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "tap.h"
#include "xl-util.h"

static void good(const char *in, const char *ranges, const char *list)
{
    struct xl_cpuset s;
    int rc = xl_cpuset_parse(in, "cpus", &s);
    char *r = rc ? NULL : xl_cpuset_format(&s, true), *l = rc ? NULL : xl_cpuset_format(&s, false);

    tap_ok(!rc && strcmp(r, ranges) == 0 && strcmp(l, list) == 0, "\"%s\" is %s, mask %s (got %s, %s)", in, ranges,
           list, r ? r : xl_error_message(), l ? l : "");
    free(r);
    free(l);
}

static void bad(const char *in, const char *want)
{
    struct xl_cpuset s;
    int rc = xl_cpuset_parse(in, "arms[0].cpus", &s);

    tap_ok(rc && strstr(xl_error_message(), want) && strstr(xl_error_message(), "arms[0].cpus"),
           "\"%s\" refused: %s", in, xl_error_message());
}

int main(void)
{
    struct xl_cpuset a, b, c;

    good("0", "0", "0");
    good("3,0-1,2", "0-3", "0,1,2,3");
    good("0-1,4,6-7", "0-1,4,6-7", "0,1,4,6,7");
    good("1023", "1023", "1023");
    good("5,5,5-5", "5", "5");
    bad("", "want CPU numbers");
    bad("1-", "want CPU numbers");
    bad("-1", "want CPU numbers");
    bad("2-1", "runs backwards");
    bad("01", "want CPU numbers");
    bad("1024", "below 1024");
    bad("0, 1", "want CPU numbers");
    bad("0,,1", "want CPU numbers");
    bad("99999999999999999999", "below 1024");
    xl_cpuset_parse("0-1", "a", &a);
    xl_cpuset_parse("1-2", "b", &b);
    xl_cpuset_parse("2-3", "c", &c);
    tap_ok(xl_cpuset_overlap(&a, &b) && !xl_cpuset_overlap(&a, &c), "0-1 and 1-2 overlap, 0-1 and 2-3 do not");
    TAP_EQ_INT((int)xl_cpuset_end(&c), 4, "the end of 2-3 is 4");
    return tap_done();
}
