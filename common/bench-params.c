#include "bench-params.h"

#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "xl-util.h"

static const char *const kind_names[] = { "nqueens", "memory", "dbench", "command" };
static const char *const kernel_names[] = { "copy", "scale", "add", "triad" };
static const char *const type_names[] = { "int", "fp" };

void xl_bench_params_init(struct xl_bench_params *p)
{
    memset(p, 0, sizeof(*p));
    p->kind = XL_BENCH_NQUEENS;
    p->n = 8;
    p->kernel = XL_MEM_COPY;
    p->type = XL_MEM_FP;
    p->clients = 1;
}

void xl_bench_params_dispose(struct xl_bench_params *p)
{
    free(p->dir);
    free(p->loadfile);
    p->dir = p->loadfile = NULL;
    if (p->command) {
        xl_command_spec_dispose(p->command);
        free(p->command);
        p->command = NULL;
    }
}

void xl_bench_params_copy(struct xl_bench_params *dst, const struct xl_bench_params *src)
{
    *dst = *src;
    dst->dir = src->dir ? xl_strdup(src->dir) : NULL;
    dst->loadfile = src->loadfile ? xl_strdup(src->loadfile) : NULL;
    if (src->command) {
        dst->command = xl_malloc(sizeof(*dst->command));
        xl_command_spec_copy(dst->command, src->command);
    }
}

static int parse_name(const char *s, const char *const *names, size_t n, const char *what, int *r)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *r = (int)i;
            return XL_OK;
        }
    }
    return xl_error(XL_ERR_INVAL, "unknown %s \"%s\"", what, s);
}

const char *xl_bench_kind_name(enum xl_bench_kind k) { return kind_names[k]; }
const char *xl_mem_kernel_name(enum xl_mem_kernel k) { return kernel_names[k]; }

int xl_bench_kind_parse(const char *s, enum xl_bench_kind *k_r)
{
    int v = 0, rc = parse_name(s, kind_names, XL_ARRAY_SIZE(kind_names), "benchmark", &v);

    if (!rc)
        *k_r = (enum xl_bench_kind)v;
    return rc;
}

int xl_mem_kernel_parse(const char *s, enum xl_mem_kernel *k_r)
{
    int v = 0, rc = parse_name(s, kernel_names, XL_ARRAY_SIZE(kernel_names), "memory kernel", &v);

    if (!rc)
        *k_r = (enum xl_mem_kernel)v;
    return rc;
}

int xl_mem_type_parse(const char *s, enum xl_mem_type *t_r)
{
    int v = 0, rc = parse_name(s, type_names, XL_ARRAY_SIZE(type_names), "memory type", &v);

    if (!rc)
        *t_r = (enum xl_mem_type)v;
    return rc;
}

const struct xl_bench_params *xl_bench_with_inputs(const struct xl_bench_params *items, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (items[i].command && items[i].command->nr_inputs)
            return &items[i];
    return NULL;
}

void xl_bench_params_variant(const struct xl_bench_params *p, char *buf, size_t len)
{
    switch (p->kind) {
    case XL_BENCH_NQUEENS:
        snprintf(buf, len, "n%u", p->n);
        return;
    case XL_BENCH_MEMORY:
        snprintf(buf, len, "%s-%s", kernel_names[p->kernel], type_names[p->type]);
        return;
    case XL_BENCH_DBENCH:
        snprintf(buf, len, "clients%u", p->clients);
        return;
    case XL_BENCH_COMMAND:
        xl_command_spec_variant(p->command, buf, len);
        return;
    }
}

void xl_bench_params_label(const struct xl_bench_params *p, char *buf, size_t len)
{
    static const char *const kernel_titles[] = { "Copy", "Scale", "Add", "Triad" };

    switch (p->kind) {
    case XL_BENCH_NQUEENS:
        snprintf(buf, len, "N-Queens, N=%u", p->n);
        return;
    case XL_BENCH_MEMORY:
        /* xenlab's kernels, not RAMspeed: the label must not say otherwise. */
        snprintf(buf, len, "Memory %s %s", kernel_titles[p->kernel],
                 p->type == XL_MEM_FP ? "FP" : "INT");
        return;
    case XL_BENCH_DBENCH:
        snprintf(buf, len, "dbench %u client%s", p->clients, p->clients == 1 ? "" : "s");
        return;
    case XL_BENCH_COMMAND:
        xl_command_spec_label(p->command, buf, len);
        return;
    }
}

