/* Stands in for the guests of a libvirt test:/// run: libvirt's test driver
 * creates domains that run nothing, so this watches the real xenstored for
 * plans the runner publishes and starts the real guest agent for each, with
 * the domain's home. A changed or retracted plan means the domain was
 * destroyed: its agent is killed, as the hypervisor would.
 *
 *   guest-launcher AGENT WORKER WORKDIR [MODE:ARM ...]
 *     MODE silent   never start an agent for that arm (a guest that hangs)
 *     MODE garbage  write hostile junk instead of results (a broken guest)
 *
 * With XENLAB_LAUNCHER_PAYLOADS=DIR (a run's clone directory) it also does
 * what the hypervisor does with the payload disk: it finds the clone whose
 * DIR/<clone>/payload.img carries this domain's plan (its plan.json, read
 * with debugfs), attaches it read-only as a loop device and gives the agent
 * --payload DEV; the agent mounts it itself. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "json-util.h"
#include "plan.h"
#include "xl-spawn.h"
#include "xl-util.h"
#include "xs-io.h"
#include "xs-layout.h"

#define MAX_DOMS 64

struct dom {
    unsigned id;
    char *plan;
    pid_t agent;
    char *loop;               /* the payload's loop device, detached with the agent */
};

static struct dom doms[MAX_DOMS];
static volatile sig_atomic_t quit;

static void on_term(int sig)
{
    (void)sig;
    quit = 1;
}

static void put(struct xs_handle *xs, const char *home, const char *rel, const char *val)
{
    char *p = xl_xs_path(home, rel);

    xs_write(xs, XBT_NULL, p, val, (unsigned)strlen(val));
    free(p);
}

static void garbage(struct xs_handle *xs, const char *home)
{
    char rel[64];
    int i;

    put(xs, home, "data/xenlab/state", "running");
    put(xs, home, "data/xenlab/result/0", "{not json at all");
    put(xs, home, "data/xenlab/result/1", "{\"xenlab\":\"result/1\",\"value\":\"fast\"}");
    put(xs, home, "data/xenlab/result/99999", "{}");
    for (i = 0; i < 200; i++) {
        snprintf(rel, sizeof(rel), "data/xenlab/junk%d", i);
        put(xs, home, rel, "\x7f\x01 junk");
    }
    put(xs, home, "data/xenlab/state", "done");
    put(xs, home, "data/xenlab/updated", "1");
}

static const char *mode_of(int argc, char **argv, const char *arm)
{
    int i;

    for (i = 4; i < argc; i++) {
        const char *colon = strchr(argv[i], ':');

        if (colon && strcmp(colon + 1, arm) == 0)
            return strncmp(argv[i], "silent", 6) == 0 ? "silent" : "garbage";
    }
    return "agent";
}

static void stop_agent(struct dom *d)
{
    if (d->agent > 0) {
        kill(-d->agent, SIGKILL);
        waitpid(d->agent, NULL, 0);
        d->agent = 0;
    }
    if (d->loop) {
        char *argv[] = { (char *)"losetup", (char *)"-d", d->loop, NULL };
        struct xl_spawn_result sr;

        xl_spawn_result_init(&sr);
        xl_spawn_capture(argv, 0, 30, 4096, &sr);
        xl_spawn_result_dispose(&sr);
        free(d->loop);
        d->loop = NULL;
    }
}

static json_object *plan_json(const char *text)
{
    json_object *o = NULL, *back = NULL;
    struct xl_plan p;

    xl_plan_init(&p);
    if (xl_json_parse(text, strlen(text), "plan", &o) == XL_OK && xl_plan_from_json(o, "plan", &p) == XL_OK)
        back = xl_plan_to_json(&p);
    json_object_put(o);
    xl_plan_dispose(&p);
    return back;
}

/* The loop device of the payload image in dir that carries plan, or NULL. */
static char *attach_payload(const char *dir, const char *plan)
{
    json_object *want = plan_json(plan);
    char *loop = NULL;
    struct dirent *de;
    DIR *dd = want ? opendir(dir) : NULL;

    while (dd && !loop && (de = readdir(dd)) != NULL) {
        xl_autofree char *img = xl_asprintf("%s/%s/payload.img", dir, de->d_name);
        char *cat[] = { (char *)"debugfs", (char *)"-R", (char *)"cat /plan.json", img, NULL };
        struct xl_spawn_result sr;
        json_object *have;

        if (access(img, R_OK) != 0)
            continue;
        xl_spawn_result_init(&sr);
        if (xl_spawn_capture(cat, 0, 30, XL_PLAN_MAX_BYTES * 2, &sr) == XL_OK && sr.exit_code == 0 && sr.out &&
            (have = plan_json(sr.out)) != NULL) {
            if (json_object_equal(have, want)) {
                char *los[] = { (char *)"losetup", (char *)"-r", (char *)"--find", (char *)"--show", img, NULL };
                struct xl_spawn_result lr;

                xl_spawn_result_init(&lr);
                if (xl_spawn_capture(los, 0, 30, 4096, &lr) == XL_OK && lr.exit_code == 0 && lr.out) {
                    lr.out[strcspn(lr.out, "\n")] = '\0';
                    loop = xl_strdup(lr.out);
                }
                xl_spawn_result_dispose(&lr);
            }
            json_object_put(have);
        }
        xl_spawn_result_dispose(&sr);
    }
    if (dd)
        closedir(dd);
    json_object_put(want);
    return loop;
}

