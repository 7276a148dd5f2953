/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gw/gw_internal.h - the gateway's parts, shared by gw.c and endpoints.c. */
#pragma once
#include <pthread.h>
#include <string.h>
#include "adapters/adapter.h"
#include "api/apikey.h"
#include "api/rest.h"
#include "enum/publish.h"
#include "gw/batch.h"
#include "gw/dispatch.h"
#include "gw/gw.h"
#include "gw/monitor.h"
#include "porting/alarm.h"
#include "http/router.h"
#include "http/server.h"
#include "metrics/listener.h"
#include "outbox/outbox.h"
#include "routing/rindex.h"
#include "routing/routing.h"
#include "sms/sms.h"

#define GW_MAX_ADAPTERS 16
#define GW_MAX_ENDPOINTS (GW_MAX_ADAPTERS * NPG_ADAPTER_MAX_ENDPOINTS)
#define GW_STATIC_ROUTES 7

/* One HTTP endpoint an adapter serves. */
typedef struct gw_endpoint {
    npg_adapter_endpoint_t ep;
    gw_adapter_t *adapter;
} gw_endpoint_t;

/* What /health last found: the database's answer and the open alarms, at most a second old. */
typedef struct gw_health {
    pthread_mutex_t lock;
    int64_t checked_ms; /* 0: never; a request finding it a second old checks again */
    bool checking;      /* a request is checking: the others answer from the last result */
    bool up;
    size_t n, total;
    npg_alarm_open_t open[20];
} gw_health_t;

struct npg_gw {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    gw_health_t health;
    npg_porting_t *pt;
    npg_http_server_t *http;
    npg_publish_t *publish; /* [dns]: the external DNS servers routing is pushed to */
    npg_rindex_t *rindex;   /* [http] route_index: the REST routing reads' rows in memory */
    npg_outbox_t *outbox;
    npg_sms_receivers_t *sms; /* the SMPP providers' receiver sessions (delivery receipts) */
    npg_hooks_t *hooks;       /* BSS, webhooks, charging, welcome SMS */
    gw_batch_t *batch;        /* the receivers' group commit */
    gw_adapter_t adapters[GW_MAX_ADAPTERS];
    size_t nadapters;
    gw_endpoint_t endpoints[GW_MAX_ENDPOINTS];
    size_t nendpoints;
    npg_route_t routes[GW_STATIC_ROUTES + 2 * GW_MAX_ENDPOINTS];
    size_t nroutes;
    gw_dispatch_t dispatch;
    npg_outbox_handler_t handlers[GW_MAX_ADAPTERS + 1 + NPG_HOOKS_KINDS];
    size_t nhandlers;
    npg_rest_env_t rest;
    npg_adapter_env_t env;
    pthread_t timer;
    bool timer_running;
    volatile int stopping;
    char wsdl_dir[NPG_CONF_STRLEN];
    npg_metrics_listener_t *metrics; /* [metrics] port: GET /metrics */
    gw_monitor_t *monitor;           /* alarm checks, metrics from the database */
    const char *adapter_names[GW_MAX_ADAPTERS];
};

/* The adapter called name, or NULL. */
static inline gw_adapter_t *npg_gw_adapter(npg_gw_t *gw, const char *name)
{
    for (size_t i = 0; i < gw->nadapters; i++)
        if (strcmp(gw->adapters[i].ops->name, name) == 0)
            return &gw->adapters[i];
    return NULL;
}

/* endpoints.c: an adapter endpoint's POST (flags: its index), its ?wsdl, and /wsdl/{file}. */
int npg_gw_endpoint_post(npg_http_req_t *req, const npg_route_match_t *m);
int npg_gw_endpoint_wsdl(npg_http_req_t *req, const npg_route_match_t *m);
int npg_gw_contract(npg_http_req_t *req, const npg_route_match_t *m);

/* ui.c: / and /ui redirect to /ui/; /ui/ and /ui/{file} from web_dir/ui; /ui/lib/{file}: the
 * npm libraries the UI uses, from ui_lib_dir. */
int npg_gw_ui_redirect(npg_http_req_t *req, const npg_route_match_t *m);
int npg_gw_ui_file(npg_http_req_t *req, const npg_route_match_t *m);
int npg_gw_ui_lib(npg_http_req_t *req, const npg_route_match_t *m);
