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
    check("0", 0);
    check("0.5KiB", 512);
    check("1.5B", 2);
    check("8388607TiB", UINT64_C(8388607) << 40);
    check("9223372036854775807", UINT64_C(9223372036854775807));
    {
        /* strtod would take all of these; a size is decimal digits only. */
        static const char *const bad[] = {
            "0x10000000", "0X10", "010", "+1", "-1", " 1", "1 ", "1  GiB", "1\tGiB", "1GiB ",
            "inf", "nan", "1e3", "1E3GiB", "1.", ".5", "1.5.5", "1,5GiB", "0x1p4",
            "1.0000000001GiB",
        };
        size_t i;

        for (i = 0; i < XL_ARRAY_SIZE(bad); i++)
            tap_ok(xl_size_parse(bad[i], &v) == XL_ERR_INVAL, "\"%s\" is rejected: %s", bad[i],
                   xl_error_message());
    }
    /* 2^63 and up used to wrap through llround(). */
    tap_ok(xl_size_parse("9223372036854775808", &v) == XL_ERR_INVAL
           && strstr(xl_error_message(), "too large"), "2^63 bytes is too large: %s", xl_error_message());
    tap_ok(xl_size_parse("18446744073709551615", &v) == XL_ERR_INVAL, "2^64-1 bytes is too large");
    tap_ok(xl_size_parse("18446744073709551616", &v) == XL_ERR_INVAL, "2^64 bytes is too large");
    tap_ok(xl_size_parse("8388608TiB", &v) == XL_ERR_INVAL, "2^63 as TiB is too large");
    check("8388607.5TiB", (UINT64_C(8388607) << 40) + (UINT64_C(1) << 39));
    tap_ok(xl_size_parse("0x10000000", &v) == XL_ERR_INVAL && strstr(xl_error_message(), "hex"),
           "hex is named: %s", xl_error_message());
    tap_ok(xl_size_parse("9223372036854775807.6", &v) == XL_ERR_INVAL, "rounding up to 2^63 is too large");
    xl_size_format(XL_GiB, buf, sizeof(buf));
    TAP_EQ_STR(buf, "1 GiB", "format 1 GiB");
    xl_size_format(1536 * XL_MiB, buf, sizeof(buf));
    TAP_EQ_STR(buf, "1.5 GiB", "format 1.5 GiB");
    return tap_done();
}
