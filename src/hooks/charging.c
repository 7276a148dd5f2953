/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The charging platform, CGrateS, over its JSON-RPC API (HTTP POST /jsonrpc):
 * - port-in completed: per number APIerSv2.SetAccount (unless the account exists and is
 *   enabled: an action plan's *asap actions run once) and APIerSv1.SetAttributeProfile (the
 *   routing profile the Routing Query shows as MatchedProfiles);
 * - port-out terminated at its port time: APIerSv2.SetAccount with Disabled (real-time
 *   charging stops; the balances stay for the final bill), APIerSv1.RemoveAttributeProfile
 *   carrying the porting reason code in APIOpts, and APIerSv1.RemoveAccount when
 *   [charging] remove_account = yes.
 * Every call is idempotent, so a redelivery repeats no effect. */
#include "hooks/hooks_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/naptr.h"
#include "numbering/operator.h"
#include "porting/alarm.h"

void npg_charging_profile_id(const char *op, const char *e164_digits, char *out, size_t len)
{
    snprintf(out, len, "npgw_ported_%s_%s", op, e164_digits);
}

int charging_queue(npg_hooks_t *h, npg_db_t *db, const npg_port_view_t *p, bool activate)
{
    json_t *ranges = json_array();
    for (size_t i = 0; ranges && i < p->nranges; i++) {
        char f[24], l[24];
        snprintf(f, sizeof(f), "%llu", (unsigned long long)p->starts[i]);
        snprintf(l, sizeof(l), "%llu", (unsigned long long)p->ends[i]);
        json_array_append_new(ranges, json_pack("[s, s]", f, l));
    }
    json_t *job =
        json_pack("{s:s, s:s, s:s, s:o}", "action", activate ? "activate" : "deactivate",
                  "msgidentifier", p->msgidentifier, "recipient", p->recipient, "ranges", ranges);
    if (!job)
        return NPG_ENOMEM;
    if (activate) { /* the routing our numbers have now, in the profile */
        npg_operator_t op;
        int rc = npg_operator_get(db, h->conf->general.operator_code, &op);
        if (rc != NPG_OK) {
            json_decref(job);
            return rc;
        }
        json_object_set_new(job, "operator",
                            json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", op.code,
                                      "routing_number", op.routing_number, "ims_domain",
                                      op.ims_domain, "naptr_form", op.naptr_form, "rn_format",
                                      op.rn_format));
    }
    char *payload = json_dumps(job, JSON_COMPACT);
    json_decref(job);
    if (!payload)
        return NPG_ENOMEM;
    char key[64];
    snprintf(key, sizeof(key), "cgr:%s:%s:%llu", activate ? "activate" : "deactivate",
             p->kind == NPG_PORT_IN ? "in" : "out", (unsigned long long)p->id);
    /* one order for all: a number's activation is never overtaken by its deactivation */
    int rc = npg_outbox_put(db, HOOK_KIND_CHARGING, "cgrates", key,
                            p->kind == NPG_PORT_IN ? "in" : "out", p->id, payload);
    free(payload);
    return rc;
}

/* One JSON-RPC call: params (stolen) as the single argument. NPG_ENOTFOUND for CGrateS's
 * NOT_FOUND; *result (may be NULL) gets the result, the caller's reference. */
