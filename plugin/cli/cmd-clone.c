#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "commands.h"
#include "provision.h"
#include "size.h"
#include "uri-policy.h"
#include "xl-util.h"

#define MAX_PAYLOAD 32

static const char usage_text[] =
    "usage: xenlab clone BASE NAME [--vcpus N] [--memory SIZE] [--disk SIZE]\n"
    "                    [--backend NAME] [--uri URI [--allow-unsafe-uri]]\n"
    "                    [--template FILE]\n"
    "                    [--payload FILE[=NAME]]... [--dir DIR] [--dry-run] [--no-domain]\n"
    "  clone a registered base (copy-on-write), grow its disk, build the payload disk\n"
    "  and create the domain; --dry-run prints the domain config and creates nothing\n";

int xl_cmd_clone(int argc, char **argv)
{
    static const struct option opts[] = {
        { "vcpus", required_argument, NULL, 'c' },
        { "memory", required_argument, NULL, 'm' },
        { "disk", required_argument, NULL, 'd' },
        { "backend", required_argument, NULL, 'b' },
        { "uri", required_argument, NULL, 'u' },
        { "allow-unsafe-uri", no_argument, NULL, 'U' },
        { "template", required_argument, NULL, 't' },
        { "payload", required_argument, NULL, 'p' },
        { "dir", required_argument, NULL, 'D' },
        { "dry-run", no_argument, NULL, 'n' },
        { "no-domain", no_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct xl_payload_item items[MAX_PAYLOAD];
    char *names[MAX_PAYLOAD] = { 0 };
    struct xl_clone_req req = { 0 };
    struct xl_clone_result res;
    struct xl_backend be = { 0 };
    xl_autofree char *dir = NULL;
    const char *backend = xl_backend_default(), *uri = NULL;
    bool be_open = false;
    size_t i, npay = 0;
    uint64_t v;
    int opt, rc = XL_OK;

    xl_clone_result_init(&res);
    memset(items, 0, sizeof(items));
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': {
            char *end;
            unsigned long n = strtoul(optarg, &end, 10);

            if (*end || n < 1 || n > 512) {
                rc = xl_error(XL_ERR_INVAL, "--vcpus \"%s\": 1 to 512", optarg);
                goto out;
            }
            req.vcpus = (unsigned)n;
            break;
        }
        case 'm':
        case 'd':
            rc = xl_size_parse(optarg, &v);
            if (rc) {
                rc = xl_error_prefix(rc, "--%s", opt == 'm' ? "memory" : "disk");
                goto out;
            }
            /* 0 in the request means "the template's" or "the base's": a
             * user's 0 (or less than 1 MiB) is a mistake, not that. */
            if (v < XL_MiB) {
                rc = xl_error(XL_ERR_INVAL, "--%s \"%s\": must be at least 1MiB", opt == 'm' ? "memory" : "disk",
                              optarg);
                goto out;
            }
            if (opt == 'm')
                req.memory_kib = v / 1024;
            else
                req.disk_size = v;
            break;
        case 'b': backend = optarg; break;
        case 'u': uri = optarg; break;
        case 'U': xl_uri_policy_set(XL_URI_ALLOW_UNSAFE); break;
        case 't': req.template = optarg; break;
        case 'D': dir = xl_strdup(optarg); break;
        case 'n': req.dry_run = true; break;
        case 'N': req.no_domain = true; break;
        case 'p': {
            char *eq = strchr(optarg, '=');

            if (npay == MAX_PAYLOAD) {
                rc = xl_error(XL_ERR_INVAL, "--payload: at most %d files", MAX_PAYLOAD);
                goto out;
            }
            if (eq) {
                names[npay] = xl_strndup(optarg, (size_t)(eq - optarg));
                items[npay].src = names[npay];
                items[npay].name = eq + 1;
            } else {
                const char *slash = strrchr(optarg, '/');

                items[npay].src = optarg;
                items[npay].name = slash ? slash + 1 : optarg;
            }
            npay++;
            break;
        }
        case 'h':
            fputs(usage_text, stdout);
            return 0;
        default:
            fputs(usage_text, stderr);
            return 2;
        }
    }
    if (optind + 2 != argc) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (!xl_backend_find(backend)) {
        rc = xl_error(XL_ERR_INVAL, "--backend \"%s\": %s", backend, xl_backend_list());
        goto out;
    }
    req.base = argv[optind];
    req.name = argv[optind + 1];
    rc = xl_name_check("clone name", req.name);
    if (rc)
        goto out;
    if (!dir)
        dir = xl_clone_default_dir();
    req.dir = dir;
    req.payload = items;
    req.npayload = npay;
    rc = xl_backend_check_uri(backend, uri);
    if (rc)
        goto out;
    /* A dry run only prepares the config, which names the disks by path:
     * the backend is picked, not connected. */
    if (!req.no_domain) {
        rc = req.dry_run ? xl_backend_select(&be, backend, uri) : xl_backend_open(&be, backend, uri);
        if (rc)
            goto out;
        be_open = true;
    }
    rc = xl_provision_clone(&req, be_open ? &be : NULL, &res);
    if (rc)
        goto out;
    if (req.dry_run) {
        printf("%s\n", res.config ? res.config : "");
    } else {
        printf("clone %s: %s (%s%s)%s%s\n", req.name, res.disk, xl_clone_kind_name(res.kind),
               res.grown_offline ? ", grown offline" : res.grow_in_guest ? ", guest grows its filesystem" : "",
               res.payload ? ", payload " : "", res.payload ? res.payload : "");
    }
out:
    if (be_open)
        xl_backend_close(&be);
    xl_clone_result_dispose(&res);
    for (i = 0; i < npay; i++)
        free(names[i]);
    return rc ? xl_cli_fail(rc) : 0;
}
