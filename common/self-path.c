#include "self-path.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "xl-util.h"

char *xl_self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

    if (n <= 0) {
        /* An empty link says no more than a missing one. */
        if (n == 0)
            errno = ENOENT;
        return NULL;
    }
    buf[n] = '\0';
    return xl_strdup(buf);
}

char *xl_self_sibling(const char *name)
{
    xl_autofree char *self = xl_self_exe();
    char *slash = self ? strrchr(self, '/') : NULL;

    if (!slash)
        return NULL;
    *slash = '\0';
    return xl_asprintf("%s/%s", self, name);
}
