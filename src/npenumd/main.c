/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npenumd - the authoritative ENUM responder. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/log.h"
#include "enum/server.h"

static npg_enum_server_t *volatile the_server;

static void on_signal(int sig)
{
    (void)sig;
    if (the_server)
        npg_enum_server_stop(the_server);
    else
        _exit(0); /* still loading: nothing to close cleanly yet */
}

static void usage(FILE *out)
{
    fprintf(out, "usage: npenumd [-c FILE] [--listen ADDR] [--port N]   serve ENUM ([enum] settings)\n"
                 "       npenumd --version\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},   {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *conf_path = NULL, *listen = NULL;
    long port = 0;
    int c;
    while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        if (c == 'c')
            conf_path = optarg;
        else if (c == 'l')
            listen = optarg;
        else if (c == 'p' && (port = strtol(optarg, NULL, 10)) >= 1 && port <= 65535)
            continue;
        else if (c == 'V')
            return printf("npenumd %s\n", PACKAGE_VERSION), 0;
        else
            return usage(c == 'h' ? stdout : stderr), c == 'h' ? 0 : 2;
    }
    npg_conf_t conf;
    if (npg_cli_setup("npenumd", conf_path, &conf) != NPG_OK)
        return 1;
    if (listen)
        snprintf(conf.enumd.listen, sizeof(conf.enumd.listen), "%s", listen);
    if (port)
        conf.enumd.port = (int)port;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    npg_enum_server_t *s = NULL;
    if (npg_enum_server_start(&conf, &s) != NPG_OK)
        return 1;
    the_server = s;
    npg_enum_server_wait(&s);
    npg_log(LOG_NOTICE, "enum", "stopped");
    return 0;
}
