/* The side-by-side report: rows = benchmark variants, columns = arms,
 * cells = statistics over the trials. Built from result documents (files,
 * run directories), written as Markdown, CSV or JSON. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "host-info.h"
#include "result.h"
#include "stats.h"

#define XL_REPORT_MAX_ARMS 64
#define XL_REPORT_MAX_ROWS 256
#define XL_REPORT_MAX_RUNS 64
#define XL_REPORT_RUN_ID_MAX 64

enum xl_report_format { XL_REPORT_MD, XL_REPORT_CSV, XL_REPORT_JSON, XL_REPORT_PTS, XL_REPORT_HTML, XL_REPORT_JUNIT };

/* "md" (or "markdown"), "csv", "json", "pts", "html", "junit"; false for any other. */
bool xl_report_format_from_name(const char *name, enum xl_report_format *fmt_r);

/* One run of a test (a command workload's "exit" metric) on one clone. */
#define XL_REPORT_TAIL_MAX 1024
struct xl_report_test_run {
    unsigned replica;        /* 1-based; 1 when the result does not say */
    unsigned trial;          /* that replica's own trial number */
    bool ran;                /* false: the trial failed before a verdict (error says why) */
    bool passed;
    double seconds;          /* -1 unknown */
    int exit_code;           /* -1 unknown */
    char error[256];
    char *out_tail, *err_tail;   /* printable ASCII, newlines and tabs kept; may be NULL */
    char log[192];           /* its output log, relative to dir; "" none */
    char *dir;               /* the run directory it was loaded from; NULL unknown */
};

struct xl_report_cell {
    double *values;          /* successful trials, in trial order of arrival */
    unsigned *trials;        /* trial numbers seen (ok or failed), to drop duplicates */
    size_t nr_values, nr_trials;
    unsigned failed;
    char first_error[256];
    struct xl_report_test_run *runs;   /* test rows only */
    size_t nr_runs;
};

struct xl_report_row {
    char benchmark[16];
    char variant[32];
    char label[64];
    char unit[16];
    bool lower_is_better;
    /* A test: a command workload's exit metric (benchmark "command", unit
     * "pass"): 1 passed, 0 failed. Its cells keep every run. */
    bool is_test;
    /* A pts metric's result: what PTS called it (its first result's
     * details), so the PTS export gives PTS's identity only to what PTS
     * produced. "" for everything else. */
    char pts_identifier[128], pts_title[128], pts_description[128], pts_scale[32], pts_arguments[128];
    struct xl_report_cell cells[XL_REPORT_MAX_ARMS];
};

/* A test on one arm across its clones: flaky when identical clones of one
 * snapshot gave different outcomes. */
struct xl_test_summary {
    unsigned runs, passed, failed, not_run;
    bool flaky;
};
void xl_report_test_summary(const struct xl_report_cell *c, struct xl_test_summary *s);

/* What the machine was doing, the worst trial of an arm (the guest's
 * per-trial "sensors"; values out of range are ignored, they are data). */
#define XL_REPORT_MAX_BESIDE 8
struct xl_arm_sensors {
    bool any;
    double steal_max;        /* % of CPU time stolen by the hypervisor */
    double throttled_max;    /* % of CPU periods the cgroup quota throttled */
    long long oom_kills;     /* summed over trials */
    /* dom0's view (dom0-sensors.h), over its intervals of 1 s or more. */
    bool dom0;
    double dom0_cpu_max_pct; /* CPU time / (wall time x vCPUs), the highest */
    unsigned dom0_vcpus;
    char dom0_pcpus[128];    /* every pCPU its vCPUs were seen on */
    size_t nr_beside;        /* arms seen running at the same time */
    char beside[XL_REPORT_MAX_BESIDE][64 + XL_REPORT_RUN_ID_MAX];
    bool beside_shared[XL_REPORT_MAX_BESIDE];   /* on the same pCPUs */
};

/* A run the results came from: its id (results.json "run", else the run
 * directory's name) and the machine it ran on (host-info.h). */
struct xl_report_run {
    char id[XL_REPORT_RUN_ID_MAX];
    struct xl_host_info host;
};

