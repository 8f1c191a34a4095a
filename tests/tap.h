/* A small TAP producer for C tests (meson's protocol : 'tap'). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline bool tap_ok(bool cond, const char *fmt, ...)
{
    va_list ap;

    printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (!cond)
        tap_failed++;
    return cond;
}

__attribute__((format(printf, 1, 2))) static inline void tap_diag(const char *fmt, ...)
{
    va_list ap;

    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

__attribute__((format(printf, 1, 2))) static inline void tap_skip_all(const char *fmt, ...)
{
    va_list ap;

    fputs("1..0 # SKIP ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    exit(0);
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#define TAP_EQ_INT(a, b, name)                                                                \
    tap_ok((long long)(a) == (long long)(b), "%s (got %lld, want %lld)", name, (long long)(a), \
           (long long)(b))
static inline bool tap_eq_str(const char *a, const char *b, const char *name)
{
    return tap_ok(a && b && strcmp(a, b) == 0, "%s (got \"%s\", want \"%s\")", name, a ? a : "(null)",
                  b ? b : "(null)");
}
#define TAP_EQ_STR(a, b, name) tap_eq_str((a), (b), (name))

/* Golden files (libvirt style): compare text with $XENLAB_SRCDIR/rel byte
 * for byte; XENLAB_REGEN=1 rewrites the file instead. */
static inline bool tap_golden(const char *actual, const char *rel, const char *name)
{
    const char *src = getenv("XENLAB_SRCDIR");
    char path[4096];
    FILE *f;
    char *want = NULL;
    size_t len = 0;
    bool same;

    snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
    if (getenv("XENLAB_REGEN")) {
        f = fopen(path, "w");
        if (f) {
            fputs(actual, f);
            fclose(f);
        }
        return tap_ok(f != NULL, "%s (regenerated %s)", name, rel);
    }
    f = fopen(path, "r");
    if (f) {
        want = calloc(1, 1 << 20);
        len = fread(want, 1, (1 << 20) - 1, f);
        fclose(f);
    }
    same = want && strlen(actual) == len && memcmp(actual, want, len) == 0;
    if (!same) {
        const char *texts[2] = { want ? want : "(missing)", actual };
        int t;

        for (t = 0; t < 2; t++) {
            const char *p = texts[t];

            printf("# --- %s\n", t == 0 ? rel : "got");
            while (*p) {
                const char *e = strchrnul(p, '\n');

                printf("# %.*s\n", (int)(e - p), p);
                p = *e ? e + 1 : e;
            }
        }
    }
    free(want);
    return tap_ok(same, "%s matches %s", name, rel);
}
