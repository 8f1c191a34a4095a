/* podman/docker: the engines apply --cpus/--memory themselves. No image can
 * be pulled offline, so the spec names an image already present (image=) or,
 * for podman, a root directory (rootfs=, default the host root). The
 * container is kept after it stops only long enough to ask whether it was
 * OOM-killed, then removed. */
#include "engine-run.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-params.h"
#include "ct-cgroup.h"
#include "clone-env.h"
#include "inputs.h"
#include "oci-bundle.h"
#include "self-path.h"
#include "size.h"
#include "text.h"
#include "xl-util.h"

#define MAX_OUTPUT (1024 * 1024)
#define ENGINE_CMD_TIMEOUT_S 120.0

struct argv_buf {
    char **v;
    size_t n, cap;
};

static void push(struct argv_buf *a, char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->v = xl_realloc(a->v, a->cap * sizeof(char *));
    }
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

static void push_podman_flags(struct argv_buf *a)
{
    static const char *const flags[] = { "--cgroup-manager", "cgroupfs", "--events-backend", "file",
                                         "--storage-driver", "vfs", "--runtime", "runc", NULL };
    const char *const *f;

    for (f = flags; *f; f++)
        push(a, xl_strdup(*f));
}

/* The engine's argv so far: its name, and podman's flags. */
static void engine_start(struct argv_buf *a, const char *engine)
{
    push(a, xl_strdup(engine));
    if (strcmp(engine, "podman") == 0)
        push_podman_flags(a);
}

static void engine_cmd(const char *engine, const char *cmd, const char *id, const char *extra)
{
    struct argv_buf a = { 0 };
    struct xl_spawn_result sr;

    engine_start(&a, engine);
    push(&a, xl_strdup(cmd));
    if (extra)
        push(&a, xl_strdup(extra));
    push(&a, xl_strdup(id));
    /* Captured, not inherited: `docker rm` prints the name, and the
     * worker's stdout carries only result documents. */
    xl_spawn_capture(a.v, XL_SPAWN_QUIET_STDERR, ENGINE_CMD_TIMEOUT_S, 4096, &sr);
    xl_spawn_result_dispose(&sr);
    xl_argv_free(a.v);
}

/* `ENGINE inspect --format FORMAT ID`, printable, or NULL. */
static char *inspect(const char *engine, const char *id, const char *format)
{
    struct argv_buf a = { 0 };
    struct xl_spawn_result sr;
    char *val = NULL;

    engine_start(&a, engine);
    push(&a, xl_strdup("inspect"));
    push(&a, xl_strdup("--format"));
    push(&a, xl_strdup(format));
    push(&a, xl_strdup(id));
    if (xl_spawn_capture(a.v, XL_SPAWN_QUIET_STDERR, ENGINE_CMD_TIMEOUT_S, 1024, &sr) == XL_OK && sr.exit_code == 0 &&
        sr.out_len > 1) {
        val = xl_strdup(sr.out);
        xl_text_ascii(val, 300);
    }
    xl_spawn_result_dispose(&sr);
    xl_argv_free(a.v);
    return val;
}

static int oom_killed(const char *engine, const char *id)
{
    xl_autofree char *v = inspect(engine, id, "{{.State.OOMKilled}}");

    return v && strncmp(v, "true", 4) == 0;
}

static bool image_word(const char *s)
{
    size_t i;

    if (!s[0] || s[0] == '.' || s[0] == '-')
        return false;
    for (i = 0; s[i]; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' ||
              s[i] == '_'))
            return false;
    return true;
}

/* dockerd may still be starting (socket activation, a slow first boot: a
 * guest under emulation took minutes for containerd): ask it until it
 * answers or ENGINE_WAIT_S pass. The agent never waits for it at boot, so
 * an arm in the guest is not held up by an engine it does not use. */
#define ENGINE_WAIT_S 900.0
#define ENGINE_POLL_S 3

static int wait_for_daemon(const char *engine)
{
    double deadline = xl_now() + ENGINE_WAIT_S;
    char last[200] = "";

    for (;;) {
        struct argv_buf a = { 0 };
        struct xl_spawn_result sr;
        int rc;

        engine_start(&a, engine);
        push(&a, xl_strdup("version"));
        push(&a, xl_strdup("--format"));
        push(&a, xl_strdup("{{.Server.Version}}"));
        rc = xl_spawn_capture(a.v, XL_SPAWN_MERGE_STDERR, ENGINE_CMD_TIMEOUT_S, 4096, &sr);
        xl_argv_free(a.v);
        if (rc == XL_ERR_NOTFOUND) {
            xl_spawn_result_dispose(&sr);
            return xl_error(XL_ERR_NOTFOUND, "%s is not installed", engine);
        }
        if (rc == XL_OK && sr.exit_code == 0) {
            xl_spawn_result_dispose(&sr);
            return XL_OK;
        }
        if (rc == XL_OK) {
            size_t len;

            snprintf(last, sizeof(last), "%s", sr.out);
            len = strlen(last);
            while (len > 0 && (last[len - 1] == '\n' || last[len - 1] == ' '))
                last[--len] = '\0';
            xl_text_ascii(last, sizeof(last) - 1);
        }
        xl_spawn_result_dispose(&sr);
        if (xl_now() + ENGINE_POLL_S > deadline)
            return xl_error(XL_ERR_FAIL, "the %s daemon did not answer within %.0f s (%s version: %s)", engine,
                            ENGINE_WAIT_S, engine, last[0] ? last : "no output");
        sleep(ENGINE_POLL_S);
    }
}

