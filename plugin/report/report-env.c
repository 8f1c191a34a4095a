/* "What each arm really had" and the confounder flags as cells and
 * sentences, for the text writers (report-text.c) and the HTML writer. */
#include <string.h>

#include "json-util.h"
#include "report-writers.h"
#include "xl-util.h"

const char *const xl_env_col_names[XL_ENV_NR_COLS] = {
    [XL_ENV_COL_VCPUS] = "vCPUs",
    [XL_ENV_COL_MEMORY] = "memory",
    [XL_ENV_COL_CPU_QUOTA] = "cgroup CPU quota",
    [XL_ENV_COL_MEM_LIMIT] = "cgroup memory limit",
    [XL_ENV_COL_FS] = "filesystem",
    [XL_ENV_COL_CONTAINER] = "container",
    [XL_ENV_COL_KERNEL] = "kernel",
};

void xl_env_cells(const struct xl_arm_env *e, char cells[XL_ENV_NR_COLS][XL_ENV_CELL_MAX])
{
    char *c;

    for (size_t i = 0; i < XL_ENV_NR_COLS; i++)
        snprintf(cells[i], XL_ENV_CELL_MAX, "?");
    if (!e->present)
        return;
    c = cells[XL_ENV_COL_VCPUS];
    if (e->cpus_online && e->cpus_usable && e->cpus_usable < e->cpus_online)
        snprintf(c, XL_ENV_CELL_MAX, "%d (%d usable)", e->cpus_online, e->cpus_usable);
    else if (e->cpus_online)
        snprintf(c, XL_ENV_CELL_MAX, "%d", e->cpus_online);
    if (e->mem_total)
        xl_format_bytes(e->mem_total, cells[XL_ENV_COL_MEMORY], XL_ENV_CELL_MAX);
    if (e->cpu_quota > 0)
        snprintf(cells[XL_ENV_COL_CPU_QUOTA], XL_ENV_CELL_MAX, "%g CPU%s", e->cpu_quota,
                 e->cpu_quota == 1.0 ? "" : "s");
    else
        snprintf(cells[XL_ENV_COL_CPU_QUOTA], XL_ENV_CELL_MAX, "none");
    if (e->mem_limit)
        xl_format_bytes(e->mem_limit, cells[XL_ENV_COL_MEM_LIMIT], XL_ENV_CELL_MAX);
    else
        snprintf(cells[XL_ENV_COL_MEM_LIMIT], XL_ENV_CELL_MAX, "none");
    if (e->fs[0])
        snprintf(cells[XL_ENV_COL_FS], XL_ENV_CELL_MAX, "%s", e->fs);
    snprintf(cells[XL_ENV_COL_CONTAINER], XL_ENV_CELL_MAX, "%s", e->container[0] ? e->container : "none (guest)");
    if (e->kernel[0])
        snprintf(cells[XL_ENV_COL_KERNEL], XL_ENV_CELL_MAX, "%s", e->kernel);
}

const char *const xl_run_col_names[XL_RUN_NR_COLS] = {
    [XL_RUN_COL_ID] = "run",
    [XL_RUN_COL_HOST] = "host",
    [XL_RUN_COL_CPU] = "CPU",
    [XL_RUN_COL_XEN] = "Xen",
    [XL_RUN_COL_KERNEL] = "dom0 kernel",
    [XL_RUN_COL_BACKEND] = "backend",
    [XL_RUN_COL_XENLAB] = "xenlab",
    [XL_RUN_COL_SPEC] = "spec",
    [XL_RUN_COL_ARMS] = "arms",
};

void xl_run_cells(const struct xl_report *rep, size_t i, char cells[XL_RUN_NR_COLS][XL_RUN_CELL_MAX])
{
    const struct xl_report_run *run = &rep->runs[i];
    const struct xl_host_info *h = &run->host;
    const char *from[XL_RUN_NR_COLS] = {
        [XL_RUN_COL_ID] = run->id, [XL_RUN_COL_HOST] = h->hostname, [XL_RUN_COL_XEN] = h->xen,
        [XL_RUN_COL_KERNEL] = h->kernel, [XL_RUN_COL_BACKEND] = h->backend, [XL_RUN_COL_XENLAB] = h->xenlab,
        [XL_RUN_COL_SPEC] = h->spec,
    };
    size_t c, a, used = 0;

    for (c = 0; c < XL_RUN_NR_COLS; c++)
        snprintf(cells[c], XL_RUN_CELL_MAX, "%s", from[c] && from[c][0] ? from[c] : "?");
    if (h->cpu_model[0] && h->cpus)
        snprintf(cells[XL_RUN_COL_CPU], XL_RUN_CELL_MAX, "%s (%d CPUs in dom0)", h->cpu_model, h->cpus);
    else if (h->cpu_model[0])
        snprintf(cells[XL_RUN_COL_CPU], XL_RUN_CELL_MAX, "%s", h->cpu_model);
    cells[XL_RUN_COL_ARMS][0] = '\0';
    for (a = 0; a < rep->nr_arms; a++) {
        int n;

        if (rep->arm_run[a] != (int)i)
            continue;
        n = snprintf(cells[XL_RUN_COL_ARMS] + used, XL_RUN_CELL_MAX - used, "%s%s", used ? ", " : "", rep->arms[a]);
        if (n < 0 || (size_t)n >= XL_RUN_CELL_MAX - used)
            break;
        used += (size_t)n;
    }
}

