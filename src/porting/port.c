/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transition engine shared by port-ins and port-outs: load, compare-and-set, events, actions. */
#include "porting/port_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "enum/publish.h"
#include "outbox/outbox.h"
#include "numbering/operator.h"

const char *port_kind_str(npg_port_kind_t kind)
{
    return kind == NPG_PORT_IN ? "in" : "out";
}

static const char *const load_sql[2][2] = {
    {"SELECT id, state, msgidentifier, donor_operator, recipient_operator,"
     " COALESCE(account_type, ''), number_type, email, contact_number, override_cooloff,"
     " COALESCE(original_id, 0), COALESCE(UNIX_TIMESTAMP(port_time), 0), clearinghouse,"
     " COALESCE(pac, '') FROM port_in WHERE msgidentifier = ? OR id = ?",
     "SELECT id, state, msgidentifier, donor_operator, recipient_operator,"
     " COALESCE(account_type, ''), number_type, email, contact_number, override_cooloff,"
     " COALESCE(original_id, 0), COALESCE(UNIX_TIMESTAMP(port_time), 0), clearinghouse,"
     " COALESCE(pac, '') FROM port_in WHERE msgidentifier = ? OR id = ?"
     " FOR UPDATE"},
    {"SELECT id, state, msgidentifier, donor_operator, recipient_operator,"
     " COALESCE(account_type, ''), number_type, '', '', 0, 0,"
     " COALESCE(UNIX_TIMESTAMP(port_time), 0), clearinghouse, ''"
     " FROM port_out WHERE msgidentifier = ? OR id = ?",
     "SELECT id, state, msgidentifier, donor_operator, recipient_operator,"
     " COALESCE(account_type, ''), number_type, '', '', 0, 0,"
     " COALESCE(UNIX_TIMESTAMP(port_time), 0), clearinghouse, ''"
     " FROM port_out WHERE msgidentifier = ? OR id = ?"
     " FOR UPDATE"},
};

static const char *const ranges_sql[2] = {
    "SELECT range_start, range_end FROM port_in_ranges WHERE port_in_id = ? ORDER BY id",
    "SELECT range_start, range_end FROM port_out_ranges WHERE port_out_id = ? ORDER BY id",
};

int port_load(npg_db_t *db, npg_port_kind_t kind, const char *msgid, uint64_t id, bool lock,
              port_row_t *row)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db, load_sql[kind][lock],
                          NPG_DB_P(NPG_DB_S(msgid ? msgid : ""), NPG_DB_U(msgid ? 0 : id)),
                          &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) != 1) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    memset(row, 0, sizeof(*row));
    row->kind = kind;
    row->id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0);
    row->state = (int)npg_db_rows_int(rows, 0, 1, 0);
    npg_strlcpy(row->msgid, npg_db_rows_get(rows, 0, 2), sizeof(row->msgid));
    npg_strlcpy(row->donor, npg_db_rows_get(rows, 0, 3), sizeof(row->donor));
    npg_strlcpy(row->recipient, npg_db_rows_get(rows, 0, 4), sizeof(row->recipient));
    npg_strlcpy(row->account_type, npg_db_rows_get(rows, 0, 5), sizeof(row->account_type));
    npg_strlcpy(row->number_type, npg_db_rows_get(rows, 0, 6), sizeof(row->number_type));
    npg_strlcpy(row->email, npg_db_rows_get(rows, 0, 7), sizeof(row->email));
    npg_strlcpy(row->contact, npg_db_rows_get(rows, 0, 8), sizeof(row->contact));
    row->override_cooloff = (int)npg_db_rows_int(rows, 0, 9, 0);
    row->original_id = (uint64_t)npg_db_rows_int(rows, 0, 10, 0);
    row->port_time = (time_t)npg_db_rows_int(rows, 0, 11, 0);
    npg_strlcpy(row->clearinghouse, npg_db_rows_get(rows, 0, 12), sizeof(row->clearinghouse));
    npg_strlcpy(row->pac, npg_db_rows_get(rows, 0, 13), sizeof(row->pac));
    npg_db_rows_free(&rows);
    rc = npg_db_query(db, ranges_sql[kind], NPG_DB_P(NPG_DB_U(row->id)), &rows);
    if (rc != NPG_OK)
        return rc;
    for (size_t i = 0; i < npg_db_rows_count(rows) && i < NPG_PORT_MAX_RANGES; i++) {
        row->starts[i] = strtoull(npg_db_rows_get(rows, i, 0), NULL, 10);
        row->ends[i] = strtoull(npg_db_rows_get(rows, i, 1), NULL, 10);
        row->nranges++;
    }
    npg_db_rows_free(&rows);
    return NPG_OK;
}

