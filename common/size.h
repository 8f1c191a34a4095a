/* Sizes as people write them in specs and on command lines. */
#pragma once

#include <stdint.h>
#include <stddef.h>

/* Parses "1GiB", "17GB", "938MB", "512m", "1g", "4096". One-letter suffixes
 * (k, m, g, t, either case) and the IEC ones (KiB...) are binary, as in xl
 * and docker; KB/MB/GB/TB are decimal, as disk vendors and the seed's "9 GB"
 * mean. A fraction is allowed ("1.5GiB"), as is one space before the unit.
 * Nothing else: no sign, hex, octal, exponent, inf/nan or stray whitespace,
 * and 2^63 bytes or more is "too large" rather than a wrapped value. */
int xl_size_parse(const char *text, uint64_t *bytes_r);

/* "1 GiB", "938 MiB", "17.0 GB"-style rendering: binary units, shortest exact
 * form when possible, else one decimal. buf of at least 32 bytes. */
void xl_size_format(uint64_t bytes, char *buf, size_t len);

#define XL_KiB (UINT64_C(1) << 10)
#define XL_MiB (UINT64_C(1) << 20)
#define XL_GiB (UINT64_C(1) << 30)
