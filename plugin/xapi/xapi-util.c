/* Replies, argument checks and the journal facts the plugin's functions share. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "json-util.h"
#include "runstore.h"
#include "text.h"
#include "xapi.h"
#include "xl-util.h"

void xl_xapi_reply_init(struct xl_xapi_reply *rep)
{
    memset(rep, 0, sizeof(*rep));
}

void xl_xapi_reply_dispose(struct xl_xapi_reply *rep)
{
    size_t i;

    free(rep->value);
    for (i = 0; i < rep->nr_desc; i++)
        free(rep->desc[i]);
    xl_xapi_reply_init(rep);
}

int xl_xapi_fail(struct xl_xapi_reply *rep, const char *code, const char *arg, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    xl_xapi_reply_dispose(rep);
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    /* The caller's arguments are quoted here: each string one line of
     * valid UTF-8 without control characters, which XML 1.0 could not carry. */
    rep->desc[rep->nr_desc++] = xl_strdup(code);
    if (arg)
        rep->desc[rep->nr_desc++] = xl_text_sanitise_dup(arg);
    rep->desc[rep->nr_desc++] = xl_text_sanitise_dup(msg);
    free(msg);
    return XL_ERR_INVAL;
}

int xl_xapi_bad_arg(struct xl_xapi_reply *rep, const char *arg)
{
    return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", arg, "%s", xl_error_message());
}

int xl_xapi_need(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char *key, const char **val_r)
{
    *val_r = xl_rpc_arg(c, key);
    if (!*val_r)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", key, "missing: give args:%s=...", key);
    if (!**val_r)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", key, "empty");
    return XL_OK;
}

int xl_xapi_need_run_id(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char **id_r)
{
    const char *runs = xl_runs_dir();
    struct xl_run run;
    int rc;

    rc = xl_xapi_need(c, rep, "id", id_r);
    if (rc)
        return rc;
    /* Opening checks the id's characters before it is used in a path. */
    xl_run_init(&run);
    rc = xl_run_open(runs, *id_r, &run);
    xl_run_dispose(&run);
    if (rc == XL_ERR_NOTFOUND || rc == XL_ERR_INVAL)
        return xl_xapi_fail(rep, "XENLAB_BAD_ARGUMENT", "id", "no run %s in %s", *id_r, runs);
    if (rc)
        return xl_xapi_fail(rep, "XENLAB_RUN_UNREADABLE", *id_r, "%s", xl_error_message());
    return XL_OK;
}

