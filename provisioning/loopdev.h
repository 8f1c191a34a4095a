/* A loop device over an image file, for a domain's disk. libxl's block
 * hotplug script has 40 s (compiled in) and, given an image file, spends them
 * setting a loop device up under its global lock with a dozen subprocesses:
 * a loaded dom0 misses that and the domain is not created. Given a block
 * device it only records it. So xenlab attaches the loop itself (ioctls, no
 * subprocess) and hands the toolstack /dev/loopN. */
#pragma once

#include <stdbool.h>

struct xl_loopdev {
    int fd;                 /* -1: none attached */
    char path[32];          /* /dev/loopN */
};

void xl_loopdev_init(struct xl_loopdev *l);
/* Attaches file with LO_FLAGS_AUTOCLEAR: the device detaches itself when its
 * last opener closes it. Hold it (do not dispose) until the domain's block
 * backend has opened it; from then on the domain's end frees it, whoever
 * destroys the domain and however xenlab itself ends. */
int xl_loopdev_attach(struct xl_loopdev *l, const char *file, bool readonly);
/* Closes xenlab's hold (the device stays while the domain holds it). */
void xl_loopdev_dispose(struct xl_loopdev *l);
