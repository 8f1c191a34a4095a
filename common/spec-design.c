/* Experiment designs in a spec: the arms a "matrix" of factors expands to
 * and the "control" arms that isolate the container from the VM's size.
 * Expanded here, as JSON arm objects, so that every arm then passes the one
 * arm parser and `spec check` prints the expanded list. */
#include "spec-design.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "xl-util.h"

static const char *const factor_keys[] = { "vcpus", "memory", "disk", "replicas", "run_in", NULL };

/* The part of a generated name one factor value gives: "vcpus2",
 * "memory2gib", "guest", "container". */
static int value_word(const char *key, json_object *v, const char *path, char *buf, size_t len)
{
    const char *s;
    size_t i, n;

    if (strcmp(key, "run_in") == 0) {
        if (json_object_is_type(v, json_type_string))
            snprintf(buf, len, "%s", json_object_get_string(v));
        else
            snprintf(buf, len, "container");
        return XL_OK;
    }
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_string))
        return xl_error(XL_ERR_INVAL, "%s: must be a number or a size string", path);
    s = json_object_get_string(v);
    n = (size_t)snprintf(buf, len, "%s", key);
    for (i = 0; s[i] && n + 1 < len; i++)
        if (isalnum((unsigned char)s[i]))
            buf[n++] = (char)tolower((unsigned char)s[i]);
    buf[n] = '\0';
    return XL_OK;
}

static int add_arm(json_object *arms, size_t max_arms, json_object *arm, const char *path)
{
    if (json_object_array_length(arms) >= max_arms) {
        json_object_put(arm);
        return xl_error(XL_ERR_INVAL, "%s: more than %zu arms", path, max_arms);
    }
    json_object_array_add(arms, arm);
    return XL_OK;
}

/* Copies obj (a JSON object) deeply. */
static json_object *copy(json_object *obj)
{
    json_object *c = NULL;

    json_object_deep_copy(obj, &c, NULL);
    return c;
}

static int expand_matrix(json_object *matrix, size_t max_arms, json_object *arms)
{
    static const char *const keys[] = { "arm", "factors", NULL };
    json_object *tmpl = NULL, *factors = NULL;
    const char *fkeys[8];
    json_object *fvals[8];
    size_t nf = 0, idx[8] = { 0 }, total = 1, k, i;
    int rc;

    rc = xl_json_check_keys(matrix, "matrix", keys);
    if (!rc)
        rc = xl_json_get_object(matrix, "matrix", "arm", true, &tmpl);
    if (!rc)
        rc = xl_json_get_object(matrix, "matrix", "factors", true, &factors);
    if (!rc)
        rc = xl_json_check_keys(factors, "matrix.factors", factor_keys);
    if (rc)
        return rc;
    json_object_object_foreach(factors, key, val) {
        xl_autofree char *path = xl_json_path_key("matrix.factors", key);

        if (!json_object_is_type(val, json_type_array) || json_object_array_length(val) == 0)
            return xl_error(XL_ERR_INVAL, "%s: must be a non-empty array of values", path);
        if (json_object_object_get_ex(tmpl, key, NULL))
            return xl_error(XL_ERR_INVAL, "%s: matrix.arm sets it too", path);
        fkeys[nf] = key;
        fvals[nf] = val;
        total *= json_object_array_length(val);
        if (++nf == XL_ARRAY_SIZE(fkeys) || total > max_arms)
            return xl_error(XL_ERR_INVAL, "matrix.factors: more than %zu arms", max_arms);
    }
    if (nf == 0)
        return xl_error(XL_ERR_INVAL, "matrix.factors: give at least one factor");
    for (i = 0; i < total; i++) {
        json_object *arm = copy(tmpl), *name = NULL;
        char full[160] = "";
        size_t used = 0;

        if (json_object_object_get_ex(tmpl, "name", &name) && json_object_is_type(name, json_type_string))
            used = (size_t)snprintf(full, sizeof(full), "%s", json_object_get_string(name));
        for (k = 0; k < nf; k++) {
            json_object *v = json_object_array_get_idx(fvals[k], idx[k]);
            xl_autofree char *path = xl_json_path_key("matrix.factors", fkeys[k]);
            xl_autofree char *vpath = xl_json_path_index(path, idx[k]);
            char word[64];

            rc = value_word(fkeys[k], v, vpath, word, sizeof(word));
            if (rc) {
                json_object_put(arm);
                return rc;
            }
            used += (size_t)snprintf(full + used, sizeof(full) - used, "%s%s",
                                     used ? "-" : "", word);
            if (used >= sizeof(full))
                used = sizeof(full) - 1;
            xl_json_add(arm, fkeys[k], copy(v));
        }
        xl_json_add(arm, "name", xl_json_str(full));
        rc = add_arm(arms, max_arms, arm, "matrix");
        if (rc)
            return rc;
        /* The next combination: the last factor varies fastest. */
        for (k = nf; k-- > 0;) {
            if (++idx[k] < json_object_array_length(fvals[k]))
                break;
            idx[k] = 0;
        }
    }
    return XL_OK;
}

