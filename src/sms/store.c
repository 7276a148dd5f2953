/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sms_messages table: a row per message, its submission result, its receipts, and the JSON
 * views of it. */
#include "sms/sms_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

static const char *const kinds[] = {[NPG_SMS_VALIDATION] = "validation", [NPG_SMS_SEND] = "send"};

int npg_sms_store_pending(npg_db_t *db, npg_sms_kind_t kind, const char *user, npg_sms_provider_t p,
                          const npg_sms_msg_t *msg, int64_t submitted_ms, uint64_t *id)
{
    char when[32];
    snprintf(when, sizeof(when), "%lld.%03lld", (long long)(submitted_ms / 1000),
             (long long)(submitted_ms % 1000));
    char body[161];
    npg_strlcpy(body, msg->body, sizeof(body));
    return npg_db_exec(db,
                       "INSERT INTO sms_messages (transaction_id, kind, requested_by, number,"
                       " provider, body, result, submitted_at, receipt_token)"
                       " VALUES (?, ?, ?, ?, ?, ?, 'Pending', FROM_UNIXTIME(?), ?)",
                       NPG_DB_P(NPG_DB_S(msg->ids->transaction_id), NPG_DB_S(kinds[kind]),
                                NPG_DB_S(user ? user : "-"), NPG_DB_S(msg->number),
                                NPG_DB_S(npg_sms_provider_name(p)), NPG_DB_S(body), NPG_DB_S(when),
                                NPG_DB_S(msg->ids->receipt_token)),
                       NULL, id);
}

int npg_sms_store_result(npg_db_t *db, uint64_t id, const npg_sms_result_t *r)
{
    bool ok = r->error == NPG_SMS_OK;
    return npg_db_exec(
        db,
        "UPDATE sms_messages SET result = ?, error_code = ?, error_text = ?, http_status = ?,"
        " message_id = ?, elapsed_ms = ?, provider_response = ? WHERE id = ?",
        NPG_DB_P(
            NPG_DB_S(ok ? "Sent" : "Error"), NPG_DB_S(ok ? NULL : npg_sms_error_code(r->error)),
            NPG_DB_S(ok ? NULL : r->error_text), r->status >= 0 ? NPG_DB_I(r->status) : NPG_DB_NUL,
            NPG_DB_S(r->message_id[0] ? r->message_id : NULL), NPG_DB_I(r->elapsed_ms),
            NPG_DB_S(r->response), NPG_DB_U(id)),
        NULL, NULL);
}

int npg_sms_store(npg_db_t *db, npg_sms_kind_t kind, const char *user, const npg_sms_msg_t *msg,
                  const npg_sms_result_t *r)
{
    uint64_t id = 0;
    int rc = npg_sms_store_pending(db, kind, user, r->provider, msg, r->submitted_ms, &id);
    if (rc == NPG_OK)
        rc = npg_sms_store_result(db, id, r);
    return rc;
}

#define ROW_COLUMNS                                                                                \
    "id, result, message_id, transaction_id,"                                                      \
    " DATE_FORMAT(submitted_at, '%Y-%m-%dT%H:%i:%s.%fZ'), provider, provider_response,"            \
    " error_code, error_text, http_status, elapsed_ms, kind, requested_by, number, delivery,"      \
    " receipt_status, receipt_error, DATE_FORMAT(receipt_at, '%Y-%m-%dT%H:%i:%s.%fZ'), receipts,"  \
    " delivery_ms"

