/* Capacity checks before anything is created: a refusal names the numbers. */
#pragma once

#include <stdint.h>

int xl_preflight_memory(const char *backend, uint64_t need_kib, uint64_t free_kib);
/* statvfs of dir (or its nearest existing parent). */
int xl_preflight_disk(const char *dir, uint64_t need_bytes);
