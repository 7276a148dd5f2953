/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwd's UK endpoints: the BSS PortIn service at /np_api/uk/portin and its ?wsdl. */
#include "gw/gw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "stdsoap2.h"
#include "porting/port.h"
#include "adapters/uk/service.h"

#define UK_PATH "/np_api/uk/portin"

static int reply_envelope(npg_http_req_t *req, int status, char *envelope)
{
    if (!envelope)
        return npg_http_reply(req, 500, "text/plain", "out of memory", 13);
    int rc = npg_http_reply(req, status, "text/xml; charset=utf-8", envelope, strlen(envelope));
    free(envelope);
    return rc;
}

/* A fault before the service ran (credentials): same shape as the service's own faults. */
static int auth_fault(npg_http_req_t *req, int status, const char *code, const char *reason)
{
    char *env = NULL;
    if (asprintf(&env,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope"
                 " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
                 " xmlns:ukp=\"urn:npgw:uk:portin:1\"><SOAP-ENV:Body><SOAP-ENV:Fault>"
                 "<faultcode>SOAP-ENV:Client</faultcode><faultstring>[%s] %s</faultstring>"
                 "<detail><ukp:PortInFault><ukp:Code>%s</ukp:Code><ukp:Reason>%s</ukp:Reason>"
                 "</ukp:PortInFault></detail></SOAP-ENV:Fault></SOAP-ENV:Body>"
                 "</SOAP-ENV:Envelope>\n",
                 code, reason, code, reason) < 0)
        env = NULL;
    return reply_envelope(req, status, env);
}

/* HTTP Basic key of one of the allowed tiers; otherwise *status, *code, *reason for the fault. */
static bool key_ok(npg_http_req_t *req, unsigned allowed, int *status, const char **code,
                   const char **reason)
{
    npg_gw_t *gw = req->app;
    npg_tier_t tier = NPG_TIER_NONE;
    int rc = npg_gw_authenticate(gw, req, &tier);
    *code = rc == NPG_EDBDOWN ? "SERVICE_UNAVAILABLE" : "NOT_AUTHORISED";
    *status = rc == NPG_EDBDOWN ? 503 : rc != NPG_OK ? 401 : 403;
    *reason = rc == NPG_EDBDOWN ? "database unavailable; try again later"
              : rc != NPG_OK    ? "a user and key are required"
                                : "this key's tier may not use this service";
    return rc == NPG_OK && (tier & allowed);
}

/* BSS clients: a key of tier admin (HTTP Basic), as for the REST API's write calls. */
int npg_gw_uk_portin(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_gw_t *gw = req->app;
    int status = 500, rc;
    const char *code, *reason;
    if (!key_ok(req, NPG_TIER_ADMIN, &status, &code, &reason))
        return auth_fault(req, status, code, reason);
    char *reply = NULL;
    rc = npg_uk_service_handle(gw->conf, npg_uk_calendar(gw->uk), gw->pool, req->body,
                               req->body_len, &reply, &status);
    return reply_envelope(req, status, rc == NPG_OK ? reply : NULL);
}

/* The WSDL with the address this npgwd was reached at, so a client can call what it loaded. */
int npg_gw_uk_wsdl(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_gw_t *gw = req->app;
    if (strcmp(req->query, "wsdl") != 0)
        return npg_http_reply_error(req, 404, "error", "no such resource (try ?wsdl)");
    char path[NPG_CONF_STRLEN + 32], base[200];
    snprintf(path, sizeof(path), "%s/portin.wsdl", gw->wsdl_dir);
    size_t len = 0;
    char *wsdl = NULL;
    if (npg_read_file(path, 1 << 20, &wsdl, &len) != NPG_OK)
        return npg_http_reply_error(req, 404, "error", "portin.wsdl is not installed");
    /* gSOAP keeps "http://" + the Host header in endpoint; fall back to the listener. */
    const char *ep = req->soap->endpoint;
    size_t hl = strncmp(ep, "http://", 7) == 0 ? strcspn(ep + 7, "/") : 0;
    if (hl && hl < 120 &&
        strspn(ep + 7, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789.-:[]") >= hl)
        snprintf(base, sizeof(base), "http://%.*s", (int)hl, ep + 7);
    else
        snprintf(base, sizeof(base), "http://%s:%d", gw->conf->http.listen, gw->conf->http.port);
    const char *a = strstr(wsdl, "<soap:address location=\"");
    const char *b = a ? strchr(a + 25, '"') : NULL;
    const char *x = strstr(wsdl, "schemaLocation=\"portin.xsd\"");
    char *out = NULL;
    if (a && b && x && x < a &&
        asprintf(&out,
                 "%.*sschemaLocation=\"%s/wsdl/portin.xsd\"%.*s<soap:address location=\"%s" UK_PATH
                 "%s",
                 (int)(x - wsdl), wsdl, base, (int)(a - (x + 27)), x + 27, base, b) < 0)
        out = NULL;
    free(wsdl);
    if (!out)
        return npg_http_reply_error(req, 500, "error", "portin.wsdl is not as shipped");
    int rc = npg_http_reply(req, 200, "text/xml; charset=utf-8", out, strlen(out));
    free(out);
    return rc;
}

/* The platform tells us a port happened: acknowledged once its transaction committed. */
int npg_gw_uk_notify(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_gw_t *gw = req->app;
    int status, rc;
    const char *code, *reason;
    if (!key_ok(req, NPG_TIER_PXS | NPG_TIER_ADMIN, &status, &code, &reason))
        return reply_envelope(req, status, npg_uk_fault_envelope(status != 503, code, reason));
    npg_db_t *db = NULL;
    if (npg_db_pool_get(gw->pool, 5000, &db) != NPG_OK)
        return reply_envelope(req, 503,
                              npg_uk_fault_envelope(false, "SERVICE_UNAVAILABLE",
                                                    "database unavailable; deliver again"));
    npg_canon_msg_t msg;
    char err[512] = "";
    rc = npg_uk_decode_notify(gw->uk, db, req->body, req->body_len, &msg, err, sizeof(err));
    if (rc == NPG_OK)
        rc = npg_port_apply_inbound(db, gw->conf, &msg, req->body, req->body_len, err, sizeof(err));
    npg_db_pool_put(gw->pool, &db);
    if (rc == NPG_OK || rc == NPG_EDUPLICATE)
        return reply_envelope(
            req, 200, npg_uk_ack_envelope(msg.message_id, rc == NPG_OK ? "Accepted" : "Duplicate"));
    bool client = strcmp(npg_err_soap_fault(rc), "Client") == 0;
    npg_log(client ? LOG_NOTICE : LOG_WARNING, "uk", "PortCompleted refused: %s", err);
    return reply_envelope(
        req, 500, npg_uk_fault_envelope(client, "REFUSED", err[0] ? err : npg_strerror(rc)));
}
