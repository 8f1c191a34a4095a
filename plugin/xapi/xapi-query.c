/* fn=status, list_runs, report, bases: read-only views of the run store and
 * the base registry, through the same APIs the CLI uses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "base.h"
#include "json-util.h"
#include "report.h"
#include "run-status.h"
#include "runstore.h"
#include "xapi.h"
#include "uri-policy.h"
#include "xl-util.h"

#define MAX_REPORT (16 * 1024 * 1024)
#define MAX_RESULTS_JSON (64 * 1024 * 1024)

static void set_value(struct xl_xapi_reply *rep, json_object *v)
{
    rep->value = xl_strdup(xl_json_compact(v));
    json_object_put(v);
}

int xl_xapi_status(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    struct xl_run run;
    const char *id;
    int rc;

    rc = xl_xapi_need_run_id(c, rep, &id);
    if (rc)
        return rc;
    xl_run_init(&run);
    rc = xl_run_open(xl_runs_dir(), id, &run);
    if (rc)
        rc = xl_xapi_fail(rep, "XENLAB_RUN_UNREADABLE", id, "%s", xl_error_message());
    else
        set_value(rep, xl_run_status_json(&run, true));
    xl_run_dispose(&run);
    return rc;
}

int xl_xapi_list_runs(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    const char *runs_dir = xl_runs_dir();
    json_object *arr;
    char **ids = NULL;
    size_t n = 0, i;
    int rc;

    (void)c;
    rc = xl_run_list(runs_dir, &ids, &n);
    if (rc == XL_ERR_NOTFOUND) {
        xl_error_clear();
        rc = XL_OK;
    }
    if (rc)
        return xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
    arr = json_object_new_array();
    for (i = 0; i < n; i++) {
        struct xl_run run;

        xl_run_init(&run);
        if (xl_run_open(runs_dir, ids[i], &run) == XL_OK) {
            json_object_array_add(arr, xl_run_status_json(&run, false));
        } else {
            json_object *o = json_object_new_object();

            xl_json_add(o, "id", xl_json_str(ids[i]));
            xl_json_add(o, "error", xl_json_str(xl_error_message()));
            json_object_array_add(arr, o);
        }
        xl_run_dispose(&run);
        free(ids[i]);
    }
    free(ids);
    set_value(rep, arr);
    return XL_OK;
}

int xl_xapi_report(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    const char *id, *format = xl_rpc_arg(c, "format");
    enum xl_report_format fmt = XL_REPORT_MD;
    xl_autofree char *dir = NULL;
    xl_autofree char *buf = NULL;
    struct xl_report r;
    struct xl_run run;
    size_t len = 0;
    FILE *mem;
    int rc;

    /* format=results: the run's results.json as it is, for a multi-host
     * run on the pool master (plugin/run/multihost.h). */
    if (format && strcmp(format, "results") == 0) {
        xl_autofree char *path = NULL, *text = NULL;
        size_t n = 0;

        rc = xl_xapi_need_run_id(c, rep, &id);
        if (rc)
            return rc;
        xl_run_init(&run);
        rc = xl_run_open(xl_runs_dir(), id, &run);
        if (!rc) {
            path = xl_asprintf("%s/results.json", run.dir);
            if (access(path, F_OK) < 0)
                rc = xl_run_write_results(&run);
        }
        if (!rc)
            rc = xl_read_file(path, MAX_RESULTS_JSON, &text, &n);
        xl_run_dispose(&run);
        if (rc)
            return xl_xapi_fail(rep, "XENLAB_NO_RESULTS", id, "%s", xl_error_message());
        rep->value = xl_steal_pointer(&text);
        return XL_OK;
    }
    if (format) {
        if (!xl_report_format_from_name(format, &fmt))
            return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "format", "\"%s\": use md, csv, json, pts, html or results",
                                format);
    }
    rc = xl_xapi_need_run_id(c, rep, &id);
    if (rc)
        return rc;
    xl_report_init(&r);
    xl_run_init(&run);
    dir = xl_asprintf("%s/%s", xl_runs_dir(), id);
    rc = xl_report_load(&r, dir);
    if (!rc && r.nr_rows == 0)
        rc = xl_error(XL_ERR_NOTFOUND, "run %s has no results yet", id);
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_NO_RESULTS", id, "%s", xl_error_message());
        goto out;
    }
    if (xl_run_open(xl_runs_dir(), id, &run) == XL_OK && run.spec.name)
        snprintf(r.title, sizeof(r.title), "xenlab: %s (%s)", run.spec.name, id);
    else
        snprintf(r.title, sizeof(r.title), "xenlab: %s", id);
    xl_error_clear();
    r.generated = xl_report_time();
    mem = open_memstream(&buf, &len);
    if (!mem) {
        rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "open_memstream: %s", strerror(errno));
        goto out;
    }
    rc = xl_report_write(&r, fmt, NULL, NULL, mem);
    if (fclose(mem) != 0 && !rc)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "rendering the report");
    if (!rc && len > MAX_REPORT)
        rc = xl_error(XL_ERR_FAIL, "report larger than %d MiB", MAX_REPORT >> 20);
    if (rc) {
        rc = xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
        goto out;
    }
    rep->value = xl_steal_pointer(&buf);
out:
    xl_run_dispose(&run);
    xl_report_dispose(&r);
    return rc;
}

int xl_xapi_bases(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    json_object *arr;
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    (void)c;
    rc = xl_base_list(&names, &n);
    if (rc)
        return xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
    arr = json_object_new_array();
    for (i = 0; i < n; i++) {
        struct xl_base b;

        if (xl_base_load(names[i], &b) == XL_OK) {
            json_object_array_add(arr, xl_base_to_json(&b));
        } else {
            json_object *o = json_object_new_object();

            xl_json_add(o, "name", xl_json_str(names[i]));
            xl_json_add(o, "error", xl_json_str(xl_error_message()));
            json_object_array_add(arr, o);
        }
        xl_base_dispose(&b);
        free(names[i]);
    }
    free(names);
    set_value(rep, arr);
    return XL_OK;
}

/* fn=host_info: what a multi-host run asks of a pool member before it
 * places arms there. */
int xl_xapi_host_info(const struct xl_rpc_call *c, struct xl_xapi_reply *rep)
{
    const char *backend = xl_rpc_arg(c, "backend"), *uri = xl_rpc_arg(c, "uri");
    json_object *o = NULL;

    if (backend && !xl_backend_find(backend)) {
        xl_error_clear();
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "backend", "\"%s\": use %s", backend, xl_backend_list());
    }
    if (uri && !xl_uri_admin_listed(uri))
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "uri", "\"%s\" is not listed in %s", uri,
                            xl_uri_admin_list_path());
    if (xl_host_probe(backend, uri, &o))
        return xl_xapi_fail(rep, "XENLAB_INTERNAL_ERROR", NULL, "%s", xl_error_message());
    set_value(rep, o);
    return XL_OK;
}
