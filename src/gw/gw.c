/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gw/gw_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/reload.h"
#include "common/util.h"
#include "metrics/metrics.h"
#include "porting/alarm.h"
#include "porting/port.h"
#include "soapH.h"

extern struct Namespace namespaces[];

/*
 * /health: ok, or degraded with the open alarms (names and severities; their texts stay with
 * npgwctl alarm list). 503 only without a database: an alarm is for people, not a reason for
 * a load balancer to take the instance out. A database round trip per call would make a
 * monitor polling hard cost one each time: the answer is kept for a second, and only the
 * request that finds it older asks again (the others answer from the last result meanwhile).
 */
static void health_check(npg_gw_t *gw)
{
    gw_health_t *h = &gw->health, now = {.checked_ms = npg_now_ms()};
    pthread_mutex_lock(&h->lock);
    bool stale = !h->checking && now.checked_ms - h->checked_ms >= 1000;
    if (stale)
        h->checking = true;
    pthread_mutex_unlock(&h->lock);
    if (!stale)
        return;
    npg_db_t *db = NULL;
    now.up = npg_db_pool_get(gw->pool, 2000, &db) == NPG_OK && npg_db_ping(db) == NPG_OK &&
             npg_alarm_open(db, now.open, NPG_ARRAY_LEN(now.open), &now.n, &now.total) == NPG_OK;
    if (db)
        npg_db_pool_put(gw->pool, &db);
    pthread_mutex_lock(&h->lock);
    h->checked_ms = now.checked_ms;
    h->up = now.up;
    h->n = now.up ? now.n : 0;
    h->total = now.up ? now.total : 0;
    memcpy(h->open, now.open, sizeof(h->open));
    h->checking = false;
    pthread_mutex_unlock(&h->lock);
}

static int get_health(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_gw_t *gw = req->app;
    health_check(gw);
    gw_health_t *h = &gw->health;
    json_t *alarms = json_array();
    pthread_mutex_lock(&h->lock);
    bool up = h->up;
    size_t total = h->total;
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(alarms,
                              json_pack("{s:s, s:s, s:s, s:s}", "alarm",
                                        h->open[i].name[0] ? h->open[i].name : "event", "source",
                                        h->open[i].source, "severity", h->open[i].severity, "since",
                                        h->open[i].raised_at));
    pthread_mutex_unlock(&h->lock);
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:o}", "status", up && !total ? "ok" : "degraded",
                          "version", PACKAGE_VERSION, "database", up ? "up" : "down", "alarms_open",
                          (json_int_t)total, "alarms", alarms);
    return npg_http_reply_json(req, up ? 200 : 503, j);
}

static const char *const method_names[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};

/* Every request that reaches a handler: by route template (the table's literal), method and
 * status, with the time the handler took. */
static npg_metric_t http_requests = {
    .name = "npgw_http_request_duration_seconds",
    .help = "Requests npgwd handled, by route template, method and status code, and the time"
            " each took from the whole request read to the reply written.",
    .type = NPG_METRIC_HISTOGRAM,
    .labels = {"route", "method", "code"},
    .static_values = true,
    .capacity = 1024,
};

static int gw_route(npg_http_req_t *req);

static int gw_handle(npg_http_req_t *req)
{
    uint64_t t0 = npg_metrics_now_ns();
    int rc = gw_route(req);
    npg_metric_observe_ns(&http_requests,
                          NPG_METRIC_V(req->route ? req->route : "unmatched",
                                       method_names[req->method],
                                       npg_metrics_status_label(req->status)),
                          npg_metrics_now_ns() - t0);
    return rc;
}

static int gw_route(npg_http_req_t *req)
{
    npg_gw_t *gw = req->app;
    npg_route_match_t m;
    int rc = npg_route_find(gw->routes, gw->nroutes, req, &m);
    /* /np_api/ is the REST API, except the adapters' endpoints. */
    if (rc != NPG_OK && strncmp(req->path, "/np_api/", 8) == 0)
        return npg_rest_handle(req, &gw->rest);
    if (rc == NPG_ENOTSUP)
        return npg_http_reply_error(req, 405, "error", "method not allowed for this path");
    if (rc != NPG_OK)
        return npg_http_reply_error(req, 404, "error", "no such resource");
    return m.route->fn(req, &m);
}

