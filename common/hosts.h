/* The hosts of a multi-host experiment: `xenlab run SPEC --hosts FILE` (FILE
 * is {"hosts": [ENTRY, ...]}) or the spec's own "hosts" list. An ENTRY is a
 * URI string or an object:
 *
 *   {"uri": URI, "name": NAME, "xenlab": "/abs/path/of/xenlab",
 *    "backend": B, "toolstack_uri": U, "base": NAME, "clone_dir": "/abs",
 *    "parallel": N, "virt_type": T}
 *
 * URI is one of
 *   local                       this dom0, its own xenlab started as a child;
 *   ssh://[USER@]HOST[:PORT]    the remote dom0's xenlab through OpenSSH;
 *   xapi://HOST-UUID            a pool member, through the pool master's
 *                               xe host-call-plugin ... plugin=xenlab.
 * NAME defaults to "local", HOST's first label, or "xapi-" + the UUID's
 * first 8 digits; names are unique, xl_name_valid, and name the host in
 * results and reports. The other fields become that host's `xenlab run`
 * options (--backend, --uri, --base, --clone-dir, --parallel, --virt-type).
 *
 * Everything here is data: a hosts file is as untrusted as a spec. Each
 * field is bounded and checked so that nothing in it can become an ssh
 * option or a shell word on the remote side (the remote command is quoted
 * too, remote.c); errors name the JSON path ("hosts[1].uri: ..."). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#define XL_HOSTS_MAX 16
#define XL_HOST_NAME_MAX 32

enum xl_host_scheme { XL_HOST_LOCAL, XL_HOST_SSH, XL_HOST_XAPI };

struct xl_host_entry {
    char *name;
    char *uri;                 /* as written, canonical */
    enum xl_host_scheme scheme;
    char *user;                /* ssh: NULL = ssh's default */
    char *addr;                /* ssh: host name or address (no brackets) */
    unsigned port;             /* ssh: 0 = ssh's default */
    char *uuid;                /* xapi */
    char *xenlab;              /* the remote program; NULL = "xenlab" in PATH */
    char *backend, *toolstack_uri, *base, *clone_dir, *virt_type;
    unsigned parallel;         /* 0 = the remote's default */
};

struct xl_hosts {
    struct xl_host_entry *v;
    size_t n;
};

void xl_hosts_init(struct xl_hosts *h);
void xl_hosts_dispose(struct xl_hosts *h);

/* Parses the array at path (e.g. "hosts") into h. */
int xl_hosts_from_json(json_object *arr, const char *path, struct xl_hosts *h);
/* A hosts file: {"hosts": [...]}; errors name the file. */
int xl_hosts_load(const char *file, struct xl_hosts *h);
/* The entry of that name, or NULL. */
const struct xl_host_entry *xl_hosts_find(const struct xl_hosts *h, const char *name);
/* The list back as JSON (every field, canonical): for the journal. */
json_object *xl_hosts_to_json(const struct xl_hosts *h);