static json_object *find_arm(json_object *arms, const char *name)
{
    size_t i;

    for (i = 0; i < json_object_array_length(arms); i++) {
        json_object *a = json_object_array_get_idx(arms, i), *n = NULL;

        if (json_object_object_get_ex(a, "name", &n) && json_object_is_type(n, json_type_string) &&
            strcmp(json_object_get_string(n), name) == 0)
            return a;
    }
    return NULL;
}

/* "control": ["vm2"]: vm2's twin "vm2-guest", its size with the benchmarks
 * in the guest, the arm that separates the container's cost from the size. */
static int add_controls(json_object *control, size_t max_arms, json_object *arms)
{
    size_t i;
    int rc;

    if (!json_object_is_type(control, json_type_array) || json_object_array_length(control) == 0)
        return xl_error(XL_ERR_INVAL, "control: must be a non-empty array of container arm names");
    for (i = 0; i < json_object_array_length(control); i++) {
        json_object *v = json_object_array_get_idx(control, i), *arm, *twin, *run_in = NULL;
        xl_autofree char *path = xl_json_path_index("control", i);
        xl_autofree char *twin_name = NULL;

        if (!json_object_is_type(v, json_type_string))
            return xl_error(XL_ERR_INVAL, "%s: must be an arm name", path);
        arm = find_arm(arms, json_object_get_string(v));
        if (!arm)
            return xl_error(XL_ERR_INVAL, "%s: no arm named \"%s\"", path, json_object_get_string(v));
        if (!json_object_object_get_ex(arm, "run_in", &run_in) || json_object_is_type(run_in, json_type_string))
            return xl_error(XL_ERR_INVAL, "%s: arm \"%s\" runs in the guest already; a control is for a container arm",
                            path, json_object_get_string(v));
        twin_name = xl_asprintf("%s-guest", json_object_get_string(v));
        if (find_arm(arms, twin_name))
            return xl_error(XL_ERR_INVAL, "%s: an arm is already named \"%s\"", path, twin_name);
        twin = copy(arm);
        xl_json_add(twin, "name", xl_json_str(twin_name));
        xl_json_add(twin, "run_in", xl_json_str("guest"));
        rc = add_arm(arms, max_arms, twin, path);
        if (rc)
            return rc;
    }
    return XL_OK;
}

int xl_spec_design_arms(json_object *spec, size_t max_arms, json_object **arms_r)
{
    json_object *given = NULL, *matrix = NULL, *control = NULL, *arms;
    size_t i;
    int rc;

    *arms_r = NULL;
    rc = xl_json_get_array(spec, "", "arms", false, max_arms, &given);
    if (!rc)
        rc = xl_json_get_object(spec, "", "matrix", false, &matrix);
    if (rc)
        return rc;
    if (!given && !matrix)
        return xl_error(XL_ERR_INVAL, "arms: missing required field (or give a matrix)");
    arms = json_object_new_array();
    for (i = 0; given && i < json_object_array_length(given); i++)
        json_object_array_add(arms, copy(json_object_array_get_idx(given, i)));
    if (matrix)
        rc = expand_matrix(matrix, max_arms, arms);
    if (!rc && json_object_object_get_ex(spec, "control", &control))
        rc = add_controls(control, max_arms, arms);
    if (rc) {
        json_object_put(arms);
        return rc;
    }
    *arms_r = arms;
    return XL_OK;
}
