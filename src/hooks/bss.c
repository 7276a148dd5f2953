/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The port-out eligibility call-out: queued in the transaction that records the port-out,
 * asked outside any transaction, answered in the one that closes the delivery (auto:
 * authorise or reject; manual: recorded for people). No answer in time: people decide,
 * with an alarm. A port-out left undecided too long raises a critical alarm. */
#include "hooks/hooks_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "porting/alarm.h"
#include "porting/port.h"

/* The BSS's reasons and the rejection codes they become, strongest first. */
static const struct {
    const char *reason;
    int code;
} bss_reasons[] = {
    {"fraudulent_request", 36},  /* Reported Stolen or Lost */
    {"outstanding_balance", 33}, /* Bill Problem */
    {"account_mismatch", 35},    /* Incorrect Account Type */
    {"number_not_active", 31},   /* Account Suspended */
    {"service_not_found", 32},   /* Account Problem */
};

static int reason_rank(const char *r)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(bss_reasons); i++)
        if (strcmp(bss_reasons[i].reason, r) == 0)
            return (int)i;
    return -1;
}

int bss_eligibility(void *arg, npg_db_t *db, const npg_port_out_view_t *port,
                    npg_eligibility_t *out)
{
    npg_hooks_t *h = arg;
    out->decision = NPG_ELIGIBLE_DEFER; /* the answer decides later */
    json_t *ranges = json_array();
    uint64_t count = 0;
    for (size_t i = 0; ranges && i < port->nranges; i++) {
        char f[24], l[24];
        snprintf(f, sizeof(f), "%llu", (unsigned long long)port->starts[i]);
        snprintf(l, sizeof(l), "%llu", (unsigned long long)port->ends[i]);
        json_array_append_new(ranges, json_pack("{s:s, s:s}", "first", f, "last", l));
        count += port->ends[i] - port->starts[i] + 1;
    }
    json_t *req =
        json_pack("{s:s, s:s, s:s, s:s, s:o, s:I}", "msgidentifier", port->msgidentifier, "donor",
                  h->conf->general.operator_code, "recipient", port->recipient, "number_type",
                  port->number_type, "ranges", ranges, "count", (json_int_t)count);
    if (req && port->account_type && port->account_type[0])
        json_object_set_new(req, "account_type", json_string(port->account_type));
    json_t *job = req ? json_pack("{s:s, s:o}", "mode", h->conf->bss.mode, "request", req) : NULL;
    char *payload = job ? json_dumps(job, JSON_COMPACT) : NULL;
    json_decref(job);
    if (!payload)
        return NPG_ENOMEM;
    char key[48];
    snprintf(key, sizeof(key), "bss:out:%llu", (unsigned long long)port->id);
    int rc = npg_db_exec(db,
                         "INSERT INTO port_out_eligibility (port_out_id, mode, status, asked_at)"
                         " VALUES (?, ?, 'asked', NOW(3)) ON DUPLICATE KEY UPDATE"
                         " mode = VALUES(mode), status = 'asked', asked_at = NOW(3)",
                         NPG_DB_P(NPG_DB_U(port->id), NPG_DB_S(h->conf->bss.mode)), NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_outbox_put(db, HOOK_KIND_BSS, key, key, "out", port->id, payload);
    free(payload);
    return rc;
}

/* Read the answer: "eligible", or "ineligible CODE reason,reason detail" in result. */
static int read_answer(const char *body, char *result, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
    json_t *el = j ? json_object_get(j, "eligible") : NULL;
    if (!json_is_boolean(el)) {
        snprintf(result, len, "the answer is not the contract's (no boolean \"eligible\")");
        json_decref(j);
        return NPG_EPEER;
    }
    if (json_is_true(el)) {
        snprintf(result, len, "eligible");
        json_decref(j);
        return NPG_OK;
    }
    /* The reasons of the whole port and of each number, strongest first. */
    int best = -1;
    bool unknown = false;
    char seen[200] = "";
    json_t *lists[1 + 100];
    size_t nl = 0;
    lists[nl++] = json_object_get(j, "reasons");
    json_t *nums = json_object_get(j, "numbers"), *num;
    size_t i;
    json_array_foreach(nums, i, num)
    {
        if (nl < NPG_ARRAY_LEN(lists))
            lists[nl++] = json_object_get(num, "reasons");
    }
    for (size_t k = 0; k < nl; k++) {
        json_t *r;
        size_t m;
        json_array_foreach(lists[k], m, r)
        {
            const char *s = json_string_value(r);
            if (!s)
                continue;
            int rank = reason_rank(s);
            if (rank < 0)
                unknown = true;
            else if (best < 0 || rank < best)
                best = rank;
            if (!strstr(seen, s) && strlen(seen) + strlen(s) + 2 < sizeof(seen) &&
                strspn(s, "abcdefghijklmnopqrstuvwxyz_") == strlen(s))
                snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s",
                         seen[0] ? "," : "", s);
        }
    }
    int code = best >= 0 ? bss_reasons[best].code : NPG_REJECT_GENERAL;
    const char *detail = json_string_value(json_object_get(j, "detail"));
    snprintf(result, len, "ineligible %d %s %.200s", code,
             seen[0] ? seen : (unknown ? "unknown" : "unspecified"), detail ? detail : "");
    json_decref(j);
    return NPG_OK;
}

