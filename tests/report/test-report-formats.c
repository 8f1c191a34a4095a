/* The PTS composite.xml and HTML writers: golden files from the seed's
 * numbers, a structural check that parses composite.xml back with libxml2,
 * and hostile strings that must come out escaped. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <strings.h>

#include "report.h"
#include "tap.h"
#include "xl-util.h"

#define SEED_TIME 1700000000   /* 2023-11-14 22:13:20 UTC */

static char *render(const struct xl_report *rep, enum xl_report_format fmt, const char *num, const char *den,
                    int *rc_r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    *rc_r = xl_report_write(rep, fmt, num, den, f);
    fclose(f);
    return buf;
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (n = n ? n->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

static size_t count(xmlNode *n, const char *name)
{
    size_t k = 0;

    for (n = n ? n->children : NULL; n; n = n->next)
        k += n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
    return k;
}

/* Text of a child element (a static copy, "" when missing). */
static const char *text(xmlNode *n, const char *name)
{
    static char buf[512];
    xmlNode *c = child(n, name);
    xmlChar *t = c ? xmlNodeGetContent(c) : NULL;

    snprintf(buf, sizeof(buf), "%s", t ? (const char *)t : "");
    xmlFree(t);
    return buf;
}

static void check_pts_structure(const char *xml, size_t nr_arms, size_t nr_rows, size_t nr_trials)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "composite.xml", NULL, XML_PARSE_NONET);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL, *n;
    size_t systems = 0, results = 0, good_entries = 0;

    tap_ok(root && strcmp((const char *)root->name, "PhoronixTestSuite") == 0,
           "composite.xml parses back; root is PhoronixTestSuite");
    if (!root)
        goto out;
    tap_ok(child(root, "Generated") && *text(child(root, "Generated"), "Title") &&
               *text(child(root, "Generated"), "LastModified") && *text(child(root, "Generated"), "TestClient"),
           "Generated has Title, LastModified and TestClient");
    for (n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "System") == 0) {
            systems += *text(n, "Identifier") && *text(n, "Hardware") && *text(n, "Software") &&
                       *text(n, "TimeStamp") && *text(n, "TestClientVersion");
        } else if (strcmp((const char *)n->name, "Result") == 0) {
            xmlNode *data = child(n, "Data"), *e;

            results += *text(n, "Identifier") && *text(n, "Title") && *text(n, "Scale") &&
                       (strcmp(text(n, "Proportion"), "LIB") == 0 || strcmp(text(n, "Proportion"), "HIB") == 0) &&
                       strcmp(text(n, "DisplayFormat"), "BAR_GRAPH") == 0 && count(data, "Entry") == nr_arms;
            for (e = data ? data->children : NULL; e; e = e->next) {
                const char *raw;
                size_t colons = 0;

                if (e->type != XML_ELEMENT_NODE)
                    continue;
                raw = text(e, "RawString");
                for (const char *p = raw; *p; p++)
                    colons += *p == ':';
                good_entries += *text(e, "Identifier") && strtod(text(e, "Value"), NULL) > 0 &&
                                colons + 1 == nr_trials;
            }
        }
    }
    TAP_EQ_INT(systems, nr_arms, "one complete System per arm");
    TAP_EQ_INT(results, nr_rows, "one complete Result per row, one Entry per arm");
    TAP_EQ_INT(good_entries, nr_rows * nr_arms, "every Entry has Identifier, Value and a RawString per trial");
out:
    xmlFreeDoc(doc);
}

