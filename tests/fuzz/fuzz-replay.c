/* fuzz-replay CORPUS_DIR [RUNS] [SECONDS]: runs the libFuzzer target over
 * every corpus file, then over RUNS cheap mutations of them (byte flips,
 * truncations, splices from a fixed-seed generator) for at most SECONDS.
 * A plain C driver so the default test suite exercises the target with gcc
 * and the sanitizers; the long run is scripts/fuzz-guest-data (libFuzzer). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 256
#define REPLAY_MAX_INPUT 70000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    char *seed[MAX_FILES];
    size_t seed_len[MAX_FILES], n = 0, i;
    unsigned long runs = argc > 2 ? strtoul(argv[2], NULL, 10) : 20000, r;
    double seconds = argc > 3 ? strtod(argv[3], NULL) : 20, end;
    uint8_t *buf = xl_malloc(REPLAY_MAX_INPUT);
    DIR *d;
    struct dirent *e;

    if (argc < 2 || !(d = opendir(argv[1]))) {
        printf("1..0 # SKIP no corpus directory given\n");
        return 0;
    }
    while ((e = readdir(d)) != NULL && n < MAX_FILES) {
        char *path;

        if (e->d_name[0] == '.')
            continue;
        path = xl_asprintf("%s/%s", argv[1], e->d_name);
        if (xl_read_file(path, REPLAY_MAX_INPUT, &seed[n], &seed_len[n]) == XL_OK)
            n++;
        free(path);
    }
    closedir(d);
    for (i = 0; i < n; i++)
        LLVMFuzzerTestOneInput((const uint8_t *)seed[i], seed_len[i]);
    printf("ok 1 - %zu corpus files replayed\n", n);
    end = xl_now() + seconds;
    for (r = 0; r < runs && n && xl_now() < end; r++) {
        size_t k = next() % n, len = seed_len[k], m, flips;

        memcpy(buf, seed[k], len);
        flips = 1 + next() % 8;
        for (m = 0; m < flips && len > 1; m++) {
            size_t at = 1 + next() % (len - 1);

            switch (next() % 4) {
            case 0: buf[at] = (uint8_t)next(); break;
            case 1: len = at; break;                                  /* truncate */
            case 2: buf[at] = "{}[]\",:0123456789=\n/"[next() % 20]; break;
            default: {                                                /* splice another seed */
                size_t o = next() % n, take = seed_len[o] > 1 ? next() % seed_len[o] : 0;

                if (at + take > REPLAY_MAX_INPUT)
                    take = REPLAY_MAX_INPUT - at;
                memcpy(buf + at, seed[o], take);
                len = at + take > len ? at + take : len;
            }
            }
        }
        LLVMFuzzerTestOneInput(buf, len);
    }
    printf("ok 2 - %lu mutated inputs ran without a crash\n", r);
    printf("1..2\n");
    for (i = 0; i < n; i++)
        free(seed[i]);
    free(buf);
    return 0;
}
