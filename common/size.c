#include "size.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xl-util.h"

struct unit { const char *suffix; uint64_t factor; };

static const struct unit units[] = {
    { "", 1 }, { "b", 1 },
    { "k", UINT64_C(1) << 10 }, { "kib", UINT64_C(1) << 10 }, { "kb", UINT64_C(1000) },
    { "m", UINT64_C(1) << 20 }, { "mib", UINT64_C(1) << 20 }, { "mb", UINT64_C(1000000) },
    { "g", UINT64_C(1) << 30 }, { "gib", UINT64_C(1) << 30 }, { "gb", UINT64_C(1000000000) },
    { "t", UINT64_C(1) << 40 }, { "tib", UINT64_C(1) << 40 }, { "tb", UINT64_C(1000000000000) },
};

/* Largest size we hand out: sizes end up in int64_t fields (OCI memory
 * limits, libxl memkb arithmetic), so 2^63 and up is out of range. */
#define SIZE_MAX_BYTES ((uint64_t)INT64_MAX)
#define MAX_FRACTION_DIGITS 9

/* Strict grammar, checked by hand rather than with strtod, which would take
 * "0x10000000", "1e3", " 1", "+1", "inf" and "nan":
 *   DIGITS [ "." DIGITS ] [ " " ] [ UNIT ]
 * The value is computed in integers so that nothing near 2^64 wraps. */
int xl_size_parse(const char *text, uint64_t *bytes_r)
{
    const char *p = text, *unit;
    uint64_t whole = 0, frac = 0, frac_scale = 1, factor, bytes, frac_bytes;
    size_t i, nr_frac = 0;

    if (!text || !*text)
        return xl_error(XL_ERR_INVAL, "empty size");
    if (!isdigit((unsigned char)*p))
        return xl_error(XL_ERR_INVAL, "\"%s\": a size starts with a digit", text);
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        return xl_error(XL_ERR_INVAL, "\"%s\": hex is not allowed, write the size in decimal", text);
    if (p[0] == '0' && isdigit((unsigned char)p[1]))
        return xl_error(XL_ERR_INVAL, "\"%s\": leading zeros are not allowed (octal?)", text);
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');

        if (whole > (UINT64_MAX - d) / 10)
            return xl_error(XL_ERR_INVAL, "\"%s\": too large (at most %llu bytes)", text,
                            (unsigned long long)SIZE_MAX_BYTES);
        whole = whole * 10 + d;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return xl_error(XL_ERR_INVAL, "\"%s\": a fraction needs digits after the '.'", text);
        for (; isdigit((unsigned char)*p); p++) {
            if (++nr_frac > MAX_FRACTION_DIGITS)
                return xl_error(XL_ERR_INVAL, "\"%s\": more than %d digits after the '.'", text,
                                MAX_FRACTION_DIGITS);
            frac = frac * 10 + (uint64_t)(*p - '0');
            frac_scale *= 10;
        }
    }
    if (*p == ' ' && p[1] != '\0' && p[1] != ' ')
        p++;
    unit = p;
    for (i = 0; i < XL_ARRAY_SIZE(units); i++) {
        if (strcasecmp(unit, units[i].suffix) == 0)
            break;
    }
    if (i == XL_ARRAY_SIZE(units))
        return xl_error(XL_ERR_INVAL, "\"%s\": unknown unit \"%s\" (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)",
                        text, unit);
    /* Case matters for nothing but "MB" vs "mb": both decimal; "m" binary. */
    factor = units[i].factor;
    if (whole > SIZE_MAX_BYTES / factor)
        return xl_error(XL_ERR_INVAL, "\"%s\": too large (at most %llu bytes)", text,
                        (unsigned long long)SIZE_MAX_BYTES);
    bytes = whole * factor;
    /* round(frac * factor / frac_scale) without overflowing frac * factor:
     * split factor = q * frac_scale + r; frac * q < factor, frac * r < 10^18. */
    frac_bytes = frac * (factor / frac_scale) + (frac * (factor % frac_scale) + frac_scale / 2) / frac_scale;
    if (frac_bytes > SIZE_MAX_BYTES - bytes)
        return xl_error(XL_ERR_INVAL, "\"%s\": too large (at most %llu bytes)", text,
                        (unsigned long long)SIZE_MAX_BYTES);
    *bytes_r = bytes + frac_bytes;
    return XL_OK;
}

void xl_size_format(uint64_t bytes, char *buf, size_t len)
{
    static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    size_t u = 0;

    while (u + 1 < XL_ARRAY_SIZE(names) && v >= 1024.0) {
        v /= 1024.0;
        u++;
    }
    if (v == floor(v))
        snprintf(buf, len, "%.0f %s", v, names[u]);
    else
        snprintf(buf, len, "%.1f %s", v, names[u]);
}