/* An image the engine does not have yet, from the base's tarball: NAME:TAG
 * is XL_CT_IMAGE_DIR/NAME-TAG.tar.gz, both in Docker's lowercase alphabet,
 * so the image name never becomes a path of its choosing. */
static int ensure_image(const char *engine, const char *image)
{
    struct argv_buf a = { 0 };
    struct xl_spawn_result sr;
    char name[96], tag[96];
    const char *colon = strchr(image, ':');
    xl_autofree char *tar = NULL;
    size_t n = colon ? (size_t)(colon - image) : strlen(image);
    int rc, present;

    engine_start(&a, engine);
    push(&a, xl_strdup("image"));
    push(&a, xl_strdup("inspect"));
    push(&a, xl_strdup(image));
    rc = xl_spawn_capture(a.v, XL_SPAWN_QUIET_STDERR, ENGINE_CMD_TIMEOUT_S, 64 * 1024, &sr);
    present = rc == XL_OK && sr.exit_code == 0;
    xl_spawn_result_dispose(&sr);
    xl_argv_free(a.v);
    if (rc)
        return rc == XL_ERR_NOTFOUND ? xl_error(XL_ERR_NOTFOUND, "%s is not installed", engine) : rc;
    if (present)
        return XL_OK;
    snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1), image);
    snprintf(tag, sizeof(tag), "%s", colon ? colon + 1 : "latest");
    if (n >= sizeof(name) || (colon && strlen(colon + 1) >= sizeof(tag)) || !image_word(name) || !image_word(tag))
        return xl_error(XL_ERR_INVAL, "image %s: not present, and only a NAME:TAG of [a-z0-9._-] is looked for in "
                        XL_CT_IMAGE_DIR, image);
    tar = xl_asprintf(XL_CT_IMAGE_DIR "/%s-%s.tar.gz", name, tag);
    if (access(tar, R_OK) != 0)
        return xl_error(XL_ERR_NOTFOUND, "image %s is not in %s and there is no %s to import (nothing can be pulled)",
                        image, engine, tar);
    a = (struct argv_buf){ 0 };
    engine_start(&a, engine);
    push(&a, xl_strdup("import"));
    push(&a, xl_strdup(tar));
    push(&a, xl_strdup(image));
    rc = xl_spawn_capture(a.v, XL_SPAWN_MERGE_STDERR, 0, 64 * 1024, &sr);
    if (rc == XL_OK && sr.exit_code != 0) {
        xl_text_ascii(sr.out, 200);
        rc = xl_error(XL_ERR_FAIL, "%s import %s: exit %d: %s", engine, tar, sr.exit_code, sr.out);
    }
    xl_spawn_result_dispose(&sr);
    xl_argv_free(a.v);
    return rc;
}

