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
#include "common/notify.h"
#include "enum/server.h"
#include "metrics/listener.h"
#include "metrics/metrics.h"

static npg_enum_server_t *the_server; /* atomic: the signal thread reads it */

static void on_stop(void *arg)
{
    (void)arg;
    npg_enum_server_t *s = __atomic_load_n(&the_server, __ATOMIC_ACQUIRE);
    if (s)
        npg_enum_server_stop(s);
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
    npg_metrics_set_process("npenumd", PACKAGE_VERSION);
    /* before any thread: they all leave TERM, INT and HUP to the signal thread */
    if (npg_cli_signals_start(npg_cli_conf_path(conf_path), &conf, on_stop, NULL) != NPG_OK)
        return 1;
    npg_metrics_listener_t *metrics = NULL;
    if (npg_metrics_listener_start(conf.metrics.listen, conf.metrics.enum_port, &metrics) !=
        NPG_OK)
        return 1;
    npg_enum_server_t *s = NULL;
    if (npg_enum_server_start(&conf, &s) != NPG_OK) {
        npg_metrics_listener_stop(&metrics);
        return 1;
    }
    __atomic_store_n(&the_server, s, __ATOMIC_RELEASE);
    if (npg_notify("READY=1") != NPG_OK) /* the index is loaded and the sockets bound */
        npg_log(LOG_WARNING, "enum", "could not tell systemd it is ready");
    npg_enum_server_wait(&s); /* returns once on_stop asked it to */
    npg_cli_signals_stop();
    __atomic_store_n(&the_server, NULL, __ATOMIC_RELEASE);
    npg_metrics_listener_stop(&metrics);
    npg_log(LOG_NOTICE, "enum", "stopped");
    return 0;
}
