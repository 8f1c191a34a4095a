/* The journal reader and appender (plugin/run/journal.c) on the journals a
 * power loss, a crash mid-write or a hostile hand leave behind. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "json-util.h"
#include "tap.h"
#include "xl-util.h"

struct seen {
    size_t n;
    char states[8][16];
};

static void note(void *opaque, json_object *ev)
{
    struct seen *s = opaque;
    const char *st = xl_journal_str(ev, "state");

    if (s->n < 8)
        snprintf(s->states[s->n], sizeof(s->states[0]), "%s", st ? st : "-");
    s->n++;
}

static void put(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0 || write(fd, data, len) != (ssize_t)len)
        abort();
    close(fd);
}

static void put_str(const char *path, const char *s)
{
    put(path, s, strlen(s));
}

static int append_run(const char *path, const char *state)
{
    json_object *ev = xl_journal_ev_run(state, 42);
    int fd = -1, rc = xl_journal_open(path, &fd);

    if (!rc)
        rc = xl_journal_append(fd, path, ev);
    json_object_put(ev);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* A journal left as data, then one append: the appended event reads whole,
 * as the second event, and the broken piece before it is skipped and counted. */
static void append_after(const char *path, const char *data, size_t len, const char *what)
{
    struct xl_journal_stats st;
    struct seen s;
    char name[128];
    int rc;

    put(path, data, len);
    rc = append_run(path, "resumed");
    snprintf(name, sizeof(name), "append after %s", what);
    TAP_EQ_INT(rc, XL_OK, name);
    memset(&s, 0, sizeof(s));
    xl_journal_read(path, note, &s, &st);
    snprintf(name, sizeof(name), "after %s: the appended event reads, not glued on", what);
    TAP_EQ_INT(s.n, 2, name);
    snprintf(name, sizeof(name), "after %s: it is the resumed one, whole", what);
    TAP_EQ_STR(s.states[1], "resumed", name);
    snprintf(name, sizeof(name), "after %s: the broken piece is skipped and counted", what);
    TAP_EQ_INT(st.torn, 1, name);
}

int main(void)
{
    char dir[] = "/tmp/test-journal-XXXXXX";
    struct xl_journal_stats st;
    struct seen s;
    xl_autofree char *path = NULL;
    char buf[256];
    int rc;

    if (!mkdtemp(dir))
        return 1;
    path = xl_asprintf("%s/journal.jsonl", dir);

    /* A NUL run in the middle: the lines after it count. */
    {
        char data[] = "{\"event\":\"run\",\"state\":\"started\"}\n\0\0\0\0\0\0\0\0{\"event\":\"run\",\"state\":\"resumed\"}\n";

        put(path, data, sizeof(data) - 1);
    }
    memset(&s, 0, sizeof(s));
    rc = xl_journal_read(path, note, &s, &st);     /* TAP_EQ_INT evaluates twice */
    TAP_EQ_INT(rc, XL_OK, "a journal with a NUL run reads");
    TAP_EQ_INT(s.n, 2, "both events, the one after the NUL run too");
    TAP_EQ_STR(s.states[1], "resumed", "the event after the NUL run is whole");
    TAP_EQ_INT(st.nul_runs, 1, "the NUL run is counted");

    /* A NUL tail, then an append: the new line is readable. */
    {
        char data[] = "{\"event\":\"run\",\"state\":\"started\"}\n{\"event\":\"run\",\0\0\0\0";

        append_after(path, data, sizeof(data) - 1, "a NUL tail");
    }

    /* A torn last line, then an append: the next event is on its own line. */
    {
        const char *data = "{\"event\":\"run\",\"state\":\"started\"}\n{\"event\":\"result\",\"dom";

        append_after(path, data, strlen(data), "a torn line");
    }
    {
        FILE *f = fopen(path, "r");
        int lines = 0;

        while (f && fgets(buf, sizeof(buf), f))
            lines++;
        if (f)
            fclose(f);
        TAP_EQ_INT(lines, 3, "the file has the torn line and the new one apart");
    }

    /* Hostile lines: null and mistyped fields are absent to the getters. */
    put_str(path, "{\"event\":\"run\",\"state\":null}\n{\"event\":null}\n[1]\n\"x\"\n{\"event\":5,\"pid\":\"7\"}\n");
    memset(&s, 0, sizeof(s));
    rc = xl_journal_read(path, note, &s, &st);
    TAP_EQ_INT(rc, XL_OK, "hostile lines read without error");
    TAP_EQ_INT(s.n, 3, "the three objects are passed on");
    TAP_EQ_INT(st.torn, 2, "the two non-objects are skipped");
    TAP_EQ_STR(s.states[0], "-", "state:null reads as absent");
    {
        json_object *o = json_object_new_object();

        xl_json_add(o, "event", NULL);
        xl_json_add(o, "pid", xl_json_str("7"));
        tap_ok(!xl_journal_is(o, "run") && !xl_journal_str(o, "event") && xl_journal_int(o, "pid", -1) == -1,
               "null and mistyped fields: NULL and the default");
        tap_ok(!xl_journal_str(NULL, "event") && !xl_journal_is(NULL, "run"), "a NULL event is no event");
        json_object_put(o);
    }
    unlink(path);
    rmdir(dir);
    return tap_done();
}
