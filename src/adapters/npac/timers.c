/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NPAC adapter's own timers, by the NPAC's clock and business-day calendar: the concurrence
 * windows of our port-ins (T1 noted, T2 expiry is consent), activation on the due date, and
 * recovery of missed notifications. */
#include <stdio.h>
#include <string.h>

#include "adapters/npac/npac_internal.h"
#include "adapters/npac/store.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/port.h"
#include "porting/state.h"

#define BATCH 100 /* rows per timer and pass: bounded work per tick */
#define BATCH_SQL "100"
#define RETRY_S 5 /* a failed recovery is tried again this soon */

/* Versions whose windows are not worked out yet: T1 from creation, T2 from T1. */
static int set_windows(npac_t *n, npg_db_t *db)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT id, timer_type = 'short', UNIX_TIMESTAMP(created_at) FROM npac_sv"
                          " WHERE t1_at IS NULL AND created_at IS NOT NULL LIMIT " BATCH_SQL,
                          NULL, 0, &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++) {
        time_t t1, t2;
        npac_windows(n, npg_db_rows_int(rows, i, 1, 0) != 0, (time_t)npg_db_rows_int(rows, i, 2, 0),
                     &t1, &t2);
        rc = npg_db_exec(db,
                         "UPDATE npac_sv SET t1_at = FROM_UNIXTIME(?), t2_at = FROM_UNIXTIME(?)"
                         " WHERE id = ?",
                         NPG_DB_P(NPG_DB_I(t1), NPG_DB_I(t2),
                                  NPG_DB_U((uint64_t)npg_db_rows_int(rows, i, 0, 0))),
                         NULL, NULL);
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* T1 over without the old SP: noted on the port (the NPAC reminds the old SP; T2 runs). */
static int initial_windows(npg_db_t *db, time_t now, int *changed)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT s.id, s.port_id, UNIX_TIMESTAMP(s.t1_at), UNIX_TIMESTAMP(s.t2_at)"
                          " FROM npac_sv s JOIN port_in p ON p.id = s.port_id"
                          " WHERE s.port_kind = 'in' AND p.state = ? AND s.status = 'pending'"
                          " AND s.old_sp_answer = 'none' AND s.t1_noted = 0"
                          " AND s.t1_at <= FROM_UNIXTIME(?) LIMIT " BATCH_SQL,
                          NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_AUTH), NPG_DB_I(now)), &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++) {
        char t1[32], t2[32], text[256];
        npg_time_iso((time_t)npg_db_rows_int(rows, i, 2, 0), true, t1, sizeof(t1));
        npg_time_iso((time_t)npg_db_rows_int(rows, i, 3, 0), true, t2, sizeof(t2));
        snprintf(text, sizeof(text),
                 "Initial concurrence window (T1) expired at %s without the old SP: the NPAC asks"
                 " it again; the final window (T2) ends at %s",
                 t1, t2);
        rc = npg_db_begin(db);
        if (rc == NPG_OK)
            rc = npg_port_note(db, "in", (uint64_t)npg_db_rows_int(rows, i, 1, 0),
                               "InitialConcurrenceWindowExpired", text);
        if (rc == NPG_OK)
            rc = npg_db_exec(db, "UPDATE npac_sv SET t1_noted = 1 WHERE id = ?",
                             NPG_DB_P(NPG_DB_U((uint64_t)npg_db_rows_int(rows, i, 0, 0))), NULL,
                             NULL);
        if (rc == NPG_OK && (rc = npg_db_commit(db)) == NPG_OK)
            (*changed)++;
        else
            npg_db_rollback(db);
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* T2 over too: the old SP's silence is consent, the port may be activated. */
static int final_windows(const npg_adapter_env_t *env, npg_db_t *db, time_t now, int *changed)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT s.id, p.msgidentifier, UNIX_TIMESTAMP(s.t2_at) FROM npac_sv s"
                          " JOIN port_in p ON p.id = s.port_id WHERE s.port_kind = 'in'"
                          " AND p.state = ? AND s.status = 'pending' AND s.old_sp_answer = 'none'"
                          " AND s.t2_at <= FROM_UNIXTIME(?) LIMIT " BATCH_SQL,
                          NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_AUTH), NPG_DB_I(now)), &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++) {
        char t2[32], text[256], err[300];
        const char *msgid = npg_db_rows_get(rows, i, 1);
        npg_time_iso((time_t)npg_db_rows_int(rows, i, 2, 0), true, t2, sizeof(t2));
        snprintf(text, sizeof(text),
                 "Final concurrence window (T2) expired at %s without the old SP: its silence"
                 " is consent, the port may be activated on its due date",
                 t2);
        int r = npg_port_in_authorised(db, env->pt, msgid, "FinalConcurrenceWindowExpired", text,
                                       err, sizeof(err));
        if (r == NPG_OK || r == NPG_ESTATE) /* moved on, or moved already: done with it */
            rc = npg_db_exec(db, "UPDATE npac_sv SET old_sp_answer = 'silent' WHERE id = ?",
                             NPG_DB_P(NPG_DB_U((uint64_t)npg_db_rows_int(rows, i, 0, 0))), NULL,
                             NULL);
        if (r == NPG_OK)
            (*changed)++;
        else if (r != NPG_ESTATE)
            npg_log(LOG_WARNING, "npac", "%s: T2 expiry: %s", msgid, err);
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* Concurred port-ins whose due date has come are activated, once by the timer: after a failed
 * broadcast people decide (npgwctl port-in instruct). */
static int activations(const npg_adapter_env_t *env, npg_db_t *db, time_t now, int *changed)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT s.id, p.msgidentifier FROM npac_sv s JOIN port_in p"
                          " ON p.id = s.port_id WHERE s.port_kind = 'in' AND p.state = ?"
                          " AND s.activations = 0 AND s.status = 'pending'"
                          " AND p.port_time <= FROM_UNIXTIME(?) LIMIT " BATCH_SQL,
                          NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_INSTRUCTION), NPG_DB_I(now)), &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++) {
        char err[300];
        const char *msgid = npg_db_rows_get(rows, i, 1);
        int r = npg_port_in_instruct(db, env->pt, msgid, err, sizeof(err));
        if (r == NPG_OK || r == NPG_ESTATE)
            rc = npg_db_exec(db, "UPDATE npac_sv SET activations = activations + 1 WHERE id = ?",
                             NPG_DB_P(NPG_DB_U((uint64_t)npg_db_rows_int(rows, i, 0, 0))), NULL,
                             NULL);
        if (r == NPG_OK) {
            (*changed)++;
            npg_log(LOG_INFO, "npac", "%s: due date reached, activation requested", msgid);
        } else if (r != NPG_ESTATE) {
            npg_log(LOG_WARNING, "npac", "%s: activation on the due date: %s", msgid, err);
        }
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* Recovery at start, after a lost link or a gap in the notifications, and now and then. */
static int recovery(npac_t *n, const npg_adapter_env_t *env, npg_db_t *db, int *changed)
{
    uint64_t last;
    bool gap = false;
    int rc = npg_npac_sequence_get(db, &last, &gap);
    if (rc != NPG_OK)
        return rc;
    time_t now = time(NULL);
    pthread_mutex_lock(&n->lock);
    bool due = !n->recovered || n->link_lost || gap ||
               now - n->last_recovery >= n->conf->npac.recovery_interval;
    bool soon = now - n->last_recovery >= RETRY_S; /* never more often than this */
    pthread_mutex_unlock(&n->lock);
    if (!due || !soon)
        return NPG_OK;
    int applied = 0;
    rc = npac_recover(n, env, db, &applied);
    pthread_mutex_lock(&n->lock);
    n->last_recovery = now;
    if (rc == NPG_OK)
        n->recovered = true, n->link_lost = false;
    pthread_mutex_unlock(&n->lock);
    *changed += applied;
    return rc == NPG_EPEER ? NPG_OK : rc; /* the NPAC away: asked again later */
}

int npac_run_timers(void *state, const npg_adapter_env_t *env, npg_db_t *db, int *changed)
{
    npac_t *n = state;
    const npg_conf_t *conf = n->conf;
    /* only a US deployment talks to an NPAC */
    if (strcmp(conf->general.clearinghouse, "npac") != 0)
        return NPG_OK;
    time_t now = npg_npac_now(conf->npac.test_clock_file);
    int rc = recovery(n, env, db, changed);
    if (rc == NPG_OK)
        rc = set_windows(n, db);
    if (rc == NPG_OK)
        rc = initial_windows(db, now, changed);
    if (rc == NPG_OK)
        rc = final_windows(env, db, now, changed);
    if (rc == NPG_OK && strcmp(conf->npac.auto_activate, "yes") == 0)
        rc = activations(env, db, now, changed);
    return rc;
}
