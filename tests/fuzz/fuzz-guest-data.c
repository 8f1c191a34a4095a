/* Fuzz target for everything dom0 parses from a guest: a result value or
 * chunk set as the collector reads it (xl_xs_value_read over an in-memory
 * store, then xl_collector_parse_result), a bare result document
 * (xl_result_from_json) and a plan (xl_plan_from_json, which the guest agent
 * parses from XenStore). The first byte picks the parser:
 *   'r' result JSON      'p' plan JSON
 *   's' a store: lines NAME=VALUE, NAME "" for the key itself, "chunks" or a
 *       chunk number; read as result slot 3 of arm "vm1", max_trials 2.
 *   'l' a trial log document (xl_log_doc_parse), and the input as a log
 *       path (xl_log_path_ok).
 * Built as a libFuzzer target with -Dfuzz=true (clang), and with
 * fuzz-replay.c as a plain program that replays the corpus. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "json-util.h"
#include "plan.h"
#include "result.h"
#include "trial-log.h"
#include "xl-util.h"
#include "xs-layout.h"

#define MAX_NODES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct store {
    char name[MAX_NODES][32];
    const char *val[MAX_NODES];
    size_t len[MAX_NODES];
    size_t n;
};

static int store_read(void *opaque, const char *path, size_t max, char **val_r, size_t *len_r)
{
    struct store *s = opaque;
    const char *rel;
    size_t i;

    if (strncmp(path, "/k", 2) != 0)
        return XL_ERR_NOTFOUND;
    rel = path[2] == '/' ? path + 3 : path + 2;
    for (i = 0; i < s->n; i++) {
        if (strcmp(s->name[i], rel) != 0)
            continue;
        if (s->len[i] > max)
            return xl_error(XL_ERR_GUEST, "%s: more than %zu", path, max);
        *val_r = xl_strndup(s->val[i], s->len[i]);
        *len_r = s->len[i];
        return XL_OK;
    }
    return XL_ERR_NOTFOUND;
}

static void fuzz_store(const char *text, size_t size)
{
    struct store s = { .n = 0 };
    const char *p = text, *end = text + size;
    char *val = NULL;
    size_t len = 0;

    while (p < end && s.n < MAX_NODES) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eq;

        if (!nl)
            nl = end;
        eq = memchr(p, '=', (size_t)(nl - p));
        if (eq && (size_t)(eq - p) < sizeof(s.name[0])) {
            memcpy(s.name[s.n], p, (size_t)(eq - p));
            s.name[s.n][eq - p] = '\0';
            s.val[s.n] = eq + 1;
            s.len[s.n] = (size_t)(nl - eq - 1);
            s.n++;
        }
        p = nl + 1;
    }
    if (xl_xs_value_read(store_read, &s, "/k", XL_RESULT_MAX_BYTES, &val, &len) == XL_OK) {
        struct xl_result r;

        if (strlen(val) != len || len > XL_RESULT_MAX_BYTES)
            __builtin_trap();
        xl_result_init(&r);
        if (xl_collector_parse_result(val, len, "/k", "vm1", 2, 3, &r) == XL_OK && (r.trial != 2 || strcmp(r.arm, "vm1")))
            __builtin_trap();
        xl_result_dispose(&r);
    }
    free(val);
}

static void fuzz_result(const char *text, size_t size)
{
    json_object *obj = NULL;
    struct xl_result r;

    xl_result_init(&r);
    if (xl_json_parse(text, size, "result", &obj) == XL_OK && xl_result_from_json(obj, "result", &r) == XL_OK) {
        /* What we accept, we can write back and accept again. */
        json_object *back = xl_result_to_json(&r);
        const char *t = xl_json_compact(back);
        json_object *again = NULL;
        struct xl_result r2;

        xl_result_init(&r2);
        if (xl_json_parse(t, strlen(t), "again", &again) != XL_OK ||
            xl_result_from_json(again, "again", &r2) != XL_OK)
            __builtin_trap();
        json_object_put(again);
        json_object_put(back);
        xl_result_dispose(&r2);
    }
    json_object_put(obj);
    xl_result_dispose(&r);
}

static void fuzz_log(const char *text, size_t size)
{
    char *got = NULL, *path = xl_strndup(text, size);
    size_t i, n;

    (void)xl_log_path_ok(path);
    free(path);
    if (xl_log_doc_parse(text, size, "log", &got) == XL_OK) {
        n = strlen(got);
        /* What dom0 stores is printable lines, bounded. */
        if (n > XL_LOG_MAX_BYTES + XL_LOG_MARK_MAX)
            __builtin_trap();
        for (i = 0; i < n; i++)
            if (!(got[i] == '\n' || got[i] == '\t' || (got[i] >= 0x20 && got[i] < 0x7f)))
                __builtin_trap();
        /* And a guest writing it again gets the same text through. */
        if (n <= XL_LOG_MAX_BYTES) {
            char *doc = xl_log_doc_format(got, XL_LOG_DOC_MAX_BYTES), *again = NULL;

            if (!doc || xl_log_doc_parse(doc, strlen(doc), "again", &again) != XL_OK || strcmp(again, got) != 0)
                __builtin_trap();
            free(again);
            free(doc);
        }
    }
    free(got);
}

static void fuzz_plan(const char *text, size_t size)
{
    json_object *obj = NULL;
    struct xl_plan p;

    xl_plan_init(&p);
    if (xl_json_parse(text, size, "plan", &obj) == XL_OK && xl_plan_from_json(obj, "plan", &p) == XL_OK) {
        json_object *back = xl_plan_to_json(&p);

        (void)xl_plan_nr_slots(&p);
        json_object_put(back);
    }
    json_object_put(obj);
    xl_plan_dispose(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data + 1;

    if (size < 1 || size > 2 * XL_LOG_DOC_MAX_BYTES)
        return 0;
    switch (data[0]) {
    case 'r': fuzz_result(text, size - 1); break;
    case 'p': fuzz_plan(text, size - 1); break;
    case 's': fuzz_store(text, size - 1); break;
    case 'l': fuzz_log(text, size - 1); break;
    default: break;
    }
    return 0;
}