/* Local timers: the engine's (overdue answers, terminations) and each adapter's own. */
static void *timer_main(void *arg)
{
    npg_gw_t *gw = arg;
    while (!gw->stopping) {
        npg_db_t *db = NULL;
        int changed = 0;
        if (npg_db_pool_get(gw->pool, 1000, &db) == NPG_OK) {
            if (npg_port_run_timers(db, gw->pt, &changed) != NPG_OK)
                npg_log(LOG_WARNING, "timer", "timer pass failed");
            for (size_t i = 0; i < gw->nadapters; i++) {
                gw_adapter_t *a = &gw->adapters[i];
                if (a->ops->run_timers &&
                    a->ops->run_timers(a->state, &gw->env, db, &changed) != NPG_OK)
                    npg_log(LOG_WARNING, "timer", "%s timer pass failed", a->ops->name);
            }
            if (npg_hooks_run_timers(gw->hooks, db, &changed) != NPG_OK)
                npg_log(LOG_WARNING, "timer", "hooks timer pass failed");
            npg_db_pool_put(gw->pool, &db);
        }
        for (int i = 0; i < 10 && !gw->stopping; i++)
            usleep(100000);
    }
    return NULL;
}

static int number_info(void *arg, const char *number, json_t **out, char *result, size_t len)
{
    gw_adapter_t *a = arg;
    return a->ops->number_info(a->state, number, out, result, len);
}

/* Every adapter of the build, running, and the routes of their endpoints. */
static int start_adapters(npg_gw_t *gw)
{
    static const npg_route_t fixed[GW_STATIC_ROUTES] = {
        {NPG_HTTP_GET, "/health", get_health, 0},
        {NPG_HTTP_GET, "/wsdl/{file}", npg_gw_contract, 0},
        {NPG_HTTP_GET, "/", npg_gw_ui_redirect, 0},
        {NPG_HTTP_GET, "/ui", npg_gw_ui_redirect, 0},
        {NPG_HTTP_GET, "/ui/", npg_gw_ui_file, 0},
        {NPG_HTTP_GET, "/ui/lib/{file}", npg_gw_ui_lib, 0},
        {NPG_HTTP_GET, "/ui/{file}", npg_gw_ui_file, 0},
    };
    memcpy(gw->routes, fixed, sizeof(fixed));
    gw->nroutes = GW_STATIC_ROUTES;
    for (size_t i = 0; npg_adapters[i] && gw->nadapters < GW_MAX_ADAPTERS; i++) {
        gw_adapter_t *a = &gw->adapters[gw->nadapters];
        a->ops = npg_adapters[i];
        int rc = a->ops->create(gw->conf, &a->state);
        if (rc != NPG_OK)
            return rc;
        gw->nadapters++;
        npg_adapter_endpoint_t eps[NPG_ADAPTER_MAX_ENDPOINTS];
        size_t n = a->ops->endpoints ? a->ops->endpoints(gw->conf, eps) : 0;
        for (size_t j = 0; j < n && gw->nendpoints < GW_MAX_ENDPOINTS; j++) {
            gw_endpoint_t *e = &gw->endpoints[gw->nendpoints];
            e->ep = eps[j];
            e->adapter = a;
            gw->routes[gw->nroutes++] =
                (npg_route_t){NPG_HTTP_POST, e->ep.path, npg_gw_endpoint_post, gw->nendpoints};
            gw->routes[gw->nroutes++] =
                (npg_route_t){NPG_HTTP_GET, e->ep.path, npg_gw_endpoint_wsdl, gw->nendpoints};
            gw->nendpoints++;
        }
    }
    gw_adapter_t *info = npg_gw_adapter(gw, gw->conf->general.clearinghouse);
    if (info && info->ops->number_info) {
        gw->rest.number_info = number_info;
        gw->rest.number_info_arg = info;
    }
    return NPG_OK;
}

/* SIGHUP (common/reload.h): the HTTPS certificate files again. */
static int reload_tls(void *arg, const npg_conf_t *next, char *err, size_t errlen)
{
    (void)next; /* the files' names are not reloadable: their contents are */
    npg_gw_t *gw = arg;
    return npg_http_server_reload(gw->http, err, errlen);
}

