/* The trial log document (common/trial-log.h): its share of XenStore, the
 * head cut that keeps the tail, the strict reader and the path check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "trial-log.h"
#include "xl-util.h"
#include "xs-layout.h"

static char *parse(const char *doc, int *rc)
{
    char *text = NULL;

    *rc = xl_log_doc_parse(doc, strlen(doc), "log/0", &text);
    return text;
}

int main(void)
{
    char *big = xl_malloc(200001), *doc, *text;
    int rc;

    TAP_EQ_INT((int)xl_log_doc_cap(1), XL_LOG_DOC_MAX_BYTES, "one slot: the whole 64 KiB log");
    TAP_EQ_INT((int)xl_log_doc_cap(33), 10 * XL_XS_CHUNK_BYTES, "33 slots: (400/33 - 2) chunks each");
    TAP_EQ_INT((int)xl_log_doc_cap(150), XL_XS_CHUNK_BYTES, "150 slots: one node each");
    TAP_EQ_INT((int)xl_log_doc_cap(256), XL_XS_CHUNK_BYTES, "256 slots, the most a plan has: still one node each");
    TAP_EQ_INT((int)xl_log_doc_cap(0), 0, "no slots: none");

    doc = xl_log_doc_format("line 1\nline \"2\"\n", 1000);
    TAP_EQ_STR(doc, "{\"xenlab\":\"log/1\",\"text\":\"line 1\\nline \\\"2\\\"\\n\"}", "a short log as it is");
    text = parse(doc, &rc);
    TAP_EQ_INT(rc, 0, "... read back");
    /* Multi-line: compared, not printed (TAP has one line per result). */
    tap_ok(text && strcmp(text, "line 1\nline \"2\"\n") == 0, "... the same text");
    free(text);
    free(doc);

    /* 200,000 bytes of newlines (each doubles in JSON), ending "END". */
    memset(big, '\n', 200000);
    memcpy(big + 199997, "END", 4);
    doc = xl_log_doc_format(big, 5000);
    tap_ok(doc && strlen(doc) <= 5000, "a long log fits its cap (%zu bytes)", doc ? strlen(doc) : 0);
    text = doc ? parse(doc, &rc) : NULL;
    tap_ok(text && strstr(text, "bytes cut]\n") && strcmp(text + strlen(text) - 3, "END") == 0,
           "... the head cut and said, the tail kept");
    free(text);
    free(doc);
    doc = xl_log_doc_format(big, XL_LOG_DOC_MAX_BYTES);
    text = doc ? parse(doc, &rc) : NULL;
    tap_ok(text && strlen(text) <= XL_LOG_MAX_BYTES + XL_LOG_MARK_MAX, "at most 64 KiB of text, whatever the cap");
    free(text);
    free(doc);
    doc = xl_log_doc_format("x", 10);
    tap_ok(doc == NULL, "a cap too small for the frame gives no document");
    free(doc);

    text = parse("{\"xenlab\":\"log/1\",\"text\":\"a\\u0001b\\u00e9\\tc\"}", &rc);
    TAP_EQ_STR(text, "a?b??\tc", "controls and non-ASCII become '?', tabs stay");
    free(text);
    text = parse("{\"xenlab\":\"log/1\",\"text\":\"a\\u0000b\"}", &rc);
    tap_ok(rc && !text && strstr(xl_error_message(), "NUL"), "a NUL is refused (%s)", xl_error_message());
    parse("{\"xenlab\":\"result/1\",\"text\":\"a\"}", &rc);
    tap_ok(rc && strstr(xl_error_message(), "log/1"), "another schema is refused");
    parse("{\"xenlab\":\"log/1\",\"text\":7}", &rc);
    tap_ok(rc && strstr(xl_error_message(), "log/0.text"), "a text that is not a string is refused, naming it");
    parse("[1]", &rc);
    tap_ok(rc != 0, "not an object: refused");
    memset(big, 'a', 200000);
    big[200000] = '\0';
    {
        char *huge = xl_asprintf("{\"xenlab\":\"log/1\",\"text\":\"%s\"}", big);

        parse(huge, &rc);
        tap_ok(rc && strstr(xl_error_message(), "more than"), "a document over the bound is refused");
        free(huge);
    }

    tap_ok(xl_log_path_ok("logs/xl-20261203-1-vm1-1/0.log"), "dom0's path passes");
    tap_ok(xl_log_path_ok("logs/a_b.c-d/255.log"), "names with . _ - pass");
    tap_ok(!xl_log_path_ok("logs/../0.log") && !xl_log_path_ok("logs/.x/0.log"), "dot names fail");
    tap_ok(!xl_log_path_ok("/etc/passwd") && !xl_log_path_ok("logs/a/b/0.log") && !xl_log_path_ok("logs/a/0.txt") &&
               !xl_log_path_ok("logs/a/x.log") && !xl_log_path_ok("logs//0.log") && !xl_log_path_ok("logs/a/.log"),
           "other paths fail");
    free(big);
    return tap_done();
}
