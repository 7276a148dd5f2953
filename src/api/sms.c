/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /np_api/validate/sms_validate, /np_api/validate/sms_list and the providers' status callbacks
 * (/np_api/sms/receipt/{provider}): JSON and query strings to and from the sms module. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/rest_routes.h"
#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "sms/sms.h"

#define CTX(req) ((npg_rest_ctx_t *)(req)->ctx)
#define LIST_DEFAULT 50
#define LIST_MAX 500

static const char providers_sentence[] =
    "Enet, GTT, Digicel, Sinch, Twilio, Vonage, Telnyx, Plivo (or Pilvo), ClickSend";

/* Operator: one name (the seed's single answer) or an array of names (an array answer). */
static int read_providers(npg_rest_ctx_t *c, json_t *op, npg_sms_provider_t *out, size_t *n)
{
    *n = 0;
    if (json_is_string(op)) {
        int p = npg_sms_provider_find(json_string_value(op));
        if (p < 0)
            return npg_rest_error(c, 400, "Operator '%.40s' is not a provider (%s)",
                                  json_string_value(op), providers_sentence),
                   NPG_EINVAL;
        out[(*n)++] = (npg_sms_provider_t)p;
        return NPG_OK;
    }
    if (!json_is_array(op) || json_array_size(op) == 0 || json_array_size(op) > NPG_SMS_NPROVIDERS)
        return npg_rest_error(c, 400,
                              "field Operator is required: a provider name or an array of 1 to %d"
                              " of them",
                              NPG_SMS_NPROVIDERS),
               NPG_EINVAL;
    size_t i;
    json_t *v;
    json_array_foreach(op, i, v)
    {
        int p = json_is_string(v) ? npg_sms_provider_find(json_string_value(v)) : -1;
        if (p < 0)
            return npg_rest_error(c, 400, "Operator[%zu] is not a provider (%s)", i,
                                  providers_sentence),
                   NPG_EINVAL;
        for (size_t k = 0; k < *n; k++)
            if (out[k] == (npg_sms_provider_t)p)
                return npg_rest_error(c, 400, "Operator lists %s twice",
                                      npg_sms_provider_name((npg_sms_provider_t)p)),
                       NPG_EINVAL;
        out[(*n)++] = (npg_sms_provider_t)p;
    }
    return NPG_OK;
}

int npg_rest_sms_validate(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    if (!c->body)
        return npg_rest_error(c, 400, "a JSON body with phone_number and Operator is required");
    json_t *num = json_object_get(c->body, "phone_number");
    json_t *op = json_object_get(c->body, "Operator");
    json_t *key = json_object_get(c->body, "apiKey");
    if (!json_is_string(num))
        return npg_rest_error(c, 400, "field phone_number is required and must be a string");
    if (key && !json_is_string(key) && !json_is_null(key))
        return npg_rest_error(c, 400, "field apiKey must be a string");
    const char *api_key =
        json_is_string(key) && json_string_length(key) ? json_string_value(key) : NULL;
    if (api_key && json_string_length(key) > 500)
        return npg_rest_error(c, 400, "field apiKey is longer than 500 characters");
    npg_sms_provider_t list[NPG_SMS_NPROVIDERS];
    size_t n = 0;
    if (read_providers(c, op, list, &n) != NPG_OK)
        return NPG_OK;
    /* one provider's key must never travel to another */
    if (api_key && n > 1)
        return npg_rest_error(c, 400, "apiKey is one provider's key: give it with one Operator");
    char e164[NPG_E164_BUFLEN];
    if (!npg_is_digits(json_string_value(num)) ||
        npg_e164_normalise(json_string_value(num), c->conf->general.country_code, e164) != NPG_OK)
        return npg_rest_error(c, 400, "phone_number '%.20s' is not a valid number",
                              json_string_value(num));
    snprintf(c->audit_target, sizeof(c->audit_target), "%s", e164);
    json_t *results = NULL;
    int rc = npg_sms_validate(c->db, c->conf, c->user, e164, list, n, api_key, &results);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, "the validation could not be stored");
    size_t len = 0;
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r)
    {
        int w = snprintf(c->audit_detail + len, sizeof(c->audit_detail) - len, "%s%s %s %s",
                         i ? ", " : "", json_string_value(json_object_get(r, "x-provider")),
                         json_string_value(json_object_get(r, "result")),
                         json_string_value(json_object_get(r, "x-transaction-id")));
        if (w < 0 || (size_t)w >= sizeof(c->audit_detail) - len)
            break;
        len += (size_t)w;
    }
    if (json_is_string(op)) {
        json_t *one = json_incref(json_array_get(results, 0));
        json_decref(results);
        return npg_rest_ok(c, one);
    }
    return npg_rest_ok(c, results);
}

/* The value of key in the query string (plain words and digits only), or NULL. */
static const char *query_get(const char *query, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t seg = amp ? (size_t)(amp - p) : strlen(p);
        if (seg > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t vl = seg - kl - 1;
            if (vl >= cap)
                vl = cap - 1;
            memcpy(out, p + kl + 1, vl);
            out[vl] = '\0';
            return out;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

int npg_rest_sms_list(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    char number[32], limit_s[16], kind[16], e164[NPG_E164_BUFLEN];
    const char *num = query_get(req->query, "phone_number", number, sizeof(number));
    const char *lim = query_get(req->query, "limit", limit_s, sizeof(limit_s));
    const char *k = query_get(req->query, "kind", kind, sizeof(kind));
    int limit = LIST_DEFAULT;
    if (lim && (!npg_is_digits(lim) || (limit = atoi(lim)) < 1 || limit > LIST_MAX))
        return npg_rest_error(c, 400, "limit must be a number from 1 to %d", LIST_MAX);
    if (num && (!npg_is_digits(num) ||
                npg_e164_normalise(num, c->conf->general.country_code, e164) != NPG_OK))
        return npg_rest_error(c, 400, "phone_number '%.20s' is not a valid number", num);
    if (!k)
        k = "validation";
    else if (strcmp(k, "all") == 0)
        k = NULL;
    else if (strcmp(k, "validation") != 0 && strcmp(k, "send") != 0)
        return npg_rest_error(c, 400, "kind must be validation, send or all");
    json_t *out = NULL;
    int rc = npg_sms_list(c->db, k, num ? e164 : NULL, limit, &out);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, "could not list the validations");
    return npg_rest_ok(c, out);
}

/* A provider's status callback: authenticated by the token of the message it names, not by an
 * API key (the providers have none of ours). */
int npg_rest_sms_receipt(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    int p = npg_sms_provider_find(m->params[0]);
    if (p < 0 || npg_sms_provider_is_smpp((npg_sms_provider_t)p))
        return npg_rest_error(c, 404, "no receipts are taken for '%.20s'", m->params[0]);
    npg_sms_receipt_t r;
    if (npg_sms_receipt_parse((npg_sms_provider_t)p, req->query, req->body, req->body_len, &r) !=
        NPG_OK)
        return npg_rest_error(c, 400, "not a %s status callback",
                              npg_sms_provider_name((npg_sms_provider_t)p));
    int rc = npg_sms_receipt_apply(c->db, (npg_sms_provider_t)p, &r, true);
    if (rc == NPG_ENOTFOUND) {
        npg_log(LOG_NOTICE, "sms", "%s status callback for %s matches no message of ours",
                npg_sms_provider_name((npg_sms_provider_t)p), r.message_id);
        return npg_rest_error(c, 404, "no such message");
    }
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, "the receipt could not be recorded");
    return npg_rest_ok(c, json_pack("{s:s}", "result", "recorded"));
}
