/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The adapters' HTTP endpoints: receivers (decode, apply, acknowledge), services, and their
 * contracts (WSDL and XSD) with addresses for the host and port the client used. */
#include "gw/gw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "http/files.h"
#include "http/wsdl.h"
#include "metrics/metrics.h"
#include "porting/port.h"
#include "stdsoap2.h"

static int reply_envelope(npg_http_req_t *req, int status, char *envelope)
{
    if (!envelope)
        return npg_http_reply(req, 500, "text/plain", "out of memory", 13);
    int rc = npg_http_reply(req, status, "text/xml; charset=utf-8", envelope, strlen(envelope));
    free(envelope);
    return rc;
}

static npg_metric_t faults_sent = {
    .name = "npgw_soap_faults_sent_total",
    .help = "SOAP faults npgwd answered on an adapter's endpoint, by adapter and fault code.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"adapter", "code"},
    .static_values = true,
};

static int refuse(npg_http_req_t *req, const gw_endpoint_t *e, int status, bool client,
                  const char *code, const char *reason)
{
    npg_metric_add(&faults_sent, NPG_METRIC_V(e->adapter->ops->name, code), 1);
    npg_log(client ? LOG_NOTICE : LOG_WARNING, e->adapter->ops->name, "%s refused: %s", e->ep.path,
            reason);
    return reply_envelope(req, status, e->ep.fault(client, code, reason));
}

/* The caller's key, of a tier the endpoint admits; otherwise the fault is sent. */
static bool admitted(npg_gw_t *gw, npg_http_req_t *req, const gw_endpoint_t *e)
{
    npg_tier_t tier = NPG_TIER_NONE;
    unsigned allowed =
        e->ep.caller == NPG_CALLER_BSS ? NPG_TIER_ADMIN : NPG_TIER_PXS | NPG_TIER_ADMIN;
    int rc = npg_apikey_check(gw->pool, req->user, req->password, &tier);
    if (rc == NPG_EDBDOWN)
        refuse(req, e, 503, false, "SERVICE_UNAVAILABLE", "database unavailable; try again later");
    else if (rc != NPG_OK)
        refuse(req, e, 401, true, "NOT_AUTHORISED",
               "authentication failed: a user and API key are required");
    else if (!(tier & allowed))
        refuse(req, e, 403, true, "NOT_AUTHORISED",
               e->ep.caller == NPG_CALLER_BSS
                   ? "this key's tier may not use this service (admin only)"
                   : "this key's tier may not deliver clearinghouse messages");
    return rc == NPG_OK && (tier & allowed);
}

static const char *const outcome_status[] = {
    [NPG_INBOUND_APPLIED] = "Accepted",
    [NPG_INBOUND_DUPLICATE] = "Duplicate",
    [NPG_INBOUND_NOT_APPLIED] = "NotApplied",
};

/* A clearinghouse delivers: acknowledged only once its transaction committed, which it may
 * share with other messages delivered at the same time (gw/batch.h). */
static int receive(npg_gw_t *gw, npg_http_req_t *req, const gw_endpoint_t *e)
{
    const npg_adapter_ops_t *ops = e->adapter->ops;
    npg_db_t *db = NULL;
    if (npg_db_pool_get(gw->pool, 5000, &db) != NPG_OK)
        return refuse(req, e, 503, false, "SERVICE_UNAVAILABLE",
                      "database unavailable; deliver again later");
    npg_canon_msg_t msg;
    npg_inbound_item_t item = {.msg = &msg, .raw = req->body, .rawlen = req->body_len};
    int rc = ops->decode(e->adapter->state, db, req->body, req->body_len, &msg, item.err,
                         sizeof(item.err));
    npg_db_pool_put(gw->pool, &db); /* the group's leader takes one of its own */
    if (rc == NPG_OK) {
        gw_batch_apply(gw->batch, &item);
        rc = item.rc;
    }
    if (rc == NPG_OK)
        return reply_envelope(req, 200, ops->ack(msg.message_id, outcome_status[item.outcome]));
    /* Faults are for what is malformed, unknown or unauthorised: never a state conflict. */
    bool client = strcmp(npg_err_soap_fault(rc), "Client") == 0;
    return refuse(req, e, 500, client, client ? "REFUSED" : "SERVICE_UNAVAILABLE",
                  item.err[0] ? item.err : npg_strerror(rc));
}

