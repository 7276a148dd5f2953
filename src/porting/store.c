/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port rows and their ranges, event rows, transactions and identifiers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "porting/engine.h"

const char *port_kind_str(npg_port_kind_t kind)
{
    return kind == NPG_PORT_IN ? "in" : "out";
}

npg_port_kind_t port_kind_parse(const char *s)
{
    return s && strcmp(s, "out") == 0 ? NPG_PORT_OUT : NPG_PORT_IN;
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
                          NPG_DB_P(NPG_DB_S(msgid ? msgid : ""), NPG_DB_U(msgid ? 0 : id)), &rows);
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

static const char *const range_insert_sql[2] = {
    "INSERT INTO port_in_ranges (port_in_id, range_start, range_end) VALUES (?, ?, ?)",
    "INSERT INTO port_out_ranges (port_out_id, range_start, range_end) VALUES (?, ?, ?)",
};

static int insert_row(npg_db_t *db, port_row_t *row, int state)
{
    if (row->kind == NPG_PORT_IN)
        return npg_db_exec(
            db,
            "INSERT INTO port_in (msgidentifier, clearinghouse, pac, port_time, state,"
            " donor_operator, recipient_operator, account_type, number_type, email,"
            " contact_number, override_cooloff, original_id)"
            " VALUES (?, ?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            NPG_DB_P(NPG_DB_S(row->msgid), NPG_DB_S(row->clearinghouse),
                     row->pac[0] ? NPG_DB_S(row->pac) : NPG_DB_NUL,
                     row->port_time ? NPG_DB_I(row->port_time) : NPG_DB_NUL, NPG_DB_I(state),
                     NPG_DB_S(row->donor), NPG_DB_S(row->recipient),
                     row->account_type[0] ? NPG_DB_S(row->account_type) : NPG_DB_NUL,
                     NPG_DB_S(row->number_type), NPG_DB_S(row->email), NPG_DB_S(row->contact),
                     NPG_DB_I(row->override_cooloff),
                     row->original_id ? NPG_DB_U(row->original_id) : NPG_DB_NUL),
            NULL, &row->id);
    return npg_db_exec(db,
                       "INSERT INTO port_out (msgidentifier, clearinghouse, state,"
                       " recipient_operator, donor_operator, account_type, number_type,"
                       " port_time) VALUES (?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
                       NPG_DB_P(NPG_DB_S(row->msgid), NPG_DB_S(row->clearinghouse), NPG_DB_I(state),
                                NPG_DB_S(row->recipient), NPG_DB_S(row->donor),
                                row->account_type[0] ? NPG_DB_S(row->account_type) : NPG_DB_NUL,
                                NPG_DB_S(row->number_type),
                                row->port_time ? NPG_DB_I(row->port_time) : NPG_DB_NUL),
                       NULL, &row->id);
}

static int insert_with_ranges(npg_db_t *db, port_row_t *row, int state)
{
    int rc = insert_row(db, row, state);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        rc = npg_db_exec(
            db, range_insert_sql[row->kind],
            NPG_DB_P(NPG_DB_U(row->id), NPG_DB_U(row->starts[i]), NPG_DB_U(row->ends[i])), NULL,
            NULL);
    return rc;
}

int port_insert(npg_db_t *db, port_row_t *row)
{
    row->state = NPG_PS_NOPORT;
    row->born = false;
    return insert_with_ranges(db, row, NPG_PS_NOPORT);
}

int port_insert_born(npg_db_t *db, port_row_t *row, npg_port_event_t event)
{
    const npg_transition_t *t = npg_transition_find(row->kind, NPG_PS_NOPORT, event);
    if (!t || (t->actions & (NPG_ACT_SET_DEADLINE | NPG_ACT_CLEAR_DEADLINE)) || t->waiting_for ||
        npg_port_state_is(row->kind, t->to, NPG_SF_FAILURE))
        return port_insert(db, row);
    row->state = NPG_PS_NOPORT;
    row->born = true;
    row->born_state = t->to;
    return insert_with_ranges(db, row, t->to);
}