int npg_gw_new(const npg_conf_t *conf, npg_gw_t **out)
{
    npg_gw_t *gw = calloc(1, sizeof(*gw));
    if (!gw)
        return NPG_ENOMEM;
    gw->conf = conf;
    snprintf(gw->wsdl_dir, sizeof(gw->wsdl_dir), "%s",
             conf->http.wsdl_dir[0] ? conf->http.wsdl_dir : NPGW_DATADIR "/wsdl");
    int rc = npg_db_pool_new(conf, conf->database.pool_size, &gw->pool);
    pthread_mutex_init(&gw->health.lock, NULL);
    if (rc == NPG_OK)
        health_check(gw); /* /health's first answer, before any request asks */
    if (rc == NPG_OK && strcmp(conf->http.route_index, "yes") == 0 &&
        (rc = npg_rindex_start(gw->pool, conf->enumd.follow_ms, &gw->rindex)) == NPG_OK)
        npg_routing_use_index(gw->rindex);
    if (rc == NPG_OK)
        rc = npg_adapters_porting(conf, &gw->pt);
    if (rc == NPG_OK)
        rc = npg_hooks_new(conf, gw->pool, &gw->hooks);
    if (rc == NPG_OK)
        npg_hooks_install(gw->hooks, gw->pt);
    /* Two groups at once: one commits (its log flush) while the next is applied. */
    if (rc == NPG_OK)
        rc = gw_batch_new(gw->pool, gw->pt, 2, 32, &gw->batch);
    if (rc == NPG_OK) {
        gw->env = (npg_adapter_env_t){.conf = conf, .pool = gw->pool, .pt = gw->pt};
        gw->rest = (npg_rest_env_t){.conf = conf, .pool = gw->pool, .pt = gw->pt};
        rc = start_adapters(gw);
    }
    if (rc == NPG_OK) {
        char err[256] = "";
        rc = npg_publish_new(conf, &gw->publish, err, sizeof(err));
        if (rc != NPG_OK)
            npg_log(LOG_ERR, "dns", "%s", err[0] ? err : npg_strerror(rc));
    }
    if (rc == NPG_OK) {
        gw->dispatch = (gw_dispatch_t){.pt = gw->pt,
                                       .pool = gw->pool,
                                       .publish = gw->publish,
                                       .adapters = gw->adapters,
                                       .nadapters = gw->nadapters,
                                       .hooks = gw->hooks};
        gw->nhandlers =
            gw_dispatch_handlers(&gw->dispatch, gw->handlers, NPG_ARRAY_LEN(gw->handlers));
        rc =
            npg_outbox_new(conf, gw->pool, gw->handlers, gw->nhandlers, &gw->dispatch, &gw->outbox);
    }
    if (rc != NPG_OK)
        goto fail;
    npg_http_options_t opt = {
        .conf = conf,
        .handle = gw_handle,
        .namespaces = namespaces,
        .app = gw,
    };
    rc = npg_http_server_new(&opt, &gw->http);
    if (rc == NPG_OK && npg_http_server_tls_port(gw->http) > 0)
        rc = npg_reload_register("tls", reload_tls, gw);
    if (rc != NPG_OK)
        goto fail;
    *out = gw;
    return NPG_OK;
fail:
    npg_gw_free(&gw);
    return rc;
}

int npg_gw_run(npg_gw_t *gw)
{
    for (size_t i = 0; i < gw->nadapters; i++)
        gw->adapter_names[i] = gw->adapters[i].ops->name;
    npg_metric_register(&http_requests);
    npg_db_register_metrics();
    int rc =
        npg_metrics_listener_start(gw->conf->metrics.listen, gw->conf->metrics.port, &gw->metrics);
    if (rc == NPG_OK)
        rc = gw_monitor_start(gw->conf, gw->pool, gw->adapter_names, gw->nadapters, &gw->monitor);
    if (rc == NPG_OK)
        rc = npg_outbox_start(gw->outbox);
    if (rc == NPG_OK)
        rc = npg_sms_receivers_start(gw->conf, gw->pool, &gw->sms);
    if (rc == NPG_OK && pthread_create(&gw->timer, NULL, timer_main, gw) == 0)
        gw->timer_running = true;
    if (rc == NPG_OK)
        rc = npg_http_server_run(gw->http);
    gw->stopping = 1;
    if (gw->timer_running)
        pthread_join(gw->timer, NULL);
    gw->timer_running = false;
    npg_sms_receivers_stop(&gw->sms); /* unbinds */
    npg_outbox_free(&gw->outbox);     /* waits for a delivery under way */
    gw_monitor_stop(&gw->monitor);
    npg_metrics_listener_stop(&gw->metrics);
    return rc;
}

void npg_gw_stop(npg_gw_t *gw)
{
    if (gw)
        gw->stopping = 1;
    if (gw && gw->http)
        npg_http_server_stop(gw->http);
}

void npg_gw_free(npg_gw_t **gwp)
{
    npg_gw_t *gw = gwp ? *gwp : NULL;
    if (!gw)
        return;
    npg_reload_unregister(reload_tls, gw);
    npg_http_server_free(&gw->http);
    gw_monitor_stop(&gw->monitor);
    npg_metrics_listener_stop(&gw->metrics);
    npg_sms_receivers_stop(&gw->sms);
    npg_outbox_free(&gw->outbox);
    for (size_t i = 0; i < gw->nadapters; i++)
        gw->adapters[i].ops->destroy(&gw->adapters[i].state);
    npg_publish_free(&gw->publish);
    gw_batch_free(&gw->batch);
    npg_porting_free(&gw->pt);
    npg_hooks_free(&gw->hooks);
    npg_routing_use_index(NULL);
    npg_rindex_stop(&gw->rindex);
    npg_db_pool_free(&gw->pool);
    pthread_mutex_destroy(&gw->health.lock);
    free(gw);
    *gwp = NULL;
}
