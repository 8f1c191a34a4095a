/* Pieces shared by the report writers (report-text.c, report-env.c,
 * report-pts.c, report-html.c) over the model (report.c); not part of the
 * report API. The model includes none of the writers. */
#pragma once

#include <json-c/json.h>
#include <stdio.h>

#include "confounders.h"
#include "report.h"

/* The columns of "what each arm really had". */
enum {
    XL_ENV_COL_VCPUS,
    XL_ENV_COL_MEMORY,
    XL_ENV_COL_CPU_QUOTA,
    XL_ENV_COL_MEM_LIMIT,
    XL_ENV_COL_FS,
    XL_ENV_COL_CONTAINER,
    XL_ENV_COL_KERNEL,
    XL_ENV_NR_COLS,
};
#define XL_ENV_CELL_MAX (XL_ENV_STR_MAX + 32)

extern const char *const xl_env_col_names[XL_ENV_NR_COLS];

/* Formats a validated record for people ("2 (1 usable)", "~0.9 GiB", "none"). */
void xl_env_cells(const struct xl_arm_env *e, char cells[XL_ENV_NR_COLS][XL_ENV_CELL_MAX]);

/* The columns of "runs": where each run ran (host-info.h). */
enum {
    XL_RUN_COL_ID,
    XL_RUN_COL_HOST,
    XL_RUN_COL_CPU,
    XL_RUN_COL_XEN,
    XL_RUN_COL_KERNEL,
    XL_RUN_COL_BACKEND,
    XL_RUN_COL_XENLAB,
    XL_RUN_COL_SPEC,
    XL_RUN_COL_ARMS,
    XL_RUN_NR_COLS,
};
#define XL_RUN_CELL_MAX 192

extern const char *const xl_run_col_names[XL_RUN_NR_COLS];

/* Run i of rep as cells ("?" for what the record does not say). */
void xl_run_cells(const struct xl_report *rep, size_t i, char cells[XL_RUN_NR_COLS][XL_RUN_CELL_MAX]);

struct xl_report_pair {
    size_t arm, baseline;       /* indexes into rep->arms */
};

/* The comparisons to check for confounders: num against den when a ratio
 * was asked for, else every other arm against the first. Returns the count. */
size_t xl_report_pairs(const struct xl_report *rep, const char *num, const char *den,
                       struct xl_report_pair pairs[XL_REPORT_MAX_ARMS]);

/* The confounder sentence for one pair (malloc'd). */
char *xl_report_pair_sentence(const struct xl_report *rep, const struct xl_report_pair *p,
                              struct xl_comparison *c_r);

/* JSON: the confounder flags, an array. */
json_object *xl_report_confounders_json(const struct xl_report *rep, const char *num, const char *den);

int xl_report_write_pts(const struct xl_report *rep, FILE *out);
/* JUnit XML (libxml2): a testsuite per arm, a testcase per run of every
 * row (tests by their exit metric; other rows pass when the trial gave a
 * value), so Jenkins and GitLab read a fleet's outcome. */
int xl_report_write_junit(const struct xl_report *rep, FILE *out);
int xl_report_write_html(const struct xl_report *rep, const char *num, const char *den, FILE *out);
