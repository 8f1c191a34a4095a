#include "spec.h"

#include <stdio.h>
#include <string.h>

#include "cpuset.h"
#include "json-util.h"
#include "spec-design.h"
#include "text.h"
#include "workload.h"
#include "size.h"
#include "xl-util.h"

void xl_spec_init(struct xl_spec *s)
{
    memset(s, 0, sizeof(*s));
    xl_trial_policy_default(&s->policy);
}

static void arm_dispose(struct xl_arm *a)
{
    free(a->name);
    free(a->cpus);
    free(a->host);
    xl_container_spec_dispose(&a->container);
}

void xl_spec_dispose(struct xl_spec *s)
{
    size_t i;

    free(s->name);
    free(s->description);
    free(s->base_name);
    free(s->base_image);
    free(s->base_template);
    for (i = 0; i < s->nr_benches; i++)
        xl_bench_params_dispose(&s->benches[i]);
    free(s->benches);
    for (i = 0; i < s->nr_arms; i++)
        arm_dispose(&s->arms[i]);
    free(s->arms);
    xl_hosts_dispose(&s->hosts);
    xl_spec_init(s);
}


static int get_name(json_object *obj, const char *path, const char *key, char **r)
{
    const char *s = NULL;
    int rc = xl_json_get_name(obj, path, key, XL_NAME_MAX, &s);

    if (!rc)
        *r = xl_strdup(s);
    return rc;
}

static int get_size(json_object *obj, const char *path, const char *key, bool required, uint64_t min,
                    uint64_t *r)
{
    xl_autofree char *kpath = xl_json_path_key(path, key);
    const char *s = NULL;
    char shown[32];
    int rc = xl_json_get_string(obj, path, key, required, 32, &s);

    if (rc || !s)
        return rc;
    if (xl_size_parse(s, r))
        return xl_error_prefix(XL_ERR_INVAL, "%s", kpath);
    if (*r < min) {
        xl_size_format(min, shown, sizeof(shown));
        return xl_error(XL_ERR_INVAL, "%s: must be at least %s", kpath, shown);
    }
    return XL_OK;
}

static void add_bench(struct xl_spec *s, const struct xl_bench_params *p)
{
    s->benches = xl_realloc(s->benches, (s->nr_benches + 1) * sizeof(*s->benches));
    xl_bench_params_copy(&s->benches[s->nr_benches++], p);
}

/* Expands one spec benchmark ("kernels": [..], "clients": [..]) into plan
 * items by rewriting it into item objects and validating each one. */