static int bss_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_hooks_t *h = ctx;
    json_t *job = json_loads(item->payload, 0, NULL);
    char *body = job ? json_dumps(json_object_get(job, "request"), JSON_COMPACT) : NULL;
    json_decref(job);
    if (!body) {
        snprintf(result, len, "malformed bss payload");
        return NPG_EINVAL;
    }
    char idem[80];
    snprintf(idem, sizeof(idem), "Idempotency-Key: %s", item->idempotency_key);
    npg_hook_http_req_t req = {.url = h->conf->bss.url,
                               .tls = h->conf,
                               .headers = {idem},
                               .bearer = h->conf->bss.token,
                               .body = body,
                               .body_len = strlen(body),
                               .timeout_ms = h->conf->bss.timeout_ms};
    npg_hook_http_resp_t resp;
    int rc = npg_hook_http_post(&req, &resp);
    free(body);
    if (rc != NPG_OK) {
        snprintf(result, len, "%s", resp.error);
        return rc == NPG_EINVAL ? NPG_EINVAL : NPG_EPEER;
    }
    if (resp.status != 200) {
        json_t *e = json_loads(resp.body, 0, NULL);
        const char *msg =
            json_string_value(json_object_get(json_object_get(e, "error"), "message"));
        snprintf(result, len, "HTTP %ld: %.300s", resp.status, msg ? msg : resp.body);
        json_decref(e);
        rc = NPG_EPEER;
    } else {
        rc = read_answer(resp.body, result, len);
    }
    npg_hook_http_resp_clear(&resp);
    return rc;
}

static int record(npg_db_t *db, uint64_t port_id, const char *status, int code, const char *reasons,
                  const char *detail)
{
    return npg_db_exec(db,
                       "UPDATE port_out_eligibility SET status = ?, reject_code = ?, reasons = ?,"
                       " detail = ?, answered_at = NOW(3) WHERE port_out_id = ?",
                       NPG_DB_P(NPG_DB_S(status), code > 0 ? NPG_DB_I(code) : NPG_DB_NUL,
                                NPG_DB_S(reasons), NPG_DB_S(detail), NPG_DB_U(port_id)),
                       NULL, NULL);
}

