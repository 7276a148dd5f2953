/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gw/gw_internal.h - the gateway's parts, shared by gw.c, receiver.c and the dispatch glue. */
#pragma once
#include <pthread.h>
#include "api/apikey.h"
#include "adapters/pxs/pxs.h"
#include "enum/publish.h"
#include "gw/gw.h"
#include "http/router.h"
#include "http/server.h"
#include "outbox/outbox.h"
#include "adapters/uk/adapter.h"

struct npg_gw {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    npg_http_server_t *http;
    npg_pxs_t *pxs;
    npg_publish_t *publish; /* [dns]: the external DNS servers routing is pushed to */
    npg_uk_t *uk;
    npg_outbox_t *outbox;
    pthread_t timer;
    bool timer_running;
    volatile int stopping;
    char wsdl_dir[NPG_CONF_STRLEN];
};

int npg_gw_authenticate(npg_gw_t *gw, npg_http_req_t *req, npg_tier_t *tier);
int npg_gw_receive(npg_http_req_t *req, const npg_route_match_t *m);
/* UK PortIn service for BSS clients (uk.c): POST and GET ?wsdl of /np_api/uk/portin. */
int npg_gw_uk_portin(npg_http_req_t *req, const npg_route_match_t *m);
int npg_gw_uk_wsdl(npg_http_req_t *req, const npg_route_match_t *m);
/* The UK platform's PortCompleted (uk-mnp.wsdl, UKGateway) at /np_api/uk/notify. */
int npg_gw_uk_notify(npg_http_req_t *req, const npg_route_match_t *m);

/* The outbox kinds npgwd delivers (clearinghouse messages, DNS publication). */
extern const npg_outbox_handler_t npg_gw_outbox_handlers[];
extern const size_t npg_gw_outbox_nhandlers;
