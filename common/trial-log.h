/* A trial's output log: what a command workload printed, carried from the
 * guest to dom0's run directory (issue 16's "output capture").
 *
 * In the guest the worker hands the agent the log as printable ASCII lines
 * (struct xl_result.output); the agent publishes it beside the trial's
 * result, in the same transaction, as the document
 *     {"xenlab":"log/1","text":"<the lines>"}
 * at <home>/data/xenlab-log/<slot> (chunked as any value, common/xs-layout.h).
 * JSON makes newlines printable ASCII for XenStore. dom0 reads it as hostile
 * data: bounded, strict, sanitised again, then stored as
 *     <run dir>/logs/<job>/<slot>.log
 * and results.json names that file ("log") for the reports to link.
 *
 * Sizes: at most XL_LOG_MAX_BYTES of text per trial, and XenStore's quota
 * (1000 nodes per domain, results first) leaves a guest XL_LOG_NODE_BUDGET
 * nodes for logs in all: a plan with many slots gets shorter logs
 * (xl_log_doc_cap), the head cut, the tail kept — the end of an output is
 * where tools say why they failed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define XL_LOG_MAX_BYTES (64 * 1024)
#define XL_LOG_NODE_BUDGET 400
/* "[... N bytes cut]\n" before a cut text. */
#define XL_LOG_MARK_MAX 32
/* The document of XL_LOG_MAX_BYTES of text: JSON doubles at most "\n", "\""
 * and "\\" (the text holds nothing else outside 0x20..0x7e). */
#define XL_LOG_DOC_MAX_BYTES (2 * (XL_LOG_MAX_BYTES + XL_LOG_MARK_MAX) + 64)

/* The largest log document one of nr_slots slots may publish; 0: none. */
size_t xl_log_doc_cap(size_t nr_slots);

/* The document for text (printable ASCII lines), at most cap bytes: the head
 * of text is cut (and "[... N bytes cut]" said on the first line) until it
 * fits. NULL when cap is too small for any text. Caller frees. */
char *xl_log_doc_format(const char *text, size_t cap);

/* Strict reading of an untrusted document: the schema tag, one string
 * "text" of printable ASCII lines, at most XL_LOG_MAX_BYTES. *text_r is
 * the text, sanitised again (xl_text_ascii_lines). */
int xl_log_doc_parse(const char *doc, size_t len, const char *what, char **text_r);

/* "logs/<job>/<slot>.log" as dom0 makes it: job a clone name (letters,
 * digits, '.', '_', '-', not starting with '.'), slot decimal. The reports
 * open only paths that pass. */
bool xl_log_path_ok(const char *path);
