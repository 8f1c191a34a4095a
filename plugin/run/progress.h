/* What a running experiment shows: on a TTY one line per job redrawn in
 * place (state, trial k/n, elapsed, ETA); otherwise a plain log line per
 * change; with --json one JSON event per line on stdout. */
#pragma once

#include <stddef.h>
#include <stdio.h>

enum xl_progress_mode { XL_PROGRESS_AUTO, XL_PROGRESS_TTY, XL_PROGRESS_PLAIN, XL_PROGRESS_JSON };

struct xl_progress_line {
    const char *job;
    const char *arm;
    const char *state;
    size_t done, total;
    double started;          /* xl_now() when the job started, 0 if not yet */
    const char *note;        /* reason or detail, may be NULL */
};

struct xl_progress {
    enum xl_progress_mode mode;
    FILE *out;
    size_t drawn;            /* lines on screen from the last TTY redraw */
};

void xl_progress_init(struct xl_progress *p, enum xl_progress_mode mode, FILE *out);
/* A state change or a new result of one job. */
void xl_progress_event(struct xl_progress *p, const struct xl_progress_line *l);
/* TTY: redraws all lines; others: nothing. */
void xl_progress_draw(struct xl_progress *p, const struct xl_progress_line *lines, size_t n);
/* Formats "1h02m", "3m05s", "12s". */
void xl_progress_duration(double seconds, char *buf, size_t len);
