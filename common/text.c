#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 table 3-7), or 0
 * if the bytes there are not one. */
static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp_r)
{
    unsigned char c = s[0];
    size_t len, i;
    uint32_t cp, min;

    if (c < 0x80) {
        *cp_r = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2; cp = c & 0x1f; min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3; cp = c & 0x0f; min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4; cp = c & 0x07; min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *cp_r = cp;
    return len;
}

/* Code points shown escaped: controls, and those XML 1.0 does not allow. */
static int must_escape(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff;
}

size_t xl_text_sanitise(char *out, size_t out_size, const char *in, size_t in_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t used = 0, i = 0, len, k;
    char piece[32];
    size_t plen;
    uint32_t cp;

    if (!out_size)
        return 0;
    while (i < in_len) {
        len = utf8_len(s + i, in_len - i, &cp);
        if (len && !must_escape(cp)) {
            memcpy(piece, s + i, len);
            plen = len;
        } else if (len == 1 && cp == '\n') {
            memcpy(piece, "\\n", plen = 2);
        } else if (len == 1 && cp == '\r') {
            memcpy(piece, "\\r", plen = 2);
        } else if (len == 1 && cp == '\t') {
            memcpy(piece, "\\t", plen = 2);
        } else {
            /* A malformed byte is escaped alone: what follows may be fine. */
            if (!len)
                len = 1;
            for (plen = 0, k = 0; k < len; k++)
                plen += (size_t)snprintf(piece + plen, sizeof(piece) - plen, "\\x%02x", s[i + k]);
        }
        if (used + plen >= out_size)
            break;
        memcpy(out + used, piece, plen);
        used += plen;
        i += len;
    }
    out[used] = '\0';
    return used;
}

char *xl_text_sanitise_dup(const char *s)
{
    size_t n = strlen(s);
    /* Four output bytes per input byte at worst ("\xNN"). */
    char *out = malloc(4 * n + 1);

    /* As xl_malloc does; not called, since xl_error calls this file. */
    if (!out)
        abort();
    xl_text_sanitise(out, 4 * n + 1, s, n);
    return out;
}

void xl_text_ascii(char *s, size_t max)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
            s[i] = '?';
    if (i > max)
        s[max] = '\0';
}

void xl_text_ascii_lines(char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) && s[i] != '\n' && s[i] != '\t')
            s[i] = '?';
}
