/* The limits of the container a trial runs in, as the spec, the plan and the
 * worker's --container option express them (docker run --cpus --memory). */
#pragma once

#include <json-c/json.h>
#include <stdint.h>
#include <stddef.h>

/* Where a base keeps container images as root tarballs, NAME-TAG.tar.gz
 * (xenlab base build): the guests have no network to pull one, so the
 * worker imports image=NAME:TAG from here into docker/podman on first use. */
#define XL_CT_IMAGE_DIR "/usr/share/xenlab/images"

struct xl_container_spec {
    double cpus;          /* CPU quota in CPUs (1.0 = one CPU's worth of time) */
    uint64_t memory;      /* bytes; swap limited to the same, as docker does */
    char *runtime;        /* auto, runc, crun, podman, docker */
    char *rootfs;         /* NULL: the host root, read-only */
    char *image;          /* docker/podman image */
    char *volume;         /* "HOST:CT", NULL: a private work dir */
};

void xl_container_spec_init(struct xl_container_spec *c);
void xl_container_spec_dispose(struct xl_container_spec *c);
void xl_container_spec_copy(struct xl_container_spec *dst, const struct xl_container_spec *src);

/* "cpus=1.0,memory=1GiB[,runtime=...][,rootfs=DIR|image=NAME][,volume=HOST:CT]" */
int xl_container_spec_parse(const char *text, struct xl_container_spec *c);
/* The same form, for the worker's command line. Caller frees. */
char *xl_container_spec_format(const struct xl_container_spec *c);

/* {"cpus":1.0,"memory":"1GiB","runtime":"auto"}; memory may also be bytes. */
int xl_container_spec_from_json(json_object *obj, const char *path, struct xl_container_spec *c);
json_object *xl_container_spec_to_json(const struct xl_container_spec *c);