static int parse_benchmark(struct xl_spec *s, json_object *b, const char *path)
{
    const char *id = NULL;
    json_object *list = NULL, *item = NULL;
    const char *list_key = NULL, *item_key = NULL;
    size_t i, n = 1;
    int rc;

    rc = xl_json_need_object(b, path);
    if (!rc)
        rc = xl_json_get_string(b, path, "id", true, 32, &id);
    if (rc)
        return rc;
    if (xl_bench_kind_parse(id, &(enum xl_bench_kind){ XL_BENCH_NQUEENS }) != XL_OK) {
        json_object *cmd = NULL;

        if (!xl_workload_exists(id)) {
            xl_autofree char *kpath = xl_json_path_key(path, "id");
            xl_autofree char *shown = xl_text_sanitise_dup(id);
            xl_autofree char *names = xl_workload_list();

            return xl_error(XL_ERR_INVAL, "%s: unknown benchmark \"%s\" (nqueens, memory, dbench, command%s%s)", kpath,
                            shown, *names ? ", or a workload: " : "", names);
        }
        /* A named workload is a command workload written for us. */
        rc = xl_workload_expand(b, path, &cmd);
        if (!rc)
            rc = parse_benchmark(s, cmd, path);
        json_object_put(cmd);
        return rc;
    }
    if (strcmp(id, "memory") == 0) {
        list_key = "kernels";
        item_key = "kernel";
    } else if (strcmp(id, "dbench") == 0) {
        list_key = "clients";
        item_key = "clients";
    } else if (strcmp(id, "command") == 0) {
        /* One row per metric; each is read from its own run of the command. */
        list_key = "metrics";
        item_key = "metric";
    }
    if (list_key) {
        json_object *v = NULL;

        if (json_object_object_get_ex(b, list_key, &v) && json_object_is_type(v, json_type_array)) {
            list = v;
            n = json_object_array_length(v);
            if (n == 0 || n > 16) {
                xl_autofree char *kpath = xl_json_path_key(path, list_key);

                return xl_error(XL_ERR_INVAL, "%s: must list 1 to 16 values", kpath);
            }
        }
    }
    for (i = 0; i < n; i++) {
        struct xl_bench_params p;
        xl_autofree char *ipath = NULL;

        item = json_object_new_object();
        json_object_object_foreach(b, key, val) {
            if (list && strcmp(key, list_key) == 0)
                continue;
            xl_json_add(item, key, json_object_get(val));
        }
        if (list) {
            xl_json_add(item, item_key, json_object_get(json_object_array_get_idx(list, i)));
            ipath = xl_asprintf("%s.%s[%zu]", path, list_key, i);
        } else {
            ipath = xl_strdup(path);
        }
        xl_bench_params_init(&p);
        rc = xl_bench_params_from_json(item, path, &p);
        /* Errors about the listed value should point into the list: inside
         * a listed object ("metric.how") keep the rest of the path. */
        if (rc && list) {
            xl_autofree char *prefix = xl_json_path_key(path, item_key);
            size_t pl = strlen(prefix);
            const char *msg = xl_error_message();

            if (strncmp(msg, prefix, pl) == 0 && msg[pl] == '.') {
                xl_autofree char *rest = xl_strdup(msg + pl);

                rc = xl_error(rc, "%s%s", ipath, rest);
            }
        }
        if (rc && list && strstr(xl_error_message(), item_key) && !strstr(xl_error_message(), ipath)) {
            const char *msg = strchr(xl_error_message(), ':');
            xl_autofree char *copy = xl_strdup(msg ? msg + 2 : xl_error_message());

            rc = xl_error(rc, "%s: %s", ipath, copy);
        }
        if (!rc)
            add_bench(s, &p);
        xl_bench_params_dispose(&p);
        json_object_put(item);
        if (rc)
            return rc;
    }
    return XL_OK;
}

/* A report row is keyed by benchmark and variant: two entries with one key
 * (two commands of one name, nqueens n=12 twice) would merge their results. */
static int check_unique_rows(const struct xl_spec *s, size_t first_new, const char *path)
{
    size_t i, j;

    for (i = first_new; i < s->nr_benches; i++) {
        char vi[64], vj[64];

        xl_bench_params_variant(&s->benches[i], vi, sizeof(vi));
        for (j = 0; j < i; j++) {
            if (s->benches[j].kind != s->benches[i].kind)
                continue;
            xl_bench_params_variant(&s->benches[j], vj, sizeof(vj));
            if (strcmp(vi, vj) == 0)
                return xl_error(XL_ERR_INVAL, "%s: %s %s is listed twice (each row once)", path,
                                xl_bench_kind_name(s->benches[i].kind), vi);
        }
    }
    return XL_OK;
}

static int parse_run_in(json_object *arm, const char *path, struct xl_arm *a)
{
    xl_autofree char *rpath = xl_json_path_key(path, "run_in");
    json_object *v = NULL, *ct = NULL;
    static const char *const keys[] = { "container", NULL };
    int rc;

    if (!json_object_object_get_ex(arm, "run_in", &v))
        return XL_OK;
    if (json_object_is_type(v, json_type_string)) {
        if (strcmp(json_object_get_string(v), "guest") == 0)
            return XL_OK;
        return xl_error(XL_ERR_INVAL, "%s: must be \"guest\" or {\"container\": {...}}", rpath);
    }
    rc = xl_json_need_object(v, rpath);
    if (!rc)
        rc = xl_json_check_keys(v, rpath, keys);
    if (!rc)
        rc = xl_json_get_object(v, rpath, "container", true, &ct);
    if (rc)
        return rc;
    {
        xl_autofree char *cpath = xl_json_path_key(rpath, "container");

        a->in_container = true;
        rc = xl_container_spec_from_json(ct, cpath, &a->container);
    }
    return rc;
}

/* "cpus": the pCPUs every vCPU of the arm's domains may run on. */
static int parse_cpus(json_object *arm, const char *path, struct xl_arm *a)
{
    xl_autofree char *kpath = xl_json_path_key(path, "cpus");
    const char *s = NULL;
    struct xl_cpuset set;
    int rc = xl_json_get_string(arm, path, "cpus", false, 4096, &s);

    if (rc || !s)
        return rc;
    rc = xl_cpuset_parse(s, kpath, &set);
    if (!rc)
        a->cpus = xl_cpuset_format(&set, true);
    return rc;
}

