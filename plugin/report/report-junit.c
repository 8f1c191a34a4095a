/* JUnit XML for CI servers (Jenkins' junit step, GitLab's artifacts:reports:junit),
 * written with libxml2: one <testsuite> per arm; in it, for a test row (an
 * exit metric) one <testcase> per run on each clone, a <failure> when it
 * exited non-zero and an <error> when the trial gave no verdict, with the
 * command's output tails; for a measured row one <testcase> that errs when
 * any trial failed. */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "report-writers.h"
#include "report-xml.h"
#include "xl-util.h"

struct suite_counts {
    unsigned tests, failures, errors;
    double seconds;
};

static void count_arm(const struct xl_report *rep, size_t a, struct suite_counts *n)
{
    size_t i, k;

    memset(n, 0, sizeof(*n));
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_cell *c = &rep->rows[i].cells[a];

        if (!rep->rows[i].is_test) {
            if (c->nr_trials) {
                n->tests++;
                n->errors += c->failed ? 1 : 0;
            }
            continue;
        }
        for (k = 0; k < c->nr_runs; k++) {
            n->tests++;
            if (!c->runs[k].ran)
                n->errors++;
            else if (!c->runs[k].passed)
                n->failures++;
            if (c->runs[k].seconds > 0)
                n->seconds += c->runs[k].seconds;
        }
    }
}

static int attr_u(xmlTextWriterPtr w, const char *name, unsigned v)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%u", v);
}

static int write_run(xmlTextWriterPtr w, const struct xl_report *rep, size_t a, const struct xl_report_row *row,
                     const struct xl_report_test_run *t)
{
    char cls[128], name[160];

    snprintf(cls, sizeof(cls), "xenlab.%s.replica%u", rep->arms[a], t->replica);
    snprintf(name, sizeof(name), "%s (%s) trial %u", row->label, row->variant, t->trial);
    if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST cls) < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0)
        return -1;
    if (t->seconds >= 0 && xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", t->seconds) < 0)
        return -1;
    if (!t->ran) {
        if (xmlTextWriterStartElement(w, BAD_CAST "error") < 0 ||
            xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST t->error) < 0 ||
            xmlTextWriterEndElement(w) < 0)
            return -1;
    } else if (!t->passed) {
        char msg[64];

        if (t->exit_code >= 0)
            snprintf(msg, sizeof(msg), "exit status %d", t->exit_code);
        else
            snprintf(msg, sizeof(msg), "failed");
        if (xmlTextWriterStartElement(w, BAD_CAST "failure") < 0 ||
            xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg) < 0 ||
            xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "exit") < 0 ||
            xmlTextWriterEndElement(w) < 0)
            return -1;
    }
    {
        /* The whole log (both streams) when the run directory has it, else
         * the tails the result carries. */
        xl_autofree char *log = xl_report_log_text(rep, t);

        if (log) {
            if (xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST log) < 0)
                return -1;
        } else {
            if (t->out_tail && *t->out_tail &&
                xmlTextWriterWriteElement(w, BAD_CAST "system-out", BAD_CAST t->out_tail) < 0)
                return -1;
            if (t->err_tail && *t->err_tail &&
                xmlTextWriterWriteElement(w, BAD_CAST "system-err", BAD_CAST t->err_tail) < 0)
                return -1;
        }
    }
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_measured(xmlTextWriterPtr w, const struct xl_report *rep, size_t a, const struct xl_report_row *row)
{
    const struct xl_report_cell *c = &row->cells[a];
    char cls[128], name[160];

    if (!c->nr_trials)
        return 0;
    snprintf(cls, sizeof(cls), "xenlab.%s", rep->arms[a]);
    snprintf(name, sizeof(name), "%s (%s)", row->label, row->variant);
    if (xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST cls) < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0)
        return -1;
    if (c->failed) {
        char msg[320];

        snprintf(msg, sizeof(msg), "%u of %zu trials failed: %s", c->failed, c->nr_trials, c->first_error);
        if (xmlTextWriterStartElement(w, BAD_CAST "error") < 0 ||
            xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg) < 0 ||
            xmlTextWriterEndElement(w) < 0)
            return -1;
    }
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

static int write_doc(const struct xl_report *rep, xmlTextWriterPtr w)
{
    struct suite_counts all = { 0 };
    size_t a, i, k;

    for (a = 0; a < rep->nr_arms; a++) {
        struct suite_counts n;

        count_arm(rep, a, &n);
        all.tests += n.tests;
        all.failures += n.failures;
        all.errors += n.errors;
    }
    if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0 ||
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST(rep->title[0] ? rep->title : "xenlab report")) < 0 ||
        attr_u(w, "tests", all.tests) < 0 || attr_u(w, "failures", all.failures) < 0 ||
        attr_u(w, "errors", all.errors) < 0)
        return -1;
    for (a = 0; a < rep->nr_arms; a++) {
        struct suite_counts n;
        char name[96];

        count_arm(rep, a, &n);
        snprintf(name, sizeof(name), "xenlab.%s", rep->arms[a]);
        if (xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0 ||
            xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0 || attr_u(w, "tests", n.tests) < 0 ||
            attr_u(w, "failures", n.failures) < 0 || attr_u(w, "errors", n.errors) < 0 ||
            xmlTextWriterWriteFormatAttribute(w, BAD_CAST "time", "%.3f", n.seconds) < 0)
            return -1;
        for (i = 0; i < rep->nr_rows; i++) {
            const struct xl_report_row *row = &rep->rows[i];

            if (!row->is_test) {
                if (write_measured(w, rep, a, row) < 0)
                    return -1;
                continue;
            }
            for (k = 0; k < row->cells[a].nr_runs; k++)
                if (write_run(w, rep, a, row, &row->cells[a].runs[k]) < 0)
                    return -1;
        }
        if (xmlTextWriterEndElement(w) < 0)
            return -1;
    }
    return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int xl_report_write_junit(const struct xl_report *rep, FILE *out)
{
    return xl_report_write_xml(rep, write_doc, "junit", out);
}
