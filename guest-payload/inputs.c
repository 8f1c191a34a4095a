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

bool xl_inputs_wanted(const struct xl_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->nr_items; i++)
        if (plan->items[i].command && plan->items[i].command->nr_inputs)
            return true;
    return false;
}
