/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "outbox/outbox.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "metrics/metrics.h"

struct npg_outbox {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    const npg_outbox_handler_t *handlers;
    size_t nhandlers;
    void *ctx;
    pthread_t *threads;
    int nthreads;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
};

int npg_outbox_put(npg_db_t *db, const char *kind, const char *ordering_key,
                   const char *idempotency_key, const char *port_kind, uint64_t port_id,
                   const char *payload)
{
    return npg_db_exec(db,
                       "INSERT INTO outbox (kind, ordering_key, idempotency_key, port_kind,"
                       " port_id, payload) VALUES (?, ?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_S(kind), NPG_DB_S(ordering_key), NPG_DB_S(idempotency_key),
                                NPG_DB_S(port_kind), port_id ? NPG_DB_U(port_id) : NPG_DB_NUL,
                                NPG_DB_S(payload)),
                       NULL, NULL);
}

static const npg_outbox_handler_t *find_handler(npg_outbox_t *ob, const char *kind)
{
    for (size_t i = 0; i < ob->nhandlers; i++)
        if (strcmp(ob->handlers[i].kind, kind) == 0)
            return &ob->handlers[i];
    return NULL;
}

/* Earlier pending rows of the same key block later ones: delivery stays in order per port. */
static const char claim_sql[] =
    "SELECT o.id, o.kind, o.ordering_key, o.idempotency_key, o.port_kind, o.port_id, o.payload,"
    " o.attempts, TIMESTAMPDIFF(MICROSECOND, o.created_at, NOW(3)) FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= NOW(3)"
    " AND (o.lease_until IS NULL OR o.lease_until < NOW(3))"
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key"
    "  AND p.state = 'pending' AND p.id < o.id)"
    " ORDER BY o.id LIMIT 1 FOR UPDATE SKIP LOCKED";

