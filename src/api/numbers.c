/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /np_api/info and /np_api/terminate: adapters over the clearinghouse and porting (the SMS
 * validation is in api/sms.c). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/rest_routes.h"
#include "common/e164.h"
#include "common/util.h"
#include "porting/port.h"

#define CTX(req) ((npg_rest_ctx_t *)(req)->ctx)

int npg_rest_info(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char e164[NPG_E164_BUFLEN], why[512];
    if (npg_rest_msisdn(c, m->params[0], e164) != NPG_OK)
        return NPG_OK;
    json_t *info = NULL;
    if (!c->env->number_info)
        return npg_rest_error(c, 501, "the %s clearinghouse answers no number queries",
                              c->conf->general.clearinghouse);
    int rc = c->env->number_info(c->env->number_info_arg,
                                 npg_e164_local_part(e164, c->conf->general.country_code), &info,
                                 why, sizeof(why));
    if (rc == NPG_EINVAL)
        return npg_rest_error(c, 400, "the clearinghouse refused the query: %s", why);
    if (rc != NPG_OK)
        return npg_rest_error(c, 502, "the clearinghouse did not answer: %s", why);
    return npg_rest_ok(c, info);
}

int npg_rest_terminate(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char e164[NPG_E164_BUFLEN], msgid[NPG_MSGID_LEN], err[512];
    if (npg_rest_msisdn(c, m->params[0], e164) != NPG_OK)
        return NPG_OK;
    const char *type = m->params[1];
    if (strcasecmp(type, "mobile") != 0 && strcasecmp(type, "fixed") != 0)
        return npg_rest_error(c, 400, "type_of_numbers must be mobile or fixed, not '%s'", type);
    /* ?effective=YYYY-MM-DDTHH:MM:SSZ: the effective release date (NPAC disconnect) */
    time_t effective = 0;
    const char *q = req->query;
    if (strncmp(q, "effective=", 10) == 0 &&
        (strlen(q + 10) != 20 || npg_time_parse(q + 10, &effective) != NPG_OK))
        return npg_rest_error(c, 400, "effective must be a UTC time like 2026-03-05T15:00:00Z");
    if (q[0] && strncmp(q, "effective=", 10) != 0)
        return npg_rest_error(c, 400, "the only query parameter is effective");
    int rc = npg_port_terminate_at(c->db, c->pt, e164,
                                   strcasecmp(type, "mobile") == 0 ? "mobile" : "fixed", effective,
                                   msgid, err, sizeof(err));
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, err);
    snprintf(c->audit_detail, sizeof(c->audit_detail), "termination %s queued", msgid);
    bool later = effective > time(NULL);
    return npg_rest_ok(c, json_pack("{s:s, s:s, s:s}", "result", "success", "msgidentifier", msgid,
                                    "message",
                                    later ? "Termination submitted; the routing record goes on the"
                                            " effective date, when the clearinghouse reports it"
                                          : "Termination submitted; routing record removed"));
}
