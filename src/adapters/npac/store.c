/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/npac/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "porting/state.h"

static int one_port(npg_db_t *db, const char *sql, const npg_db_val_t *p, size_t n,
                    npg_port_kind_t kind, npg_npac_port_t *out)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db, sql, p, n, &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) == 0) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    out->id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0);
    npg_strlcpy(out->msgid, npg_db_rows_get(rows, 0, 1), sizeof(out->msgid));
    out->state = (int)npg_db_rows_int(rows, 0, 2, 0);
    npg_strlcpy(out->number_type, npg_db_rows_get(rows, 0, 3), sizeof(out->number_type));
    npg_db_rows_free(&rows);
    return NPG_OK;
}

int npg_npac_port_of_sv(npg_db_t *db, const char *sv_id, npg_port_kind_t kind, npg_npac_port_t *out)
{
    static const char *const sql[2] = {
        "SELECT p.id, p.msgidentifier, p.state, p.number_type FROM npac_sv s JOIN port_in p"
        " ON p.id = s.port_id WHERE s.port_kind = 'in' AND s.sv_id = ? ORDER BY s.id DESC"
        " LIMIT 1",
        "SELECT p.id, p.msgidentifier, p.state, p.number_type FROM npac_sv s JOIN port_out p"
        " ON p.id = s.port_id WHERE s.port_kind = 'out' AND s.sv_id = ? ORDER BY s.id DESC"
        " LIMIT 1",
    };
    return one_port(db, sql[kind], NPG_DB_P(NPG_DB_S(sv_id)), kind, out);
}

static char in_flight_sql[512];
static pthread_once_t in_flight_once = PTHREAD_ONCE_INIT;

static void build_in_flight_sql(void)
{
    snprintf(in_flight_sql, sizeof(in_flight_sql),
             "SELECT p.id, p.msgidentifier, p.state, p.number_type FROM port_in_ranges r"
             " JOIN port_in p ON p.id = r.port_in_id WHERE p.clearinghouse = 'npac'"
             " AND r.range_start <= ? AND r.range_end >= ?"
             " ORDER BY p.state IN (%s) DESC, p.id DESC LIMIT 1",
             npg_port_state_sql(NPG_PORT_IN, NPG_SF_IN_FLIGHT));
}

int npg_npac_port_in_of_tn(npg_db_t *db, uint64_t tn, npg_npac_port_t *out)
{
    pthread_once(&in_flight_once, build_in_flight_sql);
    return one_port(db, in_flight_sql, NPG_DB_P(NPG_DB_U(tn), NPG_DB_U(tn)), NPG_PORT_IN, out);
}

int npg_npac_sv_get(npg_db_t *db, npg_port_kind_t kind, uint64_t port_id, npg_npac_sv_t *out)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(
        db,
        "SELECT id, COALESCE(sv_id, ''), status, old_spid, new_spid, timer_type = 'short',"
        " COALESCE(UNIX_TIMESTAMP(created_at), 0), COALESCE(UNIX_TIMESTAMP(due_at), 0),"
        " COALESCE(UNIX_TIMESTAMP(t1_at), 0), COALESCE(UNIX_TIMESTAMP(t2_at), 0),"
        " COALESCE(UNIX_TIMESTAMP(conflict_at), 0), t1_noted, cancel_ack_sent, old_sp_answer,"
        " COALESCE(conflict_cause, -1), activations FROM npac_sv WHERE port_kind = ?"
        " AND port_id = ?",
        NPG_DB_P(NPG_DB_S(kind == NPG_PORT_IN ? "in" : "out"), NPG_DB_U(port_id)), &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) != 1) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    out->id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0);
    out->kind = kind;
    out->port_id = port_id;
    npg_strlcpy(out->sv_id, npg_db_rows_get(rows, 0, 1), sizeof(out->sv_id));
    npg_strlcpy(out->status, npg_db_rows_get(rows, 0, 2), sizeof(out->status));
    npg_strlcpy(out->old_spid, npg_db_rows_get(rows, 0, 3), sizeof(out->old_spid));
    npg_strlcpy(out->new_spid, npg_db_rows_get(rows, 0, 4), sizeof(out->new_spid));
    out->short_timers = npg_db_rows_int(rows, 0, 5, 0) != 0;
    out->created_at = (time_t)npg_db_rows_int(rows, 0, 6, 0);
    out->due_at = (time_t)npg_db_rows_int(rows, 0, 7, 0);
    out->t1_at = (time_t)npg_db_rows_int(rows, 0, 8, 0);
    out->t2_at = (time_t)npg_db_rows_int(rows, 0, 9, 0);
    out->conflict_at = (time_t)npg_db_rows_int(rows, 0, 10, 0);
    out->t1_noted = npg_db_rows_int(rows, 0, 11, 0) != 0;
    out->cancel_ack_sent = npg_db_rows_int(rows, 0, 12, 0) != 0;
    npg_strlcpy(out->old_sp_answer, npg_db_rows_get(rows, 0, 13), sizeof(out->old_sp_answer));
    out->conflict_cause = (int)npg_db_rows_int(rows, 0, 14, -1);
    out->activations = (int)npg_db_rows_int(rows, 0, 15, 0);
    npg_db_rows_free(&rows);
    return NPG_OK;
}

int npg_npac_sequence_done(npg_db_t *db, uint64_t seq)
{
    if (!seq)
        return NPG_OK;
    int64_t last = 0;
    /* one row, locked: notifications of concurrent transactions move it one after the other */
    int rc = npg_db_query_int(db, "SELECT last_sequence FROM npac_recovery WHERE id = 1 FOR UPDATE",
                              NULL, 0, &last);
    if (rc != NPG_OK || seq <= (uint64_t)last)
        return rc;
    if (seq > (uint64_t)last + 1) /* beyond a gap: kept until the gap is filled */
        return npg_db_exec(db, "INSERT IGNORE INTO npac_seen (sequence) VALUES (?)",
                           NPG_DB_P(NPG_DB_U(seq)), NULL, NULL);
    uint64_t mark = seq;
    for (int i = 0; rc == NPG_OK && i < 100000; i++) { /* the numbers seen right after it */
        uint64_t gone = 0;
        rc = npg_db_exec(db, "DELETE FROM npac_seen WHERE sequence = ?",
                         NPG_DB_P(NPG_DB_U(mark + 1)), &gone, NULL);
        if (rc != NPG_OK || gone == 0)
            break;
        mark++;
    }
    if (rc == NPG_OK)
        rc = npg_db_exec(db, "UPDATE npac_recovery SET last_sequence = ? WHERE id = 1",
                         NPG_DB_P(NPG_DB_U(mark)), NULL, NULL);
    return rc;
}

int npg_npac_sequence_get(npg_db_t *db, uint64_t *last, bool *gap)
{
    int64_t l = 0, g = 0;
    int rc =
        npg_db_query_int(db, "SELECT last_sequence FROM npac_recovery WHERE id = 1", NULL, 0, &l);
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, "SELECT COUNT(*) FROM npac_seen", NULL, 0, &g);
    *last = (uint64_t)l;
    *gap = g > 0;
    return rc;
}
