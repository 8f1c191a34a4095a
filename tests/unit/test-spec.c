#include <dirent.h>
#include <stdlib.h>

#include "json-util.h"
#include "spec.h"
#include "tap.h"
#include "xl-util.h"

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* tests/data/spec/bad-*.json: each has a .err file holding the exact
 * one-line message expected, which must name the JSON path. */
static void bad_specs(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *names[256];
    size_t n = 0, i;

    if (!tap_ok(d != NULL, "open %s", dir))
        return;
    while ((de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);

        if (strncmp(de->d_name, "bad-", 4) == 0 && l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
            names[n++] = xl_strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), cmp);
    tap_ok(n >= 10, "at least 10 invalid specs to check (%zu)", n);
    for (i = 0; i < n; i++) {
        char *json = xl_asprintf("%s/%s", dir, names[i]);
        char *errp = xl_asprintf("%.*s.err", (int)(strlen(json) - 5), json);
        char *want = NULL;
        struct xl_spec s;
        int rc;

        xl_read_file(errp, 4096, &want, NULL);
        if (want)
            want[strcspn(want, "\n")] = '\0';
        xl_spec_init(&s);
        rc = xl_spec_load(json, &s);
        tap_ok(rc == XL_ERR_INVAL, "%s is rejected as invalid input", names[i]);
        {
            const char *msg = xl_error_message();
            const char *tail = strstr(msg, ".json: ");

            TAP_EQ_STR(tail ? tail + 7 : msg, want, names[i]);
        }
        xl_spec_dispose(&s);
        free(want);
        free(json);
        free(errp);
        free(names[i]);
    }
}

/* A matrix with a control: the expanded arms, as `spec check` prints them. */
static void test_design(const char *src)
{
    char *path = xl_asprintf("%s/tests/data/spec/design-matrix.json", src);
    struct xl_spec s;
    int rc;

    xl_spec_init(&s);
    rc = xl_spec_load(path, &s);
    tap_ok(rc == 0, "design-matrix.json is valid (%s)", rc ? xl_error_message() : "ok");
    if (!rc) {
        json_object *o = xl_spec_to_json(&s);
        char *text = xl_asprintf("%s\n", xl_json_pretty(o));

        TAP_EQ_INT(s.nr_arms, 5, "2 x 2 factors and one control: 5 arms");
        tap_golden(text, "tests/data/spec/design-matrix.normalized.json", "the expanded arms");
        free(text);
        json_object_put(o);
    }
    xl_spec_dispose(&s);
    free(path);
    path = xl_asprintf("%s/templates/seed-control.json", src);
    xl_spec_init(&s);
    rc = xl_spec_load(path, &s);
    tap_ok(rc == 0 && s.nr_arms == 3 && strcmp(s.arms[2].name, "vm2-guest") == 0 && !s.arms[2].in_container &&
               s.arms[2].vcpus == s.arms[1].vcpus && s.arms[2].memory == s.arms[1].memory,
           "seed-control.json: vm2-guest is vm2's size, in the guest (%s)", rc ? xl_error_message() : "ok");
    xl_spec_dispose(&s);
    free(path);
}

int main(void)
{
    const char *src = getenv("XENLAB_SRCDIR");
    char *path = xl_asprintf("%s/templates/seed-vm-vs-container.json", src);
    char *dir = xl_asprintf("%s/tests/data/spec", src);
    struct xl_spec s;
    json_object *o;
    int rc;

    xl_spec_init(&s);
    rc = xl_spec_load(path, &s);
    tap_ok(rc == 0, "seed template is valid (%s)", rc ? xl_error_message() : "ok");
    TAP_EQ_INT(s.nr_arms, 2, "two arms");
    TAP_EQ_INT(s.nr_benches, 5, "five benchmark variants (nqueens, add, copy, dbench 6, dbench 48)");
    TAP_EQ_INT(s.policy.trials, 3, "three trials");
    if (s.nr_arms == 2) {
        TAP_EQ_INT(s.arms[0].vcpus, 1, "vm1 has 1 vCPU");
        TAP_EQ_INT(s.arms[0].memory, 1 << 30, "vm1 has 1 GiB");
        TAP_EQ_INT(s.arms[0].disk, 9000000000LL, "vm1 disk 9 GB");
        tap_ok(!s.arms[0].in_container, "vm1 runs in the guest");
        tap_ok(s.arms[1].in_container && s.arms[1].container.cpus == 1.0 &&
                   s.arms[1].container.memory == (1u << 30),
               "vm2 runs in a 1 CPU / 1 GiB container");
    }
    o = xl_spec_to_json(&s);
    {
        char *text = xl_asprintf("%s\n", xl_json_pretty(o));

        tap_golden(text, "tests/data/spec/seed.normalized.json", "normalised seed spec");
        free(text);
    }
    /* The normalised form is itself a valid spec that means the same. */
    {
        struct xl_spec s2;
        json_object *o2;

        xl_spec_init(&s2);
        tap_ok(xl_spec_from_json(o, &s2) == 0, "normalised spec parses (%s)", xl_error_message());
        o2 = xl_spec_to_json(&s2);
        TAP_EQ_STR(xl_json_compact(o2), xl_json_compact(o), "normalising is idempotent");
        json_object_put(o2);
        xl_spec_dispose(&s2);
    }
    json_object_put(o);
    xl_spec_dispose(&s);
    free(path);
    path = xl_asprintf("%s/templates/seed-quick.json", src);
    xl_spec_init(&s);
    tap_ok(xl_spec_load(path, &s) == 0, "quick template is valid");
    tap_ok(s.policy.max_trials == 6 && s.policy.target_dev_pct == 3.5, "quick template: adaptive trials 3..6 at 3.5%%");
    xl_spec_dispose(&s);
    free(path);
    bad_specs(dir);
    free(dir);
    test_design(src);
    return tap_done();
}
