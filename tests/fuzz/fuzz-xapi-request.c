/* libFuzzer target: the XAPI plugin's request parser (plugin/xapi/xmlrpc.c) and
 * its response writer. Whatever the bytes, parsing either fails with a
 * message or yields a bounded call, and every response written from what was
 * parsed (or from the error message) is well-formed XML. No plugin function
 * runs here: they touch the run store and start processes. */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xl-util.h"
#include "xmlrpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_well_formed(const char *xml)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "response.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

    if (!doc)
        abort();
    xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xl_rpc_call c;
    char *out;
    size_t i;

    xl_rpc_call_init(&c);
    if (xl_rpc_parse_call((const char *)data, size, &c) == XL_OK) {
        const char *desc[2 + 2 * XL_RPC_MAX_ARGS];
        size_t n = 0;

        if (!c.method || !c.session || c.nr_args > XL_RPC_MAX_ARGS || strlen(c.method) > XL_RPC_NAME_MAX)
            abort();
        desc[n++] = c.method;
        desc[n++] = c.session;
        for (i = 0; i < c.nr_args; i++) {
            if (!c.keys[i] || !c.vals[i] || xl_rpc_arg(&c, c.keys[i]) == NULL)
                abort();
            desc[n++] = c.keys[i];
            desc[n++] = c.vals[i];
        }
        out = xl_rpc_failure(desc, n);
        check_well_formed(out);
        free(out);
        out = xl_rpc_success(c.nr_args ? c.vals[0] : c.session);
    } else {
        const char *msg = xl_error_message();

        if (c.method || c.session || c.nr_args)
            abort();
        out = xl_rpc_failure(&msg, 1);
    }
    check_well_formed(out);
    free(out);
    /* Raw input as a Value: invalid UTF-8 and control bytes must be replaced. */
    if (size < 4096) {
        char *s = xl_strndup((const char *)data, size);

        out = xl_rpc_success(s);
        check_well_formed(out);
        free(out);
        free(s);
    }
    xl_rpc_call_dispose(&c);
    return 0;
}
