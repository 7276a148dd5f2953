/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Delivery receipts: each REST provider's status callback, and SMPP's receipt text and TLVs,
 * read into one shape. Everything here is untrusted input. */
#include "sms/sms_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

#define FORM_MAX (64 * 1024)

/* The decoded value of key in an application/x-www-form-urlencoded text, or false. */
static bool form_get(const char *text, size_t len, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    const char *p = text, *end = text + len;
    while (p && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq && (size_t)(eq - p) == kl && memcmp(p, key, kl) == 0) {
            size_t n = 0;
            for (const char *v = eq + 1; v < stop && n + 1 < cap; v++) {
                if (*v == '+')
                    out[n++] = ' ';
                else if (*v == '%' && v + 2 < stop && isxdigit((unsigned char)v[1]) &&
                         isxdigit((unsigned char)v[2])) {
                    char hex[3] = {v[1], v[2], 0};
                    char ch = (char)strtol(hex, NULL, 16);
                    out[n++] = ch ? ch : ' ';
                    v += 2;
                } else
                    out[n++] = *v;
            }
            out[n] = '\0';
            return true;
        }
        p = amp ? amp + 1 : NULL;
    }
    return false;
}

static void copy_str(json_t *v, char *out, size_t cap)
{
    if (json_is_string(v))
        npg_strlcpy(out, json_string_value(v), cap);
    else if (json_is_integer(v))
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
}

/* Printable ASCII only, so a hostile value cannot reach logs or JSON as control bytes. */
static void clean(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            *s = '?';
}

static npg_sms_delivery_t classify(const char *status)
{
    static const char *const delivered[] = {"delivered", "DELIVRD"};
    static const char *const failed[] = {
        "undelivered",   "failed",  "delivery_failed", "sending_failed", "rejected",
        "expired",       "aborted", "cancelled",       "canceled",       "deleted",
        "undeliverable", "UNDELIV", "REJECTD",         "EXPIRED",        "DELETED"};
    static const char *const unknown[] = {"unknown", "delivery_unconfirmed", "UNKNOWN"};
    for (size_t i = 0; i < NPG_ARRAY_LEN(delivered); i++)
        if (strcasecmp(status, delivered[i]) == 0)
            return NPG_SMS_DELIVERED;
    for (size_t i = 0; i < NPG_ARRAY_LEN(failed); i++)
        if (strcasecmp(status, failed[i]) == 0)
            return NPG_SMS_FAILED;
    for (size_t i = 0; i < NPG_ARRAY_LEN(unknown); i++)
        if (strcasecmp(status, unknown[i]) == 0)
            return NPG_SMS_UNKNOWN;
    return NPG_SMS_PENDING;
}

/* A field from the query string first (a GET callback), then the form body. */
static bool field(const char *query, const char *body, size_t len, bool body_is_form,
                  const char *key, char *out, size_t cap)
{
    if (query && form_get(query, strlen(query), key, out, cap))
        return true;
    return body_is_form && form_get(body, len, key, out, cap);
}

