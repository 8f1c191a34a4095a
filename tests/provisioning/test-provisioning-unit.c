/* Pieces with no disk or hypervisor: the LVM command lines (no LVM on the
 * test machines, so only their construction is checked) and clone paths. */
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "clone.h"
#include "clone-record.h"
#include "grow.h"
#include "tap.h"
#include "xl-util.h"

static char *join(char **argv)
{
    size_t len = 1, i;
    char *s;

    for (i = 0; argv[i]; i++)
        len += strlen(argv[i]) + 1;
    s = xl_calloc(len, 1);
    for (i = 0; argv[i]; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

int main(void)
{
    struct xl_base b;
    char **argv = NULL;
    char *s;

    tap_ok(xl_clone_lvm_argv("/dev/vg0/debian-base", "vm1-r1", &argv) == XL_OK, "lvm snapshot argv");
    s = join(argv);
    TAP_EQ_STR(s, "lvcreate -s -kn -n vm1-r1 vg0/debian-base", "lvm thin snapshot command (construction only, no LVM here)");
    free(s);
    xl_argv_free(argv);
    tap_ok(xl_clone_lvm_argv("/dev/mapper/vg0-base", "x", &argv) == XL_ERR_INVAL, "a /dev/mapper name is refused: %s",
           xl_error_message());
    tap_ok(xl_clone_lvm_argv("/srv/base.img", "x", &argv) == XL_ERR_INVAL, "a file is not a logical volume");

    xl_grow_lvm_argv("/dev/vg0/vm1-r1", 17000000000ULL, &argv);
    s = join(argv);
    TAP_EQ_STR(s, "lvextend -L 17000000000b /dev/vg0/vm1-r1", "lvextend command (construction only, no LVM here)");
    free(s);
    xl_argv_free(argv);

    xl_base_init(&b);
    b.image = xl_strdup("/dev/vg0/debian-base");
    b.is_block = true;
    snprintf(b.info.format, sizeof(b.info.format), "raw");
    s = xl_clone_disk_path(&b, "/var/lib/xenlab/clones/vm1", "vm1");
    TAP_EQ_STR(s, "/dev/vg0/vm1", "an LV clone lives in the base's volume group");
    free(s);
    b.is_block = false;
    free(b.image);
    b.image = xl_strdup("/srv/base.qcow2");
    snprintf(b.info.format, sizeof(b.info.format), "qcow2");
    s = xl_clone_disk_path(&b, "/c/vm1", "vm1");
    TAP_EQ_STR(s, "/c/vm1/disk.qcow2", "qcow2 overlay path");
    free(s);
    xl_base_dispose(&b);

    /* clone.json is read back as root to remove a clone: every field typed,
     * bounded and checked against what the run would have made. */
    {
        static const struct { const char *json, *want; } bad[] = {
            { "{\"clone_kind\":null,\"disk\":\"/c/vm1/disk.img\"}", "clone_kind: must be a string, not null" },
            { "{\"clone_kind\":7,\"disk\":\"/c/vm1/disk.img\"}", "clone_kind: must be a string" },
            { "{\"clone_kind\":\"sparse-copy\",\"disk\":null}", "disk: must be a string, not null" },
            { "{\"clone_kind\":\"sparse-copy\",\"disk\":\"/etc/passwd\"}", "disk: \"/etc/passwd\" is not" },
            { "{\"clone_kind\":\"sparse-copy\",\"disk\":\"/c/vm1/../x/disk.img\"}", "disk:" },
            { "{\"clone_kind\":\"sparse-copy\",\"disk\":\"disk.img\",\"payload\":\"/root/x\"}", "payload:" },
            { "{\"clone_kind\":\"lvm-snapshot\",\"disk\":\"/dev/vg0/other\"}", "disk:" },
            { "{\"clone_kind\":\"lvm-snapshot\",\"disk\":\"/dev/../vm1\"}", "disk:" },
            { "{\"clone_kind\":\"nope\",\"disk\":\"disk.img\"}", "unknown clone kind" },
            { "{\"name\":\"vm2\",\"clone_kind\":\"sparse-copy\",\"disk\":\"disk.img\"}", "name:" },
            { "[1]", "must be an object" },
            { "{", "JSON" },
        };
        struct xl_clone_record rec;
        size_t i;

        for (i = 0; i < XL_ARRAY_SIZE(bad); i++) {
            int rc = xl_clone_record_parse(bad[i].json, strlen(bad[i].json), "/c/vm1/clone.json", "/c/vm1", "vm1",
                                           &rec);

            tap_ok(rc == XL_ERR_INVAL && strstr(xl_error_message(), "/c/vm1/clone.json") &&
                       strstr(xl_error_message(), bad[i].want),
                   "clone.json %s refused: %s", bad[i].json, xl_error_message());
        }
        tap_ok(xl_clone_record_parse("{\"clone_kind\":\"qcow2-overlay\",\"disk\":\"/c/vm1/disk.qcow2\","
                                     "\"payload\":\"/c/vm1/payload.img\"}", 88, "r", "/c/vm1", "vm1", &rec) == XL_OK &&
                   rec.kind == XL_CLONE_QCOW2_OVERLAY && rec.payload,
               "a record the run wrote parses: %s", xl_error_message());
        xl_clone_record_dispose(&rec);
        tap_ok(xl_clone_record_parse("{\"clone_kind\":\"lvm-snapshot\",\"disk\":\"/dev/vg0/vm1\"}", 51, "r", "/c/vm1",
                                     "vm1", &rec) == XL_OK && rec.kind == XL_CLONE_LVM_SNAPSHOT,
               "an lvm-snapshot of the clone's own name parses: %s", xl_error_message());
        xl_clone_record_dispose(&rec);
    }
    return tap_done();
}
