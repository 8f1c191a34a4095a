/* A `command` workload: the user's own program, run by the guest worker as
 * an argument vector (never a shell line), measured by one metric.
 *
 * In a spec one command lists one or more metrics and expands into one plan
 * item per metric (a report row each), exactly as a memory benchmark's
 * kernels do:
 *
 *   {"id":"command","name":"build","argv":["make","-j2"],"cwd":"/srv/src",
 *    "setup":["make","clean"],"cleanup":["rm","-f","build.log"],
 *    "env":{"CC":"gcc"},"timeout_s":600,
 *    "metrics":[{"name":"time","how":"time"},
 *               {"name":"rate","how":"regex","from":"stdout",
 *                "pattern":"([0-9.]+) files/s","unit":"files/s","better":"higher"}]}
 *
 * A plan item carries one of them as "metric". How a metric is read:
 *   time   the command's wall time (s, lower is better); fails on exit != 0
 *   exit   1 when it exited 0, else 0 ("pass", higher is better): a test
 *   regex  group `group` (default 1) of the first (or with "match":"last"
 *          the last) match of `pattern` (POSIX extended) in stdout or stderr
 *   json   the number at JSON pointer `pointer` (RFC 6901) in stdout, or in
 *          `file`, a path relative to the command's cwd that it wrote
 * The spec is dom0's data and the guest's instructions; every field is
 * bounded and checked both where the spec is read and where the worker
 * reads its plan item. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#define XL_COMMAND_NAME_MAX 15        /* name and metric name: variant "NAME-METRIC" fits 31 */
#define XL_COMMAND_MAX_ARGS 64
#define XL_COMMAND_MAX_ENV 32
#define XL_COMMAND_MAX_ARG_BYTES 4096
#define XL_COMMAND_MAX_TOTAL_BYTES 16384   /* argv + env + cwd: a plan item must stay small */
#define XL_COMMAND_MAX_PATTERN 512
#define XL_COMMAND_MAX_TIMEOUT_S 86400
#define XL_COMMAND_MAX_PTS_TEXT 256
#define XL_COMMAND_MAX_INPUTS 16

enum xl_metric_how { XL_METRIC_TIME, XL_METRIC_EXIT, XL_METRIC_REGEX, XL_METRIC_JSON, XL_METRIC_PTS };
enum xl_metric_from { XL_METRIC_STDOUT, XL_METRIC_STDERR, XL_METRIC_FILE };

struct xl_metric {
    char name[XL_COMMAND_NAME_MAX + 1];
    enum xl_metric_how how;
    char label[64];          /* "" : "NAME METRIC" */
    char unit[16];
    bool lower_is_better;
    enum xl_metric_from from;
    char *file;              /* json from a file: relative to cwd */
    char *pattern;           /* regex */
    unsigned group;          /* regex capture group, 0..9 */
    bool last;               /* regex: the last match, not the first */
    char *pointer;           /* json pointer, "" is the whole document */
    char *pts_result;        /* pts: the <Result>'s <Identifier> in the composite.xml file */
    char *pts_description;   /* pts: and its <Description>, to tell apart results of one test; NULL any */
};

struct xl_command_spec {
    char name[XL_COMMAND_NAME_MAX + 1];
    char **argv;             /* NULL-terminated, argv[0] searched in the guest's PATH */
    size_t argc;
    char **setup;            /* run before each trial, untimed; NULL: none */
    size_t nr_setup;
    char **cleanup;          /* run after each trial, whatever happened; NULL: none */
    size_t nr_cleanup;
    char **env;              /* "KEY=VALUE", NULL-terminated, may be empty */
    size_t nr_env;
    char *cwd;               /* absolute; NULL: the worker's work directory */
    unsigned timeout_s;      /* 0: the trial's timeout */
    /* dom0 files and directories put on the payload disk, read-only in the
     * guest under $XENLAB_INPUTS/<basename> (absolute dom0 paths; the
     * basenames unique); NULL: none. */
    char **inputs;
    size_t nr_inputs;
    struct xl_metric metric;
};

void xl_command_spec_init(struct xl_command_spec *c);
void xl_command_spec_dispose(struct xl_command_spec *c);
void xl_command_spec_copy(struct xl_command_spec *dst, const struct xl_command_spec *src);

/* A plan item's fields (obj has "id":"command" and one "metric" object);
 * errors name `path`. Unknown fields are refused. */
int xl_command_spec_from_json(json_object *obj, const char *path, struct xl_command_spec *c);
/* The name an input has in $XENLAB_INPUTS: its basename. */
const char *xl_command_input_name(const char *input);
/* Adds the command's fields to a plan item object. */
void xl_command_spec_to_json(const struct xl_command_spec *c, json_object *item);

/* Row key "NAME-METRIC" and label. */
void xl_command_spec_variant(const struct xl_command_spec *c, char *buf, size_t len);
void xl_command_spec_label(const struct xl_command_spec *c, char *buf, size_t len);
