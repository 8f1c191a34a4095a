#include "report-xml.h"

#include "xl-util.h"

int xl_report_write_xml(const struct xl_report *rep, xl_xml_doc_fn doc, const char *what, FILE *out)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = NULL;
    int rc = XL_OK;

    if (!buf) {
        rc = xl_error(XL_ERR_NOMEM, "%s: cannot allocate a buffer", what);
        goto out;
    }
    w = xmlNewTextWriterMemory(buf, 0);
    if (!w) {
        rc = xl_error(XL_ERR_NOMEM, "%s: cannot create an XML writer", what);
        goto out;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    if (doc(rep, w) < 0) {
        rc = xl_error(XL_ERR_FAIL, "%s: libxml2 could not write the document", what);
        goto out;
    }
    xmlFreeTextWriter(w);  /* flushes into buf */
    w = NULL;
    fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out);
out:
    if (w)
        xmlFreeTextWriter(w);
    if (buf)
        xmlBufferFree(buf);
    return rc;
}