int port_tx(npg_db_t *db, int (*fn)(npg_db_t *, const npg_conf_t *, void *, char *, size_t),
            const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    err[0] = '\0';
    int rc = npg_db_begin(db);
    if (rc != NPG_OK) {
        snprintf(err, errlen, "database unavailable: %s", npg_strerror(rc));
        return rc;
    }
    rc = fn(db, conf, arg, err, errlen);
    if (rc == NPG_OK) {
        rc = npg_db_commit(db);
        if (rc != NPG_OK)
            snprintf(err, errlen, "commit failed: %s", npg_strerror(rc));
    } else {
        npg_db_rollback(db);
    }
    return rc;
}

int port_archive(npg_db_t *db, const char *folder, const char *port_kind, uint64_t port_id,
                 const char *msgid, const char *msgtype, const char *message_id, const char *body,
                 size_t len, uint64_t *xml_id)
{
    char filename[160];
    /* One file name per message: the port, the message type and its unique message id. */
    snprintf(filename, sizeof(filename), "%s_%s_%s.xml", msgid[0] ? msgid : "none", msgtype,
             message_id);
    for (char *p = filename; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
    return npg_db_exec(db,
                       "INSERT INTO xml_messages (folder, filename, port_kind, port_id, msgtype,"
                       " message_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_S(folder), NPG_DB_S(filename), NPG_DB_S(port_kind),
                                port_id ? NPG_DB_U(port_id) : NPG_DB_NUL, NPG_DB_S(msgtype),
                                NPG_DB_S(message_id), NPG_DB_SN(body, len)),
                       NULL, xml_id);
}

int port_new_msgidentifier(npg_db_t *db, const npg_conf_t *conf, char out[NPG_MSGID_LEN])
{
    char prefix[24], ym[8];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ym, sizeof(ym), "%Y%m", &tm);
    snprintf(prefix, sizeof(prefix), "%s%s-%s", conf->general.country_iso, ym,
             conf->general.operator_code);
    uint64_t seq = 0;
    /* LAST_INSERT_ID(expr) hands the new value back through this connection only. */
    int rc = npg_db_exec(db,
                         "INSERT INTO msgid_sequence (prefix, next_value) VALUES (?,"
                         " LAST_INSERT_ID(1)) ON DUPLICATE KEY UPDATE"
                         " next_value = LAST_INSERT_ID(next_value + 1)",
                         NPG_DB_P(NPG_DB_S(prefix)), NULL, &seq);
    if (rc != NPG_OK)
        return rc;
    if (seq > 99999)
        return NPG_ETOOBIG; /* the identifier has five digits a month */
    snprintf(out, NPG_MSGID_LEN, "%s-%05llu", prefix, (unsigned long long)seq);
    return NPG_OK;
}

void port_new_message_id(const npg_conf_t *conf, char out[65])
{
    unsigned char r[8] = {0};
    char hex[17];
    if (npg_random_bytes(r, sizeof(r)) != NPG_OK)
        npg_log(LOG_ERR, "port", "no randomness for a message id");
    npg_hex(r, sizeof(r), hex);
    snprintf(out, 65, "%s-%lld-%s", conf->general.operator_code, (long long)time(NULL), hex);
}

static const char *const range_insert_sql[2] = {
    "INSERT INTO port_in_ranges (port_in_id, range_start, range_end) VALUES (?, ?, ?)",
    "INSERT INTO port_out_ranges (port_out_id, range_start, range_end) VALUES (?, ?, ?)",
};

int port_ranges_store(npg_db_t *db, const port_row_t *row)
{
    for (size_t i = 0; i < row->nranges; i++) {
        int rc = npg_db_exec(db, range_insert_sql[row->kind],
                             NPG_DB_P(NPG_DB_U(row->id), NPG_DB_U(row->starts[i]),
                                      NPG_DB_U(row->ends[i])),
                             NULL, NULL);
        if (rc != NPG_OK)
            return rc;
    }
    return NPG_OK;
}

