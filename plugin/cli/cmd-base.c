#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base-build.h"
#include "backend.h"
#include "base-from-domain.h"
#include "base.h"
#include "commands.h"
#include "json-util.h"
#include "prepare.h"
#include "size.h"
#include "uri-policy.h"
#include "xl-util.h"

static const char usage_text[] =
    "usage: xenlab base add NAME IMAGE [--template FILE]   register a base image (read-only from then on)\n"
    "       xenlab base add NAME --from-domain DOMAIN [--backend NAME] [--config FILE]\n"
    "                         [--uri URI [--allow-unsafe-uri]]\n"
    "                                  snapshot a shut-off or paused domain's disk as a base;\n"
    "                                  its configuration becomes the template\n"
    "       xenlab base build NAME [--suite bookworm] [--size 10G] [--layout seed|single]\n"
    "                         [--swap 512MiB] [--format raw|qcow2] [--packages P1,P2,...]\n"
    "                         [--mirror URL] [--no-container-image] [--template FILE]\n"
    "                         [--guest-binary PATH]\n"
    "                                  make an installed-VM-like Debian base and register it\n"
    "       xenlab base list                               list registered bases\n"
    "       xenlab base prepare IMAGE [--guest-binary PATH] [--unit FILE]\n"
    "                                  install xenlab-guest and its unit into the image's ext4 root\n";

/* The registered base as JSON on stdout; disposes of it. */
static int print_base(struct xl_base *b)
{
    json_object *o = xl_base_to_json(b);

    printf("%s\n", xl_json_pretty(o));
    json_object_put(o);
    xl_base_dispose(b);
    return XL_OK;
}

static int base_add(int argc, char **argv)
{
    enum { O_TEMPLATE = 1, O_FROM_DOMAIN, O_BACKEND, O_CONFIG, O_URI, O_UNSAFE_URI };
    static const struct option opts[] = {
        { "template", required_argument, NULL, O_TEMPLATE },
        { "from-domain", required_argument, NULL, O_FROM_DOMAIN },
        { "backend", required_argument, NULL, O_BACKEND },
        { "config", required_argument, NULL, O_CONFIG },
        { "uri", required_argument, NULL, O_URI },
        { "allow-unsafe-uri", no_argument, NULL, O_UNSAFE_URI },
        { NULL, 0, NULL, 0 },
    };
    struct xl_base_from_domain fd = { 0 };
    const char *template = NULL, *how = NULL;
    struct xl_base b;
    int opt, rc;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_TEMPLATE: template = optarg; break;
        case O_FROM_DOMAIN: fd.domain = optarg; break;
        case O_BACKEND: fd.backend = optarg; break;
        case O_CONFIG: fd.config = optarg; break;
        case O_URI: fd.uri = optarg; break;
        case O_UNSAFE_URI: xl_uri_policy_set(XL_URI_ALLOW_UNSAFE); break;
        default: return xl_error(XL_ERR_INVAL, "base add: bad option");
        }
    }
    if (!fd.domain) {
        if (fd.backend || fd.config || fd.uri)
            return xl_error(XL_ERR_INVAL, "base add: --backend, --config and --uri go with --from-domain");
        if (optind + 2 != argc)
            return xl_error(XL_ERR_INVAL, "base add: give NAME and IMAGE");
        rc = xl_base_add(argv[optind], argv[optind + 1], template, &b);
        return rc ? rc : print_base(&b);
    }
    if (template)
        return xl_error(XL_ERR_INVAL, "base add: --template: with --from-domain the domain's configuration is the template");
    if (optind + 1 != argc)
        return xl_error(XL_ERR_INVAL, "base add: --from-domain: give NAME only");
    fd.name = argv[optind];
    if (fd.uri && (rc = xl_backend_check_uri(fd.backend ? fd.backend : xl_backend_default(), fd.uri)))
        return rc;
    rc = xl_base_add_from_domain(&fd, &b, &how);
    if (rc)
        return rc;
    fprintf(stderr, "xenlab: base %s: taken from domain %s (%s): %s\n", b.name, fd.domain, how, b.image);
    return print_base(&b);
}

static void build_progress(const char *step, double elapsed_s, void *arg)
{
    fprintf(stderr, "xenlab: base %s: %s [%.0f s]\n", (const char *)arg, step, elapsed_s);
}


static int base_build(int argc, char **argv)
{
    enum { O_SUITE = 1, O_SIZE, O_SWAP, O_LAYOUT, O_FORMAT, O_PACKAGES, O_MIRROR, O_NO_IMAGE, O_TEMPLATE, O_GUEST };
    static const struct option opts[] = {
        { "suite", required_argument, NULL, O_SUITE },
        { "size", required_argument, NULL, O_SIZE },
        { "swap", required_argument, NULL, O_SWAP },
        { "layout", required_argument, NULL, O_LAYOUT },
        { "format", required_argument, NULL, O_FORMAT },
        { "packages", required_argument, NULL, O_PACKAGES },
        { "mirror", required_argument, NULL, O_MIRROR },
        { "no-container-image", no_argument, NULL, O_NO_IMAGE },
        { "template", required_argument, NULL, O_TEMPLATE },
        { "guest-binary", required_argument, NULL, O_GUEST },
        { NULL, 0, NULL, 0 },
    };
    xl_autofree char *guest = NULL, *packages = NULL, *tpl = NULL;
    struct xl_base_recipe r;
    struct xl_base b;
    bool cached = false;
    int opt, rc;

    xl_base_recipe_init(&r);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_SUITE: r.suite = optarg; break;
        case O_SIZE:
        case O_SWAP:
            if (xl_size_parse(optarg, opt == O_SIZE ? &r.size : &r.swap))
                return xl_error_prefix(XL_ERR_INVAL, "%s", opt == O_SIZE ? "--size" : "--swap");
            break;
        case O_LAYOUT:
            if ((rc = xl_base_layout_parse(optarg, &r.layout)))
                return rc;
            break;
        case O_FORMAT: r.format = optarg; break;
        case O_PACKAGES:
            free(packages);
            packages = xl_strdup(optarg);
            break;
        case O_MIRROR: r.mirror = optarg; break;
        case O_NO_IMAGE: r.container_image = false; break;
        case O_TEMPLATE: r.template = optarg; break;
        case O_GUEST: r.guest_binary = optarg; break;
        default: return xl_error(XL_ERR_INVAL, "base build: bad option");
        }
    }
    if (optind + 1 != argc)
        return xl_error(XL_ERR_INVAL, "base build: give NAME");
    r.name = argv[optind];
    if (packages) {
        char *save = NULL, *p;

        for (p = strtok_r(packages, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
            if (r.npackages == XL_BASE_BUILD_MAX_PACKAGES)
                return xl_error(XL_ERR_INVAL, "--packages: more than %d packages", XL_BASE_BUILD_MAX_PACKAGES);
            r.packages[r.npackages++] = p;
        }
    }
    if (!r.guest_binary)
        r.guest_binary = guest = getenv("XENLAB_GUEST") ? xl_strdup(getenv("XENLAB_GUEST")) : xl_cli_guest_binary();
    if (!r.template) {
        tpl = xl_strdup(XENLAB_DATADIR "/templates/debian-pv.cfg");
        r.template = access(tpl, R_OK) == 0 ? tpl : NULL;
    }
    r.progress = build_progress;
    r.progress_arg = (void *)r.name;
    rc = xl_base_build(&r, &b, &cached);
    return rc ? rc : print_base(&b);
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
    } else if (strcmp(argv[1], "build") == 0) {
        rc = base_build(argc - 1, argv + 1);
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
