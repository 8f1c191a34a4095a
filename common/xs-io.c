#include "xs-io.h"

#include <errno.h>
#include <stdlib.h>
#include <xenstore.h>

#include "xl-util.h"

int xl_xs_read_node(void *xs_handle, const char *path, size_t max, char **val_r, size_t *len_r)
{
    unsigned len = 0;
    char *v = xs_read(xs_handle, XBT_NULL, path, &len);

    if (!v)
        return errno == ENOENT ? XL_ERR_NOTFOUND : xl_error_errno(XL_ERR_FAIL, errno, "read %s", path);
    /* libxenstore has already read the whole value; refusing here keeps a
     * hostile length from going any further. */
    if (len > max) {
        free(v);
        return xl_error(XL_ERR_GUEST, "%s: %u bytes, more than %zu", path, len, max);
    }
    *val_r = v;
    *len_r = len;
    return XL_OK;
}
