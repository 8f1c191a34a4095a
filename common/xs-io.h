/* The one bounded XenStore read every libxenstore user here needs (agent,
 * collector, test stand-ins): built only where libxenstore is, so the worker
 * library stays free of it. */
#pragma once

#include <stddef.h>

/* An xl_xs_read_fn (xs-layout.h) over a struct xs_handle *: reads path,
 * refusing (XL_ERR_GUEST) a value longer than max; XL_ERR_NOTFOUND when
 * the node is missing. */
int xl_xs_read_node(void *xs_handle, const char *path, size_t max, char **val_r, size_t *len_r);
