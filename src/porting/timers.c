/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Local timers (overdue clearinghouse answers, port-out terminations at their port time)
 * and the step a finished DNS publication takes. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "porting/engine.h"

/* One timer per row: which ports it picks (the states come from the table) and the step. */
typedef struct port_timer {
    npg_port_kind_t kind;
    npg_port_event_t event;
    const char *msgtype;
    const char *fmt; /* the picking query, %s the states */
    char sql[400];
} port_timer_t;

static port_timer_t timers[] = {
    {NPG_PORT_IN, NPG_EV_LOCAL_TIMEOUT, "LocalTimeout",
     "SELECT id, COALESCE(waiting_for, 'answer') FROM port_in WHERE deadline_at <= NOW()"
     " AND state IN (%s) ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     ""},
    {NPG_PORT_OUT, NPG_EV_LOCAL_TIMEOUT, "LocalTimeout",
     "SELECT id, COALESCE(waiting_for, 'answer') FROM port_out WHERE deadline_at <= NOW()"
     " AND state IN (%s) ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     ""},
    {NPG_PORT_OUT, NPG_EV_TERMINATION_DUE, "ServiceTermination",
     "SELECT id, '' FROM port_out WHERE terminate_at <= NOW() AND state IN (%s)"
     " ORDER BY terminate_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     ""},
};
static pthread_once_t timers_once = PTHREAD_ONCE_INIT;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the formats are the table's constants */
static void build_timers(void)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(timers); i++)
        snprintf(timers[i].sql, sizeof(timers[i].sql), timers[i].fmt,
                 npg_port_event_states_sql(timers[i].kind, timers[i].event));
}
#pragma GCC diagnostic pop

struct timer_args {
    const port_timer_t *t;
    bool found;
};

static int timer_tx(npg_db_t *db, npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    struct timer_args *a = arg;
    npg_db_rows_t *rows;
    a->found = false;
    int rc = npg_db_query(db, a->t->sql, NULL, 0, &rows);
    if (rc != NPG_OK || npg_db_rows_count(rows) == 0) {
        npg_db_rows_free(&rows);
        return rc;
    }
    a->found = true;
    port_row_t row;
    char text[256];
    rc = port_load(db, a->t->kind, NULL, (uint64_t)npg_db_rows_int(rows, 0, 0, 0), true, &row);
    if (a->t->event == NPG_EV_LOCAL_TIMEOUT) {
        const npg_porting_ch_t *ch = rc == NPG_OK ? port_ch(pt, row.clearinghouse) : NULL;
        snprintf(text, sizeof(text), "No %s from the clearinghouse within %d s",
                 npg_db_rows_get(rows, 0, 1), ch ? ch->answer_timeout : 0);
    } else {
        snprintf(text, sizeof(text), "Port time reached: service terminated");
    }
    npg_db_rows_free(&rows);
    port_step_t step = {.event = a->t->event,
                        .msgtype = a->t->msgtype,
                        .direction = PORT_DIR_LOCAL,
                        .eventlog = text,
                        .reason = a->t->event == NPG_EV_LOCAL_TIMEOUT ? text : NULL,
                        .reject_code = -1};
    if (rc == NPG_OK)
        rc = port_apply(db, pt, &row, &step, err, errlen);
    return rc;
}

int npg_port_run_timers(npg_db_t *db, npg_porting_t *pt, int *changed)
{
    pthread_once(&timers_once, build_timers);
    *changed = 0;
    for (size_t i = 0; i < NPG_ARRAY_LEN(timers); i++) {
        for (int n = 0; n < 100; n++) { /* bounded work per tick */
            struct timer_args a = {.t = &timers[i]};
            char err[256];
            int rc = port_tx(db, timer_tx, pt, &a, err, sizeof(err));
            if (rc != NPG_OK) {
                npg_log(LOG_WARNING, "timer", "%s", err[0] ? err : npg_strerror(rc));
                return rc;
            }
            if (!a.found)
                break;
            (*changed)++;
        }
    }
    return NPG_OK;
}

int npg_port_routing_done(npg_db_t *db, npg_porting_t *pt, const char *port_kind, uint64_t port_id)
{
    port_row_t row;
    char err[256];
    /* Called inside the outbox's closing transaction: no transaction of its own. */
    int rc = port_load(db, port_kind_parse(port_kind), NULL, port_id, true, &row);
    if (rc != NPG_OK || !npg_transition_find(row.kind, row.state, NPG_EV_ROUTING_DONE))
        return rc; /* port-outs complete at their termination time instead */
    port_step_t step = {.event = NPG_EV_ROUTING_DONE,
                        .msgtype = "RoutingPublished",
                        .direction = PORT_DIR_LOCAL,
                        .eventlog = "Routing updated for every number",
                        .reject_code = -1};
    return port_apply(db, pt, &row, &step, err, sizeof(err));
}
