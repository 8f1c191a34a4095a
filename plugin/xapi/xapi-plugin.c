/* xenlab-xapi-plugin, installed as /etc/xapi.d/plugins/xenlab:
 *   xe host-call-plugin host-uuid=UUID plugin=xenlab fn=FN args:KEY=VALUE ...
 * XAPI runs it with the XML-RPC methodCall as its one argument and reads the
 * methodResponse from stdout (see xmlrpc.h). Without an argument the call is
 * read from stdin, at most XL_RPC_MAX_BYTES (for tests and for requests
 * larger than one argv string may be). The exit status is 0 whenever a
 * response was written, success or failure: XAPI reads the failure from it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "text.h"
#include "xapi.h"
#include "xl-util.h"

static const struct {
    const char *name;
    int (*fn)(const struct xl_rpc_call *c, struct xl_xapi_reply *rep);
} functions[] = {
    { "run", xl_xapi_run },
    { "status", xl_xapi_status },
    { "report", xl_xapi_report },
    { "list_runs", xl_xapi_list_runs },
    { "cancel", xl_xapi_cancel },
    { "bases", xl_xapi_bases },
    { "host_info", xl_xapi_host_info },
    { "clean", xl_xapi_clean },
};

char *xl_xapi_handle(const char *request, size_t len)
{
    struct xl_xapi_reply rep;
    struct xl_rpc_call c;
    char *out;
    size_t i;

    xl_xapi_reply_init(&rep);
    xl_rpc_call_init(&c);
    if (xl_rpc_parse_call(request, len, &c)) {
        xl_xapi_fail(&rep, "XENLAB_BAD_REQUEST", NULL, "%s", xl_error_message());
        goto out;
    }
    for (i = 0; i < XL_ARRAY_SIZE(functions); i++)
        if (strcmp(c.method, functions[i].name) == 0)
            break;
    if (i == XL_ARRAY_SIZE(functions)) {
        xl_xapi_reply_dispose(&rep);
        rep.desc[rep.nr_desc++] = xl_strdup("UNKNOWN_XENAPI_PLUGIN_FUNCTION");
        rep.desc[rep.nr_desc++] = xl_text_sanitise_dup(c.method);
        goto out;
    }
    if (c.bad_type_arg) {
        xl_xapi_fail(&rep, "XENLAB_BAD_ARGUMENT", c.bad_type_arg, "must be a string");
        goto out;
    }
    xl_error_clear();
    if (functions[i].fn(&c, &rep) == XL_OK && !rep.value)
        rep.value = xl_strdup("");
out:
    out = rep.value ? xl_rpc_success(rep.value) : xl_rpc_failure((const char *const *)rep.desc, rep.nr_desc);
    xl_xapi_reply_dispose(&rep);
    xl_rpc_call_dispose(&c);
    return out;
}

/* stdin, bounded: one byte more than allowed is enough to refuse it. */
static int read_stdin(char **buf_r, size_t *len_r)
{
    size_t cap = XL_RPC_MAX_BYTES + 1, len = 0;
    char *buf = xl_malloc(cap + 1);
    ssize_t r;

    while (len < cap) {
        r = read(0, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            free(buf);
            return xl_error_errno(XL_ERR_FAIL, errno, "reading the request from stdin");
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *buf_r = buf;
    *len_r = len;
    return XL_OK;
}

int xl_xapi_plugin_main(int argc, char **argv)
{
    xl_autofree char *in = NULL;
    xl_autofree char *out = NULL;
    size_t len = 0;

    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--help") == 0)) {
        fprintf(argc == 2 ? stdout : stderr,
                "usage: %s [METHODCALL-XML]   (XAPI host plugin: xe host-call-plugin plugin=xenlab fn=...)\n"
                "       without an argument the methodCall is read from stdin\n",
                argv[0]);
        return argc == 2 ? 0 : 2;
    }
    if (argc == 2) {
        in = xl_strdup(argv[1]);
        len = strlen(in);
    } else if (read_stdin(&in, &len)) {
        fprintf(stderr, "xenlab-xapi-plugin: %s\n", xl_error_message());
        return 1;
    }
    LIBXML_TEST_VERSION
    out = xl_xapi_handle(in, len);
    xmlCleanupParser();
    if (fputs(out, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "xenlab-xapi-plugin: writing the response: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
