#include "dom0-sensors.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "plan.h"
#include "xl-util.h"

void xl_dom0_interval_init(struct xl_dom0_interval *iv, double now)
{
    memset(iv, 0, sizeof(*iv));
    iv->start = now;
    iv->last_sample = now;
    iv->beside = json_object_new_object();
}

void xl_dom0_interval_dispose(struct xl_dom0_interval *iv)
{
    json_object_put(iv->beside);
    memset(iv, 0, sizeof(*iv));
}

void xl_dom0_interval_add(struct xl_dom0_interval *iv, double now, uint64_t cpu_ns, unsigned vcpus,
                          const struct xl_cpuset *pcpus)
{
    if (!iv->have_cpu) {
        iv->first_cpu_ns = cpu_ns;
        iv->start = now;
        iv->have_cpu = true;
    }
    /* A counter that went back is a new domain: start again from it. */
    if (cpu_ns < iv->last_cpu_ns)
        iv->first_cpu_ns = cpu_ns;
    iv->last_cpu_ns = cpu_ns;
    iv->last_sample = now;
    iv->samples++;
    /* The latest count: while a PV guest boots, vCPUs beyond its vcpus=
     * (up to maxvcpus) are up until it takes them down. */
    iv->vcpus = vcpus;
    iv->now_pcpus = *pcpus;
    xl_cpuset_add_all(&iv->pcpus, pcpus);
}

void xl_dom0_interval_beside(struct xl_dom0_interval *iv, const char *job, const char *arm,
                             const struct xl_cpuset *other_pcpus)
{
    json_object *o = NULL, *shared = NULL;
    bool now_shared = xl_cpuset_overlap(&iv->now_pcpus, other_pcpus);

    if (!json_object_object_get_ex(iv->beside, job, &o)) {
        if (json_object_object_length(iv->beside) >= XL_DOM0_MAX_BESIDE)
            return;
        o = json_object_new_object();
        xl_json_add(o, "arm", xl_json_str(arm));
        xl_json_add(o, "shared_pcpus", json_object_new_boolean(0));
        xl_json_add(iv->beside, job, o);
    }
    if (now_shared && json_object_object_get_ex(o, "shared_pcpus", &shared) && !json_object_get_boolean(shared))
        xl_json_add(o, "shared_pcpus", json_object_new_boolean(1));
}

static json_object *num3(double v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%.3f", v);
    return json_object_new_double_s(v, buf);
}

json_object *xl_dom0_interval_event(const struct xl_dom0_interval *iv, const char *job, const char *arm, long slot)
{
    json_object *ev, *list;
    xl_autofree char *pcpus = NULL;

    if (!iv->have_cpu || iv->samples < 2 || iv->last_sample <= iv->start)
        return NULL;
    ev = json_object_new_object();
    list = json_object_new_array();
    xl_json_add(ev, "event", xl_json_str("dom0"));
    xl_json_add(ev, "job", xl_json_str(job));
    xl_json_add(ev, "arm", xl_json_str(arm));
    xl_json_add(ev, "slot", json_object_new_int64(slot));
    xl_json_add(ev, "wall_s", num3(iv->last_sample - iv->start));
    xl_json_add(ev, "cpu_s", num3((double)(iv->last_cpu_ns - iv->first_cpu_ns) / 1e9));
    xl_json_add(ev, "vcpus", json_object_new_int((int)iv->vcpus));
    if (!xl_cpuset_empty(&iv->pcpus)) {
        pcpus = xl_cpuset_format(&iv->pcpus, true);
        xl_json_add(ev, "pcpus", xl_json_str(pcpus));
    }
    xl_json_add(ev, "samples", json_object_new_int((int)iv->samples));
    json_object_object_foreach(iv->beside, name, o) {
        json_object *b = json_object_new_object(), *v = NULL;

        xl_json_add(b, "job", xl_json_str(name));
        if (json_object_object_get_ex(o, "arm", &v))
            xl_json_add(b, "arm", json_object_get(v));
        if (json_object_object_get_ex(o, "shared_pcpus", &v))
            xl_json_add(b, "shared_pcpus", json_object_get(v));
        json_object_array_add(list, b);
    }
    xl_json_add(ev, "beside", list);
    return ev;
}