size_t xl_report_pairs(const struct xl_report *rep, const char *num, const char *den,
                       struct xl_report_pair pairs[XL_REPORT_MAX_ARMS])
{
    int a, b;
    size_t i, n = 0;

    if (num && den) {
        a = xl_report_find_arm(rep, num);
        b = xl_report_find_arm(rep, den);
        if (a < 0 || b < 0 || a == b)
            return 0;
        pairs[0].arm = (size_t)a;
        pairs[0].baseline = (size_t)b;
        return 1;
    }
    for (i = 1; i < rep->nr_arms; i++) {
        pairs[n].arm = i;
        pairs[n].baseline = 0;
        n++;
    }
    return n;
}

char *xl_report_pair_sentence(const struct xl_report *rep, const struct xl_report_pair *p,
                              struct xl_comparison *c_r)
{
    struct xl_arm_env ea, eb;

    xl_arm_env_from_json(rep->envs[p->arm], &ea);
    xl_arm_env_from_json(rep->envs[p->baseline], &eb);
    xl_compare_envs(&ea, &eb, c_r);
    /* Arms of two runs: a different machine or hypervisor is a confounder
     * too (the hosts' own records; unknown on either side says nothing). */
    if (rep->arm_run[p->arm] >= 0 && rep->arm_run[p->baseline] >= 0 &&
        rep->arm_run[p->arm] != rep->arm_run[p->baseline]) {
        const struct xl_host_info *ha = &rep->runs[rep->arm_run[p->arm]].host,
                                  *hb = &rep->runs[rep->arm_run[p->baseline]].host;
        const char *what[] = { "host", "host CPU", "Xen" };
        const char *va[] = { ha->hostname, ha->cpu_model, ha->xen }, *vb[] = { hb->hostname, hb->cpu_model, hb->xen };

        for (size_t k = 0; k < XL_ARRAY_SIZE(what) && c_r->nr_diffs < XL_CONFOUNDERS_MAX; k++) {
            struct xl_difference *d;

            if (!va[k][0] || !vb[k][0] || strcmp(va[k], vb[k]) == 0)
                continue;
            d = &c_r->diffs[c_r->nr_diffs++];
            snprintf(d->what, sizeof(d->what), "%s", what[k]);
            snprintf(d->arm, sizeof(d->arm), "%s", va[k]);
            snprintf(d->baseline, sizeof(d->baseline), "%s", vb[k]);
        }
        /* The machines' RAM, beyond 5 % (as the guests' memory is compared). */
        if (ha->memory && hb->memory && c_r->nr_diffs < XL_CONFOUNDERS_MAX &&
            (double)(ha->memory > hb->memory ? ha->memory - hb->memory : hb->memory - ha->memory) >
                0.05 * (double)(ha->memory > hb->memory ? hb->memory : ha->memory)) {
            struct xl_difference *d = &c_r->diffs[c_r->nr_diffs++];

            snprintf(d->what, sizeof(d->what), "host memory");
            xl_format_bytes(ha->memory, d->arm, sizeof(d->arm));
            xl_format_bytes(hb->memory, d->baseline, sizeof(d->baseline));
        }
    }
    return xl_comparison_sentence(c_r, rep->arms[p->arm], rep->arms[p->baseline]);
}

/* Worth a sentence: past these, a comparison is not only of the factor. */
#define STEAL_NOTE_PCT 2.0
#define THROTTLE_NOTE_PCT 5.0

