#include "size.h"
#include "tap.h"
#include "xl-util.h"

static void check(const char *text, uint64_t want)
{
    uint64_t v = 0;
    int rc = xl_size_parse(text, &v);

    tap_ok(rc == 0 && v == want, "\"%s\" = %llu (got %llu, rc %d)", text, (unsigned long long)want,
           (unsigned long long)v, rc);
}

int main(void)
{
    uint64_t v;
    char buf[32];

    check("1GiB", XL_GiB);
    check("1g", XL_GiB);
    check("1G", XL_GiB);
    check("2048MiB", 2 * XL_GiB);
    check("9GB", UINT64_C(9000000000));
    check("938MB", UINT64_C(938000000));
    check("512m", 512 * XL_MiB);
    check("1.5GiB", 3 * XL_GiB / 2);
    check("4096", 4096);
    check("10 GiB", 10 * XL_GiB);
    tap_ok(xl_size_parse("", &v) == XL_ERR_INVAL, "empty is an error");
    tap_ok(xl_size_parse("-1GiB", &v) == XL_ERR_INVAL, "negative is an error");
    tap_ok(xl_size_parse("1XB", &v) == XL_ERR_INVAL && strstr(xl_error_message(), "unknown unit"),
           "unknown unit named: %s", xl_error_message());
    tap_ok(xl_size_parse("99999999999TB", &v) == XL_ERR_INVAL, "overflow is an error");
    xl_size_format(XL_GiB, buf, sizeof(buf));
    TAP_EQ_STR(buf, "1 GiB", "format 1 GiB");
    xl_size_format(1536 * XL_MiB, buf, sizeof(buf));
    TAP_EQ_STR(buf, "1.5 GiB", "format 1.5 GiB");
    return tap_done();
}
