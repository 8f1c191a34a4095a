/* The XAPI host plugin's functions (xe host-call-plugin plugin=xenlab fn=NAME
 * args:KEY=VALUE ...). Each takes the parsed call and fills a reply: a Value
 * string on success, an ErrorDescription list on failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "xmlrpc.h"

#define XL_XAPI_MAX_DESC 4

struct xl_xapi_reply {
    char *value;                        /* Success */
    char *desc[XL_XAPI_MAX_DESC];       /* Failure: code, then parameters */
    size_t nr_desc;
};

void xl_xapi_reply_init(struct xl_xapi_reply *rep);
void xl_xapi_reply_dispose(struct xl_xapi_reply *rep);

/* Sets the failure [code, arg, message] (arg may be NULL) and returns
 * XL_ERR_INVAL: every failure the plugin reports is an answer, not a crash. */
int xl_xapi_fail(struct xl_xapi_reply *rep, const char *code, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* [XENLAB_BAD_ARGUMENT, arg, the last xl_error message]. */
int xl_xapi_bad_arg(struct xl_xapi_reply *rep, const char *arg);

/* A required argument: a Failure naming it when missing. */
int xl_xapi_need(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char *key, const char **val_r);
/* The run id argument "id", checked to name an existing run. */
int xl_xapi_need_run_id(const struct xl_rpc_call *c, struct xl_xapi_reply *rep, const char **id_r);

int xl_xapi_run(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_cancel(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_status(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_list_runs(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_report(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_bases(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_clean(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
int xl_xapi_host_info(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);

/* Parses request, runs the function it names, returns the methodResponse
 * text (caller frees). Never fails: errors become a Failure response. */
char *xl_xapi_handle(const char *request, size_t len);

/* The plugin program: the methodCall from argv[1] or stdin, the response on
 * stdout (xapi-plugin.c). main() of xenlab-xapi-plugin, and what
 * xenlab-static runs when XAPI starts it as /etc/xapi.d/plugins/xenlab. */
int xl_xapi_plugin_main(int argc, char **argv);
