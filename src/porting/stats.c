/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What operations staff check every morning: ports waiting for us, ports past their timer,
 * today's completions, daily ports and rejections over 30 days, open alarms. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "porting/alarm.h"
#include "porting/query.h"

#define STATS_DAYS 30
#define STATS_LIST 20

/* Ports past a timer that should have moved them: the timers' own picking conditions. */
static const char stuck_fmt[] =
    "SELECT 'in', msgidentifier, state, DATE_FORMAT(deadline_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),"
    " COALESCE(waiting_for, 'answer') FROM port_in WHERE deadline_at <= NOW() AND state IN (%s)"
    " UNION ALL SELECT 'out', msgidentifier, state,"
    " DATE_FORMAT(deadline_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), COALESCE(waiting_for, 'answer')"
    " FROM port_out WHERE deadline_at <= NOW() AND state IN (%s)"
    " UNION ALL SELECT 'out', msgidentifier, state,"
    " DATE_FORMAT(terminate_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'), 'service termination'"
    " FROM port_out WHERE terminate_at <= NOW() AND state IN (%s) ORDER BY 4 LIMIT ?";
static char stuck_sql[sizeof(stuck_fmt) + 192];
static pthread_once_t stuck_once = PTHREAD_ONCE_INIT;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* the format is the constant above */
static void build_stuck(void)
{
    snprintf(stuck_sql, sizeof(stuck_sql), stuck_fmt,
             npg_port_event_states_sql(NPG_PORT_IN, NPG_EV_LOCAL_TIMEOUT),
             npg_port_event_states_sql(NPG_PORT_OUT, NPG_EV_LOCAL_TIMEOUT),
             npg_port_event_states_sql(NPG_PORT_OUT, NPG_EV_TERMINATION_DUE));
}
#pragma GCC diagnostic pop

/* The oldest ports of a kind in a state: what waits longest comes first. */
static const char *const waiting_sql[2] = {
    "SELECT msgidentifier, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ') FROM port_in"
    " WHERE state = ? ORDER BY updated_at, id LIMIT ?",
    "SELECT msgidentifier, DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%sZ') FROM port_out"
    " WHERE state = ? ORDER BY updated_at, id LIMIT ?",
};
static const char *const count_state_sql[2] = {
    "SELECT COUNT(*) FROM port_in WHERE state = ?",
    "SELECT COUNT(*) FROM port_out WHERE state = ?",
};
static const char *const done_today_sql[2] = {
    "SELECT COUNT(*) FROM port_in WHERE state = ? AND updated_at >= CURDATE()",
    "SELECT COUNT(*) FROM port_out WHERE state = ? AND updated_at >= CURDATE()",
};
static const char *const daily_sql[2] = {
    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d'), COUNT(*) FROM port_in"
    " WHERE created_at >= CURDATE() - INTERVAL ? DAY GROUP BY 1",
    "SELECT DATE_FORMAT(created_at, '%Y-%m-%d'), COUNT(*) FROM port_out"
    " WHERE created_at >= CURDATE() - INTERVAL ? DAY GROUP BY 1",
};
static const char *const rejected_sql[2] = {
    "SELECT COALESCE(failure_reason, 0), COUNT(*) FROM port_in WHERE state = ?"
    " AND updated_at >= CURDATE() - INTERVAL ? DAY GROUP BY 1",
    "SELECT COALESCE(failure_reason, 0), COUNT(*) FROM port_out WHERE state = ?"
    " AND updated_at >= CURDATE() - INTERVAL ? DAY GROUP BY 1",
};
static const char *const kind_key[2] = {"port_in", "port_out"};

