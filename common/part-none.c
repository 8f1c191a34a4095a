/* part.h without libfdisk (xenlab-static: Debian has no static libfdisk).
 * Partition tables are what dom0 grows offline and `base build` writes;
 * a XAPI host keeps its disks in storage repositories and grows them
 * through xe, so this build says what it cannot do instead. */
#include "part.h"

#include "xl-util.h"

static int no_libfdisk(const char *what)
{
    return xl_error(XL_ERR_INVAL, "%s: partition tables need libfdisk, which this build of xenlab "
                    "(static, for XAPI hosts) leaves out", what);
}

int xl_part_read(const char *image, struct xl_part_layout *l_r)
{
    xl_part_layout_init(l_r);
    return no_libfdisk(image);
}

int xl_part_grow_last(const char *image, struct xl_part_layout *l_r)
{
    xl_part_layout_init(l_r);
    return no_libfdisk(image);
}

int xl_part_write_dos(const char *image, const struct xl_part_new *parts, size_t n)
{
    (void)parts;
    (void)n;
    return no_libfdisk(image);
}

int xl_part_grow_in_place(const char *disk, size_t partno, xl_part_delete_hook hook, void *arg, bool *grown_r)
{
    (void)partno;
    (void)hook;
    (void)arg;
    *grown_r = false;
    return no_libfdisk(disk);
}
