/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwd - the number-portability gateway daemon. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/adapter.h"
#include "api/rest.h"
#include "common/cli.h"
#include "common/log.h"
#include "common/notify.h"
#include "enum/publish.h"
#include "gw/gw.h"
#include "hooks/hooks.h"
#include "metrics/metrics.h"

static npg_gw_t *the_gw; /* atomic: the signal thread reads it */

/* SIGTERM, SIGINT: stop serving; before the gateway exists there is nothing to close. */
static void on_stop(void *arg)
{
    (void)arg;
    npg_gw_t *gw = __atomic_load_n(&the_gw, __ATOMIC_ACQUIRE);
    if (!gw)
        _exit(0);
    npg_gw_stop(gw);
}

static void usage(FILE *out)
{
    fprintf(out, "usage: npgwd [-c FILE]            run the gateway\n"
                 "       npgwd --check-config FILE  check a configuration file and exit\n"
                 "       npgwd --config-sample      print the documented sample configuration\n"
                 "       npgwd --list-routes        print the /np_api/ routes\n"
                 "       npgwd [-c FILE] --paths    print the files it would read, and whether they exist\n"
                 "       npgwd --version\n");
}

/* What npgwd would refuse at start beyond the file's syntax: the [dns] servers and key,
 * [general] clearinghouse, the hooks' settings (webhook secrets and events, [bss] url), and
 * what each adapter refuses of its settings (the UK calendar). */
static int check_start(const npg_conf_t *conf, const char *path)
{
    npg_publish_t *p = NULL;
    npg_porting_t *pt = NULL;
    char err[512] = "";
    int rc = npg_publish_new(conf, &p, err, sizeof(err));
    if (rc != NPG_OK)
        fprintf(stderr, "%s: %s\n", path, err);
    npg_publish_free(&p);
    int r = npg_adapters_porting(conf, &pt); /* logs what is wrong */
    npg_porting_free(&pt);
    if (r != NPG_OK)
        rc = r;
    npg_hooks_t *h = NULL;
    r = npg_hooks_new(conf, NULL, &h); /* logs what is wrong: [webhooks] secrets, [bss] */
    npg_hooks_free(&h);
    if (r != NPG_OK)
        rc = r;
    for (size_t i = 0; npg_adapters[i]; i++) {
        if (npg_adapters[i]->check &&
            (r = npg_adapters[i]->check(conf, err, sizeof(err))) != NPG_OK) {
            fprintf(stderr, "%s: %s\n", path, err);
            rc = r;
        }
    }
    return rc;
}

/* Where the configuration sends npgwd and npgwctl: the file, and each folder and file with
 * its installed default (NPGW_DATADIR) when the key is empty. 1 when one is missing. */
static int print_paths(const npg_conf_t *c, const char *conf_path)
{
    const struct {
        const char *what, *set, *dflt;
    } p[] = {
        {"xslt_dir", c->general.xslt_dir, NPGW_DATADIR "/xslt"},
        {"wsdl_dir", c->http.wsdl_dir, NPGW_DATADIR "/wsdl"},
        {"web_dir", c->http.web_dir, NPGW_DATADIR "/web"},
        {"swagger_ui_dir", c->http.swagger_ui_dir, ""},
        {"migrations_dir", c->database.migrations_dir, NPGW_DATADIR "/db"},
        {"bank_holidays_file", c->uk.bank_holidays_file, ""},
    };
    int rc = 0;
    printf("%-20s %s (%s)\n", "config", conf_path ? conf_path : NPG_DEFAULT_CONF,
           conf_path ? "read" : "missing: defaults used");
    for (size_t i = 0; i < NPG_ARRAY_LEN(p); i++) {
        const char *path = p[i].set[0] ? p[i].set : p[i].dflt;
        if (!path[0])
            continue;
        bool ok = access(path, R_OK) == 0;
        printf("%-20s %s%s\n", p[i].what, path, ok ? "" : " (missing)");
        if (!ok && strcmp(p[i].what, "swagger_ui_dir") != 0) /* only /np_api/doc needs it */
            rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"check-config", required_argument, NULL, 'k'},
        {"config-sample", no_argument, NULL, 's'},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {"list-routes", no_argument, NULL, 'r'},
        {"paths", no_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL;
    npg_conf_t conf;
    bool paths = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            conf_path = optarg;
            break;
        case 'k':
            npg_conf_defaults(&conf);
            if (npg_conf_load(&conf, optarg, stderr) != NPG_OK)
                return 1;
            if (check_start(&conf, optarg) != NPG_OK)
                return 1;
            printf("%s: configuration is valid\n", optarg);
            return 0;
        case 's':
            npg_conf_write_sample(stdout);
            return 0;
        case 'V':
            printf("npgwd %s\n", PACKAGE_VERSION);
            return 0;
        case 'r': { /* the REST routes, for the OpenAPI comparison test */
            static const char *const names[] = {"get", "post", "put", "delete", "head", "patch"};
            size_t n;
            const npg_route_t *r = npg_rest_routes(&n);
            for (size_t i = 0; i < n; i++)
                printf("%s %s\n", names[r[i].method], r[i].pattern);
            printf("post /np_api/{deployment_prefix}/recv/\n"); /* the receiver, in gw.c */
            return 0;
        }
        case 'p':
            paths = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (npg_cli_setup("npgwd", conf_path, &conf) != NPG_OK)
        return 1;
    if (paths)
        return print_paths(&conf, npg_cli_conf_path(conf_path));
    npg_metrics_set_process("npgw", PACKAGE_VERSION);
    /* before any thread: they all leave TERM, INT and HUP to the signal thread */
    if (npg_cli_signals_start(npg_cli_conf_path(conf_path), &conf, on_stop, NULL) != NPG_OK)
        return 1;
    npg_gw_t *gw = NULL;
    if (npg_gw_new(&conf, &gw) != NPG_OK) {
        npg_cli_signals_stop();
        return 1;
    }
    __atomic_store_n(&the_gw, gw, __ATOMIC_RELEASE);
    npg_log(LOG_NOTICE, "npgwd", "npgwd %s started", PACKAGE_VERSION);
    /* the listener is bound and the threads start now: connections wait in its backlog */
    if (npg_notify("READY=1") != NPG_OK)
        npg_log(LOG_WARNING, "npgwd", "could not tell systemd it is ready");
    int rc = npg_gw_run(gw);
    npg_cli_signals_stop();
    __atomic_store_n(&the_gw, NULL, __ATOMIC_RELEASE);
    npg_gw_free(&gw);
    npg_log(LOG_NOTICE, "npgwd", "stopped");
    return rc == NPG_OK ? 0 : 1;
}
