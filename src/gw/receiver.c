/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The clearinghouse XML receiver: POST /np_api/{deployment_prefix}/recv/. */
#include "gw/gw_internal.h"

#include <stdlib.h>
#include <string.h>

#include "api/apikey.h"
#include "adapters/pxs/pxs.h"
#include "common/log.h"
#include "porting/port.h"

static int reply_soap(npg_http_req_t *req, int status, char *envelope)
{
    if (!envelope)
        return npg_http_reply(req, 500, "text/plain", "out of memory", 13);
    int rc = npg_http_reply(req, status, "text/xml; charset=utf-8", envelope, strlen(envelope));
    free(envelope);
    return rc;
}

static int fault(npg_http_req_t *req, int status, bool client, const char *reason)
{
    npg_log(client ? LOG_NOTICE : LOG_WARNING, "recv", "refused: %s", reason);
    return reply_soap(req, status, npg_pxs_fault_envelope(client, reason));
}

/* Clearinghouse credentials: a key of tier pxs (or admin), checked against its salted hash. */
int npg_gw_authenticate(npg_gw_t *gw, npg_http_req_t *req, npg_tier_t *tier)
{
    npg_db_t *db = NULL;
    if (!req->user || !req->password)
        return NPG_EAUTH;
    int rc = npg_db_pool_get(gw->pool, 5000, &db);
    if (rc != NPG_OK)
        return NPG_EDBDOWN;
    rc = npg_apikey_verify(db, req->user, req->password, tier);
    npg_db_pool_put(gw->pool, &db);
    return rc;
}

int npg_gw_receive(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    const npg_conf_t *conf = gw->conf;
    if (strcmp(m->params[0], conf->pxs.deployment_prefix) != 0)
        return npg_http_reply_error(req, 404, "error", "no such receiver");
    npg_tier_t tier = NPG_TIER_NONE;
    int rc = npg_gw_authenticate(gw, req, &tier);
    if (rc == NPG_EDBDOWN)
        return fault(req, 503, false, "database unavailable; deliver again later");
    if (rc != NPG_OK)
        return fault(req, 401, true, "authentication failed: clearinghouse user and key required");
    if (!(tier & (NPG_TIER_PXS | NPG_TIER_ADMIN)))
        return fault(req, 403, true, "this key's tier may not deliver clearinghouse messages");

    npg_canon_msg_t msg;
    char err[512] = "";
    rc = npg_pxs_decode(gw->pxs, req->body, req->body_len, &msg, err, sizeof(err));
    if (rc != NPG_OK)
        return fault(req, 500, true, err);

    npg_db_t *db = NULL;
    if (npg_db_pool_get(gw->pool, 5000, &db) != NPG_OK)
        return fault(req, 503, false, "database unavailable; deliver again later");
    rc = npg_port_apply_inbound(db, conf, &msg, req->body, req->body_len, err, sizeof(err));
    npg_db_pool_put(gw->pool, &db);
    /* Acknowledge only what is committed; a repeat of a committed message is acknowledged too. */
    if (rc == NPG_OK)
        return reply_soap(req, 200, npg_pxs_ack_envelope(msg.message_id, "Accepted"));
    if (rc == NPG_EDUPLICATE)
        return reply_soap(req, 200, npg_pxs_ack_envelope(msg.message_id, "Duplicate"));
    bool client = strcmp(npg_err_soap_fault(rc), "Client") == 0;
    return fault(req, 500, client, err[0] ? err : npg_strerror(rc));
}
