/* The report as a Phoronix Test Suite result file (composite.xml), so PTS
 * can show it, compare it and merge it with its own runs. The layout
 * follows pts-core's pts_result_file_writer: Generated, one System per arm,
 * one Result per benchmark variant with one Data/Entry per arm. The seed's
 * benchmarks map to the PTS profiles they reproduce. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "report-writers.h"
#include "report-xml.h"
#include "xl-util.h"

struct pts_profile {
    char identifier[128];
    char title[128];
    char app_version[128];
    char arguments[128];
    char description[128];
    char scale[32];
};

/* variant prefix, its description word */
static const char *const mem_kernels[][2] = {
    { "copy", "Copy" }, { "scale", "Scale" }, { "add", "Add" }, { "triad", "Triad" },
};

/* PTS only displays and compares; any byte it cannot hold in XML 1.0
 * (controls, invalid UTF-8 from a guest) becomes '?'. */
static char *xml_safe(const char *s)
{
    char *t = xl_strdup(s), *p;

    for (p = t; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    return t;
}

static void profile_of(const struct xl_report_row *row, struct pts_profile *p)
{
    const char *dash = strchr(row->variant, '-');
    unsigned clients;
    size_t k;

    memset(p, 0, sizeof(*p));
    snprintf(p->scale, sizeof(p->scale), "%s", strcmp(row->unit, "s") == 0 ? "Seconds" : row->unit);
    /* A pts metric's row is what PTS measured: PTS's own identity, so
     * merge-results lines it up with the same test's published results. */
    if (row->pts_identifier[0]) {
        const char *ver = strrchr(row->pts_identifier, '-');

        snprintf(p->identifier, sizeof(p->identifier), "%s", row->pts_identifier);
        snprintf(p->title, sizeof(p->title), "%s", row->pts_title[0] ? row->pts_title : row->label);
        snprintf(p->app_version, sizeof(p->app_version), "%s", ver ? ver + 1 : "");
        snprintf(p->arguments, sizeof(p->arguments), "%s", row->pts_arguments);
        snprintf(p->description, sizeof(p->description), "%s", row->pts_description);
        if (row->pts_scale[0])
            snprintf(p->scale, sizeof(p->scale), "%s", row->pts_scale);
        return;
    }
    if (strcmp(row->benchmark, "nqueens") == 0) {
        /* xenlab's own solver, not PTS's n-queens profile: its own identity. */
        snprintf(p->identifier, sizeof(p->identifier), "xenlab/nqueens-%s", XENLAB_VERSION);
        snprintf(p->title, sizeof(p->title), "N-Queens (xenlab)");
        snprintf(p->app_version, sizeof(p->app_version), "%s", XENLAB_VERSION);
        snprintf(p->arguments, sizeof(p->arguments), "%s", row->variant);
        snprintf(p->description, sizeof(p->description), "Elapsed Time");
        return;
    }
    if (strcmp(row->benchmark, "memory") == 0 && dash) {
        bool fp = strcmp(dash + 1, "fp") == 0;

        for (k = 0; k < XL_ARRAY_SIZE(mem_kernels); k++) {
            if (strlen(mem_kernels[k][0]) != (size_t)(dash - row->variant) ||
                strncmp(row->variant, mem_kernels[k][0], (size_t)(dash - row->variant)) != 0)
                continue;
            /* xenlab's own kernels, counted as RAMspeed counts bytes but not
             * RAMspeed: they must not merge with pts/ramspeed results. */
            snprintf(p->identifier, sizeof(p->identifier), "xenlab/memory-%s", XENLAB_VERSION);
            snprintf(p->title, sizeof(p->title), "Memory bandwidth (xenlab)");
            snprintf(p->app_version, sizeof(p->app_version), "%s", XENLAB_VERSION);
            snprintf(p->arguments, sizeof(p->arguments), "%s", row->variant);
            snprintf(p->description, sizeof(p->description), "%s - %s", mem_kernels[k][1],
                     fp ? "Floating Point" : "Integer");
            return;
        }
    }
    /* The real dbench program, as PTS's dbench profile runs it: the same
     * test, so PTS's identity and description, and merge-results lines
     * them up. */
    if (strcmp(row->benchmark, "dbench") == 0 && sscanf(row->variant, "clients%u", &clients) == 1) {
        snprintf(p->identifier, sizeof(p->identifier), "pts/dbench-1.0.2");
        snprintf(p->title, sizeof(p->title), "Dbench");
        snprintf(p->app_version, sizeof(p->app_version), "4.0");
        snprintf(p->arguments, sizeof(p->arguments), "%u", clients);
        snprintf(p->description, sizeof(p->description), "%u Client%s", clients, clients == 1 ? "" : "s");
        return;
    }
    snprintf(p->identifier, sizeof(p->identifier), "xenlab/%s", row->benchmark);
    snprintf(p->title, sizeof(p->title), "%s", row->label);
    snprintf(p->app_version, sizeof(p->app_version), "%s", XENLAB_VERSION);
    snprintf(p->arguments, sizeof(p->arguments), "%s", row->variant);
    snprintf(p->description, sizeof(p->description), "%s", row->label);
}

static int elem(xmlTextWriterPtr w, const char *name, const char *text)
{
    xl_autofree char *safe = xml_safe(text);

    return xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST safe) < 0 ? -1 : 0;
}

