#include "inputs.h"

#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "xl-util.h"

const char *xl_inputs_dir(void)
{
    const char *d = getenv(XL_INPUTS_ENV);

    return d && d[0] == '/' && xl_str_is_printable(d, 4096) ? d : NULL;
}