struct xl_report {
    char *arms[XL_REPORT_MAX_ARMS];
    int arm_run[XL_REPORT_MAX_ARMS];         /* into runs; -1 when no run is known */
    struct xl_arm_sensors sensors[XL_REPORT_MAX_ARMS];
    json_object *envs[XL_REPORT_MAX_ARMS];   /* first environment record seen per arm */
    size_t nr_arms;
    struct xl_report_row *rows;
    size_t nr_rows;
    bool fixed_arms;                         /* arms given by the user: others are skipped */
    char title[128];                         /* PTS and HTML title; "" = "xenlab report" */
    time_t generated;                        /* PTS and HTML time stamp (UTC) */
    char *dir;                               /* the directory results are being loaded from
                                                (a run directory), copied into each test run */
    struct xl_report_run runs[XL_REPORT_MAX_RUNS];
    size_t nr_runs;
    int cur_run;                             /* the run being loaded; -1 unknown */
    /* Several runs merged: each arm is "ARM@RUN", so run A's vm1 and run
     * B's vm1 stay two columns. Set before loading. */
    bool by_run;
};

void xl_report_init(struct xl_report *rep);
/* True when any row is a test. */
bool xl_report_has_tests(const struct xl_report *rep);
void xl_report_dispose(struct xl_report *rep);

/* Restricts and orders the columns ("vm1,vm2"). Call before adding results. */
int xl_report_set_arms(struct xl_report *rep, const char *list);

/* Adds one validated trial; a repeated (arm, row, trial) is ignored. */
int xl_report_add(struct xl_report *rep, const struct xl_result *r);

/* A file of result documents (JSON lines, or one JSON array), or a directory:
 * its results.json, else every *.jsonl in name order. Documents that are
 * not results (summaries, journal events) are skipped. */
int xl_report_load(struct xl_report *rep, const char *path);

/* A test run's log: its path under rep->dir (NULL when there is none or no
 * dir), and its text, read without following a symlink, bounded, printable
 * lines (NULL when it cannot be read). Callers free. */
char *xl_report_log_path(const struct xl_report *rep, const struct xl_report_test_run *t);
char *xl_report_log_text(const struct xl_report *rep, const struct xl_report_test_run *t);

/* The sentences the sensors call for ("vm2's container was throttled in up
 * to 41.0 % of CPU periods", "vm1 and vm2 ran at the same time on this
 * host, on the same pCPUs"), at most max; returns how many. */
size_t xl_report_sensor_notes(const struct xl_report *rep, char notes[][192], size_t max);
/* What dom0 saw of each arm's domains ("dom0: vm1's domain used up to
 * 99.5 % of its 1 vCPU between results, on pCPUs 0-1"), at most max. */
size_t xl_report_dom0_lines(const struct xl_report *rep, char lines[][192], size_t max);

/* The index of an arm by name, or -1. */
int xl_report_find_arm(const struct xl_report *rep, const char *name);

void xl_report_cell_stats(const struct xl_report_cell *c, struct xl_stats *s);

/* Arm num against arm den on one row: the ratio of geometric means with its
 * 95 % CI (Welch on log values, stats.h) and the verdict, in words that say
 * which is better: "vm2 is 27.5 % higher than vm1, worse (95 % CI 24.0 to
 * 31.1 %)", "no difference shown (95 % CI -6.1 to +6.4 %)", or why there is
 * no interval. */
enum xl_verdict { XL_VERDICT_NONE, XL_VERDICT_SAME, XL_VERDICT_BETTER, XL_VERDICT_WORSE };

struct xl_report_comparison {
    struct xl_ratio_ci ci;
    enum xl_verdict verdict;
    double change_pct;          /* better/worse: the change's size in % (always > 0) */
    double change_low_pct;      /* and the CI's end nearer to no change */
    char text[192];
};

/* The same for two cells (of two reports: xenlab compare). */
void xl_report_compare_cells(const struct xl_report_cell *num, const struct xl_report_cell *den,
                             bool lower_is_better, const char *num_name, const char *den_name,
                             struct xl_report_comparison *c);

void xl_report_compare(const struct xl_report *rep, const struct xl_report_row *row, const char *num,
                       const char *den, struct xl_report_comparison *c);
const char *xl_verdict_name(enum xl_verdict v);

/* The report's time stamp: $SOURCE_DATE_EPOCH when set (reproducible PTS
 * and HTML output), else now. */
time_t xl_report_time(void);

/* ratio_num / ratio_den: arm names for the ratio column, or NULL. The
 * confounder check compares ratio_num with ratio_den, else every arm with
 * the first. PTS (composite.xml) ignores the ratio. */
int xl_report_write(const struct xl_report *rep, enum xl_report_format fmt, const char *ratio_num,
                    const char *ratio_den, FILE *out);
/* s as Markdown table text: '|', '\\', '*', '_', '`', '<' escaped, newlines as spaces. */
void xl_report_md_text(FILE *out, const char *s);
json_object *xl_report_to_json(const struct xl_report *rep, const char *ratio_num, const char *ratio_den);
