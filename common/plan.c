#include "plan.h"

#include <string.h>

#include "json-util.h"
#include "xl-util.h"

void xl_plan_init(struct xl_plan *p)
{
    memset(p, 0, sizeof(*p));
    xl_trial_policy_default(&p->policy);
    p->replica = 1;
    xl_container_spec_init(&p->container);
}

void xl_plan_dispose(struct xl_plan *p)
{
    size_t i;

    free(p->run_id);
    free(p->arm);
    xl_container_spec_dispose(&p->container);
    for (i = 0; i < p->nr_items; i++)
        xl_bench_params_dispose(&p->items[i]);
    free(p->items);
    free(p->skip);
    xl_plan_init(p);
}

int xl_plan_from_spec(const struct xl_spec *s, const struct xl_arm *arm, unsigned replica,
                      const char *run_id, struct xl_plan *p)
{
    size_t i;

    if (s->nr_benches > XL_PLAN_MAX_ITEMS)
        return xl_error(XL_ERR_INVAL, "benchmarks: more than %d variants", XL_PLAN_MAX_ITEMS);
    if (s->nr_benches * s->policy.max_trials > XL_PLAN_MAX_SLOTS)
        return xl_error(XL_ERR_INVAL, "benchmarks x max_trials: more than %d results per guest", XL_PLAN_MAX_SLOTS);
    p->run_id = xl_strdup(run_id);
    p->arm = xl_strdup(arm->name);
    p->replica = replica;
    p->policy = s->policy;
    p->trial_timeout_s = s->trial_timeout_s;
    p->in_container = arm->in_container;
    p->grow_root = arm->disk > 0;
    if (arm->in_container)
        xl_container_spec_copy(&p->container, &arm->container);
    p->items = xl_calloc(s->nr_benches, sizeof(*p->items));
    for (i = 0; i < s->nr_benches; i++)
        xl_bench_params_copy(&p->items[i], &s->benches[i]);
    p->nr_items = s->nr_benches;
    return XL_OK;
}

json_object *xl_plan_to_json(const struct xl_plan *p)
{
    json_object *o = json_object_new_object(), *items = json_object_new_array();
    size_t i;

    xl_json_add(o, "xenlab", xl_json_str(XL_PLAN_SCHEMA));
    xl_json_add(o, "run", xl_json_str(p->run_id));
    xl_json_add(o, "arm", xl_json_str(p->arm));
    xl_json_add(o, "replica", json_object_new_int((int)p->replica));
    xl_json_add(o, "trials", json_object_new_int((int)p->policy.trials));
    xl_json_add(o, "max_trials", json_object_new_int((int)p->policy.max_trials));
    xl_json_add(o, "target_deviation", json_object_new_double(p->policy.target_dev_pct));
    if (p->policy.target_ci_pct > 0)
        xl_json_add(o, "target_ci", json_object_new_double(p->policy.target_ci_pct));
    xl_json_add(o, "trial_timeout", json_object_new_int((int)p->trial_timeout_s));
    if (p->grow_root)
        xl_json_add(o, "grow_root", json_object_new_boolean(1));
    if (p->in_container) {
        json_object *ri = json_object_new_object();

        xl_json_add(ri, "container", xl_container_spec_to_json(&p->container));
        xl_json_add(o, "run_in", ri);
    } else {
        xl_json_add(o, "run_in", xl_json_str("guest"));
    }
    for (i = 0; i < p->nr_items; i++)
        json_object_array_add(items, xl_bench_params_to_json(&p->items[i]));
    xl_json_add(o, "items", items);
    if (p->skip) {
        json_object *skip = json_object_new_array();

        for (i = 0; i < xl_plan_nr_slots(p); i++)
            if (p->skip[i])
                json_object_array_add(skip, json_object_new_int((int)i));
        xl_json_add(o, "skip", skip);
    }
    return o;
}

static bool valid_token(const char *s, size_t max)
{
    size_t i;

    if (!*s)
        return false;
    for (i = 0; s[i]; i++) {
        char c = s[i];

        if (i >= max)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.'))
            return false;
    }
    return true;
}

