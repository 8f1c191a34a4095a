#include "json-util.h"
#include "result.h"
#include "tap.h"
#include "xl-util.h"

static int parse(const char *text, struct xl_result *r)
{
    json_object *o = NULL;
    int rc = xl_json_parse(text, strlen(text), "doc", &o);

    if (!rc)
        rc = xl_result_from_json(o, "doc", r);
    json_object_put(o);
    return rc;
}

static void hostile(const char *text, const char *why)
{
    struct xl_result r;
    int rc;

    xl_result_init(&r);
    rc = parse(text, &r);
    tap_ok(rc != 0, "rejects %s: %s", why, xl_error_message());
    xl_result_dispose(&r);
}

#define DOC(extra) "{\"xenlab\":\"result/1\",\"benchmark\":\"nqueens\",\"variant\":\"n18\",\"label\":\"N-Queens, N=18\"," \
                   "\"unit\":\"s\",\"better\":\"lower\",\"arm\":\"vm1\"" extra "}"

int main(void)
{
    struct xl_result r, back;
    struct xl_bench_params p;
    json_object *o;

    xl_result_init(&r);
    xl_result_init(&back);
    xl_bench_params_init(&p);
    p.kind = XL_BENCH_MEMORY;
    p.kernel = XL_MEM_ADD;
    xl_result_set_bench(&r, &p);
    snprintf(r.arm, sizeof(r.arm), "vm2");
    r.trial = 2;
    r.ok = true;
    r.value = 5652.15;
    r.ended = 1795533970.534;
    o = xl_result_to_json(&r);
    tap_ok(xl_result_from_json(o, "doc", &back) == 0, "a worker document validates");
    TAP_EQ_STR(back.variant, "add-fp", "variant");
    TAP_EQ_STR(back.label, "Memory Add FP", "label");
    tap_ok(back.value == 5652.15 && back.trial == 2 && !back.lower_is_better, "value, trial and direction");
    tap_ok(strstr(xl_json_compact(o), "\"ended\":1795533970.534") != NULL && back.ended == r.ended,
           "the trial's end time survives to the millisecond: %s", xl_json_compact(o));
    json_object_put(o);
    xl_result_dispose(&back);

    xl_result_init(&back);
    tap_ok(parse(DOC(",\"trial\":1,\"status\":\"failed\",\"error\":\"out of memory\"") , &back) == 0 && !back.ok &&
               strcmp(back.error, "out of memory") == 0,
           "a failed trial carries its reason");
    xl_result_dispose(&back);
    xl_result_init(&back);
    tap_ok(parse(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":1.5,\"future\":[1,2]"), &back) == 0,
           "unknown fields are ignored");
    xl_result_dispose(&back);

    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":\"fast\""), "a string value");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":-3"), "a negative value");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\""), "a missing value");
    hostile(DOC(",\"trial\":0,\"status\":\"ok\",\"value\":1"), "trial 0");
    hostile(DOC(",\"trial\":99999999999,\"status\":\"ok\",\"value\":1"), "a trial far out of range");
    hostile(DOC(",\"trial\":1,\"status\":\"maybe\",\"value\":1"), "an unknown status");
    hostile("{\"xenlab\":\"result/1\",\"benchmark\":\"nq\\u00e9\",\"variant\":\"n\",\"label\":\"x\",\"unit\":\"s\","
            "\"better\":\"lower\",\"trial\":1,\"status\":\"ok\",\"value\":1}", "non-ASCII text");
    hostile("{\"xenlab\":\"result/1\",\"benchmark\":\"Nq Ueens\",\"variant\":\"n\",\"label\":\"x\",\"unit\":\"s\","
            "\"better\":\"lower\",\"trial\":1,\"status\":\"ok\",\"value\":1}", "a benchmark that is no identifier");
    hostile("{\"xenlab\":\"result/1\",\"benchmark\":\"nqueens\",\"variant\":\"n18\",\"label\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
            "\"unit\":\"s\",\"better\":\"lower\",\"trial\":1,\"status\":\"ok\",\"value\":1}", "an oversize label");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":1,\"env\":[]"), "an env that is not an object");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":1,\"ended\":\"now\""), "an end time that is no number");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":1,\"ended\":-1"), "an end time before the Epoch");
    hostile(DOC(",\"trial\":1,\"status\":\"ok\",\"value\":1,\"ended\":1e300"), "an end time far in the future");
    hostile("{\"xenlab\":\"result/0\"}", "an old schema");
    hostile("[]", "an array");
    xl_result_dispose(&r);
    return tap_done();
}