static int rpc(npg_hooks_t *h, const char *method, json_t *params, json_t **result, char *err,
               size_t len)
{
    static int seq;
    json_t *call = json_pack("{s:s, s:[o], s:i}", "method", method, "params", params, "id",
                             __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
    char *body = call ? json_dumps(call, JSON_COMPACT) : NULL;
    json_decref(call);
    if (!body)
        return NPG_ENOMEM;
    const npg_conf_t *c = h->conf;
    npg_hook_http_req_t req = {.url = c->charging.url,
                               .tls = c,
                               .user = c->charging.user,
                               .password = c->charging.password,
                               .body = body,
                               .body_len = strlen(body),
                               .timeout_ms = c->charging.timeout_ms};
    npg_hook_http_resp_t resp;
    int rc = npg_hook_http_post(&req, &resp);
    free(body);
    if (rc != NPG_OK) {
        snprintf(err, len, "%s: %s", method, resp.error);
        return rc == NPG_EINVAL ? NPG_EINVAL : NPG_EPEER;
    }
    json_t *ans = resp.status == 200 ? json_loads(resp.body, 0, NULL) : NULL;
    json_t *e = ans ? json_object_get(ans, "error") : NULL;
    if (!ans) {
        snprintf(err, len, "%s: HTTP %ld %.150s", method, resp.status, resp.body);
        rc = NPG_EPEER;
    } else if (e && !json_is_null(e)) {
        const char *es = json_string_value(e);
        snprintf(err, len, "%s: %.200s", method, es ? es : "error");
        rc = es && strstr(es, "NOT_FOUND") ? NPG_ENOTFOUND : NPG_EPEER;
    } else if (result) {
        *result = json_incref(json_object_get(ans, "result"));
    }
    json_decref(ans);
    npg_hook_http_resp_clear(&resp);
    return rc;
}

static json_t *strings(const char *csv)
{
    json_t *a = json_array();
    char copy[NPG_CONF_STRLEN];
    npg_strlcpy(copy, csv, sizeof(copy));
    for (char *s = NULL, *w = strtok_r(copy, ", ", &s); a && w; w = strtok_r(NULL, ", ", &s))
        json_array_append_new(a, json_string(w));
    return a;
}

/* The account's state: 1 enabled, 0 disabled, -1 none. */
static int account_state(npg_hooks_t *h, const char *acct, int *state, char *err, size_t len)
{
    json_t *r = NULL;
    int rc = rpc(h, "APIerSv2.GetAccount",
                 json_pack("{s:s, s:s}", "Tenant", h->conf->charging.tenant, "Account", acct), &r,
                 err, len);
    if (rc == NPG_ENOTFOUND) {
        *state = -1;
        return NPG_OK;
    }
    if (rc == NPG_OK)
        *state = json_is_true(json_object_get(r, "Disabled")) ? 0 : 1;
    json_decref(r);
    return rc;
}

static int set_account(npg_hooks_t *h, const char *acct, bool disabled, bool plans, char *err,
                       size_t len)
{
    const npg_conf_t *c = h->conf;
    json_t *p = json_pack(
        "{s:s, s:s, s:o, s:b, s:[], s:b, s:{s:b}, s:b}", "Tenant", c->charging.tenant, "Account",
        acct, "ActionPlanIDs", plans ? strings(c->charging.action_plans) : json_array(),
        "ActionPlansOverwrite", false, "ActionTriggerIDs", "ActionTriggerOverwrite", false,
        "ExtraOptions", "Disabled", disabled, "ReloadScheduler", plans);
    return rpc(h, "APIerSv2.SetAccount", p, NULL, err, len);
}

static json_t *constant(const char *path, const char *value)
{
    return json_pack("{s:[], s:s, s:s, s:[{s:s}]}", "FilterIDs", "Path", path, "Type", "*constant",
                     "Value", "Rules", value);
}

static int activate_one(npg_hooks_t *h, json_t *op, const char *e164, char *err, size_t len)
{
    const npg_conf_t *c = h->conf;
    int state;
    int rc = account_state(h, e164, &state, err, len);
    if (rc == NPG_OK && state != 1)
        rc = set_account(h, e164, false, true, err, len);
    if (rc != NPG_OK)
        return rc;
    npg_naptr_route_t nr = {.e164 = e164,
                            .rn = json_string_value(json_object_get(op, "routing_number")),
                            .ims_domain = json_string_value(json_object_get(op, "ims_domain"))};
    if (npg_naptr_form_parse(json_string_value(json_object_get(op, "naptr_form")), &nr.form) !=
        NPG_OK)
        nr.form = NPG_NAPTR_SIP;
    if (npg_naptr_rn_format_parse(json_string_value(json_object_get(op, "rn_format")),
                                  &nr.rn_format) != NPG_OK)
        nr.rn_format = NPG_NAPTR_RN_GLOBAL;
    char regexp[512], id[64], filter[64], order[8], pref[8];
    if (npg_naptr_regexp(&nr, regexp, sizeof(regexp)) < 0) {
        snprintf(err, len, "no NAPTR for %s", e164);
        return NPG_EINVAL;
    }
    snprintf(order, sizeof(order), "%d", NPG_NAPTR_ORDER);
    snprintf(pref, sizeof(pref), "%d", NPG_NAPTR_PREF);
    npg_charging_profile_id(json_string_value(json_object_get(op, "code")), e164, id, sizeof(id));
    snprintf(filter, sizeof(filter), "*string:~*req.E164Address:%s", e164);
    json_t *p = json_pack("{s:s, s:s, s:o, s:[s], s:n, s:[o, o, o], s:b, s:f, s:{}}", "Tenant",
                          c->charging.tenant, "ID", id, "Contexts", strings(c->charging.contexts),
                          "FilterIDs", filter, "ActivationInterval", "Attributes",
                          constant("*req.NAPTRAddress", regexp), constant("*req.NAPTROrder", order),
                          constant("*req.NAPTRPreference", pref), "Blocker", false, "Weight", 10.0,
                          "APIOpts");
    return rpc(h, "APIerSv1.SetAttributeProfile", p, NULL, err, len);
}

static int deactivate_one(npg_hooks_t *h, const char *self, const char *recipient,
                          const char *msgid, const char *e164, char *err, size_t len)
{
    const npg_conf_t *c = h->conf;
    int state;
    int rc = account_state(h, e164, &state, err, len);
    if (rc == NPG_OK && state == 1) /* real-time charging stops now */
        rc = set_account(h, e164, true, false, err, len);
    char id[64];
    npg_charging_profile_id(self, e164, id, sizeof(id));
    if (rc == NPG_OK) {
        rc = rpc(h, "APIerSv1.RemoveAttributeProfile",
                 json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "Tenant", c->charging.tenant, "ID", id,
                           "APIOpts", "npgwReasonCode", "ported_out", "npgwRecipient", recipient,
                           "npgwPort", msgid),
                 NULL, err, len);
        if (rc == NPG_ENOTFOUND) /* a home number: it never had a profile of ours */
            rc = NPG_OK;
    }
    if (rc == NPG_OK && state >= 0 && strcmp(c->charging.remove_account, "yes") == 0) {
        rc = rpc(h, "APIerSv1.RemoveAccount",
                 json_pack("{s:s, s:s, s:b}", "Tenant", c->charging.tenant, "Account", e164,
                           "ReloadScheduler", true),
                 NULL, err, len);
        if (rc == NPG_ENOTFOUND)
            rc = NPG_OK;
    }
    return rc;
}

