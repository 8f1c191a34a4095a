/* Pieces with no disk or hypervisor: the LVM command lines (no LVM on the
 * test machines, so only their construction is checked) and clone paths. */
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "clone.h"
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
    return tap_done();
}
