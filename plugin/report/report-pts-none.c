/* Built without libxml2: the PTS and JUnit formats are not available. */
#include "report-writers.h"
#include "xl-util.h"

int xl_report_write_pts(const struct xl_report *rep, FILE *out)
{
    (void)rep;
    (void)out;
    return xl_error(XL_ERR_INVAL, "--format pts: this xenlab was built without libxml2");
}

int xl_report_write_junit(const struct xl_report *rep, FILE *out)
{
    (void)rep;
    (void)out;
    return xl_error(XL_ERR_INVAL, "--format junit: this xenlab was built without libxml2");
}
