/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/reconcile.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "porting/state.h"
#include "routing/routing.h"

#define CHUNK 10000 /* numbers whose routing is read at once */

static const char *const drift_names[NPG_DRIFT_KINDS_] = {
    [NPG_DRIFT_NONE] = "none",
    [NPG_DRIFT_ROUTED_DIFFERENTLY] = "routed_differently",
    [NPG_DRIFT_OURS_NOT_ROUTED] = "ours_not_routed",
    [NPG_DRIFT_ROUTED_NOT_OURS] = "routed_not_ours",
    [NPG_DRIFT_UNKNOWN_THERE] = "unknown_there",
};

const char *npg_drift_name(npg_drift_t d)
{
    return d < NPG_DRIFT_KINDS_ ? drift_names[d] : "?";
}

npg_drift_t npg_drift_of(const char *ours, const char *theirs, const char *self)
{
    if (strcmp(ours, theirs) == 0)
        return NPG_DRIFT_NONE;
    if (!theirs[0])
        return NPG_DRIFT_UNKNOWN_THERE;
    if (strcmp(theirs, self) == 0)
        return NPG_DRIFT_OURS_NOT_ROUTED;
    if (strcmp(ours, self) == 0)
        return NPG_DRIFT_ROUTED_NOT_OURS;
    return NPG_DRIFT_ROUTED_DIFFERENTLY;
}

/* --- fixing one number ------------------------------------------------------------------ */

static char in_flight_sql[2][400];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void build_sql(void)
{
    snprintf(in_flight_sql[0], sizeof(in_flight_sql[0]),
             "SELECT COUNT(*) FROM port_in_ranges r JOIN port_in p ON p.id = r.port_in_id"
             " WHERE r.range_start <= ? AND r.range_end >= ? AND p.state IN (%s)",
             npg_port_state_sql(NPG_PORT_IN, NPG_SF_IN_FLIGHT));
    snprintf(in_flight_sql[1], sizeof(in_flight_sql[1]),
             "SELECT COUNT(*) FROM port_out_ranges r JOIN port_out p ON p.id = r.port_out_id"
             " WHERE r.range_start <= ? AND r.range_end >= ? AND p.state IN (%s)",
             npg_port_state_sql(NPG_PORT_OUT, NPG_SF_IN_FLIGHT));
}

typedef struct fix_args {
    uint64_t number;
    const char *ours, *theirs, *actor, *clearinghouse;
    bool done;
    char note[160];
} fix_args_t;

static int fix_tx(npg_db_t *db, void *arg)
{
    fix_args_t *a = arg;
    a->done = false;
    int rc = npg_numbering_lock(db, a->number, a->number); /* as port decisions do */
    for (int k = 0; rc == NPG_OK && k < 2; k++) {
        int64_t n = 0;
        rc = npg_db_query_int(db, in_flight_sql[k],
                              NPG_DB_P(NPG_DB_U(a->number), NPG_DB_U(a->number)), &n);
        if (rc == NPG_OK && n > 0) {
            snprintf(a->note, sizeof(a->note), "a port-%s of it is in flight", k ? "out" : "in");
            return NPG_OK;
        }
    }
    npg_number_run_t who;
    if (rc == NPG_OK)
        rc = npg_numbering_who(db, a->number, &who);
    if (rc == NPG_OK && strcmp(who.serving, a->ours) != 0) {
        snprintf(a->note, sizeof(a->note), "our routing changed meanwhile (now %s)",
                 who.serving[0] ? who.serving : "none");
        return NPG_OK;
    }
    npg_operator_t op;
    if (rc == NPG_OK && (rc = npg_operator_get(db, a->theirs, &op)) == NPG_ENOTFOUND) {
        snprintf(a->note, sizeof(a->note), "operator %s is unknown here (npgwctl operator add)",
                 a->theirs);
        return NPG_OK;
    }
    npg_route_info_t info;
    const char *type = "mobile";
    if (rc == NPG_OK && npg_routing_get(db, a->number, &info) == NPG_OK && info.number_type[0])
        type = strcmp(info.number_type, "fixed") == 0 ? "fixed" : "mobile";
    uint64_t change = 0;
    if (rc == NPG_OK)
        rc = npg_routing_set(db, a->number, &op, type, "reconcile", NULL, &change);
    if (rc == NPG_OK) /* npenumd follows the change log; external DNS gets it published */
        rc = npg_routing_queue_publish(db, a->number, a->number, "none", 0, change);
    char target[24], detail[256];
    snprintf(target, sizeof(target), "%llu", (unsigned long long)a->number);
    snprintf(detail, sizeof(detail),
             "routed to %s (was %s): the %s clearinghouse says %s serves it", a->theirs,
             a->ours[0] ? a->ours : "none", a->clearinghouse, a->theirs);
    if (rc == NPG_OK)
        rc = npg_db_exec(db,
                         "INSERT INTO audit_log (actor, action, target, result, detail)"
                         " VALUES (?, 'reconcile_fix', ?, 'fixed', ?)",
                         NPG_DB_P(NPG_DB_S(a->actor), NPG_DB_S(target), NPG_DB_S(detail)), NULL,
                         NULL);
    if (rc == NPG_OK) {
        a->done = true;
        snprintf(a->note, sizeof(a->note), "routed to %s", a->theirs);
    }
    return rc;
}