/* The answer came: record it; in auto mode, it decides. */
static int bss_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    npg_hooks_t *h = ctx;
    bool auto_mode = strstr(item->payload, "\"mode\":\"auto\"") != NULL;
    bool eligible = strcmp(result, "eligible") == 0;
    int code = 0;
    char reasons[210] = "", detail[256] = "", text[700], err[300];
    if (!eligible) {
        int off = 0;
        if (sscanf(result, "ineligible %d %200s %n", &code, reasons, &off) < 2)
            snprintf(reasons, sizeof(reasons), "unspecified");
        if (off > 0)
            npg_strlcpy(detail, result + off, sizeof(detail));
    }
    int rc = record(db, item->port_id, eligible ? "eligible" : "ineligible", code, reasons, detail);
    if (eligible)
        snprintf(text, sizeof(text), "BSS: eligible%s",
                 auto_mode ? "" : " (manual mode: authorise or reject by hand)");
    else
        snprintf(text, sizeof(text), "BSS: not eligible: %s -> %d %s%s%s%s", reasons, code,
                 npg_reject_reason(code) ? npg_reject_reason(code) : "", detail[0] ? " - " : "",
                 detail, auto_mode ? "" : " (manual mode: decide by hand)");
    if (rc == NPG_OK)
        rc = hook_note(db, item, "BssEligibility", text);
    if (rc != NPG_OK || !auto_mode)
        return rc;
    char why[300];
    snprintf(why, sizeof(why), "BSS: %s%s%s", reasons, detail[0] ? " - " : "", detail);
    rc = npg_port_out_decide(db, h->pt, item->port_id, eligible, code, why,
                             eligible ? "Port-out authorised: the BSS says the service is eligible"
                                      : text,
                             err, sizeof(err));
    if (rc == NPG_ESTATE) /* people decided while the BSS was asked */
        rc = hook_note(db, item, "BssEligibility",
                       "the BSS answer came after the port-out was decided: not applied");
    return rc;
}

/* No usable answer in time: people decide, and are told so. */
static int bss_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error)
{
    (void)ctx;
    char text[700];
    snprintf(text, sizeof(text),
             "BSS eligibility: no answer (%s); the port-out waits for a decision by hand"
             " before the clearinghouse's own timer runs out",
             error);
    int rc = record(db, item->port_id, "no_answer", 0, NULL, error);
    if (rc == NPG_OK)
        rc = hook_note(db, item, "BssEligibility", text);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "bss", "out", item->port_id, "%s", text);
    return rc;
}

const npg_outbox_handler_t bss_handler = {
    .kind = HOOK_KIND_BSS,
    .deliver = bss_deliver,
    .done = bss_done,
    .failed = bss_failed,
    .max_attempts = 1, /* one question, bounded by [bss] timeout_ms */
};

/* Port-outs still waiting for our answer [bss] undecided_alarm_s after they arrived. */
int bss_run_timers(npg_hooks_t *h, npg_db_t *db, int *changed)
{
    int limit = h->conf->bss.undecided_alarm_s;
    if (limit <= 0)
        return NPG_OK;
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT p.id, p.msgidentifier, TIMESTAMPDIFF(SECOND, p.created_at, NOW())"
                          " FROM port_out p LEFT JOIN port_out_eligibility e"
                          " ON e.port_out_id = p.id WHERE p.state = ? AND e.alarmed_at IS NULL"
                          " AND p.created_at <= NOW() - INTERVAL ? SECOND LIMIT 20",
                          NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_AUTH), NPG_DB_I(limit)), &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++) {
        uint64_t id = (uint64_t)npg_db_rows_int(rows, i, 0, 0), n = 0;
        if ((rc = npg_db_begin(db)) != NPG_OK)
            break;
        /* whoever sets alarmed_at raises it: one alarm, however many instances run */
        rc = npg_db_exec(
            db, "INSERT IGNORE INTO port_out_eligibility (port_out_id, mode) VALUES (?, ?)",
            NPG_DB_P(NPG_DB_U(id), NPG_DB_S(h->conf->bss.mode)), NULL, NULL);
        if (rc == NPG_OK)
            rc = npg_db_exec(db,
                             "UPDATE port_out_eligibility SET alarmed_at = NOW(3)"
                             " WHERE port_out_id = ? AND alarmed_at IS NULL",
                             NPG_DB_P(NPG_DB_U(id)), &n, NULL);
        if (rc == NPG_OK && n > 0)
            rc = npg_alarm_raise(db, NPG_ALARM_CRITICAL, "bss", "out", id,
                                 "port-out %s has waited %s s for our answer: authorise or reject"
                                 " it before the clearinghouse's own timer runs out",
                                 npg_db_rows_get(rows, i, 1), npg_db_rows_get(rows, i, 2));
        if (rc == NPG_OK)
            rc = npg_db_commit(db);
        else
            npg_db_rollback(db);
        if (rc == NPG_OK && n > 0)
            (*changed)++;
    }
    npg_db_rows_free(&rows);
    return rc;
}
