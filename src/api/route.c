/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /np_api/route: what the routing store says about a number, manual pushes and deletes. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/rest_routes.h"
#include "common/util.h"
#include "enum/naptr.h"
#include "hooks/hooks.h"
#include "porting/port.h"
#include "routing/routing.h"

#define CTX(req) ((npg_rest_ctx_t *)(req)->ctx)

/*
 * The reference's CGrateS ProcessEvent shape: Event.E164Address, NAPTRAddress,
 * NAPTROrder, NAPTRPreference and MatchedProfiles, plus what npgw knows beside.
 */
static json_t *route_json(const npg_route_info_t *ri)
{
    char e164[NPG_E164_BUFLEN], regexp[512];
    npg_e164_from_u64(ri->number, e164);
    npg_naptr_form_t form = NPG_NAPTR_SIP;
    if (npg_naptr_form_parse(ri->serving.naptr_form, &form) != NPG_OK)
        form = NPG_NAPTR_SIP;
    npg_naptr_rn_format_t rn_format = NPG_NAPTR_RN_GLOBAL;
    if (npg_naptr_rn_format_parse(ri->serving.rn_format, &rn_format) != NPG_OK)
        rn_format = NPG_NAPTR_RN_GLOBAL;
    npg_naptr_route_t nr = {.e164 = e164,
                            .rn = ri->ported ? ri->serving.routing_number : NULL,
                            .ims_domain = ri->serving.ims_domain,
                            .form = form,
                            .rn_format = rn_format};
    if (npg_naptr_regexp(&nr, regexp, sizeof(regexp)) < 0)
        regexp[0] = '\0';
    json_t *event = json_pack(
        "{s:s, s:s, s:i, s:i, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "E164Address", e164,
        "NAPTRAddress", regexp, "NAPTROrder", NPG_NAPTR_ORDER, "NAPTRPreference", NPG_NAPTR_PREF,
        "NAPTRService", npg_naptr_service(form), "Operator", ri->serving.code, "RoutingNumber",
        ri->ported ? ri->serving.routing_number : "", "HomeOperator", ri->home_operator, "Ported",
        ri->ported, "NumberType", ri->number_type, "Source", ri->source, "PortRef", ri->port_ref,
        "Updated", ri->updated_at);
    char profile[64];
    if (ri->ported) /* the number's own profile, as the charging hook creates it in CGrateS */
        npg_charging_profile_id(ri->serving.code, e164, profile, sizeof(profile));
    else
        snprintf(profile, sizeof(profile), "npgw_home_%s", ri->serving.code);
    return json_pack("{s:o, s:[s]}", "Event", event, "MatchedProfiles", profile);
}

/* The subscription view: npgw has no HSS link, so this is what our number inventory says. */
static json_t *hss_json(const npg_route_info_t *ri)
{
    char e164[NPG_E164_BUFLEN];
    npg_e164_from_u64(ri->number, e164);
    return json_pack("{s:s, s:b, s:s, s:s, s:s}", "MSISDN", e164, "Subscribed", ri->serving.is_self,
                     "ServingOperator", ri->serving.code, "IMSDomain", ri->serving.ims_domain,
                     "NumberType", ri->number_type);
}

static int lookup(npg_rest_ctx_t *c, const char *param, npg_route_info_t *ri)
{
    char e164[NPG_E164_BUFLEN];
    uint64_t n;
    if (npg_rest_msisdn(c, param, e164) != NPG_OK)
        return NPG_EINVAL;
    if (npg_e164_to_u64(e164, &n) != NPG_OK) {
        npg_rest_error(c, 400, "msisdn '%s' is not a number", param);
        return NPG_EINVAL;
    }
    int rc = npg_routing_read(c->db, n, ri);
    if (rc == NPG_ENOTFOUND)
        npg_rest_error(c, 404,
                       "%s is not served: it is neither ported nor in any operator's"
                       " number range",
                       e164);
    else if (rc != NPG_OK)
        npg_rest_fail(c, rc, "the routing store could not be read");
    return rc;
}

int npg_rest_route_get(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    npg_route_info_t ri;
    if (lookup(c, m->params[0], &ri) != NPG_OK)
        return NPG_OK;
    return npg_rest_ok(c, route_json(&ri));
}

int npg_rest_route_hss(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    npg_route_info_t ri;
    if (lookup(c, m->params[0], &ri) != NPG_OK)
        return NPG_OK;
    return npg_rest_ok(c, json_pack("{s:o}", "HSS", hss_json(&ri)));
}

int npg_rest_route_push(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char e164[NPG_E164_BUFLEN];
    uint64_t n;
    npg_operator_t op;
    if (npg_rest_msisdn(c, m->params[0], e164) != NPG_OK)
        return NPG_OK;
    const char *type = m->params[2];
    if (strcasecmp(type, "mobile") != 0 && strcasecmp(type, "fixed") != 0)
        return npg_rest_error(c, 400, "type must be mobile or fixed, not '%s'", type);
    if (!npg_operator_code_valid(m->params[1]))
        return npg_rest_error(c, 400,
                              "operator '%s' is not an operator code (2 to 10 capitals"
                              " or digits)",
                              m->params[1]);
    int rc = npg_operator_get(c->db, m->params[1], &op);
    if (rc == NPG_ENOTFOUND)
        return npg_rest_error(c, 400, "operator '%s' is unknown to this gateway", m->params[1]);
    if (rc == NPG_OK && npg_e164_to_u64(e164, &n) == NPG_OK)
        rc = npg_port_route_change(c->db, c->pt, n, &op,
                                   strcasecmp(type, "fixed") == 0 ? "fixed" : "mobile", "manual");
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, "the routing change was not stored");
    snprintf(c->audit_detail, sizeof(c->audit_detail), "routed to %s (%s)", op.code, type);
    npg_route_info_t ri;
    if (npg_routing_get(c->db, n, &ri) != NPG_OK)
        return npg_rest_fail(c, NPG_EDBDOWN, "stored, but could not be read back");
    json_t *out = route_json(&ri);
    json_object_set_new(out, "result", json_string("success"));
    return npg_rest_ok(c, out);
}

int npg_rest_route_delete(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char e164[NPG_E164_BUFLEN];
    uint64_t n;
    if (npg_rest_msisdn(c, m->params[0], e164) != NPG_OK)
        return NPG_OK;
    int rc = npg_e164_to_u64(e164, &n);
    if (rc == NPG_OK)
        rc = npg_port_route_change(c->db, c->pt, n, NULL, NULL, "manual");
    if (rc == NPG_ENOTFOUND)
        return npg_rest_error(c, 404, "%s has no routing record", e164);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, "the routing record was not removed");
    snprintf(c->audit_detail, sizeof(c->audit_detail), "routing record removed");
    return npg_rest_ok(c,
                       json_pack("{s:s, s:s, s:s}", "result", "success", "msisdn", e164, "message",
                                 "Routing record removed; the number falls back to"
                                 " its home operator"));
}
