/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /np_api/whoami, /np_api/operators, /np_api/stats, /np_api/alarms: what the ops UI needs
 * beside the seed's endpoints (who is signed in, the operator list, the morning review). */
#include <string.h>

#include "api/rest_routes.h"
#include "numbering/operator.h"
#include "porting/alarm.h"
#include "porting/query.h"

#define CTX(req) ((npg_rest_ctx_t *)(req)->ctx)

/* Who the key is, its tier, the routes of the table it may call (so a client shows only
 * those), and our country and operator codes (local numbers become E.164 with the first). */
int npg_rest_whoami(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"};
    size_t n;
    const npg_route_t *routes = npg_rest_routes(&n);
    json_t *allowed = json_array();
    for (size_t i = 0; i < n; i++)
        if (routes[i].flags & c->tier)
            json_array_append_new(
                allowed, json_sprintf("%s %s", methods[routes[i].method], routes[i].pattern));
    return npg_rest_ok(c, json_pack("{s:s, s:s, s:s, s:s, s:o}", "user", c->user, "tier",
                                    npg_tier_name(c->tier), "country_code",
                                    c->conf->general.country_code, "operator_code",
                                    c->conf->general.operator_code, "routes", allowed));
}

static int operator_row(const char *const *col, const size_t *lens, size_t ncols, void *arg)
{
    (void)lens;
    if (ncols < 7)
        return NPG_EDB;
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "code", col[0], "name",
                  col[1] ? col[1] : "", "routing_number", col[2] ? col[2] : "", "ims_domain",
                  col[3] ? col[3] : "", "naptr_form", col[4] ? col[4] : "", "rn_format",
                  col[5] ? col[5] : "", "is_self", col[6] && strcmp(col[6], "1") == 0);
    return j && json_array_append_new(arg, j) == 0 ? 0 : NPG_ENOMEM;
}

int npg_rest_operators(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    json_t *list = json_array();
    int rc = npg_operator_list(c->db, operator_row, list);
    if (rc != NPG_OK) {
        json_decref(list);
        return npg_rest_fail(c, rc, NULL);
    }
    return npg_rest_ok(c, list);
}

int npg_rest_stats(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    json_t *j = NULL;
    int rc = npg_port_stats_json(c->db, &j);
    return rc == NPG_OK ? npg_rest_ok(c, j) : npg_rest_fail(c, rc, NULL);
}

/* ?all=1 includes cleared alarms; newest first, at most 200. */
int npg_rest_alarms(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    char all[4] = "0";
    if (npg_rest_query(c, "all", all, sizeof(all)) == NPG_EINVAL)
        return npg_rest_error(c, 400, "query parameter all must be 0 or 1");
    json_t *j = NULL;
    int rc = npg_alarm_list_json(c->db, strcmp(all, "1") != 0, 200, &j);
    return rc == NPG_OK ? npg_rest_ok(c, j) : npg_rest_fail(c, rc, NULL);
}