static const char *const event_sql[2] = {
    "INSERT INTO port_in_events (port_in_id, msgtype, direction, from_state, to_state, applied,"
    " eventlog, xml_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO port_out_events (port_out_id, msgtype, direction, from_state, to_state, applied,"
    " eventlog, xml_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
};

static int write_event(npg_db_t *db, const port_row_t *row, const port_step_t *step, int to,
                       bool applied, const char *text)
{
    return npg_db_exec(db, event_sql[row->kind],
                       NPG_DB_P(NPG_DB_U(row->id), NPG_DB_S(step->msgtype),
                                NPG_DB_I(step->direction), NPG_DB_I(row->state), NPG_DB_I(to),
                                NPG_DB_I(applied), NPG_DB_S(text),
                                step->xml_id ? NPG_DB_U(step->xml_id) : NPG_DB_NUL),
                       NULL, NULL);
}

void port_record_refused(npg_db_t *db, const port_row_t *row, const port_step_t *in)
{
    char text[1024];
    port_step_t copy = *in, *step = &copy;
    copy.xml_id = 0; /* its archive row went with the refused transaction */
    snprintf(text, sizeof(text), "refused: %s is not allowed in %s%s%s",
             npg_port_event_name(step->event), npg_port_state_name(row->state),
             step->eventlog ? "; " : "", step->eventlog ? step->eventlog : "");
    if (write_event(db, row, step, row->state, false, text) != NPG_OK)
        npg_log(LOG_ERR, "port", "could not record a refused %s on %s",
                npg_port_event_name(step->event), row->msgid);
}

int npg_port_note(npg_db_t *db, const char *port_kind, uint64_t port_id, const char *msgtype,
                  const char *text)
{
    port_row_t row;
    npg_port_kind_t kind = strcmp(port_kind, "out") == 0 ? NPG_PORT_OUT : NPG_PORT_IN;
    int rc = port_load(db, kind, NULL, port_id, false, &row);
    if (rc != NPG_OK)
        return rc;
    port_step_t step = {.msgtype = msgtype, .direction = PORT_DIR_LOCAL};
    return write_event(db, &row, &step, row.state, false, text);
}

/* Build the canonical message for an outbound action on this port and queue it. */
static int queue_message(npg_db_t *db, const npg_conf_t *conf, const port_row_t *row,
                         const char *type, const port_step_t *step)
{
    npg_canon_msg_t m;
    npg_canon_init(&m);
    npg_strlcpy(m.type, type, sizeof(m.type));
    npg_strlcpy(m.direction, "out", sizeof(m.direction));
    const char *ch = row->clearinghouse[0] ? row->clearinghouse : "pxs";
    npg_strlcpy(m.clearinghouse, ch, sizeof(m.clearinghouse));
    port_new_message_id(conf, m.message_id);
    npg_strlcpy(m.msgidentifier, row->msgid, sizeof(m.msgidentifier));
    m.timestamp = time(NULL);
    npg_strlcpy(m.sender, conf->general.operator_code, sizeof(m.sender));
    npg_strlcpy(m.receiver, row->kind == NPG_PORT_IN ? row->donor : row->recipient,
                sizeof(m.receiver));
    if (strcmp(type, "porting_request") == 0) {
        npg_strlcpy(m.donor, row->donor, sizeof(m.donor));
        npg_strlcpy(m.recipient, row->recipient, sizeof(m.recipient));
        npg_strlcpy(m.account_type, row->account_type, sizeof(m.account_type));
        npg_strlcpy(m.number_type, row->number_type, sizeof(m.number_type));
        npg_strlcpy(m.contact_number, row->contact, sizeof(m.contact_number));
        npg_strlcpy(m.email, row->email, sizeof(m.email));
        m.override_cooloff = row->pac[0] ? -1 : row->override_cooloff;
        for (size_t i = 0; i < row->nranges; i++) {
            char a[NPG_E164_BUFLEN], b[NPG_E164_BUFLEN];
            npg_e164_from_u64(row->starts[i], a);
            npg_e164_from_u64(row->ends[i], b);
            npg_strlcpy(m.ranges[i].start, npg_e164_local_part(a, conf->general.country_code),
                        sizeof(m.ranges[i].start));
            npg_strlcpy(m.ranges[i].end, npg_e164_local_part(b, conf->general.country_code),
                        sizeof(m.ranges[i].end));
        }
        m.nranges = row->nranges;
    } else if (strcmp(type, "authorisation_answer") == 0) {
        bool accept = step->reject_code < 0;
        npg_strlcpy(m.decision, accept ? "accept" : "reject", sizeof(m.decision));
        if (!accept) {
            m.reject_code = step->reject_code;
            npg_strlcpy(m.reason, npg_reject_reason(step->reject_code), sizeof(m.reason));
        }
    } else if (strcmp(type, "abort") == 0 && step->reason) {
        npg_strlcpy(m.reason, step->reason, sizeof(m.reason));
    }
    if (row->pac[0] && row->nranges) { /* a PAC port: every message names its PAC and number */
        char a[NPG_E164_BUFLEN];
        npg_e164_from_u64(row->starts[0], a);
        npg_strlcpy(m.number, npg_e164_local_part(a, conf->general.country_code),
                    sizeof(m.number));
        npg_strlcpy(m.pac, row->pac, sizeof(m.pac));
        m.port_time = row->port_time;
    }
    char *xml = NULL;
    size_t len = 0;
    int rc = npg_canon_write(&m, &xml, &len);
    if (rc != NPG_OK)
        return rc;
    char key[80], idem[96];
    /* The outbox kind is the port's adapter: each delivers its own clearinghouse's messages. */
    snprintf(key, sizeof(key), "%s:%s:%llu", ch, port_kind_str(row->kind),
             (unsigned long long)row->id);
    snprintf(idem, sizeof(idem), "%s:%s", ch, m.message_id);
    rc = npg_outbox_put(db, ch, key, idem, port_kind_str(row->kind), row->id, xml);
    free(xml);
    return rc;
}