/* Lease the next due row and commit, so nothing is sent from inside a transaction. */
static int claim(npg_outbox_t *ob, npg_db_t *db, npg_db_rows_t **rows)
{
    int rc = npg_db_begin(db);
    if (rc != NPG_OK)
        return rc;
    rc = npg_db_query(db, claim_sql, NULL, 0, rows);
    if (rc == NPG_OK && npg_db_rows_count(*rows) == 1)
        rc = npg_db_exec(db,
                         "UPDATE outbox SET attempts = attempts + 1,"
                         " lease_until = NOW(3) + INTERVAL ? SECOND WHERE id = ?",
                         NPG_DB_P(NPG_DB_I(ob->conf->outbox.lease_s),
                                  NPG_DB_U(npg_db_rows_int(*rows, 0, 0, 0))),
                         NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_db_commit(db);
    if (rc != NPG_OK) {
        npg_db_rollback(db);
        npg_db_rows_free(rows);
    }
    /* Another dispatcher (on another Galera node: SKIP LOCKED is node-local) leased the
     * same row and committed first: it delivers, we claimed nothing. */
    return rc == NPG_ECONFLICT ? NPG_OK : rc;
}

static int64_t backoff_ms(const npg_conf_t *conf, int attempts)
{
    int64_t d = conf->outbox.retry_base_ms;
    for (int i = 1; i < attempts && d < conf->outbox.retry_max_ms; i++)
        d *= 2;
    return d < conf->outbox.retry_max_ms ? d : conf->outbox.retry_max_ms;
}

struct settle_args {
    npg_outbox_t *ob;
    const npg_outbox_handler_t *h;
    const npg_outbox_item_t *item;
    int outcome;
    const char *result;
};

static int settle_tx(npg_db_t *db, void *arg)
{
    const struct settle_args *a = arg;
    npg_outbox_t *ob = a->ob;
    const npg_outbox_handler_t *h = a->h;
    const npg_outbox_item_t *item = a->item;
    int outcome = a->outcome;
    const char *result = a->result;
    int max = h && h->max_attempts > 0 ? h->max_attempts : ob->conf->outbox.max_attempts;
    void *ctx = h && h->ctx ? h->ctx : ob->ctx;
    bool permanent = outcome == NPG_EINVAL || outcome == NPG_ENOTSUP || outcome == NPG_ENOTFOUND ||
                     outcome == NPG_EXML || item->attempts >= max;
    int rc;
    /* n == 0: the lease ran out meanwhile and another dispatcher delivered the row again and
     * closed it first; its hooks ran, ours must not (an answer archived or applied twice) */
    uint64_t n = 0;
    if (outcome == NPG_OK) {
        rc = npg_db_exec(db,
                         "UPDATE outbox SET state = 'done', done_at = NOW(3), lease_until = NULL,"
                         " result = ? WHERE id = ? AND state = 'pending'",
                         NPG_DB_P(NPG_DB_S(result), NPG_DB_U(item->id)), &n, NULL);
        if (rc == NPG_OK && n == 1 && h && h->done)
            rc = h->done(ctx, db, item, result);
    } else if (permanent) {
        rc = npg_db_exec(db,
                         "UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ?"
                         " WHERE id = ? AND state = 'pending'",
                         NPG_DB_P(NPG_DB_S(result), NPG_DB_U(item->id)), &n, NULL);
        if (rc == NPG_OK && n == 1 && h && h->failed)
            rc = h->failed(ctx, db, item, result);
    }
    if ((outcome == NPG_OK || permanent) && rc == NPG_OK && n == 0) {
        npg_log(LOG_NOTICE, "outbox",
                "%s %llu: closed meanwhile by another dispatcher (this delivery outlasted its"
                " lease); its outcome is not applied again",
                item->kind, (unsigned long long)item->id);
    } else if (outcome != NPG_OK && !permanent) {
        rc = npg_db_exec(db,
                         "UPDATE outbox SET lease_until = NULL, last_error = ?,"
                         " next_attempt_at = NOW(3) + INTERVAL ? MICROSECOND WHERE id = ?"
                         " AND state = 'pending'",
                         NPG_DB_P(NPG_DB_S(result),
                                  NPG_DB_I(backoff_ms(ob->conf, item->attempts) * 1000),
                                  NPG_DB_U(item->id)),
                         NULL, NULL);
        if (rc == NPG_OK && h && h->retrying)
            rc = h->retrying(ctx, db, item, result);
    }
    return rc;
}

static npg_metric_t attempts_total = {
    .name = "npgw_outbox_attempts_total",
    .help = "Delivery attempts of outbox messages by kind (clearinghouse adapters, dns, hooks)"
            " and result: delivered, or failed (retried later, or failed for good).",
    .type = NPG_METRIC_COUNTER,
    .labels = {"kind", "result"},
};
static npg_metric_t delivery_seconds = {
    .name = "npgw_outbox_delivery_seconds",
    .help = "Time one delivery attempt took (the call to the peer), by kind.",
    .type = NPG_METRIC_HISTOGRAM,
    .labels = {"kind"},
};
/* from queued (the transaction that caused it) to delivered: retries and back-off included */
static const double lag_buckets[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
static npg_metric_t lag_seconds = {
    .name = "npgw_outbox_lag_seconds",
    .help = "Time from queueing to delivery of outbox messages, by kind; kind dns is the DNS"
            " publication lag.",
    .type = NPG_METRIC_HISTOGRAM,
    .labels = {"kind"},
    .buckets = lag_buckets,
    .nbuckets = NPG_ARRAY_LEN(lag_buckets),
};

static void observe(const char *kind, bool delivered, int64_t age_us, uint64_t took_ns)
{
    npg_metric_add(&attempts_total, NPG_METRIC_V(kind, delivered ? "delivered" : "failed"), 1);
    npg_metric_observe_ns(&delivery_seconds, NPG_METRIC_V(kind), took_ns);
    if (delivered)
        npg_metric_observe_ns(&lag_seconds, NPG_METRIC_V(kind),
                              (uint64_t)(age_us > 0 ? age_us : 0) * 1000 + took_ns);
}

/*
 * Close the row (done, failed or back to pending) and run the handler's hook, in one
 * transaction, run again when it loses a conflict (a port changed by another instance):
 * a row left leased would be delivered a second time when its lease runs out.
 */
static int settle(npg_outbox_t *ob, npg_db_t *db, const npg_outbox_handler_t *h,
                  const npg_outbox_item_t *item, int outcome, const char *result)
{
    struct settle_args a = {ob, h, item, outcome, result};
    return npg_db_transact(db, settle_tx, &a);
}

int npg_outbox_run_once(npg_outbox_t *ob, npg_db_t *db, bool *worked)
{
    npg_db_rows_t *rows = NULL;
    *worked = false;
    int rc = claim(ob, db, &rows);
    if (rc != NPG_OK || npg_db_rows_count(rows) == 0) {
        npg_db_rows_free(&rows);
        return rc;
    }
    *worked = true;
    npg_outbox_item_t item = {
        .id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0),
        .kind = npg_db_rows_get(rows, 0, 1),
        .ordering_key = npg_db_rows_get(rows, 0, 2),
        .idempotency_key = npg_db_rows_get(rows, 0, 3),
        .port_kind = npg_db_rows_get(rows, 0, 4),
        .port_id = (uint64_t)npg_db_rows_int(rows, 0, 5, 0),
        .payload = npg_db_rows_get(rows, 0, 6),
        .attempts = (int)npg_db_rows_int(rows, 0, 7, 0) + 1,
    };
    char result[512] = "";
    uint64_t t0 = npg_metrics_now_ns();
    const npg_outbox_handler_t *h = find_handler(ob, item.kind);
    int outcome = NPG_ENOTSUP;
    if (h)
        outcome = h->deliver(h->ctx ? h->ctx : ob->ctx, &item, result, sizeof(result));
    else
        snprintf(result, sizeof(result), "no handler for kind %s", item.kind);
    if (outcome != NPG_OK)
        npg_log(outcome == NPG_ENOTSUP ? LOG_ERR : LOG_WARNING, "outbox",
                "%s #%llu (%s) attempt %d: %s", item.kind, (unsigned long long)item.id,
                item.idempotency_key, item.attempts, result[0] ? result : npg_strerror(outcome));
    else
        npg_log_debug("outbox", "%s #%llu delivered: %s", item.kind, (unsigned long long)item.id,
                      result);
    uint64_t took = npg_metrics_now_ns() - t0;
    rc = settle(ob, db, h, &item, outcome, result[0] ? result : npg_strerror(outcome));
    observe(item.kind, outcome == NPG_OK && rc == NPG_OK, npg_db_rows_int(rows, 0, 8, 0), took);
    if (h && h->settled)
        h->settled(h->ctx ? h->ctx : ob->ctx, &item);
    npg_db_rows_free(&rows);
    return rc;
}

static void *worker(void *arg)
{
    npg_outbox_t *ob = arg;
    npg_db_t *db = NULL;
    for (;;) {
        pthread_mutex_lock(&ob->lock);
        bool stop = ob->stopping;
        pthread_mutex_unlock(&ob->lock);
        if (stop)
            break;
        bool worked = false;
        if (db || npg_db_pool_get(ob->pool, 1000, &db) == NPG_OK) {
            if (npg_outbox_run_once(ob, db, &worked) != NPG_OK || npg_db_broken(db))
                npg_db_pool_put(ob->pool, &db); /* a broken connection is replaced */
        }
        if (worked)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns = until.tv_nsec + (int64_t)ob->conf->outbox.poll_ms * 1000000;
        until.tv_sec += ns / 1000000000;
        until.tv_nsec = ns % 1000000000;
        pthread_mutex_lock(&ob->lock);
        if (!ob->stopping)
            pthread_cond_timedwait(&ob->wake, &ob->lock, &until);
        pthread_mutex_unlock(&ob->lock);
    }
    if (db)
        npg_db_pool_put(ob->pool, &db);
    return NULL;
}

int npg_outbox_new(const npg_conf_t *conf, npg_db_pool_t *pool,
                   const npg_outbox_handler_t *handlers, size_t n, void *ctx,
                   npg_outbox_t **out)
{
    npg_outbox_t *ob = calloc(1, sizeof(*ob));
    if (!ob)
        return NPG_ENOMEM;
    ob->conf = conf;
    ob->pool = pool;
    ob->handlers = handlers;
    ob->nhandlers = n;
    ob->ctx = ctx;
    pthread_mutex_init(&ob->lock, NULL);
    pthread_cond_init(&ob->wake, NULL);
    *out = ob;
    return NPG_OK;
}

int npg_outbox_start(npg_outbox_t *ob)
{
    int n = ob->conf->outbox.workers;
    ob->threads = calloc(n > 0 ? (size_t)n : 1, sizeof(*ob->threads));
    if (!ob->threads)
        return NPG_ENOMEM;
    for (int i = 0; i < n; i++) {
        if (pthread_create(&ob->threads[i], NULL, worker, ob) != 0)
            return NPG_EIO;
        ob->nthreads++;
    }
    return NPG_OK;
}

void npg_outbox_free(npg_outbox_t **obp)
{
    npg_outbox_t *ob = obp ? *obp : NULL;
    if (!ob)
        return;
    pthread_mutex_lock(&ob->lock);
    ob->stopping = true;
    pthread_cond_broadcast(&ob->wake);
    pthread_mutex_unlock(&ob->lock);
    for (int i = 0; i < ob->nthreads; i++)
        pthread_join(ob->threads[i], NULL);
    free(ob->threads);
    pthread_mutex_destroy(&ob->lock);
    pthread_cond_destroy(&ob->wake);
    free(ob);
    *obp = NULL;
}

static int stats_row(const char *const *c, const size_t *l, size_t ncols, void *arg)
{
    (void)l, (void)ncols;
    struct {
        npg_outbox_stats_t *out;
        size_t max, n;
    } *a = arg;
    if (a->n == a->max)
        return 0;
    npg_outbox_stats_t *s = &a->out[a->n++];
    npg_strlcpy(s->kind, c[0], sizeof(s->kind));
    s->pending = c[1] ? strtoull(c[1], NULL, 10) : 0;
    s->failing = c[2] ? strtoull(c[2], NULL, 10) : 0;
    s->failed = c[3] ? strtoull(c[3], NULL, 10) : 0;
    s->oldest_s = c[4] ? strtod(c[4], NULL) / 1e6 : 0;
    npg_strlcpy(s->error, c[5] ? c[5] : "", sizeof(s->error));
    return 0;
}

int npg_outbox_stats(npg_db_t *db, int attempts, int window_s, npg_outbox_stats_t *out,
                     size_t max, size_t *n)
{
    struct {
        npg_outbox_stats_t *out;
        size_t max, n;
    } a = {out, max, 0};
    int rc = npg_db_query_each(
        db,
        "SELECT kind, SUM(state = 'pending'), SUM(state = 'pending' AND attempts >= ?),"
        " SUM(state = 'failed'), TIMESTAMPDIFF(MICROSECOND, MIN(IF(state = 'pending',"
        " created_at, NULL)), NOW(3)), SUBSTRING(MAX(IF(state = 'failed' OR attempts >= ?,"
        " last_error, NULL)), 1, 150) FROM outbox WHERE state = 'pending' OR (state = 'failed'"
        " AND next_attempt_at >= NOW(3) - INTERVAL ? SECOND) GROUP BY kind ORDER BY kind",
        NPG_DB_P(NPG_DB_I(attempts), NPG_DB_I(attempts), NPG_DB_I(window_s)), stats_row, &a);
    *n = a.n;
    return rc;
}
