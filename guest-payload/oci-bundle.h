/* The OCI runtime bundle (config.json) a trial's container runs from. */
#pragma once

#include <json-c/json.h>

#include "container-spec.h"

/* Where the worker and its work directory appear inside the container. */
#define XL_CT_WORKER "/xenlab/bin/xenlab-guest"
#define XL_CT_WORKDIR "/xenlab/work"

struct xl_oci_params {
    const struct xl_container_spec *spec;
    char *const *args;          /* process args; args[0] is the worker inside */
    const char *runtime;        /* goes into XENLAB_CONTAINER */
    const char *hostname;
    const char *cgroups_path;   /* "/xenlab/<id>" */
    const char *worker_host;    /* bound read-only at XL_CT_WORKER */
    const char *work_host;      /* bound read-write at work_ct, the cwd */
    const char *work_ct;
    const char *inputs;         /* $XENLAB_INPUTS: bound read-only at the same path, and set; NULL none */
    char *const *env;           /* more "NAME=value" entries (which clone: XENLAB_ARM...); NULL none */
    const char *root_path;      /* root.path: "rootfs" (in the bundle) or spec->rootfs */
    int cgroupns;               /* give the container its own cgroup namespace */
    /* With the host root: its top-level directories, each bound read-only
     * (NULL-terminated). The bundle's rootfs holds the top-level symlinks. */
    char *const *host_dirs;
};

/* The config.json document. Caller puts it. */
json_object *xl_oci_config(const struct xl_oci_params *p);

/* Prepares bundle/rootfs as a view of the host root: copies the top-level
 * symlinks (/bin -> usr/bin) and lists the directories to bind in dirs_r
 * (NULL-terminated, free with xl_argv_free). /proc, /sys, /dev, /tmp and
 * /run are left out: the container gets its own. */
int xl_oci_host_root(const char *rootfs, char ***dirs_r);