/* The routing of the port's numbers is to be pushed to the DNS servers, in global order. */
static int queue_dns(npg_db_t *db, const port_row_t *row)
{
    return npg_publish_queue(db, port_kind_str(row->kind), row->id, 0, row->starts, row->ends,
                             row->nranges);
}

static const char *const cas_sql[2] = {
    "UPDATE port_in SET state = ?, failure_reason = COALESCE(?, failure_reason),"
    " failure_text = COALESCE(?, failure_text), port_time = COALESCE(FROM_UNIXTIME(?), port_time),"
    " deadline_at = CASE ? WHEN 1 THEN NOW() + INTERVAL ? SECOND WHEN 2 THEN NULL"
    " ELSE deadline_at END, waiting_for = CASE ? WHEN 1 THEN ? WHEN 2 THEN NULL"
    " ELSE waiting_for END WHERE id = ? AND state = ?",
    "UPDATE port_out SET state = ?, failure_reason = COALESCE(?, failure_reason),"
    " failure_text = COALESCE(?, failure_text), port_time = COALESCE(FROM_UNIXTIME(?), port_time),"
    " deadline_at = CASE ? WHEN 1 THEN NOW() + INTERVAL ? SECOND WHEN 2 THEN NULL"
    " ELSE deadline_at END, waiting_for = CASE ? WHEN 1 THEN ? WHEN 2 THEN NULL"
    " ELSE waiting_for END WHERE id = ? AND state = ?",
};

static bool is_failure(int state)
{
    return state == NPG_PS_REJECTED || state == NPG_PS_TIMEOUT;
}

