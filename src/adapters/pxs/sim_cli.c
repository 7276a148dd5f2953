/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim pxs: the command line of the PortingXS clearinghouse simulator. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/pxs/sim.h"
#include "common/cli.h"
#include "common/util.h"

static npg_sim_t *the_sim;

static void stop_sim(int sig)
{
    (void)sig;
    npg_sim_stop(the_sim);
}

int npg_pxs_simulate(const char *conf_path, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"gateway", required_argument, NULL, 'g'},
        {"key-file", required_argument, NULL, 'K'},
        {"tls-cert", required_argument, NULL, 'T'},
        {"tls-key", required_argument, NULL, 'Y'},
        {"operator", required_argument, NULL, 'o'},
        {"delay", required_argument, NULL, 'd'},
        {"retry-max", required_argument, NULL, 'r'},
        {"backoff-max", required_argument, NULL, 'B'},
        {"rule", required_argument, NULL, 'R'},
        {"scenario", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules[256], *scenario = NULL;
    size_t nrules = 0;
    static char user[128], key[160];
    npg_sim_options_t opt = {.listen = "127.0.0.1",
                             .port = 8781,
                             .gateway_url = "http://127.0.0.1:8780/np_api/pxs/recv/",
                             .user = "",
                             .key = "",
                             .operator_code = "PXS",
                             .default_delay_ms = 200,
                             .retry_max_s = 120,
                             .backoff_max_ms = 6400};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opt.listen = optarg;
            break;
        case 'p':
            opt.port = atoi(optarg);
            break;
        case 'g':
            opt.gateway_url = optarg;
            break;
        case 'T':
            opt.tls_cert = optarg;
            break;
        case 'Y':
            opt.tls_key = optarg;
            break;
        case 'K':
            if (npg_cli_read_key_file(optarg, "pxs", user, sizeof(user), key, sizeof(key)) !=
                NPG_OK)
                return 1;
            opt.user = user;
            opt.key = key;
            break;
        case 'o':
            opt.operator_code = optarg;
            break;
        case 'd':
            opt.default_delay_ms = atoi(optarg);
            break;
        case 'B':
            opt.backoff_max_ms = atoi(optarg);
            break;
        case 'r':
            opt.retry_max_s = atoi(optarg);
            break;
        case 'R':
            if (nrules < 256)
                rules[nrules++] = optarg;
            break;
        case 's':
            scenario = optarg;
            break;
        case 'h':
            fputs(NPG_PXS_SIM_USAGE, stdout);
            return 0;
        default:
            fputs(NPG_PXS_SIM_USAGE, stderr);
            return 2;
        }
    }
    npg_conf_t conf;
    if (npg_cli_setup("npsim", conf_path, &conf) != NPG_OK)
        return 1;
    char status[512];
    if (optind < argc && strcmp(argv[optind], "deliver") == 0 && optind + 1 < argc) {
        int rc =
            npg_sim_deliver_once(&conf, &opt, argv[optind + 1],
                                 (const char *const *)argv + optind + 2, status, sizeof(status));
        printf("%s\n", status);
        return rc == NPG_OK ? 0 : 1;
    }
    if (optind < argc && strcmp(argv[optind], "send-authorisation-request") == 0) {
        int rc =
            npg_sim_deliver_once(&conf, &opt, "AuthorisationRequest",
                                 (const char *const *)argv + optind + 1, status, sizeof(status));
        printf("%s\n", status);
        return rc == NPG_OK ? 0 : 1;
    }
    if (optind < argc) {
        fputs(NPG_PXS_SIM_USAGE, stderr);
        return 2;
    }
    if (npg_sim_new(&conf, &opt, &the_sim) != NPG_OK)
        return 1;
    char err[512];
    for (size_t i = 0; i < nrules; i++)
        if (npg_sim_rule_add(the_sim, rules[i], err, sizeof(err)) != NPG_OK) {
            fprintf(stderr, "npsim: %s\n", err);
            return 2;
        }
    if (scenario && npg_sim_rules_load(the_sim, scenario, err, sizeof(err)) != NPG_OK) {
        fprintf(stderr, "npsim: %s\n", err);
        return 2;
    }
    npg_cli_on_stop_signals(stop_sim);
    int rc = npg_sim_run(the_sim);
    npg_sim_free(&the_sim);
    return rc == NPG_OK ? 0 : 1;
}
