/* Making untrusted text (user arguments, spec fields, guest and journal
 * data) safe to show on one terminal line or in an XML-RPC string. */
#pragma once

#include <stddef.h>

/* Copies in[0..in_len) to out as one printable line of valid UTF-8:
 * \n, \r and \t become "\\n", "\\r", "\\t"; other C0 controls, DEL, C1
 * controls (U+0080..U+009F), U+FFFE/U+FFFF and every byte that is not part
 * of well-formed UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated
 * sequences) become "\\xNN" per byte; other UTF-8 is kept as is. A
 * backslash is kept, so sanitising twice changes nothing and a message can
 * be made safe where it is recorded and again where it is printed.
 * Always NUL-terminates (out_size > 0) and cuts only between whole
 * characters or escapes. Returns the bytes written, without the NUL. */
size_t xl_text_sanitise(char *out, size_t out_size, const char *in, size_t in_len);

/* The sanitised copy of a NUL-terminated string, in a new allocation. */
char *xl_text_sanitise_dup(const char *s);

/* Guest text as the XenStore channel carries it (printable ASCII, README
 * "The XenStore channel"): in place, every byte outside 0x20..0x7e becomes
 * '?', then s is cut to at most max bytes. The agent's error key and the
 * collector's reading of it both go through here. */
void xl_text_ascii(char *s, size_t max);

/* The same for output shown as lines (a command's output tails): newlines
 * and tabs are kept, every other byte outside 0x20..0x7e becomes '?'. XML
 * 1.0 and a terminal both take the result. */
void xl_text_ascii_lines(char *s);
