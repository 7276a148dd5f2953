/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/http/echo - the anchor of the HTTP benchmarks: npgwd's own HTTP front and worker
 * pool (src/http/server.c: the epoll thread that reads whole requests, gSOAP contexts in the
 * workers) with a handler that does nothing but reply. Every request, GET or POST (its body
 * read whole by the front), gets the same small JSON reply. What npgwd does beyond this is
 * what npgw costs above the transport.
 *
 *   echo PORT THREADS
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/conf.h"
#include "http/server.h"
#include "soapH.h"

extern struct Namespace namespaces[];

static const char reply[] = "{\"status\":\"ok\",\"version\":\"echo\",\"database\":\"up\"}";

static int handle(npg_http_req_t *req)
{
    return npg_http_reply(req, 200, "application/json", reply, sizeof(reply) - 1);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: echo PORT THREADS\n");
        return 2;
    }
    static npg_conf_t conf;
    npg_conf_defaults(&conf);
    snprintf(conf.http.listen, sizeof(conf.http.listen), "127.0.0.1");
    conf.http.port = atoi(argv[1]);
    conf.http.threads = atoi(argv[2]);
    npg_http_options_t opt = {.conf = &conf, .handle = handle, .namespaces = namespaces};
    npg_http_server_t *srv = NULL;
    if (npg_http_server_new(&opt, &srv) != NPG_OK) {
        fprintf(stderr, "echo: cannot listen on 127.0.0.1:%s\n", argv[1]);
        return 1;
    }
    int rc = npg_http_server_run(srv);
    npg_http_server_free(&srv);
    return rc == NPG_OK ? 0 : 1;
}