void xl_dom0_interval_restart(struct xl_dom0_interval *iv, double now)
{
    json_object_put(iv->beside);
    iv->beside = json_object_new_object();
    iv->start = now;
    iv->last_sample = now;
    iv->first_cpu_ns = iv->last_cpu_ns;
    iv->samples = 1;
    iv->pcpus = iv->now_pcpus;
}

static bool get_str(json_object *o, const char *key, char *buf, size_t len)
{
    json_object *v = NULL;
    const char *s;

    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return false;
    s = json_object_get_string(v);
    if (!*s || strlen(s) >= len || !xl_name_valid(s, len - 1))
        return false;
    snprintf(buf, len, "%s", s);
    return true;
}

static bool get_num(json_object *o, const char *key, double max, double *v_r)
{
    json_object *v = NULL;
    double d;

    if (!json_object_object_get_ex(o, key, &v) ||
        !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return false;
    d = json_object_get_double(v);
    if (!isfinite(d) || d < 0 || d > max)
        return false;
    *v_r = d;
    return true;
}

bool xl_dom0_record_read(json_object *o, struct xl_dom0_record *r)
{
    json_object *v = NULL, *list = NULL;
    double d;
    size_t i;

    memset(r, 0, sizeof(*r));
    if (!o || !json_object_is_type(o, json_type_object) || !get_str(o, "job", r->job, sizeof(r->job)) ||
        !get_str(o, "arm", r->arm, sizeof(r->arm)) || !get_num(o, "wall_s", XL_DOM0_MAX_SECONDS, &r->wall_s) ||
        !get_num(o, "cpu_s", XL_DOM0_MAX_SECONDS, &r->cpu_s) || !get_num(o, "slot", XL_PLAN_MAX_SLOTS, &d))
        return false;
    r->slot = (long)d;
    if (get_num(o, "vcpus", 4096, &d))
        r->vcpus = (unsigned)d;
    if (json_object_object_get_ex(o, "pcpus", &v) && json_object_is_type(v, json_type_string)) {
        struct xl_cpuset set;

        /* Only a set it can parse, written back canonically. */
        if (xl_cpuset_parse(json_object_get_string(v), "pcpus", &set) == XL_OK) {
            xl_autofree char *canon = xl_cpuset_format(&set, true);

            if (strlen(canon) < sizeof(r->pcpus))
                snprintf(r->pcpus, sizeof(r->pcpus), "%s", canon);
        }
        xl_error_clear();
    }
    if (json_object_object_get_ex(o, "beside", &list) && json_object_is_type(list, json_type_array)) {
        for (i = 0; i < json_object_array_length(list) && r->nr_beside < XL_DOM0_MAX_BESIDE; i++) {
            json_object *b = json_object_array_get_idx(list, i), *sh = NULL;

            if (!json_object_is_type(b, json_type_object) ||
                !get_str(b, "arm", r->beside[r->nr_beside].arm, sizeof(r->beside[0].arm)))
                continue;
            r->beside[r->nr_beside].shared_pcpus = json_object_object_get_ex(b, "shared_pcpus", &sh) &&
                                                   json_object_is_type(sh, json_type_boolean) &&
                                                   json_object_get_boolean(sh);
            r->nr_beside++;
        }
    }
    return true;
}

json_object *xl_dom0_record_to_json(const struct xl_dom0_record *r)
{
    json_object *o = json_object_new_object(), *list = json_object_new_array();
    size_t i;

    xl_json_add(o, "job", xl_json_str(r->job));
    xl_json_add(o, "arm", xl_json_str(r->arm));
    xl_json_add(o, "slot", json_object_new_int64(r->slot));
    xl_json_add(o, "wall_s", num3(r->wall_s));
    xl_json_add(o, "cpu_s", num3(r->cpu_s));
    if (r->vcpus)
        xl_json_add(o, "vcpus", json_object_new_int((int)r->vcpus));
    if (r->pcpus[0])
        xl_json_add(o, "pcpus", xl_json_str(r->pcpus));
    for (i = 0; i < r->nr_beside; i++) {
        json_object *b = json_object_new_object();

        xl_json_add(b, "arm", xl_json_str(r->beside[i].arm));
        xl_json_add(b, "shared_pcpus", json_object_new_boolean(r->beside[i].shared_pcpus));
        json_object_array_add(list, b);
    }
    xl_json_add(o, "beside", list);
    return o;
}
