/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/alarm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"

static const char *const severity_names[] = {
    [NPG_ALARM_CRITICAL] = "critical",
    [NPG_ALARM_MAJOR] = "major",
    [NPG_ALARM_WARNING] = "warning",
};

const char *npg_alarm_severity_name(npg_alarm_severity_t severity)
{
    return severity_names[severity];
}

int npg_alarm_set(npg_db_t *db, const char *name, const char *source,
                  npg_alarm_severity_t severity, bool active, const char *text, bool *changed)
{
    char key[96];
    uint64_t n = 0;
    int rc;
    snprintf(key, sizeof(key), "%s/%s", name, source);
    if (changed)
        *changed = false;
    if (!active) {
        rc = npg_db_exec(db,
                         "UPDATE alarms SET cleared_at = NOW(3), cleared_by = 'npgwd'"
                         " WHERE open_key = ?",
                         NPG_DB_P(NPG_DB_S(key)), &n, NULL);
        if (rc == NPG_OK && n > 0) {
            npg_log(LOG_NOTICE, source, "ALARM %s ended", key);
            if (changed)
                *changed = true;
        }
        return rc;
    }
    const char *sev = severity_names[severity];
    /* CLIENT_FOUND_ROWS: n counts the open row matched, changed or not */
    rc = npg_db_exec(db, "UPDATE alarms SET text = ?, severity = ? WHERE open_key = ?",
                     NPG_DB_P(NPG_DB_S(text), NPG_DB_S(sev), NPG_DB_S(key)), &n, NULL);
    if (rc != NPG_OK || n > 0)
        return rc;
    rc = npg_db_exec(db,
                     "INSERT INTO alarms (severity, name, source, port_kind, text)"
                     " VALUES (?, ?, ?, 'none', ?)",
                     NPG_DB_P(NPG_DB_S(sev), NPG_DB_S(name), NPG_DB_S(source), NPG_DB_S(text)),
                     NULL, NULL);
    if (rc == NPG_EEXIST)
        return NPG_OK; /* another npgwd raised it a moment ago */
    if (rc == NPG_OK) {
        npg_log(severity == NPG_ALARM_WARNING ? LOG_WARNING : LOG_ERR, source,
                "ALARM %s %s started: %s", sev, key, text);
        if (changed)
            *changed = true;
    }
    return rc;
}

static int open_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    struct {
        npg_alarm_open_t *out;
        size_t max, n, total;
    } *a = arg;
    if (a->n < a->max) {
        npg_alarm_open_t *o = &a->out[a->n++];
        o->id = strtoull(c[0], NULL, 10);
        snprintf(o->name, sizeof(o->name), "%s", c[1] ? c[1] : "");
        snprintf(o->source, sizeof(o->source), "%s", c[2] ? c[2] : "");
        snprintf(o->severity, sizeof(o->severity), "%s", c[3] ? c[3] : "");
        snprintf(o->raised_at, sizeof(o->raised_at), "%s", c[4] ? c[4] : "");
    }
    a->total++;
    return 0;
}

int npg_alarm_open(npg_db_t *db, npg_alarm_open_t *out, size_t max, size_t *n, size_t *total)
{
    struct {
        npg_alarm_open_t *out;
        size_t max, n, total;
    } a = {out, max, 0, 0};
    int rc = npg_db_query_each(db,
                               "SELECT id, name, source, severity,"
                               " DATE_FORMAT(raised_at, '%Y-%m-%dT%H:%i:%sZ') FROM alarms"
                               " WHERE cleared_at IS NULL ORDER BY id",
                               NULL, 0, open_row, &a);
    *n = a.n;
    if (total)
        *total = a.total;
    return rc;
}

int npg_alarm_raise(npg_db_t *db, npg_alarm_severity_t severity, const char *source,
                    const char *port_kind, uint64_t port_id, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    npg_log(severity == NPG_ALARM_WARNING ? LOG_WARNING : LOG_ERR, source, "ALARM %s: %s",
            severity_names[severity], text);
    return npg_db_exec(db,
                       "INSERT INTO alarms (severity, source, port_kind, port_id, text)"
                       " VALUES (?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_S(severity_names[severity]), NPG_DB_S(source),
                                NPG_DB_S(port_kind), port_id ? NPG_DB_U(port_id) : NPG_DB_NUL,
                                NPG_DB_S(text)),
                       NULL, NULL);
}

static int alarm_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    json_t *j = json_pack("{s:I, s:s?, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s?, s:s?}", "id",
                          (json_int_t)strtoll(c[0], NULL, 10), "name", c[9], "severity", c[1],
                          "source", c[2], "port_kind", c[3], "msgidentifier", c[4], "raised_at",
                          c[5], "text", c[6], "cleared_at", c[7], "cleared_by", c[8]);
    return j && json_array_append_new(arg, j) == 0 ? 0 : NPG_ENOMEM;
}

int npg_alarm_list_json(npg_db_t *db, bool open_only, int limit, json_t **out)
{
    json_t *list = json_array();
    if (!list)
        return NPG_ENOMEM;
    int rc = npg_db_query_each(
        db,
        "SELECT a.id, a.severity, a.source, a.port_kind, COALESCE(i.msgidentifier, "
        "o.msgidentifier),"
        " DATE_FORMAT(a.raised_at, '%Y-%m-%dT%H:%i:%sZ'), a.text,"
        " DATE_FORMAT(a.cleared_at, '%Y-%m-%dT%H:%i:%sZ'), a.cleared_by, a.name FROM alarms a"
        " LEFT JOIN port_in i ON a.port_kind = 'in' AND i.id = a.port_id"
        " LEFT JOIN port_out o ON a.port_kind = 'out' AND o.id = a.port_id"
        " WHERE (? = 0 OR a.cleared_at IS NULL) ORDER BY a.id DESC LIMIT ?",
        NPG_DB_P(NPG_DB_I(open_only), NPG_DB_I(limit)), alarm_row, list);
    if (rc != NPG_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return NPG_OK;
}

int npg_alarm_clear(npg_db_t *db, uint64_t id, const char *by)
{
    uint64_t n = 0;
    int rc = npg_db_exec(db,
                         "UPDATE alarms SET cleared_at = NOW(3), cleared_by = ?"
                         " WHERE id = ? AND cleared_at IS NULL",
                         NPG_DB_P(NPG_DB_S(by), NPG_DB_U(id)), &n, NULL);
    return rc == NPG_OK && n == 0 ? NPG_ENOTFOUND : rc;
}
