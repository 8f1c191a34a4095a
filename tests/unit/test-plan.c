#include <stdlib.h>

#include "json-util.h"
#include "plan.h"
#include "tap.h"
#include "xl-util.h"

static int plan_from_text(const char *text, struct xl_plan *p)
{
    json_object *o = NULL;
    int rc = xl_json_parse(text, strlen(text), "plan", &o);

    if (!rc)
        rc = xl_plan_from_json(o, "plan", p);
    json_object_put(o);
    return rc;
}

static void hostile(const char *text, const char *why)
{
    struct xl_plan p;

    xl_plan_init(&p);
    tap_ok(plan_from_text(text, &p) == XL_ERR_INVAL, "rejects %s: %s", why, xl_error_message());
    xl_plan_dispose(&p);
}

int main(void)
{
    char *path = xl_asprintf("%s/templates/seed-vm-vs-container.json", getenv("XENLAB_SRCDIR"));
    struct xl_spec s;
    struct xl_plan p, back;
    json_object *o;
    char *text;

    xl_spec_init(&s);
    xl_plan_init(&p);
    xl_plan_init(&back);
    tap_ok(xl_spec_load(path, &s) == 0, "seed spec loads");
    tap_ok(xl_plan_from_spec(&s, xl_spec_find_arm(&s, "vm2"), 1, "run-1", &p) == 0, "plan for vm2");
    o = xl_plan_to_json(&p);
    text = xl_asprintf("%s\n", xl_json_pretty(o));
    tap_golden(text, "tests/data/plan/seed-vm2.json", "vm2 plan");
    tap_ok(strlen(xl_json_compact(o)) < 1000, "the seed plan fits one XenStore value (%zu bytes)",
           strlen(xl_json_compact(o)));
    tap_ok(plan_from_text(xl_json_compact(o), &back) == 0, "plan round trip parses (%s)", xl_error_message());
    TAP_EQ_INT(back.nr_items, 5, "five items");
    tap_ok(back.in_container && back.container.cpus == 1.0, "container arm survives the round trip");
    TAP_EQ_INT(xl_plan_nr_slots(&back), 15, "15 result slots");
    TAP_EQ_INT(xl_plan_slot(&back, 2, 3), 8, "item 2 trial 3 is slot 8");
    json_object_put(o);
    free(text);

    /* A resumed run tells the guest which slots dom0 already holds. */
    xl_plan_skip_slot(&p, 0);
    xl_plan_skip_slot(&p, 7);
    xl_plan_skip_slot(&p, 999);
    o = xl_plan_to_json(&p);
    xl_plan_dispose(&back);
    xl_plan_init(&back);
    tap_ok(plan_from_text(xl_json_compact(o), &back) == 0, "a plan with skipped slots parses");
    tap_ok(xl_plan_skipped(&back, 0) && xl_plan_skipped(&back, 7) && !xl_plan_skipped(&back, 1) &&
               !xl_plan_skipped(&back, 999),
           "skipped slots survive the round trip; out-of-range ones are dropped");
    json_object_put(o);

    hostile("{\"xenlab\":\"plan/2\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "an unknown schema");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r/../x\",\"arm\":\"a\",\"trials\":1,\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "a run id with a path in it");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"items\":[]}", "no items");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1000,\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "too many trials");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"items\":[{\"id\":\"nqueens\",\"n\":8,\"x\":1}]}",
            "an unknown item field");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"run_in\":{\"container\":{\"cpus\":-1,\"memory\":\"1GiB\"}},\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "negative container CPUs");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"run_in\":{\"container\":{\"cpus\":1e-308,\"memory\":\"1GiB\"}},\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "container CPUs that round to a zero quota");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"run_in\":{\"container\":{\"cpus\":0.009,\"memory\":\"1GiB\"}},\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "container CPUs under 0.01");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"replica\":null,\"trials\":1,\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "a null optional field (not the same as leaving it out)");
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"run_in\":null,\"items\":[{\"id\":\"nqueens\",\"n\":8}]}",
            "a null run_in");
    tap_ok(strstr(xl_error_message(), "run_in: must be") && strstr(xl_error_message(), "not null"),
           "  and the reason names run_in and null: %s", xl_error_message());
    hostile("{\"xenlab\":\"plan/1\",\"run\":\"r\",\"arm\":\"a\",\"trials\":1,\"items\":[{\"id\":\"nqueens\",\"n\":8}],\"skip\":[1]}",
            "a skipped slot out of range");
    xl_plan_dispose(&p);
    xl_plan_dispose(&back);
    xl_spec_dispose(&s);
    free(path);
    return tap_done();
}