size_t xl_report_sensor_notes(const struct xl_report *rep, char notes[][192], size_t max)
{
    size_t a, n = 0;

    for (a = 0; a < rep->nr_arms && n < max; a++) {
        const struct xl_arm_sensors *s = &rep->sensors[a];

        if (s->throttled_max >= THROTTLE_NOTE_PCT && n < max)
            snprintf(notes[n++], sizeof(notes[0]), "%s was throttled by its cgroup's CPU quota in up to %.1f %% of "
                     "CPU periods (its worst trial)", rep->arms[a], s->throttled_max);
        if (s->steal_max >= STEAL_NOTE_PCT && n < max)
            snprintf(notes[n++], sizeof(notes[0]), "steal time up to %.1f %% in %s: the hypervisor ran other work on "
                     "its vCPUs", s->steal_max, rep->arms[a]);
        if (s->oom_kills > 0 && n < max)
            snprintf(notes[n++], sizeof(notes[0]), "%s's cgroup OOM-killed %lld time%s", rep->arms[a], s->oom_kills,
                     s->oom_kills == 1 ? "" : "s");
        /* Guests that ran at the same time on one host, once per pair. */
        for (size_t k = 0; k < s->nr_beside && n < max; k++) {
            int b = xl_report_find_arm(rep, s->beside[k]);
            bool seen = false;

            if (b >= 0 && (size_t)b < a)
                for (size_t m = 0; m < rep->sensors[b].nr_beside; m++)
                    seen |= strcmp(rep->sensors[b].beside[m], rep->arms[a]) == 0;
            if (seen)
                continue;
            if (strcmp(s->beside[k], rep->arms[a]) == 0)
                snprintf(notes[n++], sizeof(notes[0]), "replicas of %s ran at the same time on this host, %s",
                         rep->arms[a], s->beside_shared[k] ? "on the same pCPUs" : "on different pCPUs");
            else
                snprintf(notes[n++], sizeof(notes[0]), "%s and %s ran at the same time on this host, %s",
                         rep->arms[a], s->beside[k], s->beside_shared[k] ? "on the same pCPUs" : "on different pCPUs");
        }
    }
    return n;
}

size_t xl_report_dom0_lines(const struct xl_report *rep, char lines[][192], size_t max)
{
    size_t a, n = 0;

    for (a = 0; a < rep->nr_arms && n < max; a++) {
        const struct xl_arm_sensors *s = &rep->sensors[a];
        int len;

        if (!s->dom0)
            continue;
        len = snprintf(lines[n], sizeof(lines[0]), "dom0: %s's domain", rep->arms[a]);
        if (s->dom0_cpu_max_pct > 0 && s->dom0_vcpus)
            len += snprintf(lines[n] + len, sizeof(lines[0]) - (size_t)len,
                            " used up to %.1f %% of its %u vCPU%s between results", s->dom0_cpu_max_pct, s->dom0_vcpus,
                            s->dom0_vcpus == 1 ? "" : "s");
        else
            len += snprintf(lines[n] + len, sizeof(lines[0]) - (size_t)len, " was sampled");
        if (len > 0 && (size_t)len < sizeof(lines[0]) && s->dom0_pcpus[0])
            snprintf(lines[n] + len, sizeof(lines[0]) - (size_t)len, ", on pCPU%s %s",
                     strpbrk(s->dom0_pcpus, ",-") ? "s" : "", s->dom0_pcpus);
        n++;
    }
    return n;
}

json_object *xl_report_confounders_json(const struct xl_report *rep, const char *num, const char *den)
{
    struct xl_report_pair pairs[XL_REPORT_MAX_ARMS];
    json_object *list = json_object_new_array();
    size_t i, k, n = xl_report_pairs(rep, num, den, pairs);

    for (i = 0; i < n; i++) {
        json_object *o = json_object_new_object(), *diffs = json_object_new_array();
        struct xl_comparison c;
        xl_autofree char *s = xl_report_pair_sentence(rep, &pairs[i], &c);

        xl_json_add(o, "arm", xl_json_str(rep->arms[pairs[i].arm]));
        xl_json_add(o, "baseline", xl_json_str(rep->arms[pairs[i].baseline]));
        xl_json_add(o, "factor", c.container_vs_guest ? xl_json_str("container vs guest") : NULL);
        xl_json_add(o, "known", json_object_new_boolean(!c.unknown));
        for (k = 0; k < c.nr_diffs; k++) {
            json_object *d = json_object_new_object();

            xl_json_add(d, "what", xl_json_str(c.diffs[k].what));
            xl_json_add(d, "arm", xl_json_str(c.diffs[k].arm));
            xl_json_add(d, "baseline", xl_json_str(c.diffs[k].baseline));
            json_object_array_add(diffs, d);
        }
        xl_json_add(o, "differences", diffs);
        xl_json_add(o, "text", xl_json_str(s));
        json_object_array_add(list, o);
    }
    return list;
}