static int charging_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_hooks_t *h = ctx;
    json_t *job = json_loads(item->payload, 0, NULL);
    const char *action = json_string_value(json_object_get(job, "action"));
    json_t *ranges = json_object_get(job, "ranges"), *r;
    if (!action || !json_is_array(ranges)) {
        json_decref(job);
        snprintf(result, len, "malformed charging payload");
        return NPG_EINVAL;
    }
    bool activate = strcmp(action, "activate") == 0;
    const char *msgid = json_string_value(json_object_get(job, "msgidentifier"));
    const char *recipient = json_string_value(json_object_get(job, "recipient"));
    json_t *op = json_object_get(job, "operator");
    int rc = NPG_OK;
    size_t i;
    unsigned long long done = 0;
    char err[400] = "";
    json_array_foreach(ranges, i, r)
    {
        unsigned long long first = strtoull(json_string_value(json_array_get(r, 0)), NULL, 10);
        unsigned long long last = strtoull(json_string_value(json_array_get(r, 1)), NULL, 10);
        for (unsigned long long n = first; rc == NPG_OK && n <= last; n++, done++) {
            char e164[24];
            snprintf(e164, sizeof(e164), "%llu", n);
            rc = activate ? activate_one(h, op, e164, err, sizeof(err))
                          : deactivate_one(h, h->conf->general.operator_code, recipient,
                                           msgid ? msgid : "", e164, err, sizeof(err));
        }
        if (rc != NPG_OK)
            break;
    }
    if (rc == NPG_OK)
        snprintf(result, len, "CGrateS: %s %llu number%s", activate ? "activated" : "deactivated",
                 done, done == 1 ? "" : "s");
    else
        snprintf(result, len, "CGrateS %s after %llu numbers: %s", action, done, err);
    json_decref(job);
    return rc == NPG_ENOTFOUND ? NPG_EPEER : rc;
}

static int charging_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    (void)ctx;
    return hook_note(db, item, "Charging", result);
}

/* The seed's "charging platform integration failure": at the first failure, and for good. */
static int charging_retrying(void *ctx, npg_db_t *db, const npg_outbox_item_t *item,
                             const char *error)
{
    (void)ctx;
    if (item->attempts != 1)
        return NPG_OK; /* one alarm per delivery while it is retried */
    return npg_alarm_raise(db, NPG_ALARM_MAJOR, "charging", item->port_kind, item->port_id,
                           "Charging platform integration failure (retrying): %s", error);
}

static int charging_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item,
                           const char *error)
{
    (void)ctx;
    int rc = hook_note(db, item, "ChargingFailed", error);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "charging", item->port_kind, item->port_id,
                             "Charging platform integration failure, given up after %d attempts"
                             " (npgwctl hook replay %llu): %s",
                             item->attempts, (unsigned long long)item->id, error);
    return rc;
}

const npg_outbox_handler_t charging_handler = {
    .kind = HOOK_KIND_CHARGING,
    .deliver = charging_deliver,
    .done = charging_done,
    .failed = charging_failed,
    .retrying = charging_retrying,
};
