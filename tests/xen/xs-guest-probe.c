/* xs-guest-probe: runs inside a testbed guest and checks the guest's XenStore rights.
 *
 * Writes data/xenlab-test/hello = "world" in its own home (must work), then tries to
 * write outside it: dom0's home, dom0's data/, and the store's root.  Each attempt's
 * outcome ("EACCES", another errno name, or "ALLOWED") goes to data/xenlab-test/<probe>,
 * and data/xenlab-test/done = "ok" (all denied with EACCES) or "fail" is written last as
 * the commit marker.  The dom0 half of the test (guest-xenstore.dom0) reads them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xenstore.h>

#include "xs-test-util.h"

int main(void)
{
    static const struct {
        const char *key;
        const char *path;
    } probes[] = {
        { "deny-dom0-home", "/local/domain/0/xenlab-test" },
        { "deny-dom0-data", "/local/domain/0/data/xenlab-test" },
        { "deny-root", "/xenlab-test" },
    };
    struct xs_handle *xs = xs_open(0);
    if (xs == NULL) {
        printf("xs-guest-probe: cannot open XenStore: %s\n", strerror(errno));
        return 2;
    }
    /* Relative paths are relative to this domain's home, /local/domain/<domid>. */
    if (!xst_put(xs, "data/xenlab-test/hello", "world")) {
        printf("xs-guest-probe: writing data/xenlab-test/hello: %s\n", strerror(errno));
        xs_close(xs);
        return 1;
    }
    printf("xs-guest-probe: wrote data/xenlab-test/hello\n");
    bool all_denied = true;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        errno = 0;
        bool ok = xst_put(xs, probes[i].path, "guest-was-here");
        const char *outcome = ok ? "ALLOWED" : xst_errno_name(errno);
        if (ok || errno != EACCES)
            all_denied = false;
        printf("xs-guest-probe: write %s: %s\n", probes[i].path, outcome);
        char key[128];
        snprintf(key, sizeof key, "data/xenlab-test/%s", probes[i].key);
        if (!xst_put(xs, key, outcome))
            all_denied = false;
    }
    bool done = xst_put(xs, "data/xenlab-test/done", all_denied ? "ok" : "fail");
    xs_close(xs);
    return done && all_denied ? 0 : 1;
}
