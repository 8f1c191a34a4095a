/* One small interface over the toolstacks that create domains. A backend
 * is a driver: it owns its configuration format, its validation and its
 * connection; nothing outside provisioning/backend*.c names one. A backend
 * object holds one connection, at most one prepared configuration and at
 * most one domain, the clone it created. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"
#include "domain-spec.h"

struct xl_backend;

/* An existing domain as a base is taken from it (xenlab base add
 * --from-domain): its one writable disk, which must be xvda, and its own
 * configuration, which becomes the base's template. */
struct xl_domain_source {
    char *disk;                 /* a file or a block device */
    char *disk_format;          /* "raw" or "qcow2", as the configuration says */
    char *config;               /* the configuration's text */
    const char *config_suffix;  /* ".cfg" (xl.cfg) or ".xml" (domain XML) */
};

void xl_domain_source_init(struct xl_domain_source *s);
void xl_domain_source_dispose(struct xl_domain_source *s);

/* What a backend is, for the generic code to ask instead of its name. */
enum {
    /* The toolstack clones the base itself (on its own storage): dom0 makes
     * no disk, no payload disk and no clone directory, and the base is the
     * toolstack's reference, not a registered xenlab base. */
    XL_BACKEND_CLONES_BASE = 1u << 0,
    /* The plan travels in the domain's own configuration; dom0 does not
     * write it into the paused domain's XenStore home. */
    XL_BACKEND_PLAN_IN_CONFIG = 1u << 1,
    /* It takes a connection URI (--uri). */
    XL_BACKEND_TAKES_URI = 1u << 2,
};

/* What dom0 sees of a running domain at one moment (its "sensors"): the
 * CPU time all its vCPUs have used, and the physical CPUs they are on. */
struct xl_domain_sample {
    uint64_t cpu_ns;
    unsigned vcpus;             /* online */
    struct xl_cpuset pcpus;     /* where those vCPUs run (or last ran) */
};

struct xl_backend_ops {
    const char *name;
    unsigned flags;
    /* Refuses a URI before anything connects; NULL: any URI the backend's
     * open accepts. */
    int (*check_uri)(const char *uri);
    int (*open)(struct xl_backend *be, const char *uri);
    void (*close)(struct xl_backend *be);
    /* Builds and validates the domain's configuration from s; creates
     * nothing and needs no connection. *config_r (caller frees) is the
     * configuration as text, for --dry-run and the clone record; its memory
     * in *memory_kib_r (0 if unknown). The result is kept for create_paused. */
    int (*prepare)(struct xl_backend *be, const struct xl_domain_spec *s, char **config_r,
                   uint64_t *memory_kib_r);
    /* Forgets what prepare kept. */
    void (*discard)(struct xl_backend *be);
    /* Free host memory in KiB, for the preflight. */
    int (*free_memory)(struct xl_backend *be, uint64_t *kib_r);
    /* The host's physical CPUs (numbered 0..n-1), for the preflight of
     * pinned arms; NULL where the toolstack does not say. */
    int (*host_cpus)(struct xl_backend *be, unsigned *n_r);
    /* Creates (defines and starts) the prepared domain paused. */
    int (*create_paused)(struct xl_backend *be, const char *name);
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
    /* Describes the domain called name, which must be shut off or paused
     * (a one-line error otherwise), reading only. config: where its
     * configuration is, for a toolstack that keeps none of a shut-off
     * domain (libxl: the xl.cfg it is created from); NULL: the toolstack's
     * own. NULL where a backend cannot. */
    int (*describe)(struct xl_backend *be, const char *name, const char *config, struct xl_domain_source *src_r);
    /* Samples the domain this backend created or attached; NULL where the
     * toolstack cannot tell (xe). */
    int (*sample)(struct xl_backend *be, struct xl_domain_sample *s);
};

struct xl_backend {
    const struct xl_backend_ops *ops;
    void *priv;                 /* the connection, while open */
    void *prepared;             /* prepare's result, until discard */
    char *uri;
    bool created;      /* a domain exists that cleanup must destroy */
    bool defined;      /* a definition exists that cleanup must undefine */
};

/* The registry: the backends this build has (meson options libxl, libvirt,
 * xapi). NULL, with an error naming the ones there are, for any other name. */
const struct xl_backend_ops *xl_backend_find(const char *name);
/* The backend used when none is named: libxl if built, else the first. */
const char *xl_backend_default(void);
/* "libxl, libvirt or xapi", as built. */
const char *xl_backend_list(void);
bool xl_backend_has(const char *name, unsigned flag);
/* The backend's URI check (and a refusal if it takes no URI). */
int xl_backend_check_uri(const char *name, const char *uri);

/* Picks the backend and keeps the URI, without connecting: enough for
 * prepare (a dry run). */
int xl_backend_select(struct xl_backend *be, const char *name, const char *uri);
/* Selects and connects; uri may be NULL (libvirt: xen:///system; xapi: this host). */
int xl_backend_open(struct xl_backend *be, const char *name, const char *uri);
/* Disconnects and forgets everything, prepared configuration included. */
void xl_backend_close(struct xl_backend *be);

static inline bool xl_backend_is(const struct xl_backend *be, unsigned flag)
{
    return be->ops && (be->ops->flags & flag);
}

int xl_backend_prepare(struct xl_backend *be, const struct xl_domain_spec *s, char **config_r,
                       uint64_t *memory_kib_r);

/* Called with the new domain's id while it is paused: dom0 writes the plan
 * into its XenStore home here, before the guest can look. */
typedef int (*xl_plan_hook)(struct xl_backend *be, uint32_t domid, void *arg);

/* create the prepared domain paused -> hook -> unpause; on any failure the
 * domain is destroyed and undefined, so nothing is left behind. */
int xl_backend_start(struct xl_backend *be, const char *name, xl_plan_hook hook, void *arg);

/* Attaches to the domain called name, so that xl_backend_cleanup removes it. */
int xl_backend_attach(struct xl_backend *be, const char *name);

/* The backend's describe, or an error naming the backend that has none. */
int xl_backend_describe(struct xl_backend *be, const char *name, const char *config, struct xl_domain_source *src_r);

/* The backend's host_cpus; XL_ERR_NOTFOUND, no error set, where it has none. */
int xl_backend_host_cpus(struct xl_backend *be, unsigned *n_r);

/* The backend's sample; XL_ERR_NOTFOUND, no error set, where it has none. */
int xl_backend_sample(struct xl_backend *be, struct xl_domain_sample *s);

/* Destroys and undefines whatever this backend created; safe to repeat. */
int xl_backend_cleanup(struct xl_backend *be);
