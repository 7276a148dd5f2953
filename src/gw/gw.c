/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gw/gw_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "http/files.h"
#include "api/rest.h"
#include "porting/port.h"
#include "soapH.h"

extern struct Namespace namespaces[];

const npg_conf_t *npg_gw_conf(const npg_gw_t *gw)
{
    return gw->conf;
}

npg_db_pool_t *npg_gw_pool(npg_gw_t *gw)
{
    return gw->pool;
}

static int get_health(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_gw_t *gw = req->app;
    npg_db_t *db = NULL;
    bool up = npg_db_pool_get(gw->pool, 2000, &db) == NPG_OK && npg_db_ping(db) == NPG_OK;
    if (db)
        npg_db_pool_put(gw->pool, &db);
    json_t *j = json_pack("{s:s, s:s, s:s}", "status", up ? "ok" : "degraded", "version",
                          PACKAGE_VERSION, "database", up ? "up" : "down");
    return npg_http_reply_json(req, up ? 200 : 503, j);
}

static int get_wsdl(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    return npg_http_send_file(req, gw->wsdl_dir, m->params[0]);
}

/* Each SOAP endpoint answers ?wsdl with its contract. */
static int get_receiver_wsdl(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    if (strcmp(req->query, "wsdl") != 0 || strcmp(m->params[0], gw->conf->pxs.deployment_prefix))
        return npg_http_reply_error(req, 404, "error", "no such resource (try ?wsdl)");
    return npg_http_send_file(req, gw->wsdl_dir, "portingxs.wsdl");
}

static const npg_route_t gw_routes[] = {
    {NPG_HTTP_GET, "/health", get_health, 0},
    {NPG_HTTP_GET, "/wsdl/{file}", get_wsdl, 0},
    {NPG_HTTP_POST, "/np_api/{prefix}/recv/", npg_gw_receive, 0},
    {NPG_HTTP_GET, "/np_api/{prefix}/recv/", get_receiver_wsdl, 0},
    {NPG_HTTP_POST, "/np_api/uk/portin", npg_gw_uk_portin, 0},
    {NPG_HTTP_GET, "/np_api/uk/portin", npg_gw_uk_wsdl, 0},
    {NPG_HTTP_POST, "/np_api/uk/notify", npg_gw_uk_notify, 0},
};

static int gw_handle(npg_http_req_t *req)
{
    npg_route_match_t m;
    /* /np_api/ is the REST API, except the clearinghouse receiver below. */
    if (strncmp(req->path, "/np_api/", 8) == 0 &&
        npg_route_find(gw_routes, NPG_ARRAY_LEN(gw_routes), req, &m) != NPG_OK)
        return npg_rest_handle(req);
    int rc = npg_route_find(gw_routes, NPG_ARRAY_LEN(gw_routes), req, &m);
    if (rc == NPG_ENOTSUP)
        return npg_http_reply_error(req, 405, "error", "method not allowed for this path");
    if (rc != NPG_OK)
        return npg_http_reply_error(req, 404, "error", "no such resource");
    return m.route->fn(req, &m);
}

static bool gw_is_soap(const char *path, void *app)
{
    (void)app;
    return strncmp(path, "/soap/", 6) == 0;
}

/* Local timers: overdue clearinghouse answers, port-out terminations at their port time. */
static void *timer_main(void *arg)
{
    npg_gw_t *gw = arg;
    while (!gw->stopping) {
        npg_db_t *db = NULL;
        int changed = 0;
        if (npg_db_pool_get(gw->pool, 1000, &db) == NPG_OK) {
            if (npg_port_run_timers(db, gw->conf, &changed) != NPG_OK)
                npg_log(LOG_WARNING, "timer", "timer pass failed");
            if (npg_uk_run_timers(gw->uk, db, &changed) != NPG_OK)
                npg_log(LOG_WARNING, "timer", "UK cut-off pass failed");
            npg_db_pool_put(gw->pool, &db);
        }
        for (int i = 0; i < 10 && !gw->stopping; i++)
            usleep(100000);
    }
    return NULL;
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
    if (rc == NPG_OK)
        rc = npg_pxs_new(conf, &gw->pxs);
    if (rc == NPG_OK) {
        char err[256] = "";
        rc = npg_publish_new(conf, &gw->publish, err, sizeof(err));
        if (rc != NPG_OK)
            npg_log(LOG_ERR, "dns", "%s", err[0] ? err : npg_strerror(rc));
    }
    if (rc == NPG_OK)
        rc = npg_uk_new(conf, &gw->uk);
    if (rc == NPG_OK)
        rc = npg_outbox_new(conf, gw->pool, npg_gw_outbox_handlers, npg_gw_outbox_nhandlers, gw,
                            &gw->outbox);
    if (rc != NPG_OK)
        goto fail;
    npg_http_options_t opt = {
        .conf = conf,
        .handle = gw_handle,
        .is_soap = gw_is_soap,
        .namespaces = namespaces,
        .app = gw,
    };
    rc = npg_http_server_new(&opt, &gw->http);
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
    int rc = npg_outbox_start(gw->outbox);
    if (rc == NPG_OK && pthread_create(&gw->timer, NULL, timer_main, gw) == 0)
        gw->timer_running = true;
    if (rc == NPG_OK)
        rc = npg_http_server_run(gw->http);
    gw->stopping = 1;
    if (gw->timer_running)
        pthread_join(gw->timer, NULL);
    gw->timer_running = false;
    npg_outbox_free(&gw->outbox); /* waits for a delivery under way */
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
    npg_http_server_free(&gw->http);
    npg_outbox_free(&gw->outbox);
    npg_pxs_free(&gw->pxs);
    npg_publish_free(&gw->publish);
    npg_uk_free(&gw->uk);
    npg_db_pool_free(&gw->pool);
    free(gw);
    *gwp = NULL;
}