/* --- walking the numbers ------------------------------------------------------------------ */

typedef struct walk {
    npg_db_t *db;
    const npg_conf_t *conf;
    const npg_adapter_ops_t *ops;
    const npg_reconcile_opts_t *opts;
    npg_reconcile_result_t *res;
    json_t *drifts;
    npg_number_run_t *runs; /* ours, for the chunk being checked */
    size_t nruns, cap, at;
} walk_t;

static int collect_run(const npg_number_run_t *run, void *arg)
{
    walk_t *w = arg;
    if (w->nruns == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        npg_number_run_t *r = realloc(w->runs, cap * sizeof(*r));
        if (!r)
            return NPG_ENOMEM;
        w->runs = r, w->cap = cap;
    }
    w->runs[w->nruns++] = *run;
    return 0;
}

static int on_serving(uint64_t number, const char *theirs, void *arg)
{
    walk_t *w = arg;
    while (w->at < w->nruns && w->runs[w->at].last < number)
        w->at++;
    const char *ours =
        w->at < w->nruns && w->runs[w->at].first <= number ? w->runs[w->at].serving : "";
    npg_drift_t d = npg_drift_of(ours, theirs, w->conf->general.operator_code);
    w->res->checked++;
    if (d == NPG_DRIFT_NONE) {
        w->res->agree++;
        return 0;
    }
    w->res->drift[d]++;
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)number);
    json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "number", num, "drift", npg_drift_name(d), "ours",
                          ours, "theirs", theirs);
    if (!e)
        return NPG_ENOMEM;
    if (w->opts->fix && d != NPG_DRIFT_UNKNOWN_THERE) {
        fix_args_t a = {.number = number,
                        .ours = ours,
                        .theirs = theirs,
                        .actor = w->opts->actor ? w->opts->actor : "reconcile",
                        .clearinghouse = w->ops->name};
        int rc = npg_db_transact(w->db, fix_tx, &a);
        if (rc != NPG_OK)
            snprintf(a.note, sizeof(a.note), "not fixed: %s", npg_strerror(rc));
        w->res->fixed += a.done;
        w->res->not_fixed += !a.done;
        json_object_set_new(e, "fixed", json_boolean(a.done));
        json_object_set_new(e, "note", json_string(a.note));
        npg_log(a.done ? LOG_NOTICE : LOG_WARNING, "reconcile", "%s: %s (ours %s, %s says %s)", num,
                a.note, ours[0] ? ours : "none", w->ops->name, theirs);
    } else if (w->opts->fix) {
        w->res->not_fixed++;
        json_object_set_new(e, "fixed", json_false());
        json_object_set_new(e, "note", json_string("the clearinghouse does not know it"));
    }
    return json_array_append_new(w->drifts, e) == 0 ? 0 : NPG_ENOMEM;
}

/* One span of same-length numbers, CHUNK at a time. */
static int check_span(walk_t *w, void *state, uint64_t first, uint64_t last, char *err,
                      size_t errlen)
{
    int rc = NPG_OK;
    for (uint64_t a = first; rc == NPG_OK && a <= last && a >= first; a += CHUNK) {
        uint64_t b = last - a >= CHUNK - 1 ? a + CHUNK - 1 : last;
        w->nruns = w->at = 0;
        rc = npg_numbering_runs(w->db, a, b, collect_run, w);
        char why[512] = "";
        if (rc == NPG_OK)
            rc = w->ops->serving(state, a, b, on_serving, w, why, sizeof(why));
        if (rc != NPG_OK)
            snprintf(err, errlen, "numbers %llu-%llu: %s", (unsigned long long)a,
                     (unsigned long long)b, why[0] ? why : npg_strerror(rc));
    }
    return rc;
}

typedef struct span {
    uint64_t first, last;
} span_t;

typedef struct spans {
    span_t *v;
    size_t n, cap;
} spans_t;

static int digits_of(uint64_t n)
{
    int d = 1;
    while (n >= 10)
        n /= 10, d++;
    return d;
}

static int span_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l;
    spans_t *s = arg;
    uint64_t a = strtoull(c[0], NULL, 10), b = n > 1 ? strtoull(c[1], NULL, 10) : a;
    span_t *last = s->n ? &s->v[s->n - 1] : NULL;
    if (last && a <= last->last + 1 && digits_of(a) == digits_of(last->last)) {
        if (b > last->last) /* overlapping or adjacent home ranges: one span */
            last->last = b;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        span_t *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return NPG_ENOMEM;
        s->v = v, s->cap = cap;
    }
    s->v[s->n++] = (span_t){a, b};
    return 0;
}

