/* Small libxenstore helpers shared by the xen suite's probe programs (dom0 and
 * guest side). */
#pragma once

#include <stdbool.h>
#include <xenstore.h>

/* Writes a NUL-terminated value. */
bool xst_put(struct xs_handle *xs, const char *path, const char *value);
/* "EACCES" and friends, for outcomes a test compares. */
const char *xst_errno_name(int e);
/* Why a wait for a guest's node can end without it: the domain whose XenStore home
 * is home is gone (libxl removes /local/domain/ID when it destroys one: ESRCH), or
 * the program the testbed booted it to run has exited (the guest's stage 2 writes
 * data/xenlab-testbed/run-status: ECHILD).  0 while the guest may still write. */
int xst_guest_ended(struct xs_handle *xs, const char *home);
/* Reads path, waiting on a watch until it exists -- for as long as domain domid
 * may still write it (domid < 0: for ever). A wait is bounded by what it waits for,
 * never by a clock: NULL with errno ESRCH when the domain went away first, ECHILD
 * when the program the testbed guest runs exited first, or with the error that
 * stopped the wait. The caller frees the value. */
char *xst_wait_read(struct xs_handle *xs, const char *path, int domid, unsigned *len_r);
