/* The XML writers' common frame (libxml2 builds only): a text writer into
 * memory, indented, the whole document copied to out once it is complete,
 * so a failure leaves no half document. */
#pragma once

#include <libxml/xmlwriter.h>
#include <stdio.h>

#include "report.h"

typedef int (*xl_xml_doc_fn)(const struct xl_report *rep, xmlTextWriterPtr w);

/* `what` names the format in errors ("composite.xml", "junit"). */
int xl_report_write_xml(const struct xl_report *rep, xl_xml_doc_fn doc, const char *what, FILE *out);