static void test_seed(const char *src)
{
    char *seed = xl_asprintf("%s/tests/data/seed/results.jsonl", src), *out;
    struct xl_report rep;
    int rc;

    xl_report_init(&rep);
    tap_ok(xl_report_load(&rep, seed) == 0, "seed results load (%s)", xl_error_message());
    snprintf(rep.title, sizeof(rep.title), "xenlab: seed experiment");
    rep.generated = SEED_TIME;
    out = render(&rep, XL_REPORT_PTS, "vm2", "vm1", &rc);
    tap_ok(rc == 0, "PTS renders");
    tap_golden(out, "tests/data/seed/report.pts.xml", "PTS composite.xml");
    check_pts_structure(out, 2, 5, 3);
    free(out);
    out = render(&rep, XL_REPORT_HTML, "vm2", "vm1", &rc);
    tap_ok(rc == 0, "HTML renders");
    tap_golden(out, "tests/data/seed/report.html", "HTML page");
    tap_ok(!strstr(out, "http:") && !strstr(out, "https:") && !strstr(out, "//"), "the page holds no URL");
    tap_ok(strstr(out, "vm2 differs from vm1 in more than the container: vCPUs (2 vs 1), memory (2 GiB vs ~0.9 GiB), "
                       "filesystem (overlay vs ext4)") != NULL,
           "the page flags the seed's confounders");
    free(out);
    xl_report_dispose(&rep);
    free(seed);
}

#define EVIL "<script>alert(1)</script>\"'&"

static void add(struct xl_report *rep, const char *arm, unsigned trial, bool ok, double value)
{
    struct xl_result r;

    xl_result_init(&r);
    snprintf(r.benchmark, sizeof(r.benchmark), "nqueens");
    snprintf(r.variant, sizeof(r.variant), "n8");
    snprintf(r.label, sizeof(r.label), "%s", EVIL);
    snprintf(r.unit, sizeof(r.unit), "<b>s\"");
    snprintf(r.arm, sizeof(r.arm), "%s", arm);
    r.lower_is_better = true;
    r.trial = trial;
    r.ok = ok;
    r.value = value;
    if (!ok)
        snprintf(r.error, sizeof(r.error), "%s", EVIL);
    r.env = json_tokener_parse("{\"kernel\":\"<script>alert(1)</script>\",\"fs\":\"\\\"><script>x\","
                               "\"container\":\"<SCRIPT src=x>\",\"host\":\"<img onerror=alert(1)>\","
                               "\"cpus_online\":1,\"mem_total\":1073741824}");
    xl_report_add(rep, &r);
    xl_result_dispose(&r);
}

static void test_hostile(void)
{
    const char *evil_arm = "<script>alert(1)</script>\"";
    struct xl_report rep;
    char *out;
    int rc;

    xl_report_init(&rep);
    snprintf(rep.title, sizeof(rep.title), "%s", EVIL);
    add(&rep, evil_arm, 1, true, 1.5);
    add(&rep, evil_arm, 2, true, 1.7);
    add(&rep, "vm'2", 1, false, 0);
    out = render(&rep, XL_REPORT_HTML, "vm'2", evil_arm, &rc);
    tap_ok(rc == 0, "HTML renders hostile strings");
    tap_ok(!strcasestr(out, "<script") && !strcasestr(out, "<img") && !strstr(out, "\"><"),
           "no guest string comes out as markup");
    tap_ok(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;") != NULL,
           "label, error and title are escaped, quotes included");
    tap_ok(strstr(out, "&lt;SCRIPT src=x&gt;") != NULL, "env strings are escaped");
    free(out);
    out = render(&rep, XL_REPORT_PTS, NULL, NULL, &rc);
    tap_ok(rc == 0 && !strcasestr(out, "<script"), "PTS escapes hostile strings");
    {
        xmlDoc *doc = xmlReadMemory(out, (int)strlen(out), "composite.xml", NULL, XML_PARSE_NONET);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

        tap_ok(root && strcmp(text(child(root, "System"), "Identifier"), evil_arm) == 0,
               "an arm name survives the XML round trip unchanged");
        xmlFreeDoc(doc);
    }
    free(out);
    xl_report_dispose(&rep);
}