int port_tx(npg_db_t *db, int (*fn)(npg_db_t *, npg_porting_t *, void *, char *, size_t),
            npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    int rc = NPG_ECONFLICT;
    /* A lost race (deadlock, a changed state, a Galera certification conflict) runs again. */
    for (int attempt = 0; rc == NPG_ECONFLICT && attempt < NPG_DB_TX_ATTEMPTS; attempt++) {
        if (attempt)
            npg_db_conflict_pause(attempt); /* random: let the winner commit */
        err[0] = '\0';
        rc = npg_db_begin(db);
        if (rc != NPG_OK) {
            snprintf(err, errlen, "database unavailable: %s", npg_strerror(rc));
            return rc;
        }
        rc = fn(db, pt, arg, err, errlen);
        if (rc == NPG_OK) {
            rc = npg_db_commit(db);
            if (rc != NPG_OK)
                snprintf(err, errlen, "commit failed: %s", npg_strerror(rc));
        } else {
            npg_db_rollback(db);
        }
    }
    return rc;
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

int npg_port_new_msgidentifier(npg_db_t *db, const npg_conf_t *conf, char out[NPG_MSGID_LEN])
{
    return port_new_msgidentifier(db, conf, out);
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

const npg_porting_ch_t *port_ch(const npg_porting_t *pt, const char *name)
{
    for (size_t i = 0; i < pt->nchs; i++)
        if (name && strcmp(pt->chs[i].name, name) == 0)
            return &pt->chs[i];
    return NULL;
}

const char *port_step_name(const npg_porting_t *pt, const char *ch, const port_step_t *step)
{
    if (step->msgtype)
        return step->msgtype;
    const npg_porting_ch_t *c = port_ch(pt, ch);
    const char *e = c && c->element && step->type ? c->element(step->type) : NULL;
    return e ? e : step->type ? step->type : "unknown";
}

static const char *const event_sql[2] = {
    "INSERT INTO port_in_events (port_in_id, msgtype, direction, from_state, to_state, applied,"
    " eventlog, xml_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO port_out_events (port_out_id, msgtype, direction, from_state, to_state, applied,"
    " eventlog, xml_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
};

int port_event(npg_db_t *db, npg_porting_t *pt, const port_row_t *row, const port_step_t *step,
               int to, bool applied, const char *text)
{
    char log[1024];
    npg_strlcpy(log, text ? text : "", sizeof(log)); /* the column's width */
    return npg_db_exec(
        db, event_sql[row->kind],
        NPG_DB_P(NPG_DB_U(row->id), NPG_DB_S(port_step_name(pt, row->clearinghouse, step)),
                 NPG_DB_I(step->direction), NPG_DB_I(row->state), NPG_DB_I(to), NPG_DB_I(applied),
                 NPG_DB_S(log), step->xml_id ? NPG_DB_U(step->xml_id) : NPG_DB_NUL),
        NULL, NULL);
}

void port_record_refused(npg_db_t *db, npg_porting_t *pt, const port_row_t *row,
                         const port_step_t *in)
{
    char text[1024];
    port_step_t step = *in;
    step.xml_id = 0; /* its archive row went with the refused transaction */
    snprintf(text, sizeof(text), "refused: %s is not allowed in %s%s%s",
             npg_port_event_name(step.event), npg_port_state_name(row->state),
             step.eventlog ? "; " : "", step.eventlog ? step.eventlog : "");
    if (port_event(db, pt, row, &step, row->state, false, text) != NPG_OK)
        npg_log(LOG_ERR, "port", "could not record a refused %s on %s",
                npg_port_event_name(step.event), row->msgid);
}

int npg_port_note(npg_db_t *db, const char *port_kind, uint64_t port_id, const char *msgtype,
                  const char *text)
{
    port_row_t row;
    int rc = port_load(db, port_kind_parse(port_kind), NULL, port_id, false, &row);
    if (rc != NPG_OK)
        return rc;
    port_step_t step = {.msgtype = msgtype, .direction = PORT_DIR_LOCAL};
    npg_porting_t none = {0}; /* a note names itself: no clearinghouse element needed */
    return port_event(db, &none, &row, &step, row.state, false, text);
}
