/* libFuzzer target: a run journal (plugin/run/journal.h), which a crash, a power
 * loss or a hostile hand may have left in any state. The reader must pass on
 * only JSON objects, count the rest, and every getter must be null-safe. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz-file.h"
#include "journal.h"
#include "xl-util.h"

static void look(void *opaque, json_object *ev)
{
    size_t *n = opaque;
    static const char *keys[] = { "event", "state", "job", "arm", "kind", "what", "reason", "domain", "slot", "pid" };
    size_t k;

    if (!json_object_is_type(ev, json_type_object))
        __builtin_trap();
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const char *s = xl_journal_str(ev, keys[k]);

        if (s)
            *n += strlen(s);
        *n += (size_t)xl_journal_int(ev, keys[k], 0) & 1;
    }
    *n += xl_journal_is(ev, "run") + xl_journal_is(ev, "result");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xl_journal_stats st;
    char path[64];
    size_t n = 0;
    int fd = fuzz_file("journal", data, size, path);

    if (fd < 0)
        return 0;
    if (xl_journal_read(path, look, &n, &st) == XL_OK && st.events + st.torn > size + 1)
        __builtin_trap();       /* more lines than bytes */
    xl_error_clear();
    close(fd);
    return 0;
}