int port_apply(npg_db_t *db, const npg_conf_t *conf, port_row_t *row, const port_step_t *step,
               char *err, size_t errlen)
{
    const npg_transition_t *t = npg_transition_find(row->kind, row->state, step->event);
    if (!t) {
        snprintf(err, errlen, "%s is not allowed: port %s is in %s",
                 npg_port_event_name(step->event), row->msgid, npg_port_state_name(row->state));
        return NPG_ESTATE;
    }
    int deadline = (t->actions & NPG_ACT_SET_DEADLINE) ? 1
                   : (t->actions & NPG_ACT_CLEAR_DEADLINE) ? 2
                                                             : 0;
    const char *ftext = NULL;
    if (is_failure(t->to))
        ftext = step->reason ? step->reason
                : step->reject_code >= 0 ? npg_reject_reason(step->reject_code)
                                         : step->eventlog;
    uint64_t n = 0;
    int rc = npg_db_exec(db, cas_sql[row->kind],
                         NPG_DB_P(NPG_DB_I(t->to),
                                  is_failure(t->to) && step->reject_code >= 0
                                      ? NPG_DB_I(step->reject_code)
                                      : NPG_DB_NUL,
                                  NPG_DB_S(ftext),
                                  step->port_time ? NPG_DB_I(step->port_time) : NPG_DB_NUL,
                                  NPG_DB_I(deadline), NPG_DB_I(conf->pxs.answer_timeout),
                                  NPG_DB_I(deadline), NPG_DB_S(t->waiting_for),
                                  NPG_DB_U(row->id), NPG_DB_I(row->state)),
                         &n, NULL);
    if (rc == NPG_OK && n != 1) {
        snprintf(err, errlen, "port %s changed meanwhile; try again", row->msgid);
        return NPG_ECONFLICT; /* another worker applied a step first */
    }
    if (rc == NPG_OK)
        rc = write_event(db, row, step, t->to, true, step->eventlog ? step->eventlog : "");
    int from = row->state;
    row->state = t->to;
    if (step->port_time)
        row->port_time = step->port_time;
    if (rc == NPG_OK && (t->actions & NPG_ACT_SEND_PORTING_REQUEST))
        rc = queue_message(db, conf, row, "porting_request", step);
    if (rc == NPG_OK && (t->actions & NPG_ACT_SEND_INSTRUCTION))
        rc = queue_message(db, conf, row, "instruction", step);
    if (rc == NPG_OK && (t->actions & NPG_ACT_SEND_ABORT))
        rc = queue_message(db, conf, row, "abort", step);
    if (rc == NPG_OK && (t->actions & (NPG_ACT_SEND_AUTH_ACCEPT | NPG_ACT_SEND_AUTH_REJECT)))
        rc = queue_message(db, conf, row, "authorisation_answer", step);
    if (rc == NPG_OK && (t->actions & NPG_ACT_ROUTE_TO_US))
        rc = port_route_ranges(db, row, conf->general.operator_code, "port_in");
    if (rc == NPG_OK && (t->actions & NPG_ACT_ROUTE_TO_RECIPIENT))
        rc = port_route_ranges(db, row, row->recipient, "port_out");
    if (rc == NPG_OK && (t->actions & NPG_ACT_PUBLISH_DNS))
        rc = queue_dns(db, row);
    if (rc == NPG_OK && (t->actions & NPG_ACT_SCHEDULE_TERMINATION))
        rc = npg_db_exec(db,
                         "UPDATE port_out SET terminate_at = COALESCE(port_time, NOW())"
                         " WHERE id = ?",
                         NPG_DB_P(NPG_DB_U(row->id)), NULL, NULL);
    if (rc == NPG_OK && (t->actions & NPG_ACT_RESUBMIT_IF_35) && step->reject_code == 35) {
        if (row->original_id) {
            npg_log(LOG_NOTICE, "port", "%s rejected with 35 again: no second resubmission",
                    row->msgid);
        } else {
            port_row_t again = *row;
            strcpy(again.account_type,
                   strcmp(row->account_type, "Prepaid") == 0 ? "Postpaid" : "Prepaid");
            again.original_id = row->id;
            rc = port_insert_in(db, conf, &again, err, errlen);
            if (rc == NPG_OK)
                rc = npg_db_exec(db, "UPDATE port_in SET resubmitted_as = ? WHERE id = ?",
                                 NPG_DB_P(NPG_DB_U(again.id), NPG_DB_U(row->id)), NULL, NULL);
            if (rc == NPG_OK)
                npg_log(LOG_NOTICE, "port", "%s rejected for account type: resubmitted as %s (%s)",
                        row->msgid, again.msgid, again.account_type);
        }
    }
    if (rc != NPG_OK && !err[0])
        snprintf(err, errlen, "%s on %s failed: %s", npg_port_event_name(step->event), row->msgid,
                 npg_strerror(rc));
    if (rc == NPG_OK)
        npg_log(LOG_INFO, "port", "%s %s: %s -> %s (%s)", port_kind_str(row->kind), row->msgid,
                npg_port_state_name(from), npg_port_state_name(t->to),
                npg_port_event_name(step->event));
    return rc;
}