const char *xl_bench_params_unit(const struct xl_bench_params *p)
{
    if (p->kind == XL_BENCH_COMMAND)
        return p->command->metric.unit;
    return p->kind == XL_BENCH_NQUEENS ? "s" : "MB/s";
}

bool xl_bench_params_lower_is_better(const struct xl_bench_params *p)
{
    if (p->kind == XL_BENCH_COMMAND)
        return p->command->metric.lower_is_better;
    return p->kind == XL_BENCH_NQUEENS;
}

json_object *xl_bench_params_to_json(const struct xl_bench_params *p)
{
    json_object *o = json_object_new_object();

    xl_json_add(o, "id", xl_json_str(kind_names[p->kind]));
    switch (p->kind) {
    case XL_BENCH_NQUEENS:
        xl_json_add(o, "n", json_object_new_int((int)p->n));
        break;
    case XL_BENCH_MEMORY:
        xl_json_add(o, "kernel", xl_json_str(kernel_names[p->kernel]));
        xl_json_add(o, "type", xl_json_str(type_names[p->type]));
        if (p->array_mib)
            xl_json_add(o, "array_mib", json_object_new_int((int)p->array_mib));
        if (p->reps)
            xl_json_add(o, "reps", json_object_new_int((int)p->reps));
        break;
    case XL_BENCH_DBENCH:
        xl_json_add(o, "clients", json_object_new_int((int)p->clients));
        if (p->seconds)
            xl_json_add(o, "seconds", json_object_new_int((int)p->seconds));
        if (p->dir)
            xl_json_add(o, "dir", xl_json_str(p->dir));
        if (p->loadfile)
            xl_json_add(o, "loadfile", xl_json_str(p->loadfile));
        break;
    case XL_BENCH_COMMAND:
        xl_command_spec_to_json(p->command, o);
        break;
    }
    if (p->threads)
        xl_json_add(o, "threads", json_object_new_int((int)p->threads));
    return o;
}

static int get_uint(json_object *obj, const char *path, const char *key, int64_t min, int64_t max,
                    unsigned *r)
{
    int64_t v = *r;
    int rc = xl_json_get_int(obj, path, key, false, min, max, &v);

    if (!rc)
        *r = (unsigned)v;
    return rc;
}

static int get_path_string(json_object *obj, const char *path, const char *key, char **r)
{
    const char *s = NULL;
    int rc = xl_json_get_string(obj, path, key, false, 4095, &s);

    if (rc || !s)
        return rc;
    if (!*s || !xl_str_is_printable(s, 4095)) {
        xl_autofree char *kpath = xl_json_path_key(path, key);

        return xl_error(XL_ERR_INVAL, "%s: must be a non-empty printable path", kpath);
    }
    free(*r);
    *r = xl_strdup(s);
    return XL_OK;
}