/* PTS writes "Key: value, Key: value" for a system's hardware and software. */
static void system_strings(const struct xl_arm_env *e, char *hw, size_t hwlen, char *sw, size_t swlen)
{
    char cells[XL_ENV_NR_COLS][XL_ENV_CELL_MAX], cpu[192] = "unknown vCPUs", extra[128] = "";

    if (!e->present) {
        snprintf(hw, hwlen, "Unknown (no environment record)");
        snprintf(sw, swlen, "Unknown (no environment record)");
        return;
    }
    xl_env_cells(e, cells);
    if (e->cpus_usable && e->cpus_usable < e->cpus_online)
        snprintf(extra, sizeof(extra), "%d usable", e->cpus_usable);
    if (e->cpu_quota > 0)
        snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%scgroup quota %s", extra[0] ? ", " : "",
                 cells[XL_ENV_COL_CPU_QUOTA]);
    if (e->cpus_online)
        snprintf(cpu, sizeof(cpu), "%d vCPU%s%s%s%s", e->cpus_online, e->cpus_online == 1 ? "" : "s",
                 extra[0] ? " (" : "", extra, extra[0] ? ")" : "");
    snprintf(hw, hwlen, "Processor: %s, Memory: %s%s%s%s", cpu, cells[XL_ENV_COL_MEMORY],
             e->mem_limit ? " (cgroup limit " : "", e->mem_limit ? cells[XL_ENV_COL_MEM_LIMIT] : "",
             e->mem_limit ? ")" : "");
    snprintf(sw, swlen, "Kernel: %s, File-System: %s, System Layer: Xen%s%s%s", cells[XL_ENV_COL_KERNEL],
             cells[XL_ENV_COL_FS], e->container[0] ? " + " : "", e->container, e->container[0] ? " container" : "");
}

static int write_doc(const struct xl_report *rep, xmlTextWriterPtr w)
{
    char stamp[32], hw[512], sw[512], num[64];
    const char *title = rep->title[0] ? rep->title : "xenlab report";
    struct tm tm;
    size_t a, i, k;

    gmtime_r(&rep->generated, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
        xmlTextWriterStartElement(w, BAD_CAST "PhoronixTestSuite") < 0 ||
        xmlTextWriterStartElement(w, BAD_CAST "Generated") < 0 || elem(w, "Title", title) ||
        elem(w, "LastModified", stamp) || elem(w, "TestClient", "xenlab " XENLAB_VERSION) ||
        elem(w, "Description", "Benchmarks run by xenlab in Xen guests and containers, one system per arm.") ||
        xmlTextWriterEndElement(w) < 0)
        return -1;
    for (a = 0; a < rep->nr_arms; a++) {
        struct xl_arm_env e;

        xl_arm_env_from_json(rep->envs[a], &e);
        system_strings(&e, hw, sizeof(hw), sw, sizeof(sw));
        if (xmlTextWriterStartElement(w, BAD_CAST "System") < 0 || elem(w, "Identifier", rep->arms[a]) ||
            elem(w, "Hardware", hw) || elem(w, "Software", sw) || elem(w, "User", "xenlab") ||
            elem(w, "TimeStamp", stamp) || elem(w, "TestClientVersion", XENLAB_VERSION) ||
            elem(w, "Notes", e.cgroup[0] ? (strcmp(e.cgroup, "v2") == 0 ? "cgroup v2" : "cgroup v1") : "") ||
            xmlTextWriterEndElement(w) < 0)
            return -1;
    }
    for (i = 0; i < rep->nr_rows; i++) {
        const struct xl_report_row *row = &rep->rows[i];
        struct pts_profile p;
        bool any = false;

        for (a = 0; a < rep->nr_arms; a++)
            any |= row->cells[a].nr_values > 0;
        /* PTS has no way to say "failed"; like PTS, leave such results out. */
        if (!any)
            continue;
        profile_of(row, &p);
        if (xmlTextWriterStartElement(w, BAD_CAST "Result") < 0 || elem(w, "Identifier", p.identifier) ||
            elem(w, "Title", p.title) || elem(w, "AppVersion", p.app_version) ||
            elem(w, "Arguments", p.arguments) || elem(w, "Description", p.description) ||
            elem(w, "Scale", p.scale) || elem(w, "Proportion", row->lower_is_better ? "LIB" : "HIB") ||
            elem(w, "DisplayFormat", "BAR_GRAPH") || xmlTextWriterStartElement(w, BAD_CAST "Data") < 0)
            return -1;
        for (a = 0; a < rep->nr_arms; a++) {
            const struct xl_report_cell *c = &row->cells[a];
            xl_autofree char *raw = xl_strdup("");
            struct xl_stats s;

            if (!c->nr_values)
                continue;
            xl_report_cell_stats(c, &s);
            for (k = 0; k < c->nr_values; k++) {
                char *t = xl_asprintf("%s%s%.10g", raw, k ? ":" : "", c->values[k]);

                free(raw);
                raw = t;
            }
            snprintf(num, sizeof(num), "%.2f", s.mean);
            if (xmlTextWriterStartElement(w, BAD_CAST "Entry") < 0 || elem(w, "Identifier", rep->arms[a]) ||
                elem(w, "Value", num) || elem(w, "RawString", raw) || xmlTextWriterEndElement(w) < 0)
                return -1;
        }
        if (xmlTextWriterEndElement(w) < 0 || xmlTextWriterEndElement(w) < 0)
            return -1;
    }
    return xmlTextWriterEndDocument(w) < 0 ? -1 : 0;
}

int xl_report_write_pts(const struct xl_report *rep, FILE *out)
{
    return xl_report_write_xml(rep, write_doc, "composite.xml", out);
}
