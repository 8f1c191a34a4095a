/* The environment records and the confounder check (plugin/report/confounders.c). */
#include <json-c/json.h>
#include <stdlib.h>

#include "confounders.h"
#include "tap.h"
#include "xl-util.h"

static json_object *env(const char *text)
{
    json_object *o = json_tokener_parse(text);

    if (!o) {
        printf("Bail out! bad test JSON: %s\n", text);
        exit(1);
    }
    return o;
}

static void compare(const char *a_text, const char *b_text, struct xl_comparison *c, char **sentence_r)
{
    json_object *a = a_text ? env(a_text) : NULL, *b = b_text ? env(b_text) : NULL;
    struct xl_arm_env ea, eb;

    xl_arm_env_from_json(a, &ea);
    xl_arm_env_from_json(b, &eb);
    xl_compare_envs(&ea, &eb, c);
    *sentence_r = xl_comparison_sentence(c, "vm2", "vm1");
    json_object_put(a);
    json_object_put(b);
}

#define SEED_VM1                                                                                               \
    "{\"host\":\"vm1\",\"kernel\":\"5.10.0-seed\",\"cpus_online\":1,\"cpus_affinity\":1,\"cpus_usable\":1,"   \
    "\"cgroup\":\"v1\",\"cpu_quota\":null,\"mem_total\":983564288,\"mem_limit\":null,\"fs\":\"ext4\","       \
    "\"container\":null}"
#define SEED_VM2                                                                                               \
    "{\"host\":\"ct\",\"kernel\":\"5.10.0-seed\",\"cpus_online\":2,\"cpus_affinity\":2,\"cpus_usable\":1,"    \
    "\"cgroup\":\"v1\",\"cpu_quota\":1.0,\"mem_total\":2147483648,\"mem_limit\":1073741824,\"fs\":\"overlay\"," \
    "\"container\":\"docker\"}"

static void test_format_bytes(void)
{
    static const struct {
        uint64_t bytes;
        const char *want;
    } cases[] = {
        { 2147483648ULL, "2 GiB" },     { 983564288ULL, "~0.9 GiB" }, { 1073741824ULL, "1 GiB" },
        { 536870912ULL, "0.5 GiB" },    { 67108864ULL, "64 MiB" },    { 1000, "~1.0 KiB" },
        { 1649267441664ULL, "1.5 TiB" }, { 100, "100 B" },
    };
    char buf[32];

    for (size_t i = 0; i < XL_ARRAY_SIZE(cases); i++) {
        xl_format_bytes(cases[i].bytes, buf, sizeof(buf));
        TAP_EQ_STR(buf, cases[i].want, "xl_format_bytes");
    }
}

static void test_parse(void)
{
    json_object *o = env(SEED_VM2);
    struct xl_arm_env e;

    xl_arm_env_from_json(o, &e);
    tap_ok(e.present && e.cpus_online == 2 && e.cpus_usable == 1 && e.cpu_quota == 1.0 &&
               e.mem_total == 2147483648ULL && e.mem_limit == 1073741824ULL,
           "the seed's vm2 record parses");
    TAP_EQ_STR(e.container, "docker", "container runtime");
    TAP_EQ_STR(e.fs, "overlay", "filesystem");
    json_object_put(o);

    /* Hostile: wrong types, out-of-range numbers, control bytes, huge strings. */
    o = env("{\"cpus_online\":\"lots\",\"cpus_usable\":-3,\"cpu_quota\":1e300,\"mem_total\":-1,"
            "\"mem_limit\":9223372036854775807,\"fs\":\"ext4\\n\\u001b[31m\",\"kernel\":42,"
            "\"container\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
    xl_arm_env_from_json(o, &e);
    tap_ok(e.present && !e.cpus_online && !e.cpus_usable && e.cpu_quota == 0 && !e.mem_total && !e.mem_limit,
           "wrong types and out-of-range numbers are unknown");
    TAP_EQ_STR(e.fs, "ext4??[31m", "control bytes become '?'");
    TAP_EQ_STR(e.kernel, "", "a number is no kernel string");
    TAP_EQ_INT(strlen(e.container), XL_ENV_STR_MAX - 1, "long strings are cut");
    json_object_put(o);

    xl_arm_env_from_json(NULL, &e);
    tap_ok(!e.present, "no record: not present");
}

static void test_compare(void)
{
    struct xl_comparison c;
    char *s;

    compare(SEED_VM2, SEED_VM1, &c, &s);
    tap_ok(c.container_vs_guest && c.nr_diffs == 3, "seed: container vs guest with three confounders");
    TAP_EQ_STR(s,
               "vm2 differs from vm1 in more than the container: vCPUs (2 vs 1), memory (2 GiB vs ~0.9 GiB), "
               "filesystem (overlay vs ext4)",
               "seed sentence");
    free(s);

    compare("{\"cpus_online\":1,\"mem_total\":1000000000,\"fs\":\"ext4\",\"kernel\":\"6.1\",\"container\":\"runc\"}",
            "{\"cpus_online\":1,\"mem_total\":1040000000,\"fs\":\"ext4\",\"kernel\":\"6.1\",\"container\":null}", &c,
            &s);
    tap_ok(c.container_vs_guest && c.nr_diffs == 0, "memory within 5%% is no confounder");
    TAP_EQ_STR(s, "vm2 differs from vm1 only in the container (vCPUs, memory, filesystem and kernel match)",
               "clean comparison sentence");
    free(s);

    compare("{\"cpus_online\":1,\"mem_total\":1000000000,\"kernel\":\"6.1\",\"container\":\"runc\"}",
            "{\"cpus_online\":1,\"mem_total\":1060000000,\"kernel\":\"6.2\",\"container\":null}", &c, &s);
    TAP_EQ_STR(s, "vm2 differs from vm1 in more than the container: memory (~0.9 GiB vs ~1.0 GiB), kernel (6.1 vs 6.2)",
               "memory beyond 5% and the kernel are confounders; an unknown fs is not compared");
    free(s);

    compare("{\"cpus_online\":4,\"fs\":\"ext4\",\"container\":null}", "{\"cpus_online\":2,\"fs\":\"ext4\"}", &c, &s);
    tap_ok(!c.container_vs_guest && c.nr_diffs == 1, "two guests: no factor, every difference listed");
    TAP_EQ_STR(s, "vm2 differs from vm1 in: vCPUs (4 vs 2)", "two-guest sentence");
    free(s);

    compare("{\"container\":\"crun\"}", "{\"container\":\"runc\"}", &c, &s);
    TAP_EQ_STR(s, "vm2 differs from vm1 in: container (crun vs runc)", "two runtimes differ");
    free(s);

    compare(SEED_VM2, NULL, &c, &s);
    tap_ok(c.unknown, "a missing record is unknown");
    TAP_EQ_STR(s, "vm2 vs vm1: an environment record is missing, so confounders cannot be checked",
               "missing record sentence");
    free(s);

    compare(SEED_VM1, SEED_VM1, &c, &s);
    TAP_EQ_STR(s, "vm2 and vm1 had the same vCPUs, memory, filesystem and kernel", "identical guests");
    free(s);
}

int main(void)
{
    test_format_bytes();
    test_parse();
    test_compare();
    return tap_done();
}
