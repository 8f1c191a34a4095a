#include "progress.h"

#include <string.h>
#include <unistd.h>

#include "json-util.h"
#include "xl-util.h"

void xl_progress_init(struct xl_progress *p, enum xl_progress_mode mode, FILE *out)
{
    memset(p, 0, sizeof(*p));
    p->out = out;
    if (mode == XL_PROGRESS_AUTO)
        mode = isatty(fileno(out)) ? XL_PROGRESS_TTY : XL_PROGRESS_PLAIN;
    p->mode = mode;
}

void xl_progress_duration(double s, char *buf, size_t len)
{
    long t = s < 0 ? 0 : (long)(s + 0.5);

    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, t % 3600 / 60);
    else if (t >= 60)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

static void format_line(const struct xl_progress_line *l, char *buf, size_t len)
{
    char el[16] = "-", eta[16] = "-";
    double elapsed = l->started > 0 ? xl_now() - l->started : 0;

    if (l->started > 0)
        xl_progress_duration(elapsed, el, sizeof(el));
    /* The ETA assumes the remaining trials take as long as the finished ones. */
    if (l->done > 0 && l->done < l->total)
        xl_progress_duration(elapsed / (double)l->done * (double)(l->total - l->done), eta, sizeof(eta));
    snprintf(buf, len, "%-10s %-12s trial %zu/%zu  elapsed %-7s eta %-7s %s", l->arm, l->state, l->done, l->total,
             el, eta, l->note ? l->note : "");
}

void xl_progress_event(struct xl_progress *p, const struct xl_progress_line *l)
{
    char line[512];

    switch (p->mode) {
    case XL_PROGRESS_JSON: {
        json_object *o = json_object_new_object();

        xl_json_add(o, "event", xl_json_str("progress"));
        xl_json_add(o, "job", xl_json_str(l->job));
        xl_json_add(o, "arm", xl_json_str(l->arm));
        xl_json_add(o, "state", xl_json_str(l->state));
        xl_json_add(o, "done", json_object_new_int64((int64_t)l->done));
        xl_json_add(o, "total", json_object_new_int64((int64_t)l->total));
        if (l->note)
            xl_json_add(o, "note", xl_json_str(l->note));
        fprintf(p->out, "%s\n", xl_json_compact(o));
        json_object_put(o);
        break;
    }
    case XL_PROGRESS_PLAIN:
        format_line(l, line, sizeof(line));
        fprintf(p->out, "xenlab: %s %s\n", l->job, line);
        break;
    case XL_PROGRESS_AUTO:
    case XL_PROGRESS_TTY:
        break;
    }
    fflush(p->out);
}

void xl_progress_draw(struct xl_progress *p, const struct xl_progress_line *lines, size_t n)
{
    char line[512];
    size_t i;

    if (p->mode != XL_PROGRESS_TTY)
        return;
    /* Move up over the previous drawing and rewrite it line by line. */
    if (p->drawn)
        fprintf(p->out, "\033[%zuA", p->drawn);
    for (i = 0; i < n; i++) {
        format_line(&lines[i], line, sizeof(line));
        fprintf(p->out, "\r\033[K%s\n", line);
    }
    p->drawn = n;
    fflush(p->out);
}