static void add_test(struct xl_report *rep, const char *arm, unsigned replica, unsigned trial, int outcome,
                     const char *tail)
{
    struct xl_result r;

    xl_result_init(&r);
    snprintf(r.benchmark, sizeof(r.benchmark), "command");
    snprintf(r.variant, sizeof(r.variant), "suite-pass");
    snprintf(r.label, sizeof(r.label), "suite pass");
    snprintf(r.unit, sizeof(r.unit), "pass");
    snprintf(r.arm, sizeof(r.arm), "%s", arm);
    r.replica = replica;
    r.replica_trial = trial;
    r.trial = (replica - 1) * 3 + trial;   /* as results.json numbers an arm's trials */
    r.ok = outcome >= 0;
    r.value = outcome > 0 ? 1 : 0;
    if (outcome < 0) {
        snprintf(r.error, sizeof(r.error), "command suite: sh is not installed where the benchmark runs");
    } else {
        r.details = json_object_new_object();
        json_object_object_add(r.details, "exit_code", json_object_new_int(outcome > 0 ? 0 : 3));
        json_object_object_add(r.details, "seconds", json_object_new_double(1.25 * trial));
        json_object_object_add(r.details, "stdout_tail", json_object_new_string(tail));
        json_object_object_add(r.details, "stderr_tail", json_object_new_string(""));
    }
    xl_report_add(rep, &r);
    xl_result_dispose(&r);
}

/* A fleet: a test on identical clones, one of them flaky; JUnit as a golden
 * file, well-formed whatever the guest put in its output tails. */
static void test_fleet(void)
{
    /* Control characters are not allowed in XML 1.0: they must not reach it. */
    const char *evil_tail = "ok 1\n\x01\x1b[31m]]></system-out><script>x</script>&";
    struct xl_report rep;
    char *out;
    int rc;

    xl_report_init(&rep);
    snprintf(rep.title, sizeof(rep.title), "fleet");
    add_test(&rep, "a", 2, 2, 0, evil_tail);
    add_test(&rep, "a", 1, 1, 1, "ok 1\n");
    add_test(&rep, "a", 1, 2, 1, "ok 1\n");
    add_test(&rep, "a", 2, 1, 1, "ok 1\n");
    add_test(&rep, "b", 1, 1, 1, "");
    add_test(&rep, "b", 2, 1, 1, "");
    add_test(&rep, "b", 2, 3, -1, "");
    add(&rep, "a", 1, true, 1.5);
    add(&rep, "b", 1, false, 0);
    out = render(&rep, XL_REPORT_MD, NULL, NULL, &rc);
    tap_ok(rc == 0 && strstr(out, "| suite pass | a | 4 | 3 | 1 | 0 | **flaky**: failed on replica 2 trial 2 |"),
           "the test table calls arm a's test flaky, naming the failed run");
    tap_ok(strstr(out, "| suite pass | b | 3 | 2 | 0 | 1 | pass; no verdict on replica 2 trial 3 |") != NULL,
           "arm b passed where it ran, and says where it gave no verdict");
    free(out);
    out = render(&rep, XL_REPORT_JUNIT, NULL, NULL, &rc);
    tap_ok(rc == 0, "JUnit renders");
    {
        xmlDoc *doc = xmlReadMemory(out, (int)strlen(out), "junit.xml", NULL, XML_PARSE_NONET);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

        tap_ok(root && strcmp((const char *)root->name, "testsuites") == 0 && count(root, "testsuite") == 2,
               "JUnit is well-formed XML with a suite per arm, hostile output tails included");
        xmlFreeDoc(doc);
    }
    tap_ok(!strchr(out, '\x01') && !strchr(out, '\x1b') && !strstr(out, "<script"),
           "no control character or markup from a guest's output reaches the XML");
    tap_golden(out, "tests/data/report/fleet.junit.xml", "JUnit XML of a fleet");
    free(out);
    xl_report_dispose(&rep);
}

int main(void)
{
    const char *src = getenv("XENLAB_SRCDIR");

    if (!src)
        tap_skip_all("XENLAB_SRCDIR is not set (run through meson test)");
    test_seed(src);
    test_hostile();
    test_fleet();
    xmlCleanupParser();
    return tap_done();
}