static int parse_arm(json_object *arm, const char *path, struct xl_arm *a)
{
    static const char *const keys[] = { "name", "vcpus", "cpus", "memory", "disk", "replicas", "run_in",
                                        "description", "host", NULL };
    int64_t v;
    int rc;

    rc = xl_json_need_object(arm, path);
    if (!rc)
        rc = xl_json_check_keys(arm, path, keys);
    if (!rc)
        rc = get_name(arm, path, "name", &a->name);
    if (!rc) {
        v = 1;
        rc = xl_json_get_int(arm, path, "vcpus", true, 1, 512, &v);
        a->vcpus = (unsigned)v;
    }
    if (!rc)
        rc = parse_cpus(arm, path, a);
    if (!rc)
        rc = get_size(arm, path, "memory", true, 64 * XL_MiB, &a->memory);
    if (!rc)
        rc = get_size(arm, path, "disk", false, 64 * XL_MiB, &a->disk);
    if (!rc) {
        v = 1;
        rc = xl_json_get_int(arm, path, "replicas", false, 1, 64, &v);
        a->replicas = (unsigned)v;
    }
    if (!rc)
        rc = parse_run_in(arm, path, a);
    /* Which of the experiment's hosts runs it (hosts.h); checked against
     * the list once both are known. */
    if (!rc && json_object_object_get_ex(arm, "host", NULL)) {
        const char *h = NULL;

        rc = xl_json_get_name(arm, path, "host", XL_HOST_NAME_MAX, &h);
        if (!rc)
            a->host = xl_strdup(h);
    }
    if (!rc && a->in_container && a->container.memory > a->memory) {
        xl_autofree char *cpath = xl_asprintf("%s.run_in.container.memory", path);

        rc = xl_error(XL_ERR_INVAL, "%s: larger than the arm's memory", cpath);
    }
    return rc;
}

static int parse_policy(json_object *obj, struct xl_spec *s)
{
    int64_t v;
    int rc;

    v = s->policy.trials;
    rc = xl_json_get_int(obj, "", "trials", false, 1, XL_SPEC_MAX_TRIALS, &v);
    if (rc)
        return rc;
    s->policy.trials = (unsigned)v;
    s->policy.max_trials = s->policy.trials;
    v = s->policy.max_trials;
    rc = xl_json_get_int(obj, "", "max_trials", false, 1, XL_SPEC_MAX_TRIALS, &v);
    if (rc)
        return rc;
    if ((unsigned)v < s->policy.trials)
        return xl_error(XL_ERR_INVAL, "max_trials: must be at least trials (%u)", s->policy.trials);
    s->policy.max_trials = (unsigned)v;
    rc = xl_json_get_double(obj, "", "target_deviation", false, 0, 100, &s->policy.target_dev_pct);
    if (!rc)
        rc = xl_json_get_double(obj, "", "target_ci", false, 0, 100, &s->policy.target_ci_pct);
    if (rc)
        return rc;
    if ((s->policy.target_dev_pct > 0 || s->policy.target_ci_pct > 0) && s->policy.max_trials == s->policy.trials &&
        s->policy.trials < 20) {
        /* As PTS: dynamic runs may double the count unless told otherwise. */
        s->policy.max_trials = s->policy.trials * 2;
    }
    return XL_OK;
}

/* The spec's fields and their checks, without the run limits. */
static int parse_arms(struct xl_spec *s, json_object *arms);
static int parse_hosts(json_object *obj, struct xl_spec *s);

