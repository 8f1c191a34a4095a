/* Small libxenstore helpers shared by the xen suite's probe programs (dom0 and
 * guest side). */
#pragma once

#include <stdbool.h>
#include <xenstore.h>

/* Writes a NUL-terminated value. */
bool xst_put(struct xs_handle *xs, const char *path, const char *value);
/* "EACCES" and friends, for outcomes a test compares. */
const char *xst_errno_name(int e);
/* Reads path, waiting on a watch until it exists; timeout_s <= 0 waits for
 * ever. NULL with errno ENOENT when it is still absent at the deadline, or
 * with the error that stopped the wait. The caller frees the value. */
char *xst_wait_read(struct xs_handle *xs, const char *path, double timeout_s, unsigned *len_r);
