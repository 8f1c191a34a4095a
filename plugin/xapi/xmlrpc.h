/* The XML-RPC subset XAPI uses to call a host plugin, parsed and written with
 * libxml2.
 *
 * Request (argv[1] of the plugin):
 *   <methodCall><methodName>FN</methodName><params>
 *     <param><value>SESSION</value></param>
 *     <param><value><struct><member><name>K</name><value>V</value></member>...
 *   </struct></value></param></params></methodCall>
 * where a value is <string>..</string> or bare text (XML-RPC's default type).
 *
 * Response (stdout), as XenAPIPlugin.dispatch writes it:
 *   <methodResponse><params><param><value><struct>
 *     Status: "Success", Value: STRING   or
 *     Status: "Failure", ErrorDescription: [STRING, ...]
 *   </struct></value></param></params></methodResponse>
 *
 * The request is hostile until parsed: at most XL_RPC_MAX_BYTES, no DTD (so
 * no entity can expand), no network, libxml2's depth limit, and only the
 * shape above; anything else is an error naming what was wrong. */
#pragma once

#include <stddef.h>

#define XL_RPC_MAX_BYTES (1024 * 1024)
#define XL_RPC_MAX_ARGS 32
#define XL_RPC_NAME_MAX 64

struct xl_rpc_call {
    char *method;
    char *session;
    char *keys[XL_RPC_MAX_ARGS];
    char *vals[XL_RPC_MAX_ARGS];
    size_t nr_args;
    /* A member whose value is not a string: its name, so the failure can
     * name the argument (the rest of the call still parses). */
    char *bad_type_arg;
};

void xl_rpc_call_init(struct xl_rpc_call *c);
void xl_rpc_call_dispose(struct xl_rpc_call *c);

/* Parses a methodCall. XL_ERR_INVAL with a one-line message for anything
 * malformed, too large, or carrying a DTD. */
int xl_rpc_parse_call(const char *xml, size_t len, struct xl_rpc_call *c);

/* The argument called key, or NULL. */
const char *xl_rpc_arg(const struct xl_rpc_call *c, const char *key);

/* Writes a methodResponse into a malloc'd, NUL-terminated buffer. Text that
 * XML 1.0 cannot carry (control characters, invalid UTF-8) is replaced by
 * U+FFFD, so the response always parses. */
char *xl_rpc_success(const char *value);
char *xl_rpc_failure(const char *const *desc, size_t n);