/* {"state": S, "PortingStateString": ..., "count": N, "oldest": [{msgidentifier, since}]} */
static int waiting_json(npg_db_t *db, npg_port_kind_t kind, int state, json_t **out)
{
    int64_t n = 0;
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query_int(db, count_state_sql[kind], NPG_DB_P(NPG_DB_I(state)), &n);
    if (rc == NPG_OK)
        rc = npg_db_query(db, waiting_sql[kind], NPG_DB_P(NPG_DB_I(state), NPG_DB_I(STATS_LIST)),
                          &r);
    if (rc != NPG_OK)
        return rc;
    json_t *oldest = json_array();
    for (size_t i = 0; i < npg_db_rows_count(r); i++)
        json_array_append_new(oldest,
                              json_pack("{s:s, s:s}", "msgidentifier", npg_db_rows_get(r, i, 0),
                                        "since", npg_db_rows_get(r, i, 1)));
    npg_db_rows_free(&r);
    *out = json_pack("{s:i, s:s, s:I, s:o}", "state", state, "PortingStateString",
                     npg_port_state_name(state), "count", (json_int_t)n, "oldest", oldest);
    return NPG_OK;
}

static int stuck_json(npg_db_t *db, json_t **out)
{
    pthread_once(&stuck_once, build_stuck);
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query(db, stuck_sql, NPG_DB_P(NPG_DB_I(STATS_LIST)), &r);
    if (rc != NPG_OK)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < npg_db_rows_count(r); i++) {
        int state = (int)npg_db_rows_int(r, i, 2, 0);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "kind", npg_db_rows_get(r, i, 0),
                            "msgidentifier", npg_db_rows_get(r, i, 1), "PortingState", state,
                            "PortingStateString", npg_port_state_name(state), "due",
                            npg_db_rows_get(r, i, 3), "waiting_for", npg_db_rows_get(r, i, 4)));
    }
    npg_db_rows_free(&r);
    *out = list;
    return NPG_OK;
}

/* Days from today - STATS_DAYS + 1 to today, each with both kinds (0 where none). */
static int daily_json(npg_db_t *db, json_t **out)
{
    json_t *days = json_array();
    char today[16];
    int rc = NPG_OK;
    npg_db_rows_t *r = NULL;
    if ((rc = npg_db_query(db, "SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')", NULL, 0, &r)) !=
        NPG_OK) {
        json_decref(days);
        return rc;
    }
    npg_strlcpy(today, npg_db_rows_get(r, 0, 0) ? npg_db_rows_get(r, 0, 0) : "", sizeof(today));
    npg_db_rows_free(&r);
    struct tm tm = {0};
    if (!strptime(today, "%Y-%m-%d", &tm)) {
        json_decref(days);
        return NPG_EDB;
    }
    time_t t0 = timegm(&tm) - (time_t)(STATS_DAYS - 1) * 86400;
    for (int d = 0; d < STATS_DAYS; d++) {
        time_t t = t0 + (time_t)d * 86400;
        struct tm dt;
        char date[16];
        gmtime_r(&t, &dt);
        strftime(date, sizeof(date), "%Y-%m-%d", &dt);
        json_array_append_new(
            days, json_pack("{s:s, s:i, s:i}", "date", date, "port_in", 0, "port_out", 0));
    }
    for (int k = 0; k < 2 && rc == NPG_OK; k++) {
        rc = npg_db_query(db, daily_sql[k], NPG_DB_P(NPG_DB_I(STATS_DAYS - 1)), &r);
        for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(r); i++) {
            size_t j;
            json_t *day;
            json_array_foreach(days, j, day)
            {
                if (strcmp(json_string_value(json_object_get(day, "date")),
                           npg_db_rows_get(r, i, 0)) == 0)
                    json_object_set_new(day, kind_key[k],
                                        json_integer(npg_db_rows_int(r, i, 1, 0)));
            }
        }
        npg_db_rows_free(&r);
    }
    if (rc != NPG_OK) {
        json_decref(days);
        return rc;
    }
    *out = days;
    return NPG_OK;
}

