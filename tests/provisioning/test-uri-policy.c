/* The libvirt URI policy as a table: each URI, whether xenlab opens it by
 * default, and the word the refusal must name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "uri-policy.h"
#include "xl-util.h"

static const struct {
    const char *uri;
    const char *refusal;     /* NULL: accepted */
} table[] = {
    { "xen:///system", NULL },
    { "xen:///", NULL },
    { "qemu:///system", NULL },
    { "qemu:///session", NULL },
    { "lxc:///system", NULL },
    { "test:///default", NULL },
    { "qemu+ssh://root@host.example/system", NULL },
    { "qemu+ssh://host.example:2222/system?no_tty=1", NULL },
    { "xen+libssh2://h/system", NULL },
    { "qemu+tls://h.example/system", NULL },
    { "qemu+tcp://10.0.0.1:16509/system", NULL },
    { "qemu+unix:///system", NULL },
    { "qemu+ext:///system?command=/tmp/x.sh", "transport \"ext\"" },
    { "qemu+ext:///system", "runs a command" },
    { "qemu+EXT:///system", "transport" },
    { "qemu+unix:///system?socket=/tmp/s", "\"socket\"" },
    { "qemu+ssh://h/system?keyfile=/root/.ssh/id", "\"keyfile\"" },
    { "qemu+ssh://h/system?netcat=/tmp/nc", "\"netcat\"" },
    { "qemu+tls://h/system?no_verify=1", "\"no_verify\"" },
    { "qemu+tls://h/system?pkipath=/tmp", "\"pkipath\"" },
    { "qemu+libssh://h/system?known_hosts=/tmp/k", "\"known_hosts\"" },
    { "qemu+libssh://h/system?sshauth=password", "\"sshauth\"" },
    { "qemu:///system?mode=legacy", "\"mode\"" },
    { "qemu+ssh://h/system?proxy=native", "\"proxy\"" },
    { "qemu:///system?name=qemu+ext:///x", "\"name\"" },
    { "qemu:///embed?root=/tmp/r", "\"root\"" },
    { "qemu+ssh://h/system?%63ommand=/tmp/x", "\"command\"" },
    { "qemu+ssh://h/system?no_tty=1;command=/tmp/x", "\"command\"" },
    { "qemu+ssh://h/system?no_tty=1&command=/tmp/x", "\"command\"" },
    { "qemu+ssh://h/system?no_tty=1%26command=x", "\"no_tty\"" },
    { "qemu+ssh://-oProxyCommand=x/system", "host" },
    { "qemu+ssh://-l@h/system", "user name" },
    { "test:///etc/shadow", "test:///default" },
    { "test+ssh://h/default", "test:///default" },
    { "qemu:///../../etc", "path" },
    { "esx://h/", "driver \"esx\"" },
    { "vbox:///session", "driver \"vbox\"" },
    { "myalias", "not driver" },
    { "qemu:system", "not driver" },
    { "qemu:///system#x", "fragment" },
    { "", "empty" },
    { "qemu:///sys tem", "not a URI" },
};

int main(void)
{
    char list[] = "/tmp/xenlab-uris-XXXXXX";
    size_t i;
    FILE *f;
    int fd;

    for (i = 0; i < XL_ARRAY_SIZE(table); i++) {
        int rc = xl_uri_check(table[i].uri, 0);

        if (!table[i].refusal)
            tap_ok(rc == XL_OK, "accepted: %s%s%s", table[i].uri, rc ? " -- " : "", rc ? xl_error_message() : "");
        else
            tap_ok(rc == XL_ERR_INVAL && strstr(xl_error_message(), table[i].refusal) &&
                       !strchr(xl_error_message(), '\n') &&
                       (!*table[i].uri || strstr(xl_error_message(), table[i].uri)),
                   "refused: %s (%s): %s", table[i].uri, table[i].refusal, rc ? xl_error_message() : "accepted");
        xl_error_clear();
    }
    tap_ok(xl_uri_check(NULL, 0) == XL_OK, "no URI: the backend's default");
    tap_ok(xl_uri_check("qemu+ext:///system?command=/bin/true", XL_URI_ALLOW_UNSAFE) == XL_OK,
           "--allow-unsafe-uri: ext is opened");
    tap_ok(xl_uri_check("qemu:///sys tem", XL_URI_ALLOW_UNSAFE) == XL_ERR_INVAL,
           "--allow-unsafe-uri: still a URI libxml2 parses");

    fd = mkstemp(list);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return 1;
    fputs("# comment\nqemu+ext:///system?command=/opt/ok\nxen:///system\n", f);
    fclose(f);
    setenv("XENLAB_XAPI_URIS_FILE", list, 1);
    tap_ok(xl_uri_admin_listed("xen:///system"), "admin list: a listed URI");
    tap_ok(xl_uri_admin_listed("qemu+ext:///system?command=/opt/ok"), "admin list: listed verbatim, even ext");
    tap_ok(!xl_uri_admin_listed("qemu+ext:///system?command=/tmp/x"), "admin list: another command is not listed");
    tap_ok(!xl_uri_admin_listed("xen:///system "), "admin list: verbatim only");
    tap_ok(!xl_uri_admin_listed(""), "admin list: not the empty URI");
    unlink(list);
    tap_ok(!xl_uri_admin_listed("xen:///system"), "admin list: none when the file is missing");
    return tap_done();
}
