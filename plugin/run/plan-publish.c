#include "plan-publish.h"

#include <errno.h>
#include <string.h>

#include "json-util.h"
#include "xl-util.h"
#include "xs-layout.h"

struct tx {
    struct xs_handle *xs;
    xs_transaction_t t;
};

static int tx_write(void *opaque, const char *path, const char *val, size_t len)
{
    struct tx *tx = opaque;

    if (!xs_write(tx->xs, tx->t, path, val, (unsigned)len))
        return xl_error_errno(XL_ERR_FAIL, errno, "xenstore write %s", path);
    return XL_OK;
}

int xl_plan_publish(struct xs_handle *xs, unsigned domid, const struct xl_plan *p)
{
    json_object *o = xl_plan_to_json(p);
    const char *text = xl_json_compact(o);
    xl_autofree char *home = xl_xs_home(domid);
    xl_autofree char *dir = xl_xs_path(home, "xenlab");
    xl_autofree char *path = xl_xs_path(home, XL_XS_PLAN);
    struct xs_permissions perms[2] = {
        { .id = 0, .perms = XS_PERM_NONE },
        { .id = domid, .perms = XS_PERM_READ },
    };
    int attempt, rc = XL_ERR_FAIL;

    /* A transaction conflicts when the guest touches its home meanwhile:
     * retry a few times, as libxl does. */
    for (attempt = 0; attempt < 16; attempt++) {
        struct tx tx = { .xs = xs, .t = xs_transaction_start(xs) };

        if (tx.t == XBT_NULL) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "xenstore: cannot start a transaction");
            break;
        }
        xs_rm(xs, tx.t, dir);
        rc = XL_OK;
        if (!xs_mkdir(xs, tx.t, dir) || !xs_set_permissions(xs, tx.t, dir, perms, 2))
            rc = xl_error_errno(XL_ERR_FAIL, errno, "xenstore: cannot create %s", dir);
        if (!rc)
            rc = xl_xs_value_write(tx_write, &tx, path, text, strlen(text), XL_PLAN_MAX_BYTES);
        if (rc) {
            xs_transaction_end(xs, tx.t, true);
            break;
        }
        if (xs_transaction_end(xs, tx.t, false))
            break;
        if (errno != EAGAIN) {
            rc = xl_error_errno(XL_ERR_FAIL, errno, "xenstore: writing the plan of domain %u", domid);
            break;
        }
        rc = xl_error(XL_ERR_FAIL, "xenstore: the plan of domain %u kept conflicting", domid);
    }
    json_object_put(o);
    return rc;
}

int xl_plan_retract(struct xs_handle *xs, unsigned domid)
{
    xl_autofree char *home = xl_xs_home(domid);
    xl_autofree char *dir = xl_xs_path(home, "xenlab");

    if (!xs_rm(xs, XBT_NULL, dir) && errno != ENOENT)
        return xl_error_errno(XL_ERR_FAIL, errno, "xenstore rm %s", dir);
    return XL_OK;
}