int xl_plan_from_json(json_object *obj, const char *what, struct xl_plan *p)
{
    static const char *const keys[] = { "xenlab", "run", "arm", "replica", "trials", "max_trials",
                                        "target_deviation", "target_ci", "trial_timeout", "grow_root", "run_in", "items", "skip", NULL };
    const char *schema = NULL, *run = NULL, *arm = NULL;
    json_object *items = NULL, *run_in = NULL;
    int64_t v;
    size_t i;
    int rc;

    rc = xl_json_need_object(obj, what);
    if (!rc)
        rc = xl_json_check_keys(obj, "", keys);
    if (!rc)
        rc = xl_json_get_string(obj, "", "xenlab", true, 16, &schema);
    if (rc)
        goto out;
    if (strcmp(schema, XL_PLAN_SCHEMA) != 0) {
        rc = xl_error(XL_ERR_INVAL, "xenlab: unsupported plan schema \"%s\" (want %s)", schema, XL_PLAN_SCHEMA);
        goto out;
    }
    rc = xl_json_get_string(obj, "", "run", true, XL_RUN_ID_MAX, &run);
    if (!rc && !valid_token(run, XL_RUN_ID_MAX))
        rc = xl_error(XL_ERR_INVAL, "run: \"%s\" is not a run id", run);
    if (!rc)
        rc = xl_json_get_string(obj, "", "arm", true, XL_NAME_MAX, &arm);
    if (!rc && !valid_token(arm, XL_NAME_MAX))
        rc = xl_error(XL_ERR_INVAL, "arm: \"%s\" is not an arm name", arm);
    if (rc)
        goto out;
    p->run_id = xl_strdup(run);
    p->arm = xl_strdup(arm);
    v = 1;
    rc = xl_json_get_int(obj, "", "replica", false, 1, 64, &v);
    p->replica = (unsigned)v;
    v = 3;
    if (!rc)
        rc = xl_json_get_int(obj, "", "trials", true, 1, XL_SPEC_MAX_TRIALS, &v);
    p->policy.trials = (unsigned)v;
    if (!rc)
        rc = xl_json_get_int(obj, "", "max_trials", false, (int64_t)p->policy.trials, XL_SPEC_MAX_TRIALS, &v);
    p->policy.max_trials = (unsigned)v;
    if (!rc)
        rc = xl_json_get_double(obj, "", "target_deviation", false, 0, 100, &p->policy.target_dev_pct);
    if (!rc)
        rc = xl_json_get_double(obj, "", "target_ci", false, 0, 100, &p->policy.target_ci_pct);
    v = 0;
    if (!rc)
        rc = xl_json_get_int(obj, "", "trial_timeout", false, 0, 7 * 86400, &v);
    p->trial_timeout_s = (unsigned)v;
    if (!rc)
        rc = xl_json_get_bool(obj, "", "grow_root", false, &p->grow_root);
    if (rc)
        goto out;
    if (json_object_object_get_ex(obj, "run_in", &run_in) && !run_in) {
        rc = xl_error(XL_ERR_INVAL, "run_in: must be \"guest\" or {\"container\": {...}}, not null");
        goto out;
    } else if (run_in && !json_object_is_type(run_in, json_type_string)) {
        json_object *ct = NULL;

        rc = xl_json_get_object(run_in, "run_in", "container", true, &ct);
        if (!rc)
            rc = xl_container_spec_from_json(ct, "run_in.container", &p->container);
        if (rc)
            goto out;
        p->in_container = true;
    } else if (run_in && strcmp(json_object_get_string(run_in), "guest") != 0) {
        rc = xl_error(XL_ERR_INVAL, "run_in: must be \"guest\" or {\"container\": {...}}");
        goto out;
    }
    rc = xl_json_get_array(obj, "", "items", true, XL_PLAN_MAX_ITEMS, &items);
    if (rc)
        goto out;
    p->items = xl_calloc(json_object_array_length(items), sizeof(*p->items));
    for (i = 0; i < json_object_array_length(items); i++) {
        xl_autofree char *path = xl_json_path_index("items", i);

        xl_bench_params_init(&p->items[i]);
        p->nr_items++;
        rc = xl_bench_params_from_json(json_object_array_get_idx(items, i), path, &p->items[i]);
        if (rc)
            goto out;
    }
    if (p->nr_items == 0) {
        rc = xl_error(XL_ERR_INVAL, "items: the plan lists no benchmark");
        goto out;
    }
    if (xl_plan_nr_slots(p) > XL_PLAN_MAX_SLOTS) {
        rc = xl_error(XL_ERR_INVAL, "items x max_trials: more than %d results", XL_PLAN_MAX_SLOTS);
        goto out;
    }
    {
        json_object *skip = NULL;

        rc = xl_json_get_array(obj, "", "skip", false, XL_PLAN_MAX_SLOTS, &skip);
        if (rc)
            goto out;
        for (i = 0; skip && i < json_object_array_length(skip); i++) {
            xl_autofree char *path = xl_json_path_index("skip", i);
            int64_t slot;

            rc = xl_json_as_int(json_object_array_get_idx(skip, i), path, 0,
                                (int64_t)xl_plan_nr_slots(p) - 1, &slot);
            if (rc)
                goto out;
            xl_plan_skip_slot(p, (size_t)slot);
        }
    }
    rc = XL_OK;
out:
    if (rc && what && *what)
        xl_error_prefix(rc, "%s", what);
    return rc;
}

int xl_plan_load(const char *path, struct xl_plan *p)
{
    json_object *obj = NULL;
    int rc = xl_json_parse_file(path, XL_PLAN_MAX_BYTES, &obj);

    if (!rc)
        rc = xl_plan_from_json(obj, path, p);
    json_object_put(obj);
    return rc;
}

size_t xl_plan_nr_slots(const struct xl_plan *p)
{
    return p->nr_items * p->policy.max_trials;
}

size_t xl_plan_slot(const struct xl_plan *p, size_t item, unsigned trial)
{
    return item * p->policy.max_trials + (trial - 1);
}

void xl_plan_skip_slot(struct xl_plan *p, size_t slot)
{
    if (slot >= xl_plan_nr_slots(p))
        return;
    if (!p->skip)
        p->skip = xl_calloc(xl_plan_nr_slots(p), sizeof(bool));
    p->skip[slot] = true;
}

bool xl_plan_skipped(const struct xl_plan *p, size_t slot)
{
    return p->skip && slot < xl_plan_nr_slots(p) && p->skip[slot];
}
