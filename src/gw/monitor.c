/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The alarm checks and the metrics read from the database: one pass every [alarms] interval,
 * whatever the number of scrapes; a scrape shows the last pass. */
#include "gw/monitor.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/reload.h"
#include "common/util.h"
#include "metrics/metrics.h"
#include "outbox/outbox.h"
#include "porting/alarm.h"
#include "porting/counts.h"

#define MAX_KINDS 64
#define MAX_PORTS 32
#define MAX_OPEN 256

/* The named alarms the checks own, and what makes each (docs/operations.md). */
typedef enum alarm_class {
    AC_CLEARINGHOUSE, /* an adapter's messages are not getting through */
    AC_ENUM,          /* routing does not reach the external DNS */
    AC_CRM,           /* the BSS/CRM is not kept in step */
    AC_CHARGING,      /* the charging platform is not told */
    AC_DELIVERY,      /* any other outbox kind */
    AC_REJECTION,     /* abnormal port-in rejection rate */
    AC_COUNT_
} alarm_class_t;

static const struct {
    const char *name;
    npg_alarm_severity_t severity;
    bool failed_counts; /* a message failed for good raises it too (not for a clearinghouse:
                           a fault about one message says nothing about connectivity) */
} classes[AC_COUNT_] = {
    [AC_CLEARINGHOUSE] = {"clearinghouse_connectivity", NPG_ALARM_MAJOR, false},
    [AC_ENUM] = {"enum_provisioning", NPG_ALARM_CRITICAL, true},
    [AC_CRM] = {"crm_sync", NPG_ALARM_MAJOR, true},
    [AC_CHARGING] = {"charging", NPG_ALARM_MAJOR, true},
    [AC_DELIVERY] = {"delivery", NPG_ALARM_WARNING, true},
    [AC_REJECTION] = {"rejection_rate", NPG_ALARM_WARNING, false},
};

typedef struct alarm_settings {
    int interval, attempts, window, rej_window, rej_threshold, rej_min;
    char enum_kinds[128], crm_kinds[128], charging_kinds[128];
} alarm_settings_t;

/* What the last pass read. */
typedef struct snapshot {
    bool valid; /* a pass succeeded */
    bool db_up; /* the last pass reached the database */
    double at;  /* time of the last successful pass */
    npg_outbox_stats_t kinds[MAX_KINDS];
    size_t nkinds;
    npg_port_count_t ports[MAX_PORTS];
    size_t nports;
    uint64_t accepted, rejected;
    npg_alarm_open_t open[MAX_OPEN];
    size_t nopen, open_total;
} snapshot_t;

struct gw_monitor {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    const char *const *adapters;
    size_t nadapters;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;         /* under lock */
    alarm_settings_t set;  /* under lock */
    snapshot_t snap, work; /* snap under lock; work is the thread's own */
};

/* --- metrics -------------------------------------------------------------------------- */

