/* The agent's half of inputs.h: libblkid and mount(2), no shell. */
#include <blkid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inputs.h"
#include "json-util.h"
#include "xl-util.h"

#define RUN_DIR "/run/xenlab"

/* A payload disk is ours when its plan.json is our plan: in a guest with
 * two such disks (or a test host with many) the wrong one is refused. */
static int check_plan(const char *mnt, const char *dev, const struct xl_plan *plan)
{
    xl_autofree char *file = xl_asprintf("%s/plan.json", mnt);
    json_object *theirs = NULL, *ours;
    struct xl_plan p;
    bool same;
    int rc;

    if (access(file, F_OK) != 0)
        return XL_OK;
    rc = xl_json_parse_file(file, XL_PLAN_MAX_BYTES, &theirs);
    if (rc)
        return xl_error_prefix(rc, "payload disk %s", dev);
    xl_plan_init(&p);
    rc = xl_plan_from_json(theirs, file, &p);
    json_object_put(theirs);
    if (rc) {
        xl_plan_dispose(&p);
        return xl_error_prefix(rc, "payload disk %s", dev);
    }
    theirs = xl_plan_to_json(&p);
    ours = xl_plan_to_json(plan);
    same = json_object_equal(theirs, ours);
    json_object_put(theirs);
    json_object_put(ours);
    xl_plan_dispose(&p);
    return same ? XL_OK : xl_error(XL_ERR_INVAL, "payload disk %s carries another plan than this domain's", dev);
}

int xl_inputs_mount(const char *dev, const struct xl_plan *plan, char **mnt_r)
{
    xl_autofree char *found = NULL, *mnt = NULL, *inputs = NULL;
    struct stat st;
    int rc;

    *mnt_r = NULL;
    if (!dev) {
        found = blkid_evaluate_tag("LABEL", XL_INPUTS_LABEL, NULL);
        if (!found)
            return xl_error(XL_ERR_NOTFOUND, "inputs: no disk labelled %s (the payload disk dom0 attaches as xvdb)",
                            XL_INPUTS_LABEL);
        dev = found;
    }
    if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST)
        return xl_error_errno(XL_ERR_FAIL, errno, "inputs: mkdir %s", RUN_DIR);
    mnt = xl_strdup(RUN_DIR "/payload-XXXXXX");
    if (!mkdtemp(mnt))
        return xl_error_errno(XL_ERR_FAIL, errno, "inputs: mkdtemp %s", RUN_DIR);
    if (mount(dev, mnt, "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV, "noload") < 0) {
        rc = xl_error_errno(XL_ERR_FAIL, errno, "inputs: mount %s read-only on %s", dev, mnt);
        rmdir(mnt);
        return rc;
    }
    rc = check_plan(mnt, dev, plan);
    inputs = xl_asprintf("%s/inputs", mnt);
    if (!rc && (lstat(inputs, &st) < 0 || !S_ISDIR(st.st_mode)))
        rc = xl_error(XL_ERR_NOTFOUND, "inputs: payload disk %s has no inputs/ directory", dev);
    if (!rc && setenv(XL_INPUTS_ENV, inputs, 1) < 0)
        rc = xl_error_errno(XL_ERR_FAIL, errno, "setenv");
    if (rc) {
        umount2(mnt, MNT_DETACH);
        rmdir(mnt);
        return rc;
    }
    *mnt_r = mnt;
    mnt = NULL;
    return XL_OK;
}

void xl_inputs_unmount(char *mnt)
{
    if (!mnt)
        return;
    unsetenv(XL_INPUTS_ENV);
    umount2(mnt, MNT_DETACH);
    rmdir(mnt);
    free(mnt);
}
