#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base.h"
#include "commands.h"
#include "json-util.h"
#include "prepare.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab base add NAME IMAGE [--template FILE]   register a base image (read-only from then on)\n"
    "       xenlab base list                               list registered bases\n"
    "       xenlab base prepare IMAGE [--guest-binary PATH] [--unit FILE]\n"
    "                                  install xenlab-guest and its unit into the image's ext4 root\n";

static int base_add(int argc, char **argv)
{
    static const struct option opts[] = {
        { "template", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    const char *template = NULL;
    struct xl_base b;
    json_object *o;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 't')
            template = optarg;
        else
            return xl_error(XL_ERR_INVAL, "base add: bad option");
    }
    if (optind + 2 != argc)
        return xl_error(XL_ERR_INVAL, "base add: give NAME and IMAGE");
    rc = xl_base_add(argv[optind], argv[optind + 1], template, &b);
    if (rc)
        return rc;
    o = xl_base_to_json(&b);
    printf("%s\n", xl_json_pretty(o));
    json_object_put(o);
    xl_base_dispose(&b);
    return XL_OK;
}

static int base_list(void)
{
    char **names = NULL;
    size_t n = 0, i;
    int rc;

    rc = xl_base_list(&names, &n);
    if (rc)
        return rc;
    for (i = 0; i < n; i++) {
        struct xl_base b;

        if (xl_base_load(names[i], &b) == XL_OK) {
            printf("%-20s %-6s %14llu  %s%s\n", b.name, b.info.format, (unsigned long long)b.info.virtual_size,
                   b.image, xl_base_verify(&b) ? "  (CHANGED since registered)" : "");
            xl_base_dispose(&b);
        } else {
            printf("%-20s (unreadable: %s)\n", names[i], xl_error_message());
        }
        free(names[i]);
    }
    free(names);
    xl_error_clear();
    return XL_OK;
}

static int base_prepare(int argc, char **argv)
{
    static const struct option opts[] = {
        { "guest-binary", required_argument, NULL, 'g' },
        { "unit", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_prepare_opts po = { 0 };
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'g')
            po.guest_binary = optarg;
        else if (opt == 'u')
            po.unit = optarg;
        else
            return xl_error(XL_ERR_INVAL, "base prepare: bad option");
    }
    if (optind + 1 != argc)
        return xl_error(XL_ERR_INVAL, "base prepare: give IMAGE");
    if (!po.guest_binary)
        po.guest_binary = getenv("XENLAB_GUEST");
    return xl_base_prepare(argv[optind], &po);
}

int xl_cmd_base(int argc, char **argv)
{
    int rc;

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(argv[1], "add") == 0) {
        rc = base_add(argc - 1, argv + 1);
    } else if (strcmp(argv[1], "list") == 0) {
        rc = argc == 2 ? base_list() : xl_error(XL_ERR_INVAL, "base list: takes no arguments");
    } else if (strcmp(argv[1], "prepare") == 0) {
        rc = base_prepare(argc - 1, argv + 1);
    } else {
        fputs(usage_text, stderr);
        return 2;
    }
    return rc ? xl_cli_fail(rc) : 0;
}
