/* Guest agent and dom0 collector end to end on the real xenstored: two
 * "guests" (agent processes with --home /local/domain/5 and /6, started
 * through `xenlab-guest agent`) wait for their plans (one in xenlab/, one in
 * XAPI's vm-data/), run N-Queens N=6 twice each concurrently, and the
 * journal gets every result exactly once. Then the agent's failure paths:
 * a malformed plan, no plan, and a plan from a file.
 * (Socket clients are all privileged here: that a guest can write only its
 * own data/ is verified on the Xen testbed.) */
#include <errno.h>
#include <spawn.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

#include "collector.h"
#include "tap.h"
#include "xl-util.h"
#include "xsd-harness.h"

extern char **environ;

static const char *guest_bin;

static char *plan_json(const char *arm)
{
    return xl_asprintf("{\"xenlab\":\"plan/1\",\"run\":\"t1\",\"arm\":\"%s\",\"replica\":1,\"trials\":2,"
                       "\"max_trials\":2,\"target_deviation\":0,\"trial_timeout\":60,\"run_in\":\"guest\","
                       "\"items\":[{\"id\":\"nqueens\",\"n\":6}]}",
                       arm);
}

static pid_t start_agent(const char *home, const char *workdir, const char *extra, const char *extra_val)
{
    char *argv[] = { (char *)guest_bin, (char *)"agent", (char *)"--home", (char *)home, (char *)"--workdir",
                     (char *)workdir, (char *)extra, (char *)extra_val, NULL };
    pid_t pid;

    if (posix_spawn(&pid, guest_bin, NULL, NULL, argv, environ) != 0)
        return -1;
    return pid;
}

