/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim - clearinghouse simulator: serves the PortingXS clearinghouse and delivers to a gateway. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/log.h"
#include "common/util.h"
#include "adapters/pxs/sim.h"
#include "adapters/uk/sim.h"

static npg_sim_t *the_sim;

static void usage(FILE *out);

static void on_signal(int sig)
{
    (void)sig;
    npg_sim_stop(the_sim);
    npg_uksim_stop();
}

static void on_signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    signal(SIGPIPE, SIG_IGN);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* npsim uk: the UK porting platform (wsdl/uk-mnp.wsdl). */
static int main_uk(const char *conf_path, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},      {"port", required_argument, NULL, 'p'},
        {"pac", required_argument, NULL, 'P'},         {"unavailable", required_argument, NULL, 'u'},
        {"refuse", required_argument, NULL, 'r'},      {"clock-file", required_argument, NULL, 'c'},
        {"gateway", required_argument, NULL, 'g'},     {"user", required_argument, NULL, 'U'},
        {"key", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
    };
    npg_uksim_options_t opt = {.listen = "127.0.0.1", .port = 8782,
                               .gateway_url = "http://127.0.0.1:8780/np_api/uk/notify",
                               .user = "", .key = ""};
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': opt.listen = optarg; break;
        case 'p': opt.port = atoi(optarg); break;
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
        case 'c': opt.clock_file = optarg; break;
        case 'g': opt.gateway_url = optarg; break;
        case 'U': opt.user = optarg; break;
        case 'k': opt.key = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    npg_conf_t conf;
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    if (npg_cli_setup("npsim", conf_path, &conf) != NPG_OK)
        return 1;
    on_signals();
    return npg_uksim_run(&conf, &opt) == NPG_OK ? 0 : 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: npsim [-c FILE] pxs [options]                  serve the clearinghouse\n"
            "       npsim [-c FILE] pxs [options] deliver TYPE [field=value ...]\n"
            "       npsim [-c FILE] pxs [options] send-authorisation-request field=value ...\n"
            "options: --listen ADDR --port N --gateway URL --user U --key K --key-file FILE\n"
            "         --operator CODE --delay MS --retry-max S --rule 'MATCH ACTIONS' --scenario F\n"
            "       npsim [-c FILE] uk [--listen ADDR] [--port N] [--pac PAC:NUMBER:DONOR:ISSUED]...\n"
            "                 [--unavailable YYYY-MM-DD]... [--refuse OP[:NUMBER]]... [--clock-file F]\n"
            "                 [--gateway URL --user U --key K]   (PortCompleted on the port date)\n"
            "TYPE: AuthorisationResponse InstructionResponse Ported TimedOut Terminated\n"
            "      AuthorisationRequest; fields: msgidentifier message_id recipient donor\n"
            "      account_type number_type from to reject_code reason receiver\n");
}

/* "pxs user:key" from a credentials file as quickstart writes it. */
static int read_key_file(const char *path, char *user, size_t ulen, char *key, size_t klen)
{
    FILE *f = fopen(path, "r");
    char line[256];
    int rc = NPG_ENOTFOUND;
    while (f && fgets(line, sizeof(line), f)) {
        char tier[32], cred[200];
        if (sscanf(line, "%31s %199s", tier, cred) == 2 && strcmp(tier, "pxs") == 0) {
            char *colon = strchr(cred, ':');
            if (colon) {
                *colon = '\0';
                npg_strlcpy(user, cred, ulen);
                npg_strlcpy(key, colon + 1, klen);
                rc = NPG_OK;
            }
        }
    }
    if (f)
        fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'}, {"port", required_argument, NULL, 'p'},
        {"gateway", required_argument, NULL, 'g'}, {"user", required_argument, NULL, 'u'},
        {"key", required_argument, NULL, 'k'},    {"key-file", required_argument, NULL, 'K'},
        {"operator", required_argument, NULL, 'o'}, {"delay", required_argument, NULL, 'd'},
        {"retry-max", required_argument, NULL, 'r'}, {"rule", required_argument, NULL, 'R'},
        {"scenario", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *rules[256], *scenario = NULL;
    size_t nrules = 0;
    static char user[128], key[160];
    npg_sim_options_t opt = {.listen = "127.0.0.1", .port = 8781,
                             .gateway_url = "http://127.0.0.1:8780/np_api/pxs/recv/",
                             .user = "", .key = "", .operator_code = "PXS",
                             .default_delay_ms = 200, .retry_max_s = 120};
    int c;
    if (argc > 2 && strcmp(argv[1], "-c") == 0) {
        conf_path = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc >= 2 && strcmp(argv[1], "uk") == 0)
        return main_uk(conf_path, argc - 1, argv + 1);
    if (argc < 2 || strcmp(argv[1], "pxs") != 0) {
        usage(stderr);
        return 2;
    }
    argv++;
    argc--;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': opt.listen = optarg; break;
        case 'p': opt.port = atoi(optarg); break;
        case 'g': opt.gateway_url = optarg; break;
        case 'u': opt.user = optarg; break;
        case 'k': opt.key = optarg; break;
        case 'K':
            if (read_key_file(optarg, user, sizeof(user), key, sizeof(key)) != NPG_OK) {
                fprintf(stderr, "npsim: no 'pxs user:key' line in %s\n", optarg);
                return 1;
            }
            opt.user = user;
            opt.key = key;
            break;
        case 'o': opt.operator_code = optarg; break;
        case 'd': opt.default_delay_ms = atoi(optarg); break;
        case 'r': opt.retry_max_s = atoi(optarg); break;
        case 'R':
            if (nrules < 256)
                rules[nrules++] = optarg;
            break;
        case 's': scenario = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    npg_conf_t conf;
    if (npg_cli_setup("npsim", conf_path, &conf) != NPG_OK)
        return 1;
    char status[512];
    if (optind < argc && strcmp(argv[optind], "deliver") == 0 && optind + 1 < argc) {
        int rc = npg_sim_deliver_once(&conf, &opt, argv[optind + 1],
                                      (const char *const *)argv + optind + 2, status, sizeof(status));
        printf("%s\n", status);
        return rc == NPG_OK ? 0 : 1;
    }
    if (optind < argc && strcmp(argv[optind], "send-authorisation-request") == 0) {
        int rc = npg_sim_deliver_once(&conf, &opt, "AuthorisationRequest",
                                      (const char *const *)argv + optind + 1, status, sizeof(status));
        printf("%s\n", status);
        return rc == NPG_OK ? 0 : 1;
    }
    if (optind < argc) {
        usage(stderr);
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
    on_signals();
    int rc = npg_sim_run(the_sim);
    npg_sim_free(&the_sim);
    return rc == NPG_OK ? 0 : 1;
}
