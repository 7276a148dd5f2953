/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox/outbox.h - at-least-once delivery of outbound effects, in order per ordering key. */
#pragma once
#include <stdint.h>
#include "common/conf.h"
#include "db/db.h"

typedef struct npg_outbox npg_outbox_t;

/* One claimed row, as a handler sees it. Strings are owned by the dispatcher. */
typedef struct npg_outbox_item {
    uint64_t id;
    const char *kind;
    const char *ordering_key;
    const char *idempotency_key;
    const char *port_kind; /* "in", "out" or "none" */
    uint64_t port_id;
    const char *payload;
    int attempts; /* including this one */
} npg_outbox_item_t;

/*
 * A kind's handler. deliver() runs outside any transaction and returns NPG_OK
 * when delivered, NPG_EINVAL (or another client-side error) when it never
 * will be (the row fails at once), anything else to retry with back-off.
 * result (NUL-terminated) is stored on the row. done() and failed() (either may
 * be NULL) run inside the transaction that closes the row, e.g. to archive what
 * was sent or advance the port; retrying() (may be NULL) inside the one that puts
 * it back for a later attempt (raise an alarm at the first failure). That transaction
 * runs again when it loses a conflict, so they must find what deliver() left for them
 * unchanged each time. settled() (may be NULL) runs once after it, committed or not,
 * outside any transaction: the place to free what deliver() kept for done().
 */
typedef struct npg_outbox_handler {
    const char *kind;
    int (*deliver)(void *ctx, const npg_outbox_item_t *item, char *result, size_t len);
    int (*done)(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result);
    int (*failed)(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error);
    int (*retrying)(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error);
    void (*settled)(void *ctx, const npg_outbox_item_t *item);
    void *ctx;        /* given to this kind's calls; NULL: the outbox's ctx */
    int max_attempts; /* attempts before the row fails for good; 0: [outbox] max_attempts */
} npg_outbox_handler_t;

/*
 * Queue an effect inside the caller's open transaction. idempotency_key is
 * unique: queueing the same key twice returns NPG_EEXIST and changes nothing.
 */
int npg_outbox_put(npg_db_t *db, const char *kind, const char *ordering_key,
                   const char *idempotency_key, const char *port_kind, uint64_t port_id,
                   const char *payload) NPG_WUR;

/* handlers (and ctx) must outlive the dispatcher. */
int npg_outbox_new(const npg_conf_t *conf, npg_db_pool_t *pool,
                   const npg_outbox_handler_t *handlers, size_t n, void *ctx,
                   npg_outbox_t **out) NPG_WUR;
/* Start conf->outbox.workers threads. */
int npg_outbox_start(npg_outbox_t *ob) NPG_WUR;
/* Stop the threads (waits for a delivery under way) and free. */
void npg_outbox_free(npg_outbox_t **ob);
/* Claim and deliver at most one due row; *worked is set when a row was handled. */
int npg_outbox_run_once(npg_outbox_t *ob, npg_db_t *db, bool *worked) NPG_WUR;

/* What is queued of one kind, for the metrics and the alarm checks. */
typedef struct npg_outbox_stats {
    char kind[33];
    uint64_t pending; /* not delivered yet */
    uint64_t failing; /* of them, attempted at least `attempts` times */
    uint64_t failed;  /* failed for good within the window */
    double oldest_s;  /* age of the oldest pending one, seconds */
    char error[160];  /* the last error of a failing or failed one, "" when none */
} npg_outbox_stats_t;

/*
 * Every kind with pending messages or messages that failed for good in the last window_s
 * seconds (by their last attempt): at most max in out, *n of them. One indexed query.
 */
int npg_outbox_stats(npg_db_t *db, int attempts, int window_s, npg_outbox_stats_t *out,
                     size_t max, size_t *n) NPG_WUR;
