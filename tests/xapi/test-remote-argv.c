/* A multi-host run's command lines (plugin/run/remote.h) as golden argv
 * lists for each transport and operation, and the xapi transport's handling
 * of xe's answers. No XAPI here: xe is stood in for by xe-standin.sh, which
 * answers from golden files as xe host-call-plugin does (the plugin's Value
 * on stdout; a failure on stderr, exit 1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json-util.h"
#include "remote.h"
#include "tap.h"
#include "xl-util.h"

#define RID "20261208-010000-abcd-2"
#define SPEC "{\"name\":\"seed\",\"arms\":[]}"

static void entry(struct xl_hosts *h, const char *json)
{
    json_object *arr = NULL;

    xl_hosts_dispose(h);
    if (xl_json_parse(json, strlen(json), "hosts", &arr) || xl_hosts_from_json(arr, "hosts", h))
    {
        fprintf(stderr, "%s: %s\n", json, xl_error_message());
        exit(1);
    }
    json_object_put(arr);
}

static void emit(FILE *out, const struct xl_host_entry *e, enum xl_remote_op op, const char *what)
{
    struct xl_argv a;
    char *line;

    xl_argv_init(&a);
    xl_remote_argv(e, op, op == XL_REMOTE_PROBE ? NULL : RID, SPEC, "/usr/bin/xenlab", &a);
    line = xl_argv_format(&a);
    fprintf(out, "# %s %s\n%s\n", e->uri, what, line);
    free(line);
    xl_argv_dispose(&a);
}

static void all_ops(FILE *out, const struct xl_host_entry *e)
{
    static const char *const names[] = { "probe", "run", "resume", "status", "results", "cancel", "clean" };
    size_t i;

    for (i = 0; i < XL_ARRAY_SIZE(names); i++)
        emit(out, e, (enum xl_remote_op)i, names[i]);
}

int main(int argc, char **argv)
{
    struct xl_hosts h;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    json_object *o = NULL, *v = NULL;
    xl_autofree char *q = NULL, *log = NULL, *seen = NULL;
    size_t n = 0;
    int rc, code;

    if (argc != 2) {
        fprintf(stderr, "usage: test-remote-argv XE-STANDIN\n");
        return 2;
    }
    unsetenv("XENLAB_SSH");
    unsetenv("XENLAB_XE");
    unsetenv("XENLAB_SSH_CONFIG");
    xl_hosts_init(&h);
    entry(&h, "[\"local\"]");
    all_ops(out, &h.v[0]);
    entry(&h, "[{\"uri\":\"ssh://root@dom0-b.lab:2222\",\"xenlab\":\"/opt/xenlab/bin/xenlab\",\"backend\":\"libxl\","
              "\"base\":\"debian\",\"clone_dir\":\"/srv/clones\",\"parallel\":2}]");
    all_ops(out, &h.v[0]);
    entry(&h, "[{\"uri\":\"xapi://AAAAAAAA-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"backend\":\"xapi\",\"base\":\"debian\"}]");
    all_ops(out, &h.v[0]);
    fclose(out);
    tap_golden(text, "tests/xapi/golden/remote-argv.txt",
               "remote-argv golden: local, ssh and xapi command lines (no XAPI here)");
    free(text);

    q = xl_sh_quote("it's; $(rm -rf /)");
    TAP_EQ_STR(q, "'it'\\''s; $(rm -rf /)'", "a remote word is single-quoted, ' as '\\''");

    /* xe's answers, through the xapi transport. */
    setenv("XENLAB_XE", argv[1], 1);
    log = xl_asprintf("%s/xe-argv.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    setenv("XE_ARGV_LOG", log, 1);
    rc = xl_remote_call(&h.v[0], XL_REMOTE_PROBE, NULL, NULL, "/usr/bin/xenlab", 10, 1 << 20, &o, &code);
    tap_ok(rc == XL_OK && json_object_object_get_ex(o, "pcpus", &v) && json_object_get_int(v) == 12,
           "fn=host_info: the plugin's JSON Value is the probe (pcpus 12)");
    json_object_put(o);
    o = NULL;
    tap_ok(xl_read_file(log, 4096, &seen, &n) == XL_OK && strstr(seen, "host-call-plugin\nhost-uuid=aaaaaaaa-") &&
           strstr(seen, "\nplugin=xenlab\nfn=host_info\nargs:backend=xapi\n"),
           "xe got host-call-plugin, the lowered host uuid, plugin=xenlab, fn=host_info, one argv word each");
    rc = xl_remote_call(&h.v[0], XL_REMOTE_STATUS, RID, NULL, "/usr/bin/xenlab", 10, 1 << 20, &o, &code);
    tap_ok(rc == XL_OK && json_object_object_get_ex(o, "running", &v) && json_object_get_boolean(v),
           "fn=status: running, as the Value says");
    json_object_put(o);
    o = NULL;
    rc = xl_remote_call(&h.v[0], XL_REMOTE_CANCEL, RID, NULL, "/usr/bin/xenlab", 10, 1 << 20, &o, &code);
    tap_ok(rc == XL_ERR_FAIL && code == 1 && o == NULL &&
           strstr(xl_error_message(), "xapi://aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee: failed: XENLAB_NOT_RUNNING: run " RID
                  " has finished"),
           "a failure: the message names the host and xe's last line (%s)", xl_error_message());
    xl_error_clear();
    unlink(log);
    xl_hosts_dispose(&h);
    return tap_done();
}
