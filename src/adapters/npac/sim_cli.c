/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim npac: the command line of the NPAC simulator. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/npac/sim.h"
#include "common/cli.h"
#include "common/util.h"

static void stop_sim(int sig)
{
    (void)sig;
    npg_npacsim_stop();
}

int npg_npac_simulate(const char *conf_path, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"gateway", required_argument, NULL, 'g'},
        {"key-file", required_argument, NULL, 'K'},
        {"spid", required_argument, NULL, 's'},
        {"delay", required_argument, NULL, 'd'},
        {"retry-max", required_argument, NULL, 'r'},
        {"clock-file", required_argument, NULL, 'c'},
        {"rule", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char user[128], key[160];
    npg_npacsim_options_t opt = {.listen = "127.0.0.1",
                                 .port = 8783,
                                 .gateway_url = "http://127.0.0.1:8780/np_api/npac/notify",
                                 .user = "",
                                 .key = "",
                                 .delay_ms = 200,
                                 .retry_max_s = 30};
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
        case 'K':
            if (npg_cli_read_key_file(optarg, "pxs", user, sizeof(user), key, sizeof(key)) !=
                NPG_OK)
                return 1;
            opt.user = user;
            opt.key = key;
            break;
        case 's':
            opt.spid = optarg;
            break;
        case 'd':
            opt.delay_ms = atoi(optarg);
            break;
        case 'r':
            opt.retry_max_s = atoi(optarg);
            break;
        case 'c':
            opt.clock_file = optarg;
            break;
        case 'R':
            if (opt.nrules < NPG_ARRAY_LEN(opt.rules))
                opt.rules[opt.nrules++] = optarg;
            break;
        case 'h':
            fputs(NPG_NPAC_SIM_USAGE, stdout);
            return 0;
        default:
            fputs(NPG_NPAC_SIM_USAGE, stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fputs(NPG_NPAC_SIM_USAGE, stderr);
        return 2;
    }
    npg_conf_t conf;
    if (npg_cli_setup("npsim", conf_path, &conf) != NPG_OK)
        return 1;
    npg_cli_on_stop_signals(stop_sim);
    return npg_npacsim_run(&conf, &opt) == NPG_OK ? 0 : 1;
}
