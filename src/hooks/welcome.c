/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The welcome SMS: queued once per port-in when it is ported (its idempotency key is the
 * port), sent through a sender (the configured HTTP endpoint until the SMS provider layer
 * takes over) with a reference that stays the same on every attempt. */
#include "hooks/hooks_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/util.h"
#include "porting/alarm.h"

/* text with {number} and {msgidentifier} replaced. */
static void render(const char *tmpl, const char *number, const char *msgid, char *out, size_t len)
{
    size_t at = 0;
    out[0] = '\0';
    for (const char *p = tmpl; *p && at + 1 < len;) {
        const char *v = NULL;
        size_t skip = 0;
        if (strncmp(p, "{number}", 8) == 0)
            v = number, skip = 8;
        else if (strncmp(p, "{msgidentifier}", 15) == 0)
            v = msgid, skip = 15;
        if (v) {
            at += (size_t)snprintf(out + at, len - at, "%s", v);
            if (at >= len)
                at = len - 1;
            p += skip;
        } else {
            out[at++] = *p++;
            out[at] = '\0';
        }
    }
}

int welcome_queue(npg_hooks_t *h, npg_db_t *db, const npg_port_view_t *p)
{
    const npg_conf_t *c = h->conf;
    if (strcmp(c->welcome.number_types, "mobile") == 0 && strcmp(p->number_type, "mobile") != 0)
        return NPG_OK;
    if (p->nranges == 0)
        return NPG_OK;
    /* The subscriber: the customer's authorisation number when it is one of the port's
     * numbers, else the port's first number. */
    char to[24], text[NPG_CONF_STRLEN + 64], ref[48];
    snprintf(to, sizeof(to), "+%llu", (unsigned long long)p->starts[0]);
    char e164[NPG_E164_BUFLEN];
    if (p->contact_number && p->contact_number[0] &&
        npg_e164_normalise(p->contact_number, c->general.country_code, e164) == NPG_OK) {
        unsigned long long n = strtoull(e164, NULL, 10);
        for (size_t i = 0; i < p->nranges; i++)
            if (n >= p->starts[i] && n <= p->ends[i])
                snprintf(to, sizeof(to), "+%llu", n);
    }
    render(c->welcome.text, to, p->msgidentifier, text, sizeof(text));
    snprintf(ref, sizeof(ref), "welcome:in:%llu", (unsigned long long)p->id);
    json_t *job = json_pack("{s:s, s:s, s:s, s:s}", "to", to, "from",
                            c->welcome.sender[0] ? c->welcome.sender : c->general.operator_code,
                            "text", text, "reference", ref);
    char *payload = job ? json_dumps(job, JSON_COMPACT) : NULL;
    json_decref(job);
    if (!payload)
        return NPG_ENOMEM;
    int rc = npg_outbox_put(db, HOOK_KIND_SMS, ref, ref, "in", p->id, payload);
    free(payload);
    return rc == NPG_EEXIST ? NPG_OK : rc; /* once per port, whatever happens */
}

/* The configured endpoint: POST {"to","from","text","reference"}, 2xx accepted. */
int welcome_http_send(void *arg, const npg_sms_t *sms, char *result, size_t len)
{
    npg_hooks_t *h = arg;
    json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "to", sms->to, "from", sms->from, "text",
                          sms->text, "reference", sms->reference);
    char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!body)
        return NPG_ENOMEM;
    char idem[96];
    snprintf(idem, sizeof(idem), "Idempotency-Key: %s", sms->reference);
    npg_hook_http_req_t req = {.url = h->conf->welcome.url,
                               .tls = h->conf,
                               .headers = {idem},
                               .bearer = h->conf->welcome.token,
                               .body = body,
                               .body_len = strlen(body),
                               .timeout_ms = h->conf->welcome.timeout_ms};
    npg_hook_http_resp_t resp;
    int rc = npg_hook_http_post(&req, &resp);
    free(body);
    if (rc != NPG_OK) {
        snprintf(result, len, "%s", resp.error);
        return rc == NPG_EINVAL ? NPG_EINVAL : NPG_EPEER;
    }
    json_t *a = json_loads(resp.body, 0, NULL);
    const char *id = json_string_value(json_object_get(a, "message_id"));
    if (resp.status >= 200 && resp.status < 300)
        snprintf(result, len, "welcome SMS to %s accepted%s%s", sms->to, id ? ": " : "",
                 id ? id : "");
    else
        snprintf(result, len, "SMS endpoint: HTTP %ld %.200s", resp.status, resp.body);
    rc = resp.status >= 200 && resp.status < 300 ? NPG_OK : NPG_EPEER;
    json_decref(a);
    npg_hook_http_resp_clear(&resp);
    return rc;
}

static int welcome_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_hooks_t *h = ctx;
    json_t *j = json_loads(item->payload, 0, NULL);
    npg_sms_t sms = {.to = json_string_value(json_object_get(j, "to")),
                     .from = json_string_value(json_object_get(j, "from")),
                     .text = json_string_value(json_object_get(j, "text")),
                     .reference = json_string_value(json_object_get(j, "reference"))};
    int rc;
    if (!sms.to || !sms.from || !sms.text || !sms.reference) {
        snprintf(result, len, "malformed sms payload");
        rc = NPG_EINVAL;
    } else {
        rc = h->sms.send(h->sms.arg, &sms, result, len);
    }
    json_decref(j);
    return rc;
}

static int welcome_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    (void)ctx;
    return hook_note(db, item, "WelcomeSms", result);
}

static int welcome_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error)
{
    (void)ctx;
    int rc = hook_note(db, item, "WelcomeSmsFailed", error);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_WARNING, "sms", item->port_kind, item->port_id,
                             "welcome SMS not sent (npgwctl hook replay %llu): %s",
                             (unsigned long long)item->id, error);
    return rc;
}

const npg_outbox_handler_t welcome_handler = {
    .kind = HOOK_KIND_SMS,
    .deliver = welcome_deliver,
    .done = welcome_done,
    .failed = welcome_failed,
};
