/* For fuzz targets whose parser reads a file: the input as an anonymous
 * file, named by a /proc/self/fd path the parser can open. */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Returns the fd (close it when done), or -1; path gets its name. */
static inline int fuzz_file(const char *name, const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create(name, MFD_CLOEXEC);

    if (fd < 0)
        return -1;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return -1;
    }
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fd;
}
