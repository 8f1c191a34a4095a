/* One small interface over the toolstacks that create domains: libxl
 * (direct) and libvirt (any URI). A backend object holds one connection and
 * at most one domain, the clone it created. */
#pragma once

#include <libxl.h>
#include <stdbool.h>
#include <stdint.h>

struct xl_backend;
struct xl_xapi_desc;

/* What a backend needs to create the domain; each uses its own field. */
struct xl_domain_desc {
    const char *name;
    libxl_domain_config *libxl_cfg;   /* libxl */
    const char *xml;                  /* libvirt */
    const struct xl_xapi_desc *xapi;  /* xapi (backend-xapi.h) */
};

struct xl_backend_ops {
    const char *name;
    int (*open)(struct xl_backend *be, const char *uri);
    void (*close)(struct xl_backend *be);
    /* Free host memory in KiB, for the preflight. */
    int (*free_memory)(struct xl_backend *be, uint64_t *kib_r);
    /* Creates (defines and starts) the domain paused. */
    int (*create_paused)(struct xl_backend *be, const struct xl_domain_desc *d);
    int (*unpause)(struct xl_backend *be);
    int (*set_vcpus)(struct xl_backend *be, unsigned vcpus);
    int (*set_memory)(struct xl_backend *be, uint64_t kib);
    int (*destroy)(struct xl_backend *be);
    /* Forgets the definition (libvirt undefine); a no-op where nothing persists. */
    int (*undefine)(struct xl_backend *be);
    int (*domid)(struct xl_backend *be, uint32_t *domid_r);
    /* Takes over an existing domain by name (a run resumed after a crash
     * cleans what the crashed run made). XL_ERR_NOTFOUND if there is none. */
    int (*attach)(struct xl_backend *be, const char *name);
    /* Waits for the domain to die; NULL where the backend cannot tell. */
    int (*wait_death)(struct xl_backend *be, double timeout_s);
};

struct xl_backend {
    const struct xl_backend_ops *ops;
    void *priv;
    char *uri;
    bool created;      /* a domain exists that cleanup must destroy */
    bool defined;      /* a definition exists that cleanup must undefine */
};

extern const struct xl_backend_ops xl_backend_libxl_ops;
extern const struct xl_backend_ops xl_backend_libvirt_ops;
extern const struct xl_backend_ops xl_backend_xapi_ops;

/* "libxl", "libvirt" or "xapi"; uri may be NULL (libvirt: xen:///system;
 * xapi: a host uuid, else this host). */
int xl_backend_open(struct xl_backend *be, const char *name, const char *uri);
void xl_backend_close(struct xl_backend *be);

/* Called with the new domain's id while it is paused: dom0 writes the plan
 * into its XenStore home here, before the guest can look. */
typedef int (*xl_plan_hook)(struct xl_backend *be, uint32_t domid, void *arg);

/* create paused -> hook -> unpause; on any failure the
 * domain is destroyed and undefined, so nothing is left behind. */
int xl_backend_start(struct xl_backend *be, const struct xl_domain_desc *d, xl_plan_hook hook, void *arg);

/* Attaches to the domain called name, so that xl_backend_cleanup removes it. */
int xl_backend_attach(struct xl_backend *be, const char *name);

/* Destroys and undefines whatever this backend created; safe to repeat. */
int xl_backend_cleanup(struct xl_backend *be);