static int spec_parse(json_object *obj, struct xl_spec *s)
{
    static const char *const top_keys[] = { "name", "description", "base", "trials", "max_trials",
                                            "target_deviation", "target_ci", "timeouts", "benchmarks", "arms",
                                            "matrix", "control", "hosts", NULL };
    static const char *const base_keys[] = { "name", "image", "template", NULL };
    static const char *const timeout_keys[] = { "trial_s", "arm_s", NULL };
    json_object *base = NULL, *timeouts = NULL, *benches = NULL, *arms = NULL;
    const char *str = NULL;
    int64_t v;
    size_t i;
    int rc;

    rc = xl_json_need_object(obj, "");
    if (!rc)
        rc = xl_json_check_keys(obj, "", top_keys);
    if (!rc)
        rc = get_name(obj, "", "name", &s->name);
    if (!rc)
        rc = xl_json_get_string(obj, "", "description", false, 4096, &str);
    if (rc)
        return rc;
    if (str)
        s->description = xl_strdup(str);
    rc = xl_json_get_object(obj, "", "base", false, &base);
    if (!rc && base) {
        str = NULL;
        rc = xl_json_check_keys(base, "base", base_keys);
        if (!rc)
            rc = xl_json_get_string(base, "base", "name", false, 64, &str);
        if (!rc && str)
            s->base_name = xl_strdup(str);
        str = NULL;
        if (!rc)
            rc = xl_json_get_string(base, "base", "image", false, 4096, &str);
        if (!rc && str)
            s->base_image = xl_strdup(str);
        str = NULL;
        if (!rc)
            rc = xl_json_get_string(base, "base", "template", false, 4096, &str);
        if (!rc && str)
            s->base_template = xl_strdup(str);
    }
    if (!rc)
        rc = parse_policy(obj, s);
    if (!rc)
        rc = xl_json_get_object(obj, "", "timeouts", false, &timeouts);
    if (!rc && timeouts) {
        rc = xl_json_check_keys(timeouts, "timeouts", timeout_keys);
        v = 0;
        if (!rc)
            rc = xl_json_get_int(timeouts, "timeouts", "trial_s", false, 1, 7 * 86400, &v);
        s->trial_timeout_s = (unsigned)v;
        v = 0;
        if (!rc)
            rc = xl_json_get_int(timeouts, "timeouts", "arm_s", false, 1, 30 * 86400, &v);
        s->arm_timeout_s = (unsigned)v;
    }
    if (!rc)
        rc = xl_json_get_array(obj, "", "benchmarks", true, XL_SPEC_MAX_BENCHES, &benches);
    if (rc)
        return rc;
    if (json_object_array_length(benches) == 0)
        return xl_error(XL_ERR_INVAL, "benchmarks: must list at least one benchmark");
    for (i = 0; i < json_object_array_length(benches); i++) {
        xl_autofree char *path = xl_json_path_index("benchmarks", i);

        size_t before = s->nr_benches;

        rc = parse_benchmark(s, json_object_array_get_idx(benches, i), path);
        if (!rc)
            rc = check_unique_rows(s, before, path);
        if (rc)
            return rc;
    }
    /* Matrix and control arms join the given ones before any is parsed. */
    rc = xl_spec_design_arms(obj, XL_SPEC_MAX_ARMS, &arms);
    if (rc)
        return rc;
    rc = parse_arms(s, arms);
    json_object_put(arms);
    if (!rc)
        rc = parse_hosts(obj, s);
    return rc;
}

/* "hosts": where the arms run (hosts.h); an arm's "host" names one. */
static int parse_hosts(json_object *obj, struct xl_spec *s)
{
    json_object *arr = NULL;
    size_t i;
    int rc;

    if (!json_object_object_get_ex(obj, "hosts", &arr))
        return XL_OK;
    rc = xl_hosts_from_json(arr, "hosts", &s->hosts);
    for (i = 0; !rc && i < s->nr_arms; i++)
        if (s->arms[i].host && !xl_hosts_find(&s->hosts, s->arms[i].host))
            rc = xl_error(XL_ERR_INVAL, "arms[%zu].host: \"%s\" is not one of the spec's hosts", i, s->arms[i].host);
    return rc;
}

static int parse_arms(struct xl_spec *s, json_object *arms)
{
    size_t i;
    int rc;

    if (json_object_array_length(arms) == 0)
        return xl_error(XL_ERR_INVAL, "arms: must list at least one arm");
    s->arms = xl_calloc(json_object_array_length(arms), sizeof(*s->arms));
    for (i = 0; i < json_object_array_length(arms); i++) {
        xl_autofree char *path = xl_json_path_index("arms", i);
        struct xl_arm *a = &s->arms[i];
        size_t j;

        xl_container_spec_init(&a->container);
        s->nr_arms++;
        rc = parse_arm(json_object_array_get_idx(arms, i), path, a);
        if (rc)
            return rc;
        for (j = 0; j < i; j++) {
            if (strcmp(s->arms[j].name, a->name) == 0)
                return xl_error(XL_ERR_INVAL, "%s.name: \"%s\" is already the name of arms[%zu]", path,
                                a->name, j);
        }
    }
    return XL_OK;
}