static int wait_exit(pid_t pid)
{
    int st = 0;

    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char *get(struct xs_handle *h, const char *path)
{
    char *v = xs_read(h, XBT_NULL, path, NULL);

    return v ? v : xl_strdup("(missing)");
}

static void on_finished(void *opaque, unsigned domid, bool ok, const char *reason)
{
    (void)opaque;
    tap_diag("domain %u %s%s%s", domid, ok ? "done" : "failed", reason ? ": " : "", reason ? reason : "");
}

int main(int argc, char **argv)
{
    static const struct xl_collector_ops ops = { .finished = on_finished };
    struct xsd x;
    struct xs_handle *h = NULL;
    struct xl_collector *c = NULL;
    char journal[512], workdir[512], planfile[512];
    const char *why = NULL;
    pid_t a5, a6, a7, a8, a9;
    unsigned d;
    int r;

    if (argc < 3)
        tap_skip_all("usage: test-xs-agent SHIM XENLAB_GUEST (run through meson test)");
    guest_bin = argv[2];
    r = xsd_start(&x, argv[1], &why);
    if (r == 77)
        tap_skip_all("%s", why);
    if (r) {
        printf("Bail out! xenstored: %s\n", why);
        return 1;
    }
    snprintf(journal, sizeof(journal), "%s/journal.jsonl", x.dir);
    snprintf(workdir, sizeof(workdir), "%s/work", x.dir);
    snprintf(planfile, sizeof(planfile), "%s/plan.json", x.dir);
    mkdir(workdir, 0700);
    h = xs_open(0);
    for (d = 5; d <= 9; d++) {
        char home[64];

        snprintf(home, sizeof(home), "/local/domain/%u", d);
        xsd_put(h, home, "");
    }

    r = xl_collector_new(journal, &ops, NULL, &c);
    for (d = 5; d <= 6 && !r; d++) {
        char arm[8];
        struct xl_collect_domain cd = { .domid = d, .arm = arm, .nr_slots = 2, .max_trials = 2, .timeout_s = 60 };

        snprintf(arm, sizeof(arm), "vm%u", d);
        r = xl_collector_add(c, &cd);
    }
    TAP_EQ_INT(r, XL_OK, "collector watches domains 5 and 6");
    if (r)
        goto out;
    /* Agents first: they must wait for the plan with a watch. */
    a5 = start_agent("/local/domain/5", workdir, NULL, NULL);
    a6 = start_agent("/local/domain/6", workdir, NULL, NULL);
    tap_ok(a5 > 0 && a6 > 0, "two agents started through `xenlab-guest agent`");
    usleep(300 * 1000);
    {
        char *p5 = plan_json("vm5"), *p6 = plan_json("vm6");

        xsd_put(h, "/local/domain/5/xenlab/plan", p5);
        xsd_put(h, "/local/domain/6/vm-data/xenlab/plan", p6);
        free(p5);
        free(p6);
    }
    r = xl_collector_run(c, 90);
    TAP_EQ_INT(r, XL_OK, "collector runs to the end");
    r = wait_exit(a5);
    TAP_EQ_INT(r, 0, "agent 5 exits 0");
    r = wait_exit(a6);
    TAP_EQ_INT(r, 0, "agent 6 exits 0");
    for (d = 5; d <= 6; d++) {
        char dom[32], path[128];
        const char *needles[] = { "\"event\":\"result\"", dom, NULL };
        const char *slot0[] = { "\"event\":\"result\"", dom, "\"slot\":0,", "\"value\":", NULL };
        const char *slot1[] = { "\"event\":\"result\"", dom, "\"slot\":1,", "\"trial\":2", NULL };
        char *v;

        snprintf(dom, sizeof(dom), "\"domain\":%u,", d);
        TAP_EQ_STR(xl_collector_status(c, d, NULL), "done", "domain collected in full");
        TAP_EQ_INT(xsd_count_lines(journal, needles), 2, "journal: two results for the domain");
        TAP_EQ_INT(xsd_count_lines(journal, slot0), 1, "journal: slot 0 exactly once");
        TAP_EQ_INT(xsd_count_lines(journal, slot1), 1, "journal: slot 1 (trial 2) exactly once");
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/state", d);
        v = get(h, path);
        TAP_EQ_STR(v, "done", "agent wrote state done");
        free(v);
        snprintf(path, sizeof(path), "/local/domain/%u/data/xenlab/progress", d);
        v = get(h, path);
        TAP_EQ_STR(v, "2/2", "agent wrote progress");
        free(v);
    }

    /* A malformed plan: state failed with a clear error, exit 1. */
    xsd_put(h, "/local/domain/7/xenlab/plan", "{\"xenlab\":\"plan/1\",\"items\":");
    a7 = start_agent("/local/domain/7", workdir, NULL, NULL);
    r = wait_exit(a7);
    TAP_EQ_INT(r, 1, "malformed plan: agent exits 1");
    {
        char *st = get(h, "/local/domain/7/data/xenlab/state");
        char *err = get(h, "/local/domain/7/data/xenlab/error");

        TAP_EQ_STR(st, "failed", "malformed plan: state failed");
        tap_ok(strstr(err, "plan") && strstr(err, "JSON"), "malformed plan: error says why (%s)", err);
        free(st);
        free(err);
    }
    /* No plan at all. */
    a8 = start_agent("/local/domain/8", workdir, "--plan-timeout", "0.5");
    r = wait_exit(a8);
    TAP_EQ_INT(r, 1, "no plan: agent gives up after --plan-timeout");
    {
        char *err = get(h, "/local/domain/8/data/xenlab/error");

        tap_ok(strstr(err, "no plan") != NULL, "no plan: error says so (%s)", err);
        free(err);
    }
    /* --plan-file, for tests and manual runs. */
    {
        char *p9 = plan_json("vm9");
        char *v;

        xl_write_file_atomic(planfile, p9, strlen(p9));
        free(p9);
        a9 = start_agent("/local/domain/9", workdir, "--plan-file", planfile);
        r = wait_exit(a9);
        TAP_EQ_INT(r, 0, "--plan-file: agent runs the plan");
        v = get(h, "/local/domain/9/data/xenlab/result/1");
        tap_ok(strstr(v, "\"trial\":2") && strstr(v, "\"arm\":\"vm9\""), "--plan-file: result 1 written");
        free(v);
    }
    /* A plan that asks for growth, outside a Xen guest (here): the agent
     * grows nothing on this machine's disk and fails the arm saying so. */
    {
        char *p10 = plan_json("vm10");
        char *grow = xl_asprintf("{\"grow_root\":true,%s", p10 + 1);
        char *st, *err;
        pid_t a10;

        xl_write_file_atomic(planfile, grow, strlen(grow));
        free(p10);
        free(grow);
        a10 = start_agent("/local/domain/10", workdir, "--plan-file", planfile);
        r = wait_exit(a10);
        TAP_EQ_INT(r, 1, "grow_root outside a Xen guest: agent exits 1");
        st = get(h, "/local/domain/10/data/xenlab/state");
        err = get(h, "/local/domain/10/data/xenlab/error");
        TAP_EQ_STR(st, "failed", "grow_root outside a Xen guest: state failed");
        tap_ok(err && strstr(err, "not a Xen guest") && strstr(err, "nothing grown"),
               "grow_root outside a Xen guest: the reason says nothing was grown (%s)", err ? err : "");
        free(st);
        free(err);
    }
out:
    xl_collector_free(c);
    if (h)
        xs_close(h);
    xsd_stop(&x);
    return tap_done();
}