/* [{"code", "reason", "port_in", "port_out"}] for every code seen, by code. */
static int rejections_json(npg_db_t *db, json_t **out)
{
    int64_t counts[100][2] = {{0}};
    int rc = NPG_OK;
    for (int k = 0; k < 2 && rc == NPG_OK; k++) {
        npg_db_rows_t *r = NULL;
        rc = npg_db_query(db, rejected_sql[k],
                          NPG_DB_P(NPG_DB_I(NPG_PS_REJECTED), NPG_DB_I(STATS_DAYS - 1)), &r);
        for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(r); i++) {
            int64_t code = npg_db_rows_int(r, i, 0, 0);
            if (code < 0 || code > 99)
                code = 0;
            counts[code][k] += npg_db_rows_int(r, i, 1, 0);
        }
        npg_db_rows_free(&r);
    }
    if (rc != NPG_OK)
        return rc;
    json_t *list = json_array();
    for (int code = 0; code < 100; code++) {
        if (!counts[code][0] && !counts[code][1])
            continue;
        const char *reason = npg_reject_reason(code);
        json_array_append_new(list, json_pack("{s:i, s:s, s:I, s:I}", "code", code, "reason",
                                              reason ? reason : "Unknown", "port_in",
                                              (json_int_t)counts[code][0], "port_out",
                                              (json_int_t)counts[code][1]));
    }
    *out = list;
    return NPG_OK;
}

int npg_port_stats_json(npg_db_t *db, json_t **out)
{
    json_t *win = NULL, *wout = NULL, *stuck = NULL, *daily = NULL, *rej = NULL, *alarms = NULL;
    int64_t done_in = 0, done_out = 0, open_alarms = 0;
    int rc = waiting_json(db, NPG_PORT_IN, NPG_PS_WAIT_INSTRUCTION, &win);
    if (rc == NPG_OK)
        rc = waiting_json(db, NPG_PORT_OUT, NPG_PS_WAIT_AUTH, &wout);
    if (rc == NPG_OK)
        rc = stuck_json(db, &stuck);
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, done_today_sql[0], NPG_DB_P(NPG_DB_I(NPG_PS_COMPLETE)), &done_in);
    if (rc == NPG_OK)
        rc =
            npg_db_query_int(db, done_today_sql[1], NPG_DB_P(NPG_DB_I(NPG_PS_COMPLETE)), &done_out);
    if (rc == NPG_OK)
        rc = daily_json(db, &daily);
    if (rc == NPG_OK)
        rc = rejections_json(db, &rej);
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, "SELECT COUNT(*) FROM alarms WHERE cleared_at IS NULL", NULL, 0,
                              &open_alarms);
    if (rc == NPG_OK)
        rc = npg_alarm_list_json(db, true, STATS_LIST, &alarms);
    if (rc != NPG_OK)
        goto fail;
    npg_db_rows_t *r = NULL;
    char now[32] = "";
    if (npg_db_query(db, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%dT%H:%i:%sZ')", NULL, 0, &r) ==
            NPG_OK &&
        npg_db_rows_count(r) == 1)
        npg_strlcpy(now, npg_db_rows_get(r, 0, 0), sizeof(now));
    npg_db_rows_free(&r);
    *out =
        json_pack("{s:s, s:{s:o, s:o}, s:o, s:{s:I, s:I}, s:i, s:o, s:o, s:{s:I, s:o}}",
                  "generated_at", now, "waiting_for_action", "port_in", win, "port_out", wout,
                  "past_timer", stuck, "completed_today", "port_in", (json_int_t)done_in,
                  "port_out", (json_int_t)done_out, "days", STATS_DAYS, "daily", daily,
                  "rejections", rej, "alarms", "open", (json_int_t)open_alarms, "latest", alarms);
    return *out ? NPG_OK : NPG_ENOMEM;
fail:
    json_decref(win);
    json_decref(wout);
    json_decref(stuck);
    json_decref(daily);
    json_decref(rej);
    json_decref(alarms);
    return rc;
}
