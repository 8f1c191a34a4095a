#include "size.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xl-util.h"

struct unit { const char *suffix; double factor; };

static const struct unit units[] = {
    { "", 1 }, { "b", 1 },
    { "k", 1024.0 }, { "kib", 1024.0 }, { "kb", 1e3 },
    { "m", 1048576.0 }, { "mib", 1048576.0 }, { "mb", 1e6 },
    { "g", 1073741824.0 }, { "gib", 1073741824.0 }, { "gb", 1e9 },
    { "t", 1099511627776.0 }, { "tib", 1099511627776.0 }, { "tb", 1e12 },
};

int xl_size_parse(const char *text, uint64_t *bytes_r)
{
    const char *p = text;
    char *end = NULL;
    double num, bytes;
    size_t i;

    if (!text || !*text)
        return xl_error(XL_ERR_INVAL, "empty size");
    if (!isdigit((unsigned char)*p))
        return xl_error(XL_ERR_INVAL, "\"%s\": a size starts with a digit", text);
    errno = 0;
    num = strtod(p, &end);
    if (errno || end == p)
        return xl_error(XL_ERR_INVAL, "\"%s\": not a size", text);
    while (*end == ' ')
        end++;
    for (i = 0; i < XL_ARRAY_SIZE(units); i++) {
        if (strcasecmp(end, units[i].suffix) == 0)
            break;
    }
    if (i == XL_ARRAY_SIZE(units))
        return xl_error(XL_ERR_INVAL, "\"%s\": unknown unit \"%s\" (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)",
                        text, end);
    /* Case matters for nothing but "MB" vs "mb": both decimal; "m" binary. */
    bytes = num * units[i].factor;
    if (!isfinite(bytes) || bytes >= 18446744073709551615.0)
        return xl_error(XL_ERR_INVAL, "\"%s\": too large", text);
    *bytes_r = (uint64_t)llround(bytes);
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
