#include "bench.h"
#include "sysinfo.h"
#include "tap.h"

int main(void)
{
    TAP_EQ_INT(xl_nqueens_count(18, xl_cpus_usable()), 666090624, "N=18 solution count");
    return tap_done();
}