int xl_bench_params_from_json(json_object *obj, const char *path, struct xl_bench_params *p)
{
    static const char *const nqueens_keys[] = { "id", "n", "threads", NULL };
    static const char *const memory_keys[] = { "id", "kernel", "type", "array_mib", "reps", "threads", NULL };
    static const char *const dbench_keys[] = { "id", "clients", "seconds", "dir", "loadfile",
                                               "threads", NULL };
    const char *id = NULL, *s = NULL;
    int rc;

    rc = xl_json_need_object(obj, path);
    if (rc)
        return rc;
    rc = xl_json_get_string(obj, path, "id", true, 32, &id);
    if (rc)
        return rc;
    if (xl_bench_kind_parse(id, &p->kind)) {
        xl_autofree char *kpath = xl_json_path_key(path, "id");

        return xl_error(XL_ERR_INVAL, "%s: unknown benchmark \"%s\" (nqueens, memory, dbench, command)", kpath, id);
    }
    rc = get_uint(obj, path, "threads", 0, 1024, &p->threads);
    if (rc)
        return rc;
    switch (p->kind) {
    case XL_BENCH_NQUEENS:
        rc = xl_json_check_keys(obj, path, nqueens_keys);
        if (!rc)
            rc = get_uint(obj, path, "n", 1, XL_NQUEENS_MAX_N, &p->n);
        return rc;
    case XL_BENCH_MEMORY:
        rc = xl_json_check_keys(obj, path, memory_keys);
        if (!rc)
            rc = xl_json_get_string(obj, path, "kernel", true, 16, &s);
        if (!rc && xl_mem_kernel_parse(s, &p->kernel)) {
            xl_autofree char *kpath = xl_json_path_key(path, "kernel");

            return xl_error(XL_ERR_INVAL, "%s: unknown kernel \"%s\" (copy, scale, add, triad)", kpath, s);
        }
        s = NULL;
        if (!rc)
            rc = xl_json_get_string(obj, path, "type", false, 16, &s);
        if (!rc && s && xl_mem_type_parse(s, &p->type)) {
            xl_autofree char *kpath = xl_json_path_key(path, "type");

            return xl_error(XL_ERR_INVAL, "%s: unknown type \"%s\" (int, fp)", kpath, s);
        }
        if (!rc)
            rc = get_uint(obj, path, "array_mib", 1, XL_MEMORY_MAX_ARRAY_MIB, &p->array_mib);
        if (!rc)
            rc = get_uint(obj, path, "reps", 1, 100000, &p->reps);
        return rc;
    case XL_BENCH_DBENCH:
        rc = xl_json_check_keys(obj, path, dbench_keys);
        if (!rc)
            rc = get_uint(obj, path, "clients", 1, XL_DBENCH_MAX_CLIENTS, &p->clients);
        if (!rc)
            rc = get_uint(obj, path, "seconds", 1, 86400, &p->seconds);
        if (!rc)
            rc = get_path_string(obj, path, "dir", &p->dir);
        if (!rc)
            rc = get_path_string(obj, path, "loadfile", &p->loadfile);
        return rc;
    case XL_BENCH_COMMAND:
        if (!p->command) {
            p->command = xl_malloc(sizeof(*p->command));
            xl_command_spec_init(p->command);
        }
        return xl_command_spec_from_json(obj, path, p->command);
    }
    return XL_ERR_INVAL;
}

struct argv_builder { char **v; size_t n; };

static void push(struct argv_builder *b, const char *s)
{
    b->v = xl_realloc(b->v, (b->n + 2) * sizeof(*b->v));
    b->v[b->n++] = xl_strdup(s);
    b->v[b->n] = NULL;
}

static void push_uint(struct argv_builder *b, const char *opt, unsigned v)
{
    char num[16];

    snprintf(num, sizeof(num), "%u", v);
    push(b, opt);
    push(b, num);
}

char **xl_bench_params_to_argv(const struct xl_bench_params *p)
{
    struct argv_builder b = { NULL, 0 };

    push(&b, kind_names[p->kind]);
    switch (p->kind) {
    case XL_BENCH_COMMAND: {
        /* Too many fields for options: the worker re-validates the item. */
        json_object *o = xl_bench_params_to_json(p);

        push(&b, "--item");
        push(&b, xl_json_compact(o));
        json_object_put(o);
        return b.v;
    }
    case XL_BENCH_NQUEENS:
        push_uint(&b, "--n", p->n);
        break;
    case XL_BENCH_MEMORY:
        push(&b, "--kernel");
        push(&b, kernel_names[p->kernel]);
        push(&b, "--type");
        push(&b, type_names[p->type]);
        if (p->array_mib)
            push_uint(&b, "--array-mib", p->array_mib);
        if (p->reps)
            push_uint(&b, "--reps", p->reps);
        break;
    case XL_BENCH_DBENCH:
        push_uint(&b, "--clients", p->clients);
        if (p->seconds)
            push_uint(&b, "--seconds", p->seconds);
        if (p->dir) {
            push(&b, "--dir");
            push(&b, p->dir);
        }
        if (p->loadfile) {
            push(&b, "--loadfile");
            push(&b, p->loadfile);
        }
        break;
    }
    if (p->threads)
        push_uint(&b, "--threads", p->threads);
    return b.v;
}

