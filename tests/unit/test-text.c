/* xl_text_sanitise and the error buffer that uses it: one printable line of
 * valid UTF-8 whatever the user, guest or journal put in. */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "text.h"
#include "xl-util.h"

static void check(const char *in, size_t len, const char *want, const char *name)
{
    char out[256];

    xl_text_sanitise(out, sizeof(out), in, len);
    TAP_EQ_STR(out, want, name);
}

int main(void)
{
    char small[7], twice[64], out[256];
    size_t n;

    check("plain", 5, "plain", "printable ASCII is kept");
    check("a\nb\tc\rd", 7, "a\\nb\\tc\\rd", "newline, tab, CR become \\n \\t \\r");
    check("\x1b[31mred", 8, "\\x1b[31mred", "ESC becomes \\x1b");
    check("\x01\x7f", 2, "\\x01\\x7f", "other C0 and DEL become \\xNN");
    check("a\0b", 3, "a\\x00b", "an embedded NUL becomes \\x00");
    check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
          "valid 2-, 3- and 4-byte UTF-8 is kept");
    check("\xc2\x9b" "1m", 4, "\\xc2\\x9b1m", "a C1 control (CSI, U+009B) is escaped");
    check("\xff\xfe", 2, "\\xff\\xfe", "bytes that are never UTF-8 are escaped");
    check("\xc0\xaf", 2, "\\xc0\\xaf", "an overlong '/' is escaped");
    check("\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf", "an overlong 3-byte form is escaped");
    check("\xed\xa0\x80", 3, "\\xed\\xa0\\x80", "a UTF-16 surrogate is escaped");
    check("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80", "above U+10FFFF is escaped");
    check("\xe2\x82" "A", 3, "\\xe2\\x82A", "a truncated sequence is escaped, what follows kept");
    check("\xc3", 1, "\\xc3", "a sequence cut by the end is escaped");
    check("\xef\xbf\xbe", 3, "\\xef\\xbf\\xbe", "U+FFFE (not an XML character) is escaped");
    check("back\\slash", 10, "back\\slash", "a backslash is kept");

    xl_text_sanitise(out, sizeof(out), "a\n\x1b\xff", 4);
    strcpy(twice, out);
    xl_text_sanitise(out, sizeof(out), twice, strlen(twice));
    TAP_EQ_STR(out, twice, "sanitising twice changes nothing");

    n = xl_text_sanitise(small, sizeof(small), "abcd\nef", 7);
    tap_ok(n == 6 && strcmp(small, "abcd\\n") == 0, "cut before what does not fit (got \"%s\")", small);
    n = xl_text_sanitise(small, sizeof(small), "abcde\nf", 7);
    tap_ok(n == 5 && strcmp(small, "abcde") == 0, "an escape is never cut in half (got \"%s\")", small);
    n = xl_text_sanitise(small, sizeof(small), "abcd\xe2\x82\xac", 7);
    tap_ok(n == 4 && strcmp(small, "abcd") == 0, "a UTF-8 character is never cut in half (got \"%s\")", small);

    {
        xl_autofree char *d = xl_text_sanitise_dup("\x1b\x1b\x1b");

        TAP_EQ_STR(d, "\\x1b\\x1b\\x1b", "the dup form has room for the worst case");
    }

    /* The error buffer: what the CLI, journals and XAPI replies show. */
    xl_error(XL_ERR_INVAL, "arms[0].name: \"%s\"", "a\nb\x1b[31m\xff");
    TAP_EQ_STR(xl_error_message(), "arms[0].name: \"a\\nb\\x1b[31m\\xff\"", "xl_error records the escaped form");
    xl_error_prefix(XL_ERR_INVAL, "%s", "spec\n.json");
    TAP_EQ_STR(xl_error_message(), "spec\\n.json: arms[0].name: \"a\\nb\\x1b[31m\\xff\"",
               "xl_error_prefix escapes the prefix, keeps the rest");
    xl_error_errno(XL_ERR_FAIL, 2, "%s", "/tmp/\tx");
    tap_ok(strncmp(xl_error_message(), "/tmp/\\tx: ", 10) == 0, "xl_error_errno escapes (got %s)",
           xl_error_message());

    /* The XenStore channel's form: printable ASCII, '?' for anything else. */
    {
        char g[] = "caf\xc3\xa9\n\x1b[1m~\x7f";

        xl_text_ascii(g, SIZE_MAX);
        TAP_EQ_STR(g, "caf\?\?\?\?[1m~\?", "xl_text_ascii: every byte outside 0x20..0x7e becomes '?'");
        xl_text_ascii(g, 3);
        TAP_EQ_STR(g, "caf", "xl_text_ascii: cut to max bytes");
        xl_text_ascii(g, 3);
        TAP_EQ_STR(g, "caf", "xl_text_ascii: a string within max is kept");
    }
    return tap_done();
}