static void start(struct xs_handle *xs, struct dom *d, int argc, char **argv)
{
    struct xl_plan plan;
    json_object *o = NULL;
    char *home = xl_xs_home(d->id);
    const char *mode = "agent";

    xl_plan_init(&plan);
    if (xl_json_parse(d->plan, strlen(d->plan), "plan", &o) == XL_OK && xl_plan_from_json(o, "plan", &plan) == XL_OK)
        mode = mode_of(argc, argv, plan.arm);
    json_object_put(o);
    xl_plan_dispose(&plan);
    fprintf(stderr, "guest-launcher: domain %u: %s\n", d->id, mode);
    if (strcmp(mode, "garbage") == 0) {
        garbage(xs, home);
    } else if (strcmp(mode, "agent") == 0) {
        const char *payloads = getenv("XENLAB_LAUNCHER_PAYLOADS");
        pid_t pid;

        if (payloads && *payloads) {
            d->loop = attach_payload(payloads, d->plan);
            fprintf(stderr, "guest-launcher: domain %u: payload %s\n", d->id, d->loop ? d->loop : "not found");
        }
        pid = fork();
        if (pid == 0) {
            setpgid(0, 0);
            if (d->loop)
                execl(argv[1], argv[1], "--home", home, "--worker", argv[2], "--workdir", argv[3], "--payload",
                      d->loop, (char *)NULL);
            else
                execl(argv[1], argv[1], "--home", home, "--worker", argv[2], "--workdir", argv[3], (char *)NULL);
            _exit(127);
        }
        d->agent = pid;
    }
    free(home);
}

int main(int argc, char **argv)
{
    struct xs_handle *xs;
    unsigned k;

    if (argc < 4) {
        fprintf(stderr, "usage: guest-launcher AGENT WORKER WORKDIR [silent:ARM|garbage:ARM ...]\n");
        return 2;
    }
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    xs = xs_open(0);
    if (!xs) {
        perror("guest-launcher: xs_open");
        return 1;
    }
    while (!quit) {
        unsigned n = 0, i;
        char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);

        for (i = 0; ids && i < n; i++) {
            unsigned id = (unsigned)strtoul(ids[i], NULL, 10);
            char *home = xl_xs_home(id), *ppath = xl_xs_path(home, XL_XS_PLAN);
            char *plan = NULL;
            size_t len = 0;
            struct dom *d = NULL;

            if (id == 0 || xl_xs_value_read(xl_xs_read_node, xs, ppath, XL_PLAN_MAX_BYTES, &plan, &len) != XL_OK)
                plan = NULL;
            for (k = 0; k < MAX_DOMS; k++)
                if (doms[k].id == id && (doms[k].plan || doms[k].agent))
                    d = &doms[k];
            if (d && (!plan || strcmp(plan, d->plan) != 0)) {
                stop_agent(d);
                free(d->plan);
                d->plan = NULL;
                d->id = 0;
                d = NULL;
            }
            if (plan && !d) {
                for (k = 0; k < MAX_DOMS && (doms[k].plan || doms[k].agent); k++)
                    ;
                if (k < MAX_DOMS) {
                    doms[k].id = id;
                    doms[k].plan = xl_steal_pointer(&plan);
                    start(xs, &doms[k], argc, argv);
                }
            }
            free(plan);
            free(ppath);
            free(home);
        }
        free(ids);
        /* Reap agents that finished on their own. */
        for (k = 0; k < MAX_DOMS; k++)
            if (doms[k].agent > 0 && waitpid(doms[k].agent, NULL, WNOHANG) == doms[k].agent)
                doms[k].agent = -1;
        usleep(100000);
    }
    for (k = 0; k < MAX_DOMS; k++)
        stop_agent(&doms[k]);
    xs_close(xs);
    return 0;
}
