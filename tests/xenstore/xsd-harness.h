/* Starts the real C xenstored (Debian's xen-utils-4.17) for one test, in a
 * private mkdtemp directory, with tests/xenstore/fakexen-shim.so preloaded
 * in place of the hypervisor; sets XENSTORED_PATH so libxenstore clients in
 * this process and its children reach it. xsd_stop() kills it and removes
 * the directory: nothing is left behind.
 *
 * Every client of that socket is privileged (dom0): guest permission
 * enforcement (a guest writing only under its data/) is verified on the Xen
 * testbed (tests/xen/guest-xenstore.sh), not here. */
#pragma once

#include <sys/types.h>

struct xsd {
    char *dir;
    char *socket;
    pid_t pid;
};

/* shim: the built fakexen-shim.so (tests get it as an argument).
 * 0 on success; 77 (print it as the TAP skip reason) when xenstored or the
 * shim is not there; -1 on failure. why_r names the problem. */
int xsd_start(struct xsd *x, const char *shim, const char **why_r);
void xsd_stop(struct xsd *x);

struct xs_handle;

/* Test-side helpers (the test plays dom0 or a misbehaving guest). */
int xsd_put(struct xs_handle *h, const char *path, const char *val);
/* Number of lines of file containing every one of the NULL-terminated needles. */
int xsd_count_lines(const char *file, const char *const *needles);
