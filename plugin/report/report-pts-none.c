/* Built without libxml2: the PTS format is not available. */
#include "report-writers.h"
#include "xl-util.h"

int xl_report_write_pts(const struct xl_report *rep, FILE *out)
{
    (void)rep;
    (void)out;
    return xl_error(XL_ERR_INVAL, "--format pts: this xenlab was built without libxml2");
}
