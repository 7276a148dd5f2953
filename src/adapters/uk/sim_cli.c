/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim uk: the command line of the UK porting platform simulator. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/uk/sim.h"
#include "common/cli.h"
#include "common/util.h"

static void stop_sim(int sig)
{
    (void)sig;
    npg_uksim_stop();
}

/* npsim uk: the UK porting platform (wsdl/uk-mnp.wsdl). */
int npg_uk_simulate(const char *conf_path, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},  {"port", required_argument, NULL, 'p'},
        {"pac", required_argument, NULL, 'P'},     {"unavailable", required_argument, NULL, 'u'},
        {"refuse", required_argument, NULL, 'r'},  {"clock-file", required_argument, NULL, 'c'},
        {"gateway", required_argument, NULL, 'g'}, {"key-file", required_argument, NULL, 'K'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    static char user[128], key[160];
    npg_uksim_options_t opt = {.listen = "127.0.0.1",
                               .port = 8782,
                               .gateway_url = "http://127.0.0.1:8780/np_api/uk/notify",
                               .user = "",
                               .key = ""};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opt.listen = optarg;
            break;
        case 'p':
            opt.port = atoi(optarg);
            break;
        case 'P':
            if (opt.npacs < NPG_ARRAY_LEN(opt.pacs))
                opt.pacs[opt.npacs++] = optarg;
            break;
        case 'u':
            if (opt.nunavailable < NPG_ARRAY_LEN(opt.unavailable))
                opt.unavailable[opt.nunavailable++] = optarg;
            break;
        case 'r':
            if (opt.nrefuse < NPG_ARRAY_LEN(opt.refuse))
                opt.refuse[opt.nrefuse++] = optarg;
            break;
        case 'c':
            opt.clock_file = optarg;
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
        case 'h':
            fputs(NPG_UK_SIM_USAGE, stdout);
            return 0;
        default:
            fputs(NPG_UK_SIM_USAGE, stderr);
            return 2;
        }
    }
    npg_conf_t conf;
    if (optind < argc) {
        fputs(NPG_UK_SIM_USAGE, stderr);
        return 2;
    }
    if (npg_cli_setup("npsim", conf_path, &conf) != NPG_OK)
        return 1;
    npg_cli_on_stop_signals(stop_sim);
    return npg_uksim_run(&conf, &opt) == NPG_OK ? 0 : 1;
}
