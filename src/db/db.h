/* SPDX-License-Identifier: GPL-3.0-or-later */
/* db/db.h - MariaDB/MySQL access: prepared statements only, timeouts, no auto-reconnect, a pool. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "common/conf.h"
#include "common/error.h"

typedef struct npg_db npg_db_t;           /* one connection (opaque) */
typedef struct npg_db_pool npg_db_pool_t; /* connections shared by threads (opaque) */
typedef struct npg_db_rows npg_db_rows_t; /* a buffered result set (opaque) */

typedef enum npg_db_type { NPG_DB_NULL, NPG_DB_INT, NPG_DB_UINT, NPG_DB_STR } npg_db_type_t;

/* One statement parameter. Strings are borrowed for the duration of the call. */
typedef struct npg_db_val {
    npg_db_type_t type;
    int64_t i;
    const char *s;
    size_t len;
} npg_db_val_t;

#define NPG_DB_I(x) ((npg_db_val_t){.type = NPG_DB_INT, .i = (int64_t)(x)})
#define NPG_DB_U(x) ((npg_db_val_t){.type = NPG_DB_UINT, .i = (int64_t)(uint64_t)(x)})
/* A string parameter; NULL binds SQL NULL. */
static inline npg_db_val_t npg_db_str(const char *s)
{
    return (npg_db_val_t){.type = s ? NPG_DB_STR : NPG_DB_NULL, .s = s, .len = s ? strlen(s) : 0};
}
#define NPG_DB_S(x) npg_db_str(x)
#define NPG_DB_SN(x, n) ((npg_db_val_t){.type = NPG_DB_STR, .s = (x), .len = (n)})
#define NPG_DB_NUL ((npg_db_val_t){.type = NPG_DB_NULL})
/* Pass parameters as NPG_DB_P(NPG_DB_I(1), NPG_DB_S("x")): expands to the array and its length. */
#define NPG_DB_P(...)                                                                              \
    (const npg_db_val_t[]){__VA_ARGS__},                                                           \
        sizeof((const npg_db_val_t[]){__VA_ARGS__}) / sizeof(npg_db_val_t)

/*
 * Connect with the [database] settings: the socket or host:port, then each of
 * [database] nodes in turn (other Galera nodes). On a Galera node, a node that is
 * not ready (wsrep_ready OFF) is passed over and each session gets wsrep_sync_wait.
 * Errors: NPG_EDBDOWN (with a log line saying why).
 */
int npg_db_open(const npg_conf_t *conf, npg_db_t **out) NPG_WUR;
/* Close and set *db to NULL; NULL is fine. */
void npg_db_close(npg_db_t **db);

/* Run a statement that returns no rows. affected and last_id may be NULL. */
int npg_db_exec(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                uint64_t *affected, uint64_t *last_id) NPG_WUR;

/*
 * Run a query and stream its rows: fn gets each row's columns as strings
 * (NULL for SQL NULL) and returns 0 to go on, non-zero to stop (returned).
 */
typedef int (*npg_db_row_fn)(const char *const *cols, const size_t *lens, size_t ncols, void *arg);
int npg_db_query_each(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                      npg_db_row_fn fn, void *arg) NPG_WUR;

/* Run a query and keep every row in memory; free with npg_db_rows_free. */
int npg_db_query(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                 npg_db_rows_t **out) NPG_WUR;
size_t npg_db_rows_count(const npg_db_rows_t *rows);
/* Column c of row r as a string, NULL for SQL NULL or out of range. Owned by rows. */
const char *npg_db_rows_get(const npg_db_rows_t *rows, size_t r, size_t c);
int64_t npg_db_rows_int(const npg_db_rows_t *rows, size_t r, size_t c, int64_t dflt);
void npg_db_rows_free(npg_db_rows_t **rows);

/* Single value helpers: NPG_ENOTFOUND when the query returns no row. */
int npg_db_query_int(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                     int64_t *out) NPG_WUR;

int npg_db_begin(npg_db_t *db) NPG_WUR;
/*
 * Commit. NPG_ECONFLICT: a deadlock, or on a Galera cluster a certification conflict
 * (another node committed a write to the same rows first): nothing was committed and
 * the transaction may be run again. NPG_EDBDOWN: the outcome is unknown.
 */
int npg_db_commit(npg_db_t *db) NPG_WUR;
void npg_db_rollback(npg_db_t *db);
/* A read-only transaction on one consistent snapshot (REPEATABLE READ); end it with rollback. */
int npg_db_begin_snapshot(npg_db_t *db) NPG_WUR;

#define NPG_DB_TX_ATTEMPTS 8
/*
 * Run fn in a transaction and commit; run it again, after a short random pause, while
 * fn or the commit fails with NPG_ECONFLICT (deadlock, lock wait timeout, Galera
 * certification conflict), NPG_DB_TX_ATTEMPTS times at most. fn must only touch the
 * database, so running it again is safe. Returns fn's or the commit's result.
 */
int npg_db_transact(npg_db_t *db, int (*fn)(npg_db_t *db, void *arg), void *arg) NPG_WUR;
/* Sleep before attempt number attempt (1, 2, ...) of a transaction that lost a conflict. */
void npg_db_conflict_pause(int attempt);
/* True when the connection's server is a Galera cluster node. */
bool npg_db_is_galera(const npg_db_t *db);

/*
 * True the first time (kind, value) is asked about in the current transaction, false after:
 * for work that needs doing once per transaction (a row lock taken), now that one
 * transaction may carry several messages (group commit). Outside a transaction, or when
 * too many are remembered, always true: the work must be harmless to repeat.
 */
bool npg_db_tx_first(npg_db_t *db, int kind, uint64_t value);
#define NPG_DB_MEMO_NUMBER_BLOCK 1

/* Run trusted SQL text without parameters (migrations only). */
int npg_db_exec_script_stmt(npg_db_t *db, const char *sql) NPG_WUR;

/* Round-trip to the server. */
int npg_db_ping(npg_db_t *db) NPG_WUR;
/* True once a network error was seen: the pool replaces such a connection. */
bool npg_db_broken(const npg_db_t *db);
/* Last server or client error text of this connection. */
const char *npg_db_last_error(const npg_db_t *db);

/* A fixed-size pool. Connections are opened lazily and replaced when broken. */
int npg_db_pool_new(const npg_conf_t *conf, int size, npg_db_pool_t **out) NPG_WUR;
void npg_db_pool_free(npg_db_pool_t **pool);
/* Borrow a connection, waiting up to timeout_ms. Errors: NPG_EDBDOWN, NPG_ETIMEOUT. */
int npg_db_pool_get(npg_db_pool_t *pool, int timeout_ms, npg_db_t **out) NPG_WUR;
void npg_db_pool_put(npg_db_pool_t *pool, npg_db_t **db);

/* How a pool is used now, for the metrics. */
typedef struct npg_db_pool_stats {
    int size;    /* connections it may hold */
    int open;    /* connections that exist */
    int in_use;  /* lent out */
    int waiting; /* threads waiting for one */
} npg_db_pool_stats_t;
void npg_db_pool_stats(npg_db_pool_t *pool, npg_db_pool_stats_t *out);
/* Show the database metrics (errors, connects, pool waits) before anything happened. */
void npg_db_register_metrics(void);
