/* LD_PRELOAD stub that lets Debian's C xenstored (Xen 4.17) serve its unix
 * socket on a machine without a hypervisor, for the component tests. It
 * defines the 17 libxenctrl/libxenevtchn/libxengnttab symbols xenstored
 * imports (only dom0 exists; event channels are an eventfd that never
 * fires; grant maps are anonymous pages) and redirects /proc/xen/xsd_port
 * and /proc/xen/xsd_kva to files under $FAKEXEN_DIR. The daemon under test
 * is the real one: only its view of the hypervisor is stubbed. Built with
 * the Xen headers but linked with no Xen library. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

/* Every symbol here is called only by the dynamic linker's users. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

static int handle_token;
static int event_fd = -1;
static evtchn_port_t next_port = 10;

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    (void)logger;
    (void)dombuild_logger;
    (void)open_flags;
    return (xc_interface *)&handle_token;
}

int xc_interface_close(xc_interface *xch)
{
    (void)xch;
    return 0;
}

/* Only dom0 exists, and it runs. */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid, unsigned int max_doms, xc_dominfo_t *info)
{
    (void)xch;
    if (first_domid > 0 || max_doms < 1)
        return 0;
    memset(info, 0, sizeof(*info));
    info->domid = 0;
    info->running = 1;
    return 1;
}

xenevtchn_handle *xenevtchn_open(xentoollog_logger *logger, unsigned open_flags)
{
    (void)logger;
    (void)open_flags;
    if (event_fd < 0)
        event_fd = eventfd(0, EFD_CLOEXEC);
    return (xenevtchn_handle *)&event_fd;
}

xenevtchn_handle *xenevtchn_fdopen(xentoollog_logger *logger, int fd, unsigned open_flags)
{
    (void)fd;
    return xenevtchn_open(logger, open_flags);
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
    (void)xce;
    return event_fd;
}

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    (void)xce;
    (void)virq;
    return (xenevtchn_port_or_error_t)next_port++;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                                                     evtchn_port_t remote_port)
{
    (void)xce;
    (void)domid;
    (void)remote_port;
    return (xenevtchn_port_or_error_t)next_port++;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce;
    (void)port;
    return 0;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
    (void)xce;
    errno = EAGAIN;
    return -1;
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce;
    (void)port;
    return 0;
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    (void)xce;
    (void)port;
    return 0;
}

xengnttab_handle *xengnttab_open(xentoollog_logger *logger, unsigned open_flags)
{
    (void)logger;
    (void)open_flags;
    return (xengnttab_handle *)&handle_token;
}

int xengnttab_close(xengnttab_handle *xgt)
{
    (void)xgt;
    return 0;
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
    (void)xgt;
    (void)nr_grants;
    return 0;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid, uint32_t ref, int prot)
{
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    (void)xgt;
    (void)domid;
    (void)ref;
    (void)prot;
    return m == MAP_FAILED ? NULL : m;
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address, uint32_t count)
{
    (void)xgt;
    return munmap(start_address, (size_t)count * 4096);
}

static const char *redirect(const char *path, char *buf, size_t n)
{
    const char *dir = getenv("FAKEXEN_DIR");

    if (dir && strncmp(path, "/proc/xen/", 10) == 0 &&
        (size_t)snprintf(buf, n, "%s/%s", dir, path + 10) < n)
        return buf;
    return path;
}

typedef int (*open_fn)(const char *, int, ...);

static int open_redirected(const char *name, const char *path, int flags, va_list ap)
{
    open_fn real = (open_fn)dlsym(RTLD_NEXT, name);
    mode_t mode = 0;
    char buf[4096];

    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    if (flags & (O_CREAT | __O_TMPFILE))
        mode = va_arg(ap, mode_t);
    return real(redirect(path, buf, sizeof(buf)), flags, mode);
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    int r;

    va_start(ap, flags);
    r = open_redirected("open", path, flags, ap);
    va_end(ap);
    return r;
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    int r;

    va_start(ap, flags);
    r = open_redirected("open64", path, flags, ap);
    va_end(ap);
    return r;
}
