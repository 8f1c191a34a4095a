/* A command's inputs in the guest: files and directories dom0 put on the
 * payload disk (provisioning/payload.h, its inputs/ directory). The agent
 * mounts that disk read-only and sets XENLAB_INPUTS for the workers, which
 * pass it on to the commands and bind it read-only into containers. */
#pragma once

#include <stdbool.h>

#include "plan.h"

#define XL_INPUTS_ENV "XENLAB_INPUTS"
#define XL_INPUTS_LABEL "xenlab-payload"

/* $XENLAB_INPUTS when it names an absolute path of printable ASCII, else NULL. */
const char *xl_inputs_dir(void);

/* Agent side: mounts dev (NULL: the filesystem labelled xenlab-payload,
 * found with libblkid) read-only, nosuid, nodev on a new directory under
 * /run/xenlab, checks it carries this plan (its plan.json, when it has
 * one, is the same plan) and its inputs/ directory, and sets XENLAB_INPUTS.
 * *mnt_r is for xl_inputs_unmount. */
int xl_inputs_mount(const char *dev, const struct xl_plan *plan, char **mnt_r);
void xl_inputs_unmount(char *mnt);