static npg_metric_t m_depth = {
    .name = "npgw_outbox_depth",
    .help = "Outbox messages not delivered yet, by kind.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind"},
};
static npg_metric_t m_oldest = {
    .name = "npgw_outbox_oldest_age_seconds",
    .help = "Age of the oldest outbox message not delivered yet, by kind.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind"},
};
static npg_metric_t m_retrying = {
    .name = "npgw_outbox_retrying",
    .help = "Outbox messages not delivered after [alarms] delivery_attempts attempts or more,"
            " by kind.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind"},
};
static npg_metric_t m_failed = {
    .name = "npgw_outbox_failed_recent",
    .help = "Outbox messages that failed for good within [alarms] delivery_window, by kind.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind"},
};
static npg_metric_t m_ports = {
    .name = "npgw_ports",
    .help = "Ports under way (not in a final state), by kind and state.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind", "state"},
};
static npg_metric_t m_ports_oldest = {
    .name = "npgw_ports_oldest_seconds",
    .help = "Seconds since the longest-waiting port of a kind and state last changed.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"kind", "state"},
};
static npg_metric_t m_answers = {
    .name = "npgw_port_in_answers_window",
    .help = "Port-in authorisation answers within [alarms] rejection_window, by decision.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"decision"},
    .static_values = true,
};
static npg_metric_t m_alarm = {
    .name = "npgw_alarm_active",
    .help = "1 for each open named alarm (alarm, source, severity).",
    .type = NPG_METRIC_GAUGE,
    .labels = {"alarm", "source", "severity"},
};
static npg_metric_t m_open = {
    .name = "npgw_alarms_open",
    .help = "Open alarms by severity, named ones and those about a port.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"severity"},
    .static_values = true,
};
static npg_metric_t m_db_up = {
    .name = "npgw_db_up",
    .help = "1 when the last check reached the database.",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_last = {
    .name = "npgw_checks_last_success_timestamp_seconds",
    .help = "When the alarm checks last read the database (seconds since the epoch).",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_pool = {
    .name = "npgw_db_pool_connections",
    .help = "Pooled database connections: size (the most it may hold), open, in_use, and"
            " waiting (threads waiting for one).",
    .type = NPG_METRIC_GAUGE,
    .labels = {"state"},
    .static_values = true,
};

static double now_real(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Called before a rendering: the last pass into the gauges, all at once. */
static void collect(void *arg)
{
    gw_monitor_t *mon = arg;
    npg_metric_t *const fams[] = {&m_depth,        &m_oldest,  &m_retrying, &m_failed, &m_ports,
                                  &m_ports_oldest, &m_answers, &m_alarm,    &m_open};
    for (size_t i = 0; i < NPG_ARRAY_LEN(fams); i++)
        npg_metric_reset(fams[i]);
    npg_db_pool_stats_t ps;
    npg_db_pool_stats(mon->pool, &ps);
    npg_metric_set(&m_pool, NPG_METRIC_V("size"), ps.size);
    npg_metric_set(&m_pool, NPG_METRIC_V("open"), ps.open);
    npg_metric_set(&m_pool, NPG_METRIC_V("in_use"), ps.in_use);
    npg_metric_set(&m_pool, NPG_METRIC_V("waiting"), ps.waiting);
    pthread_mutex_lock(&mon->lock);
    const snapshot_t *s = &mon->snap;
    npg_metric_set(&m_db_up, NULL, s->db_up ? 1 : 0);
    if (s->valid) {
        npg_metric_set(&m_last, NULL, s->at);
        for (size_t i = 0; i < s->nkinds; i++) {
            const npg_outbox_stats_t *k = &s->kinds[i];
            npg_metric_set(&m_depth, NPG_METRIC_V(k->kind), (double)k->pending);
            npg_metric_set(&m_oldest, NPG_METRIC_V(k->kind), k->oldest_s);
            npg_metric_set(&m_retrying, NPG_METRIC_V(k->kind), (double)k->failing);
            npg_metric_set(&m_failed, NPG_METRIC_V(k->kind), (double)k->failed);
        }
        for (size_t i = 0; i < s->nports; i++) {
            const npg_port_count_t *p = &s->ports[i];
            const char *kind = p->kind == NPG_PORT_IN ? "in" : "out";
            npg_metric_set(&m_ports, NPG_METRIC_V(kind, npg_port_state_name(p->state)),
                           (double)p->count);
            npg_metric_set(&m_ports_oldest, NPG_METRIC_V(kind, npg_port_state_name(p->state)),
                           p->oldest_s);
        }
        npg_metric_set(&m_answers, NPG_METRIC_V("accepted"), (double)s->accepted);
        npg_metric_set(&m_answers, NPG_METRIC_V("rejected"), (double)s->rejected);
        npg_metric_set(&m_open, NPG_METRIC_V("critical"), 0);
        npg_metric_set(&m_open, NPG_METRIC_V("major"), 0);
        npg_metric_set(&m_open, NPG_METRIC_V("warning"), 0);
        size_t counts[3] = {0};
        for (size_t i = 0; i < s->nopen; i++) {
            const npg_alarm_open_t *a = &s->open[i];
            counts[strcmp(a->severity, "critical") == 0 ? 0
                   : strcmp(a->severity, "major") == 0  ? 1
                                                        : 2]++;
            if (a->name[0])
                npg_metric_set(&m_alarm, NPG_METRIC_V(a->name, a->source, a->severity), 1);
        }
        npg_metric_set(&m_open, NPG_METRIC_V("critical"), (double)counts[0]);
        npg_metric_set(&m_open, NPG_METRIC_V("major"), (double)counts[1]);
        npg_metric_set(&m_open, NPG_METRIC_V("warning"), (double)counts[2]);
    }
    pthread_mutex_unlock(&mon->lock);
}

/* --- the checks ----------------------------------------------------------------------- */

static bool in_list(const char *list, const char *kind)
{
    size_t n = strlen(kind);
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, ",");
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, kind, n) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

static alarm_class_t class_of(const gw_monitor_t *mon, const alarm_settings_t *set,
                              const char *kind)
{
    for (size_t i = 0; i < mon->nadapters; i++)
        if (strcmp(mon->adapters[i], kind) == 0)
            return AC_CLEARINGHOUSE;
    if (in_list(set->enum_kinds, kind))
        return AC_ENUM;
    if (in_list(set->crm_kinds, kind))
        return AC_CRM;
    if (in_list(set->charging_kinds, kind))
        return AC_CHARGING;
    return AC_DELIVERY;
}

/* An alarm the checks found active this pass. */
typedef struct active {
    alarm_class_t cls;
    char source[33];
    char text[400];
} active_t;

static bool managed(const char *name)
{
    for (size_t i = 0; i < AC_COUNT_; i++)
        if (strcmp(classes[i].name, name) == 0)
            return true;
    return false;
}

static int check(gw_monitor_t *mon, npg_db_t *db, const alarm_settings_t *set, snapshot_t *s)
{
    active_t act[MAX_KINDS + 1];
    size_t nact = 0;
    int rc = npg_outbox_stats(db, set->attempts, set->window, s->kinds, MAX_KINDS, &s->nkinds);
    for (size_t i = 0; rc == NPG_OK && i < s->nkinds; i++) {
        const npg_outbox_stats_t *k = &s->kinds[i];
        alarm_class_t c = class_of(mon, set, k->kind);
        if (!k->failing && !(classes[c].failed_counts && k->failed))
            continue;
        active_t *a = &act[nact++];
        a->cls = c;
        npg_strlcpy(a->source, k->kind, sizeof(a->source));
        int n = snprintf(a->text, sizeof(a->text), "%s:", k->kind);
        if (k->failing)
            n += snprintf(a->text + n, sizeof(a->text) - (size_t)n,
                          " %llu message(s) undelivered after %d attempts or more (oldest"
                          " queued %.0f s ago);",
                          (unsigned long long)k->failing, set->attempts, k->oldest_s);
        if (k->failed && classes[c].failed_counts)
            n += snprintf(a->text + n, sizeof(a->text) - (size_t)n,
                          " %llu failed for good in the last %d s;", (unsigned long long)k->failed,
                          set->window);
        snprintf(a->text + n, sizeof(a->text) - (size_t)n, " last error: %s",
                 k->error[0] ? k->error : "-");
    }
    if (rc == NPG_OK)
        rc = npg_port_answers(db, set->rej_window, &s->accepted, &s->rejected);
    uint64_t total = s->accepted + s->rejected;
    if (rc == NPG_OK && total >= (uint64_t)set->rej_min &&
        s->rejected * 100 >= (uint64_t)set->rej_threshold * total) {
        active_t *a = &act[nact++];
        a->cls = AC_REJECTION;
        npg_strlcpy(a->source, "port_in", sizeof(a->source));
        snprintf(a->text, sizeof(a->text),
                 "%llu of %llu port-in authorisation answers in the last %d s were rejections"
                 " (%llu%%; threshold %d%%)",
                 (unsigned long long)s->rejected, (unsigned long long)total, set->rej_window,
                 (unsigned long long)(s->rejected * 100 / total), set->rej_threshold);
    }
    if (rc == NPG_OK)
        rc = npg_port_counts(db, s->ports, MAX_PORTS, &s->nports);
    /* raise what holds, clear what no longer does */
    if (rc == NPG_OK)
        rc = npg_alarm_open(db, s->open, MAX_OPEN, &s->nopen, &s->open_total);
    for (size_t i = 0; rc == NPG_OK && i < nact; i++)
        rc = npg_alarm_set(db, classes[act[i].cls].name, act[i].source,
                           classes[act[i].cls].severity, true, act[i].text, NULL);
    bool changed = false;
    for (size_t i = 0; rc == NPG_OK && i < s->nopen; i++) {
        const npg_alarm_open_t *o = &s->open[i];
        if (!o->name[0] || !managed(o->name))
            continue;
        bool still = false;
        for (size_t j = 0; j < nact && !still; j++)
            still = strcmp(classes[act[j].cls].name, o->name) == 0 &&
                    strcmp(act[j].source, o->source) == 0;
        if (!still)
            rc = npg_alarm_set(db, o->name, o->source, NPG_ALARM_WARNING, false, "", &changed);
    }
    if (rc == NPG_OK && (nact || changed))
        rc = npg_alarm_open(db, s->open, MAX_OPEN, &s->nopen, &s->open_total);
    return rc;
}

static void *monitor_main(void *arg)
{
    gw_monitor_t *mon = arg;
    bool down_logged = false;
    pthread_mutex_lock(&mon->lock);
    while (!mon->stopping) {
        alarm_settings_t set = mon->set;
        pthread_mutex_unlock(&mon->lock);
        npg_db_t *db = NULL;
        int rc = npg_db_pool_get(mon->pool, 2000, &db);
        if (rc == NPG_OK)
            rc = check(mon, db, &set, &mon->work);
        if (db)
            npg_db_pool_put(mon->pool, &db);
        if (rc != NPG_OK && !down_logged)
            npg_log(LOG_WARNING, "alarms", "the alarm checks cannot read the database: %s",
                    npg_strerror(rc));
        down_logged = rc != NPG_OK;
        pthread_mutex_lock(&mon->lock);
        mon->snap.db_up = rc == NPG_OK;
        if (rc == NPG_OK) {
            mon->work.valid = true;
            mon->work.db_up = true;
            mon->work.at = now_real();
            mon->snap = mon->work;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += mon->set.interval;
        while (!mon->stopping && pthread_cond_timedwait(&mon->wake, &mon->lock, &until) == 0)
            ; /* woken early: only a stop or a reload does that */
    }
    pthread_mutex_unlock(&mon->lock);
    return NULL;
}

static void settings_from(const npg_conf_t *c, alarm_settings_t *s)
{
    *s = (alarm_settings_t){.interval = c->alarms.interval,
                            .attempts = c->alarms.delivery_attempts,
                            .window = c->alarms.delivery_window,
                            .rej_window = c->alarms.rejection_window,
                            .rej_threshold = c->alarms.rejection_threshold,
                            .rej_min = c->alarms.rejection_min};
    npg_strlcpy(s->enum_kinds, c->alarms.enum_kinds, sizeof(s->enum_kinds));
    npg_strlcpy(s->crm_kinds, c->alarms.crm_kinds, sizeof(s->crm_kinds));
    npg_strlcpy(s->charging_kinds, c->alarms.charging_kinds, sizeof(s->charging_kinds));
}

/* SIGHUP: the new thresholds, lists and interval from the next pass on. */
static int reload(void *arg, const npg_conf_t *next, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    gw_monitor_t *mon = arg;
    pthread_mutex_lock(&mon->lock);
    settings_from(next, &mon->set);
    pthread_mutex_unlock(&mon->lock);
    return NPG_OK;
}

int gw_monitor_start(const npg_conf_t *conf, npg_db_pool_t *pool, const char *const *adapters,
                     size_t nadapters, gw_monitor_t **out)
{
    gw_monitor_t *mon = calloc(1, sizeof(*mon));
    if (!mon)
        return NPG_ENOMEM;
    mon->conf = conf;
    mon->pool = pool;
    mon->adapters = adapters;
    mon->nadapters = nadapters;
    pthread_mutex_init(&mon->lock, NULL);
    pthread_cond_init(&mon->wake, NULL);
    settings_from(conf, &mon->set);
    npg_metric_t *const fams[] = {&m_depth, &m_oldest,       &m_retrying, &m_failed,
                                  &m_ports, &m_ports_oldest, &m_answers,  &m_alarm,
                                  &m_open,  &m_db_up,        &m_last,     &m_pool};
    for (size_t i = 0; i < NPG_ARRAY_LEN(fams); i++)
        npg_metric_register(fams[i]);
    int rc = npg_metrics_collector_add(collect, mon);
    if (rc == NPG_OK && (rc = npg_reload_register("alarms", reload, mon)) != NPG_OK)
        npg_metrics_collector_remove(collect, mon);
    if (rc == NPG_OK && pthread_create(&mon->thread, NULL, monitor_main, mon) != 0) {
        npg_metrics_collector_remove(collect, mon);
        npg_reload_unregister(reload, mon);
        rc = NPG_EIO;
    }
    if (rc != NPG_OK) {
        pthread_mutex_destroy(&mon->lock);
        pthread_cond_destroy(&mon->wake);
        free(mon);
        return rc;
    }
    mon->running = true;
    *out = mon;
    return NPG_OK;
}

void gw_monitor_stop(gw_monitor_t **mp)
{
    gw_monitor_t *mon = mp ? *mp : NULL;
    if (!mon)
        return;
    npg_metrics_collector_remove(collect, mon);
    npg_reload_unregister(reload, mon);
    pthread_mutex_lock(&mon->lock);
    mon->stopping = true;
    pthread_cond_broadcast(&mon->wake);
    pthread_mutex_unlock(&mon->lock);
    if (mon->running)
        pthread_join(mon->thread, NULL);
    pthread_mutex_destroy(&mon->lock);
    pthread_cond_destroy(&mon->wake);
    free(mon);
    *mp = NULL;
}