int npg_sms_receipt_parse(npg_sms_provider_t p, const char *query, const char *body, size_t len,
                          npg_sms_receipt_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!body)
        body = "";
    if (len > FORM_MAX)
        return NPG_ETOOBIG;
    size_t lead = 0;
    while (lead < len && isspace((unsigned char)body[lead]))
        lead++;
    json_t *j = NULL;
    if (lead < len && body[lead] == '{') {
        json_error_t jerr;
        j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(j)) {
            json_decref(j);
            return NPG_EINVAL;
        }
    }
    bool form = j == NULL;
    if (query)
        form_get(query, strlen(query), "t", out->token, sizeof(out->token));
    switch (p) {
    case NPG_SMS_TWILIO:
        field(query, body, len, form, "MessageSid", out->message_id, sizeof(out->message_id));
        field(query, body, len, form, "MessageStatus", out->status, sizeof(out->status));
        field(query, body, len, form, "ErrorCode", out->error, sizeof(out->error));
        break;
    case NPG_SMS_VONAGE:
        if (j) {
            copy_str(json_object_get(j, "messageId"), out->message_id, sizeof(out->message_id));
            copy_str(json_object_get(j, "status"), out->status, sizeof(out->status));
            copy_str(json_object_get(j, "err-code"), out->error, sizeof(out->error));
        } else {
            field(query, body, len, form, "messageId", out->message_id, sizeof(out->message_id));
            field(query, body, len, form, "status", out->status, sizeof(out->status));
            field(query, body, len, form, "err-code", out->error, sizeof(out->error));
        }
        if (strcmp(out->error, "0") == 0)
            out->error[0] = '\0';
        break;
    case NPG_SMS_SINCH:
        copy_str(json_object_get(j, "batch_id"), out->message_id, sizeof(out->message_id));
        copy_str(json_object_get(j, "status"), out->status, sizeof(out->status));
        if (json_integer_value(json_object_get(j, "code")) != 0)
            copy_str(json_object_get(j, "code"), out->error, sizeof(out->error));
        break;
    case NPG_SMS_TELNYX: {
        json_t *pl = json_object_get(json_object_get(j, "data"), "payload");
        copy_str(json_object_get(pl, "id"), out->message_id, sizeof(out->message_id));
        copy_str(json_object_get(json_array_get(json_object_get(pl, "to"), 0), "status"),
                 out->status, sizeof(out->status));
        json_t *e = json_array_get(json_object_get(pl, "errors"), 0);
        copy_str(json_object_get(e, "code"), out->error, sizeof(out->error));
        break;
    }
    case NPG_SMS_PLIVO:
        field(query, body, len, form, "MessageUUID", out->message_id, sizeof(out->message_id));
        field(query, body, len, form, "Status", out->status, sizeof(out->status));
        field(query, body, len, form, "ErrorCode", out->error, sizeof(out->error));
        if (strcmp(out->error, "000") == 0)
            out->error[0] = '\0';
        break;
    case NPG_SMS_CLICKSEND:
        /* the account's delivery-report URL: our token comes back as custom_string */
        if (j) {
            copy_str(json_object_get(j, "message_id"), out->message_id, sizeof(out->message_id));
            copy_str(json_object_get(j, "status"), out->status, sizeof(out->status));
            copy_str(json_object_get(j, "custom_string"), out->token, sizeof(out->token));
            copy_str(json_object_get(j, "error_text"), out->error, sizeof(out->error));
        } else {
            field(query, body, len, form, "message_id", out->message_id, sizeof(out->message_id));
            field(query, body, len, form, "status", out->status, sizeof(out->status));
            field(query, body, len, form, "custom_string", out->token, sizeof(out->token));
            field(query, body, len, form, "error_text", out->error, sizeof(out->error));
        }
        break;
    default:
        json_decref(j);
        return NPG_EINVAL;
    }
    json_decref(j);
    if (!out->message_id[0] || !out->status[0])
        return NPG_EINVAL;
    clean(out->message_id);
    clean(out->status);
    clean(out->error);
    clean(out->token);
    out->delivery = classify(out->status);
    return NPG_OK;
}

/* The word after "key:" in an SMPP receipt text (up to a space). */
static void receipt_word(const char *text, size_t len, const char *key, char *out, size_t cap)
{
    size_t kl = strlen(key);
    out[0] = '\0';
    for (size_t i = 0; i + kl <= len; i++) {
        if ((i == 0 || text[i - 1] == ' ') && strncasecmp(text + i, key, kl) == 0) {
            size_t n = 0;
            for (size_t k = i + kl; k < len && text[k] != ' ' && text[k] && n + 1 < cap; k++)
                out[n++] = text[k];
            out[n] = '\0';
            return;
        }
    }
}

int npg_sms_receipt_parse_smpp(const char *text, size_t len, const char *receipted_id,
                               int message_state, npg_sms_receipt_t *out)
{
    memset(out, 0, sizeof(*out));
    receipt_word(text, len, "id:", out->message_id, sizeof(out->message_id));
    receipt_word(text, len, "stat:", out->status, sizeof(out->status));
    receipt_word(text, len, "err:", out->error, sizeof(out->error));
    if (receipted_id && receipted_id[0])
        npg_strlcpy(out->message_id, receipted_id, sizeof(out->message_id));
    static const char *const states[] = {"SCHEDULED", "ENROUTE", "DELIVRD", "EXPIRED", "DELETED",
                                         "UNDELIV",   "ACCEPTD", "UNKNOWN", "REJECTD"};
    if (!out->status[0] && message_state >= 0 && message_state < (int)NPG_ARRAY_LEN(states))
        npg_strlcpy(out->status, states[message_state], sizeof(out->status));
    if (strcmp(out->error, "000") == 0 || strcmp(out->error, "0") == 0)
        out->error[0] = '\0';
    if (!out->message_id[0] || !out->status[0])
        return NPG_EINVAL;
    clean(out->message_id);
    clean(out->status);
    clean(out->error);
    out->delivery = classify(out->status);
    return NPG_OK;
}