/* DATE_FORMAT's %f has six digits; the API shows milliseconds. */
static json_t *time_ms(const char *s)
{
    if (!s)
        return json_null();
    char t[32];
    size_t n = strlen(s);
    if (n == 27 && s[26] == 'Z') { /* ....ss.ffffffZ */
        snprintf(t, sizeof(t), "%.23sZ", s);
        return json_string(t);
    }
    return json_string(s);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *row_json(const npg_db_rows_t *rows, size_t i)
{
#define G(c) npg_db_rows_get(rows, i, c)
    const char *result = G(1);
    json_t *j = json_object();
    if (!j)
        return NULL;
    /* the seed's fields first, in its order */
    json_object_set_new(j, "result", json_string(result));
    json_object_set_new(j, "x-message-id", json_string(G(2) ? G(2) : ""));
    json_object_set_new(j, "x-transaction-id", json_string(G(3)));
    json_object_set_new(j, "x-message-timestamp", time_ms(G(4)));
    json_object_set_new(j, "x-provider", json_string(G(5)));
    json_object_set_new(j, "x-provider-response", json_string(G(6) ? G(6) : ""));
    /* ours */
    json_object_set_new(j, "id", json_integer(npg_db_rows_int(rows, i, 0, 0)));
    json_object_set_new(j, "x-error-code", str_or_null(G(7)));
    json_object_set_new(j, "x-error", str_or_null(G(8)));
    json_object_set_new(j, "x-http-status",
                        G(9) ? json_integer(npg_db_rows_int(rows, i, 9, 0)) : json_null());
    json_object_set_new(j, "x-elapsed-ms", json_integer(npg_db_rows_int(rows, i, 10, 0)));
    json_object_set_new(j, "kind", json_string(G(11)));
    json_object_set_new(j, "requested_by", json_string(G(12)));
    json_object_set_new(j, "phone_number", json_string(G(13)));
    /* delivery: for a message the provider accepted, or one whose receipts came although its
     * submission's answer did not (a timeout after the provider took it) */
    bool shown = strcmp(result, "Sent") == 0 || npg_db_rows_int(rows, i, 18, 0) > 0;
    json_object_set_new(j, "delivery", shown ? json_string(G(14)) : json_null());
    json_object_set_new(j, "delivery_status", str_or_null(G(15)));
    json_object_set_new(j, "delivery_error", str_or_null(G(16)));
    json_object_set_new(j, "delivery_receipt_at", time_ms(G(17)));
    json_object_set_new(j, "delivery_receipts", json_integer(npg_db_rows_int(rows, i, 18, 0)));
    json_object_set_new(j, "delivery_ms",
                        G(19) ? json_integer(npg_db_rows_int(rows, i, 19, 0)) : json_null());
#undef G
    return j;
}

json_t *npg_sms_row_json(npg_db_t *db, uint64_t id)
{
    npg_db_rows_t *rows = NULL;
    if (npg_db_query(db, "SELECT " ROW_COLUMNS " FROM sms_messages WHERE id = ?",
                     NPG_DB_P(NPG_DB_U(id)), &rows) != NPG_OK)
        return NULL;
    json_t *j = npg_db_rows_count(rows) == 1 ? row_json(rows, 0) : NULL;
    npg_db_rows_free(&rows);
    return j;
}

int npg_sms_list(npg_db_t *db, const char *kind, const char *number, int limit, json_t **out)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT " ROW_COLUMNS " FROM sms_messages"
                          " WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR number = ?)"
                          " ORDER BY id DESC LIMIT ?",
                          NPG_DB_P(NPG_DB_S(kind), NPG_DB_S(kind), NPG_DB_S(number),
                                   NPG_DB_S(number), NPG_DB_I(limit)),
                          &rows);
    if (rc != NPG_OK)
        return rc;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < npg_db_rows_count(rows); i++) {
        json_t *row = row_json(rows, i);
        if (!row) {
            json_decref(arr);
            arr = NULL;
            break;
        }
        json_array_append_new(arr, row);
    }
    npg_db_rows_free(&rows);
    if (!arr)
        return NPG_ENOMEM;
    *out = arr;
    return NPG_OK;
}

static const char *const delivery_words[] = {[NPG_SMS_PENDING] = "unknown",
                                             [NPG_SMS_DELIVERED] = "delivered",
                                             [NPG_SMS_FAILED] = "failed",
                                             [NPG_SMS_UNKNOWN] = "unknown"};

int npg_sms_receipt_apply(npg_db_t *db, npg_sms_provider_t p, const npg_sms_receipt_t *r,
                          bool by_token)
{
    const char *name = npg_sms_provider_name(p);
    npg_db_rows_t *rows = NULL;
    int rc;
    if (by_token) {
        if (strlen(r->token) != 32)
            return NPG_ENOTFOUND;
        rc = npg_db_query(db,
                          "SELECT id, message_id FROM sms_messages WHERE receipt_token = ?"
                          " AND provider = ?",
                          NPG_DB_P(NPG_DB_S(r->token), NPG_DB_S(name)), &rows);
    } else
        rc = npg_db_query(db,
                          "SELECT id, message_id FROM sms_messages WHERE provider = ?"
                          " AND message_id = ? ORDER BY id DESC LIMIT 1",
                          NPG_DB_P(NPG_DB_S(name), NPG_DB_S(r->message_id)), &rows);
    if (rc != NPG_OK)
        return rc;
    uint64_t id = 0;
    if (npg_db_rows_count(rows) == 1) {
        const char *known = npg_db_rows_get(rows, 0, 1);
        /* the token names the row; the provider's id must agree once we know it */
        if (!known || strcmp(known, r->message_id) == 0)
            id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0);
    }
    npg_db_rows_free(&rows);
    if (!id)
        return NPG_ENOTFOUND;
    bool final = r->delivery != NPG_SMS_PENDING;
    /* MariaDB assigns left to right: delivery last, so the others still see the old value. */
    rc = npg_db_exec(
        db,
        "UPDATE sms_messages SET receipts = receipts + 1, receipt_at = NOW(3),"
        " receipt_status = IF(delivery = 'unknown', ?, receipt_status),"
        " receipt_error = IF(delivery = 'unknown', ?, receipt_error),"
        " delivery_ms = IF(delivery = 'unknown' AND ? = 1,"
        "   GREATEST(0, TIMESTAMPDIFF(MICROSECOND, submitted_at, NOW(3)) DIV 1000), delivery_ms),"
        " delivery = IF(delivery = 'unknown' AND ? = 1, ?, delivery)"
        " WHERE id = ?",
        NPG_DB_P(NPG_DB_S(r->status), NPG_DB_S(r->error[0] ? r->error : NULL), NPG_DB_I(final),
                 NPG_DB_I(final), NPG_DB_S(delivery_words[r->delivery]), NPG_DB_U(id)),
        NULL, NULL);
    if (rc == NPG_OK)
        npg_log(LOG_INFO, "sms", "%s receipt for %s: %s%s%s", name, r->message_id, r->status,
                r->error[0] ? " error " : "", r->error);
    return rc;
}