int xl_engine_run(const char *engine, const struct xl_container_spec *c, char *const worker_argv[],
                  double timeout_s, struct xl_spawn_result *sr)
{
    struct argv_buf a = { 0 };
    char id[64], lim[32];
    xl_autofree char *worker = NULL;
    xl_autofree char *work = NULL;
    int is_podman = strcmp(engine, "podman") == 0, private_work = 0, rc;
    uint64_t kills_before = 0, kills_after = 0;
    bool have_kills;
    size_t i;

    xl_spawn_result_init(sr);
    if (!c->image && !(is_podman))
        return xl_error(XL_ERR_INVAL, "%s needs image=NAME (present, or kept by the base in " XL_CT_IMAGE_DIR ")",
                        engine);
    if (!is_podman && (rc = wait_for_daemon(engine)))
        return rc;
    if (c->image && (rc = ensure_image(engine, c->image)))
        return rc;
    worker = xl_self_exe();
    if (!worker)
        return xl_error_errno(XL_ERR_FAIL, errno, "/proc/self/exe");
    if (c->volume) {
        work = xl_strdup(c->volume);
    } else {
        char *dir = xl_strdup("/var/tmp/xenlab-work-XXXXXX");

        if (!mkdtemp(dir)) {
            free(dir);
            return xl_error_errno(XL_ERR_FAIL, errno, "/var/tmp: cannot create the work dir");
        }
        work = xl_asprintf("%s:%s", dir, XL_CT_WORKDIR);
        free(dir);
        private_work = 1;
    }
    snprintf(id, sizeof(id), "xenlab-%ld-%lx", (long)getpid(), (unsigned long)(xl_now() * 1e6));
    engine_start(&a, engine);
    push(&a, xl_strdup("run"));
    push(&a, xl_strdup("--name"));
    push(&a, xl_strdup(id));
    push(&a, xl_strdup("--network"));
    push(&a, xl_strdup("none"));
    push(&a, xl_strdup("--ulimit"));
    push(&a, xl_strdup("nofile=20000:20000"));
    /* One process limit on either engine, ample for dbench's 48 clients:
     * Docker inherits the guest's, podman sets its own, which can exceed
     * what runc may set without CAP_SYS_RESOURCE ("error setting rlimit
     * type 6"), seen with podman 4.3 in a container-hosted guest. */
    push(&a, xl_strdup("--ulimit"));
    push(&a, xl_strdup("nproc=16384:16384"));
    push(&a, xl_asprintf("--cpus=%g", c->cpus));
    push(&a, xl_asprintf("--memory=%llu", (unsigned long long)c->memory));
    push(&a, xl_asprintf("--memory-swap=%llu", (unsigned long long)c->memory));
    push(&a, xl_asprintf("--env=XENLAB_CONTAINER=%s", engine));
    push(&a, xl_asprintf("--volume=%s:%s:ro", worker, XL_CT_WORKER));
    push(&a, xl_asprintf("--volume=%s", work));
    if (xl_inputs_dir()) {
        push(&a, xl_asprintf("--volume=%s:%s:ro", xl_inputs_dir(), xl_inputs_dir()));
        push(&a, xl_asprintf("--env=XENLAB_INPUTS=%s", xl_inputs_dir()));
    }
    {
        char **env = xl_clone_env_entries();

        for (i = 0; env[i]; i++)
            push(&a, xl_asprintf("--env=%s", env[i]));
        xl_argv_free(env);
    }
    push(&a, xl_asprintf("--workdir=%s", strchr(work, ':') + 1));
    if (c->image) {
        push(&a, xl_strdup(c->image));
    } else {
        push(&a, xl_strdup("--rootfs"));
        push(&a, xl_strdup(c->rootfs ? c->rootfs : "/"));
    }
    push(&a, xl_strdup(XL_CT_WORKER));
    for (i = 0; worker_argv[i]; i++) {
        if (strcmp(worker_argv[i], "--workdir") == 0 && worker_argv[i + 1]) {
            push(&a, xl_strdup("--workdir"));
            push(&a, xl_strdup(strchr(work, ':') + 1));
            i++;
            continue;
        }
        push(&a, xl_strdup(worker_argv[i]));
    }
    have_kills = xl_oom_kills_system(&kills_before) == XL_OK;
    /* SIGTERM first: the engine client then stops and removes its container. */
    rc = xl_spawn_capture(a.v, XL_SPAWN_NEW_PGROUP | XL_SPAWN_TERM_FIRST, timeout_s, MAX_OUTPUT, sr);
    if (rc)
        goto out;
    /* SIGKILLed (137) while the kernel's OOM count rose: the OOM killer, in
     * a guest that runs this benchmark and nothing else, even when the
     * engine does not know it. */
    if (sr->exit_code == 137 &&
        (oom_killed(engine, id) ||
         (have_kills && xl_oom_kills_system(&kills_after) == XL_OK && kills_after > kills_before))) {
        xl_size_format(c->memory, lim, sizeof(lim));
        rc = xl_error(XL_ERR_FAIL, "out of memory in container (limit %s)", lim);
    } else if (sr->exit_code >= 125 && sr->exit_code <= 127 && (!sr->out || !memchr(sr->out, '{', sr->out_len))) {
        /* Why the engine could not start the command, in its own words. */
        xl_autofree char *why = inspect(engine, id, "{{.State.Error}}");

        rc = xl_error(XL_ERR_FAIL, "%s run %s: exit %d: %s", engine, c->image ? c->image : "--rootfs", sr->exit_code,
                      why ? why : "the engine gave no reason");
    }
out:
    engine_cmd(engine, "rm", id, "-f");
    if (private_work) {
        char *colon = strchr(work, ':');
        struct argv_buf rm = { 0 };
        struct xl_spawn_result rr;

        *colon = '\0';
        /* The engine may have written as another user: rm -rf is simplest and shell-free. */
        push(&rm, xl_strdup("rm"));
        push(&rm, xl_strdup("-rf"));
        push(&rm, xl_strdup("--one-file-system"));
        push(&rm, xl_strdup(work));
        xl_spawn_wait(rm.v, 0, ENGINE_CMD_TIMEOUT_S, &rr);
        xl_spawn_result_dispose(&rr);
        xl_argv_free(rm.v);
    }
    xl_argv_free(a.v);
    return rc;
}
