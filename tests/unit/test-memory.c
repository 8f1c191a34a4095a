#include "bench.h"
#include "size.h"
#include "tap.h"
#include "xl-util.h"

int main(void)
{
    struct xl_memory_run run;
    enum xl_mem_kernel k;

    /* RAMspeed / STREAM accounting: Copy and Scale read one array and write
     * one; Add and Triad read two and write one. */
    TAP_EQ_INT(xl_memory_arrays_moved(XL_MEM_COPY), 2, "copy moves 2 arrays");
    TAP_EQ_INT(xl_memory_arrays_moved(XL_MEM_SCALE), 2, "scale moves 2 arrays");
    TAP_EQ_INT(xl_memory_arrays_moved(XL_MEM_ADD), 3, "add moves 3 arrays");
    TAP_EQ_INT(xl_memory_arrays_moved(XL_MEM_TRIAD), 3, "triad moves 3 arrays");
    TAP_EQ_INT(xl_memory_bytes_per_pass(XL_MEM_COPY, XL_MEM_FP, 1000), 16000, "copy fp: 2 x 8 B per element");
    TAP_EQ_INT(xl_memory_bytes_per_pass(XL_MEM_ADD, XL_MEM_FP, 1000), 24000, "add fp: 3 x 8 B per element");
    TAP_EQ_INT(xl_memory_bytes_per_pass(XL_MEM_COPY, XL_MEM_INT, 1000), 8000, "copy int: 2 x 4 B per element");
    TAP_EQ_INT(xl_memory_bytes_per_pass(XL_MEM_TRIAD, XL_MEM_INT, 1000), 12000, "triad int: 3 x 4 B per element");
    tap_ok(xl_memory_default_array_mib() >= 64, "default arrays are at least 64 MiB (%u)", xl_memory_default_array_mib());

    for (k = XL_MEM_COPY; k <= XL_MEM_TRIAD; k++) {
        int rc = xl_memory_measure(k, XL_MEM_FP, 4 * XL_MiB, 2, 2, &run);

        tap_ok(rc == 0 && run.mean_mbps > 0 && run.best_mbps >= run.mean_mbps,
               "%s fp on 4 MiB arrays, 2 threads: mean %.0f MB/s <= best %.0f MB/s", xl_mem_kernel_name(k),
               run.mean_mbps, run.best_mbps);
        TAP_EQ_INT(run.bytes_per_pass, (uint64_t)xl_memory_arrays_moved(k) * 4 * XL_MiB, "bytes per pass");
    }
    tap_ok(xl_memory_measure(XL_MEM_ADD, XL_MEM_INT, 64, 4, 1, &run) == XL_ERR_INVAL,
           "tiny arrays for many threads are refused");
    return tap_done();
}
