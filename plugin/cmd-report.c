#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab report [--format md|csv|json] [--arms A,B,...] [--ratio A/B] PATH...\n"
    "  PATH: result documents (JSON lines or a JSON array) or a run directory\n";

int xl_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "arms", required_argument, NULL, 'a' },
        { "ratio", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    enum xl_report_format fmt = XL_REPORT_MD;
    xl_autofree char *ratio = NULL;
    char *den = NULL;
    struct xl_report rep;
    int opt, i, rc = XL_OK;

    xl_report_init(&rep);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "f:a:r:h", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0)
                fmt = XL_REPORT_MD;
            else if (strcmp(optarg, "csv") == 0)
                fmt = XL_REPORT_CSV;
            else if (strcmp(optarg, "json") == 0)
                fmt = XL_REPORT_JSON;
            else
                rc = xl_error(XL_ERR_INVAL, "--format: unknown format \"%s\" (md, csv, json)", optarg);
            break;
        case 'a':
            rc = xl_report_set_arms(&rep, optarg);
            break;
        case 'r':
            free(ratio);
            ratio = xl_strdup(optarg);
            den = strchr(ratio, '/');
            if (!den || den == ratio || !den[1])
                rc = xl_error(XL_ERR_INVAL, "--ratio: \"%s\" must be ARM/ARM", optarg);
            else
                *den++ = '\0';
            break;
        case 'h':
            fputs(usage_text, stdout);
            xl_report_dispose(&rep);
            return 0;
        default:
            fputs(usage_text, stderr);
            xl_report_dispose(&rep);
            return 2;
        }
        if (rc)
            goto out;
    }
    if (optind >= argc) {
        rc = xl_error(XL_ERR_INVAL, "report: give at least one result file or run directory");
        goto out;
    }
    for (i = optind; i < argc && !rc; i++)
        rc = xl_report_load(&rep, argv[i]);
    if (!rc && rep.nr_rows == 0)
        rc = xl_error(XL_ERR_INVAL, "report: no result documents found in the given paths");
    if (!rc)
        rc = xl_report_write(&rep, fmt, ratio, den, stdout);
out:
    xl_report_dispose(&rep);
    return rc ? xl_cli_fail(rc) : 0;
}
