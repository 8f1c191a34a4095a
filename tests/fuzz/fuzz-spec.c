/* libFuzzer target: an experiment spec (common/spec.h), which the user
 * writes and `xenlab spec check` and `run` load as root. Any input must be
 * accepted or refused with one printable line; an accepted spec must plan
 * (every arm) and survive its own normalised round trip, as a run freezes
 * the normalised form and --resume loads it again. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-file.h"
#include "json-util.h"
#include "plan.h"
#include "spec.h"
#include "xl-util.h"

/* One line, no control characters: what the CLI prints. */
static void check_message(void)
{
    const unsigned char *m = (const unsigned char *)xl_error_message();

    for (; *m; m++)
        if (*m < 0x20 || *m == 0x7f)
            __builtin_trap();
}

static void accepted(const struct xl_spec *s)
{
    json_object *frozen = xl_spec_to_json(s);
    struct xl_spec again;
    size_t i;

    xl_spec_init(&again);
    if (xl_spec_from_json(frozen, &again) != XL_OK || again.nr_arms != s->nr_arms ||
        again.nr_benches != s->nr_benches)
        __builtin_trap();       /* the normalised form must load again */
    xl_spec_dispose(&again);
    json_object_put(frozen);
    for (i = 0; i < s->nr_arms; i++) {
        struct xl_plan p;

        if (!xl_spec_find_arm(s, s->arms[i].name))
            __builtin_trap();
        xl_plan_init(&p);
        if (xl_plan_from_spec(s, &s->arms[i], 0, "fuzz", &p) == XL_OK)
            json_object_put(xl_plan_to_json(&p));
        else
            check_message();
        xl_plan_dispose(&p);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xl_spec s;
    char path[64];
    int fd = fuzz_file("spec", data, size, path);

    if (fd < 0)
        return 0;
    xl_spec_init(&s);
    if (xl_spec_load(path, &s) == XL_OK)
        accepted(&s);
    else
        check_message();
    xl_spec_dispose(&s);
    xl_error_clear();
    close(fd);
    return 0;
}
