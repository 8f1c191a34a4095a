/* One result of a Phoronix Test Suite composite.xml, for the `pts` metric
 * of a command workload: what PTS measured, under PTS's own identifier.
 *
 * libxml2 is loaded when a pts metric first needs it (dlopen): PTS needs
 * php-xml and so libxml2 wherever it runs, while the rest of the worker must
 * start in a guest that has neither. The file is the guest's command's
 * output: bounded, parsed without network, DTD or entity substitution. */
#pragma once

#include <stddef.h>

#define XL_PTS_FILE_MAX (4 * 1024 * 1024)

struct xl_pts_value {
    double value;            /* the last <Entry>'s <Value> (the system PTS added last) */
    char title[128];         /* <Title> */
    char description[258];   /* <Description> */
    char scale[64];          /* <Scale>, PTS's unit */
    char arguments[128];     /* <Arguments> */
    char proportion[8];      /* <Proportion>: HIB or LIB, "" when absent */
    char raw[512];           /* <RawString>: PTS's own trials, ':'-separated */
    unsigned entries;        /* how many <Entry> the result had */
};

/* Finds the <Result> whose <Identifier> is identifier (and <Description>
 * is description, unless NULL) in text. XL_ERR_NOTFOUND names what the file
 * has; XL_ERR_FAIL when libxml2 cannot be loaded. */
int xl_pts_find(const char *text, size_t len, const char *what, const char *identifier, const char *description,
                struct xl_pts_value *v);