int npg_gw_endpoint_post(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    const gw_endpoint_t *e = &gw->endpoints[m->route->flags];
    if (!admitted(gw, req, e))
        return NPG_OK;
    if (!e->ep.serve)
        return receive(gw, req, e);
    char *reply = NULL;
    int status = 500;
    int rc = e->ep.serve(e->adapter->state, &gw->env, req->body, req->body_len, &reply, &status);
    return reply_envelope(req, status, rc == NPG_OK ? reply : NULL);
}

/* --- contracts ---------------------------------------------------------------------- */

/* Where npgwd serves each wsdl:service of the adapters' contracts. */
static size_t services(const npg_gw_t *gw, npg_wsdl_service_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < gw->nendpoints && n < max; i++)
        out[n++] = (npg_wsdl_service_t){.name = gw->endpoints[i].ep.service,
                                        .path = gw->endpoints[i].ep.path};
    return n;
}

/* file (a bare name) of an adapter's contracts, rewritten for the address the client used. */
static int send_contract(npg_gw_t *gw, npg_http_req_t *req, const char *file)
{
    const gw_adapter_t *owner = NULL;
    for (size_t i = 0; i < gw->nadapters && !owner; i++)
        for (const char *const *c = gw->adapters[i].ops->contracts; c && *c && !owner; c++)
            if (strcmp(*c, file) == 0)
                owner = &gw->adapters[i];
    if (!owner || !npg_http_safe_name(file))
        return npg_http_reply_error(req, 404, "error", "no such contract");
    /* gSOAP keeps "http://" + the Host header in endpoint. */
    const char *ep = req->soap->endpoint, *host = strstr(ep, "://");
    char hostbuf[300], base[NPG_WSDL_BASE_MAX], path[NPG_CONF_STRLEN + 160], err[300];
    snprintf(hostbuf, sizeof(hostbuf), "%.*s", host ? (int)strcspn(host + 3, "/") : 0,
             host ? host + 3 : "");
    if (npg_wsdl_base(req->tls ? "https" : "http", hostbuf, base, sizeof(base)) != NPG_OK)
        return npg_http_reply_error(req, 400, "error",
                                    "the Host header is not a host name or address");
    snprintf(path, sizeof(path), "%s/%s/%s", gw->wsdl_dir, owner->ops->name, file);
    char *doc = NULL, *out = NULL;
    size_t len = 0, outlen = 0;
    npg_wsdl_service_t map[GW_MAX_ENDPOINTS];
    if (npg_read_file(path, 4 << 20, &doc, &len) != NPG_OK)
        return npg_http_reply_error(req, 404, "error", "the contract is not installed");
    int rc = npg_wsdl_rewrite(doc, len, base, "/wsdl/", map, services(gw, map, GW_MAX_ENDPOINTS),
                              &out, &outlen, err, sizeof(err));
    free(doc);
    if (rc != NPG_OK) {
        npg_log(LOG_ERR, "wsdl", "%s: %s", path, err);
        return npg_http_reply_error(req, 500, "error", "the contract could not be served");
    }
    rc = npg_http_reply(req, 200, "text/xml; charset=utf-8", out, outlen);
    free(out);
    return rc;
}

int npg_gw_endpoint_wsdl(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    const gw_endpoint_t *e = &gw->endpoints[m->route->flags];
    if (strcmp(req->query, "wsdl") != 0)
        return npg_http_reply_error(req, 404, "error", "no such resource (try ?wsdl)");
    return send_contract(gw, req, e->ep.wsdl);
}

int npg_gw_contract(npg_http_req_t *req, const npg_route_match_t *m)
{
    return send_contract(req->app, req, m->params[0]);
}
