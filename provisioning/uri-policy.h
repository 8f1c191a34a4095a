/* Which libvirt connection URIs xenlab opens. A URI is data from whoever
 * gave it (a CLI user, a XAPI caller, a journal line), and libvirt acts on
 * it as root: the ext transport runs the command its URI names, and
 * parameters such as socket= or keyfile= point libvirt at files. */
#pragma once

#include <stdbool.h>

/* The operator asked for a URI outside the safe set (--allow-unsafe-uri). */
#define XL_URI_ALLOW_UNSAFE 1u

/* XL_OK if uri is a driver URI xenlab opens (xen, qemu, lxc, test:///default;
 * transports unix, ssh, libssh, libssh2, tls, tcp; no parameter but no_tty),
 * else XL_ERR_INVAL with one line naming the URI and what is refused.
 * flags XL_URI_ALLOW_UNSAFE accepts anything libxml2 parses as a URI. */
int xl_uri_check(const char *uri, unsigned flags);

/* The flags the libvirt backend checks with: the process's operator's
 * choice, set once by the CLI (never by the XAPI plugin). */
void xl_uri_policy_set(unsigned flags);
unsigned xl_uri_policy_flags(void);

/* True if uri is one line, verbatim, of the administrator's list of URIs a
 * XAPI caller may name ($XENLAB_XAPI_URIS_FILE, for tests, or
 * /etc/xenlab/xapi-uris). A missing list allows none. */
bool xl_uri_admin_listed(const char *uri);
const char *xl_uri_admin_list_path(void);