int xl_spec_from_json(json_object *obj, struct xl_spec *s)
{
    int rc = spec_parse(obj, s);

    return rc ? rc : xl_spec_check_limits(s);
}

static int spec_load(const char *path, struct xl_spec *s, bool limits)
{
    json_object *obj = NULL;
    int rc;

    rc = xl_json_parse_file(path, XL_SPEC_MAX_BYTES, &obj);
    if (!rc) {
        rc = limits ? xl_spec_from_json(obj, s) : spec_parse(obj, s);
        if (rc)
            xl_error_prefix(rc, "%s", path);
    }
    json_object_put(obj);
    return rc;
}

int xl_spec_load(const char *path, struct xl_spec *s)
{
    return spec_load(path, s, true);
}

int xl_spec_load_frozen(const char *path, struct xl_spec *s)
{
    return spec_load(path, s, false);
}

json_object *xl_spec_to_json(const struct xl_spec *s)
{
    json_object *o = json_object_new_object(), *benches = json_object_new_array(),
                *arms = json_object_new_array();
    size_t i;

    xl_json_add(o, "name", xl_json_str(s->name));
    if (s->description)
        xl_json_add(o, "description", xl_json_str(s->description));
    if (s->base_name || s->base_image || s->base_template) {
        json_object *b = json_object_new_object();

        if (s->base_name)
            xl_json_add(b, "name", xl_json_str(s->base_name));
        if (s->base_image)
            xl_json_add(b, "image", xl_json_str(s->base_image));
        if (s->base_template)
            xl_json_add(b, "template", xl_json_str(s->base_template));
        xl_json_add(o, "base", b);
    }
    xl_json_add(o, "trials", json_object_new_int((int)s->policy.trials));
    xl_json_add(o, "max_trials", json_object_new_int((int)s->policy.max_trials));
    xl_json_add(o, "target_deviation", json_object_new_double(s->policy.target_dev_pct));
    if (s->policy.target_ci_pct > 0)
        xl_json_add(o, "target_ci", json_object_new_double(s->policy.target_ci_pct));
    if (s->trial_timeout_s || s->arm_timeout_s) {
        json_object *t = json_object_new_object();

        if (s->trial_timeout_s)
            xl_json_add(t, "trial_s", json_object_new_int((int)s->trial_timeout_s));
        if (s->arm_timeout_s)
            xl_json_add(t, "arm_s", json_object_new_int((int)s->arm_timeout_s));
        xl_json_add(o, "timeouts", t);
    }
    for (i = 0; i < s->nr_benches; i++)
        json_object_array_add(benches, xl_bench_params_to_json(&s->benches[i]));
    xl_json_add(o, "benchmarks", benches);
    for (i = 0; i < s->nr_arms; i++) {
        const struct xl_arm *a = &s->arms[i];
        json_object *ao = json_object_new_object();

        xl_json_add(ao, "name", xl_json_str(a->name));
        xl_json_add(ao, "vcpus", json_object_new_int((int)a->vcpus));
        if (a->cpus)
            xl_json_add(ao, "cpus", xl_json_str(a->cpus));
        {
            char num[32];

            snprintf(num, sizeof(num), "%llu", (unsigned long long)a->memory);
            xl_json_add(ao, "memory", xl_json_str(num));
            if (a->disk) {
                snprintf(num, sizeof(num), "%llu", (unsigned long long)a->disk);
                xl_json_add(ao, "disk", xl_json_str(num));
            }
        }
        if (a->replicas > 1)
            xl_json_add(ao, "replicas", json_object_new_int((int)a->replicas));
        if (a->in_container) {
            json_object *ri = json_object_new_object();

            xl_json_add(ri, "container", xl_container_spec_to_json(&a->container));
            xl_json_add(ao, "run_in", ri);
        } else {
            xl_json_add(ao, "run_in", xl_json_str("guest"));
        }
        if (a->host)
            xl_json_add(ao, "host", xl_json_str(a->host));
        json_object_array_add(arms, ao);
    }
    xl_json_add(o, "arms", arms);
    if (s->hosts.n)
        xl_json_add(o, "hosts", xl_hosts_to_json(&s->hosts));
    return o;
}

const struct xl_arm *xl_spec_find_arm(const struct xl_spec *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->nr_arms; i++)
        if (strcmp(s->arms[i].name, name) == 0)
            return &s->arms[i];
    return NULL;
}