/* Every home range (merged), then every routed number outside them. */
static int all_spans(npg_db_t *db, spans_t *s)
{
    int rc = npg_db_query_each(db,
                               "SELECT range_start, range_end FROM operator_ranges"
                               " ORDER BY range_start, range_end",
                               NULL, 0, span_row, s);
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT r.number FROM routing r WHERE NOT EXISTS (SELECT 1 FROM"
                               " operator_ranges o WHERE r.number BETWEEN o.range_start AND"
                               " o.range_end) ORDER BY r.number",
                               NULL, 0, span_row, s);
    return rc;
}

int npg_reconcile(npg_db_t *db, const npg_conf_t *conf, const npg_adapter_ops_t *ops, void *state,
                  const npg_reconcile_opts_t *opts, FILE *report, npg_reconcile_result_t *res,
                  char *err, size_t errlen)
{
    memset(res, 0, sizeof(*res));
    err[0] = '\0';
    if (!ops->serving) {
        snprintf(err, errlen, "the %s clearinghouse cannot say who serves a number", ops->name);
        return NPG_ENOTSUP;
    }
    pthread_once(&sql_once, build_sql);
    walk_t w = {.db = db, .conf = conf, .ops = ops, .opts = opts, .res = res};
    spans_t spans = {0};
    char what[64];
    int rc = NPG_OK;
    if (opts->first || opts->last) {
        snprintf(what, sizeof(what), "%llu-%llu", (unsigned long long)opts->first,
                 (unsigned long long)opts->last);
        if ((spans.v = malloc(sizeof(*spans.v))) != NULL)
            spans.v[spans.n++] = (span_t){opts->first, opts->last};
        else
            rc = NPG_ENOMEM;
    } else {
        snprintf(what, sizeof(what), "all");
        rc = all_spans(db, &spans);
    }
    if (!(w.drifts = json_array()))
        rc = NPG_ENOMEM;
    for (size_t i = 0; rc == NPG_OK && i < spans.n; i++)
        rc = check_span(&w, state, spans.v[i].first, spans.v[i].last, err, errlen);
    json_t *counts = json_object();
    for (int d = 1; d < NPG_DRIFT_KINDS_; d++)
        json_object_set_new(counts, drift_names[d], json_integer((json_int_t)res->drift[d]));
    json_t *doc =
        json_pack("{s:s, s:s, s:b, s:I, s:I, s:o, s:I, s:I, s:o, s:s?}", "clearinghouse", ops->name,
                  "span", what, "fix", opts->fix, "checked", (json_int_t)res->checked, "agree",
                  (json_int_t)res->agree, "drift_counts", counts, "fixed", (json_int_t)res->fixed,
                  "not_fixed", (json_int_t)res->not_fixed, "drift",
                  w.drifts ? w.drifts : json_array(), "error", rc == NPG_OK ? NULL : err);
    if (doc && report) {
        json_dumpf(doc, report, JSON_INDENT(2));
        fputc('\n', report);
    }
    json_decref(doc);
    uint64_t drift = 0;
    for (int d = 1; d < NPG_DRIFT_KINDS_; d++)
        drift += res->drift[d];
    char detail[512];
    snprintf(detail, sizeof(detail),
             "%s: checked %llu, agree %llu, routed_differently %llu, ours_not_routed %llu,"
             " routed_not_ours %llu, unknown_there %llu, fixed %llu, not fixed %llu%s%s",
             ops->name, (unsigned long long)res->checked, (unsigned long long)res->agree,
             (unsigned long long)res->drift[NPG_DRIFT_ROUTED_DIFFERENTLY],
             (unsigned long long)res->drift[NPG_DRIFT_OURS_NOT_ROUTED],
             (unsigned long long)res->drift[NPG_DRIFT_ROUTED_NOT_OURS],
             (unsigned long long)res->drift[NPG_DRIFT_UNKNOWN_THERE],
             (unsigned long long)res->fixed, (unsigned long long)res->not_fixed,
             rc == NPG_OK ? "" : "; stopped: ", rc == NPG_OK ? "" : err);
    char result[32];
    snprintf(result, sizeof(result), "%s", rc != NPG_OK ? "error" : drift ? "drift" : "agree");
    if (npg_db_exec(db,
                    "INSERT INTO audit_log (actor, action, target, result, detail)"
                    " VALUES (?, 'reconcile', ?, ?, ?)",
                    NPG_DB_P(NPG_DB_S(opts->actor ? opts->actor : "reconcile"), NPG_DB_S(what),
                             NPG_DB_S(result), NPG_DB_S(detail)),
                    NULL, NULL) != NPG_OK)
        npg_log(LOG_WARNING, "reconcile", "could not write the audit record of the run");
    npg_log(LOG_NOTICE, "reconcile", "%s %s", what, detail);
    free(spans.v);
    free(w.runs);
    return rc;
}
