#include "cpuset.h"

#include <stdio.h>
#include <string.h>

#include "xl-util.h"

static void add(struct xl_cpuset *set, unsigned cpu)
{
    set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool xl_cpuset_has(const struct xl_cpuset *set, unsigned cpu)
{
    return cpu < XL_CPUSET_MAX && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

void xl_cpuset_add(struct xl_cpuset *set, unsigned cpu)
{
    if (cpu < XL_CPUSET_MAX)
        set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

void xl_cpuset_add_all(struct xl_cpuset *set, const struct xl_cpuset *from)
{
    for (size_t i = 0; i < XL_CPUSET_MAX / 64; i++)
        set->bits[i] |= from->bits[i];
}

bool xl_cpuset_empty(const struct xl_cpuset *set)
{
    for (size_t i = 0; i < XL_CPUSET_MAX / 64; i++)
        if (set->bits[i])
            return false;
    return true;
}

/* A decimal CPU number without sign or leading zero. */
static int number(const char **p, const char *what, const char *s, unsigned *v)
{
    unsigned n = 0;
    const char *q = *p;

    if (*q < '0' || *q > '9' || (q[0] == '0' && q[1] >= '0' && q[1] <= '9'))
        return xl_error(XL_ERR_INVAL, "%s: \"%s\": want CPU numbers and ranges like \"0-3,6\"", what, s);
    for (; *q >= '0' && *q <= '9'; q++) {
        n = n * 10 + (unsigned)(*q - '0');
        if (n >= XL_CPUSET_MAX)
            return xl_error(XL_ERR_INVAL, "%s: \"%s\": CPU numbers are below %d", what, s, XL_CPUSET_MAX);
    }
    *v = n;
    *p = q;
    return XL_OK;
}

int xl_cpuset_parse(const char *s, const char *what, struct xl_cpuset *set)
{
    const char *p = s;
    unsigned a, b, c;
    int rc;

    memset(set, 0, sizeof(*set));
    if (strlen(s) > 4096)
        return xl_error(XL_ERR_INVAL, "%s: longer than 4096 characters", what);
    for (;;) {
        rc = number(&p, what, s, &a);
        if (rc)
            return rc;
        b = a;
        if (*p == '-') {
            p++;
            rc = number(&p, what, s, &b);
            if (rc)
                return rc;
            if (b < a)
                return xl_error(XL_ERR_INVAL, "%s: \"%s\": range %u-%u runs backwards", what, s, a, b);
        }
        for (c = a; c <= b; c++)
            add(set, c);
        if (*p == '\0')
            return XL_OK;
        if (*p != ',')
            return xl_error(XL_ERR_INVAL, "%s: \"%s\": want CPU numbers and ranges like \"0-3,6\"", what, s);
        p++;
    }
}

unsigned xl_cpuset_end(const struct xl_cpuset *set)
{
    unsigned c = XL_CPUSET_MAX;

    while (c > 0 && !xl_cpuset_has(set, c - 1))
        c--;
    return c;
}

bool xl_cpuset_overlap(const struct xl_cpuset *a, const struct xl_cpuset *b)
{
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(a->bits); i++)
        if (a->bits[i] & b->bits[i])
            return true;
    return false;
}

char *xl_cpuset_format(const struct xl_cpuset *set, bool ranges)
{
    size_t cap = 64, used = 0;
    char *out = xl_malloc(cap);
    unsigned c = 0, end = xl_cpuset_end(set);

    out[0] = '\0';
    while (c < end) {
        unsigned last;
        char item[32];
        size_t n;

        if (!xl_cpuset_has(set, c)) {
            c++;
            continue;
        }
        for (last = c; ranges && last + 1 < end && xl_cpuset_has(set, last + 1); last++)
            ;
        n = last > c ? (size_t)snprintf(item, sizeof(item), "%s%u-%u", used ? "," : "", c, last)
                     : (size_t)snprintf(item, sizeof(item), "%s%u", used ? "," : "", c);
        if (used + n + 1 > cap) {
            cap = (used + n + 1) * 2;
            out = xl_realloc(out, cap);
        }
        memcpy(out + used, item, n + 1);
        used += n;
        c = last + 1;
    }
    return out;
}
