/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "db/db.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "metrics/metrics.h"

#define STMT_CACHE 64
#define COL_BUF 4096 /* per column; longer values are fetched with mysql_stmt_fetch_column */

struct stmt_slot {
    const char *sql; /* identity of the literal it was prepared from */
    MYSQL_STMT *stmt;
};

#define TX_MEMO 32 /* what the current transaction did once already (npg_db_tx_first) */

struct npg_db {
    MYSQL *my;
    bool broken;
    bool in_tx;
    bool doomed;                     /* the server rolled the transaction back */
    bool galera;                     /* the server is a Galera cluster node (wsrep_on) */
    char where[NPG_CONF_STRLEN + 8]; /* the server it is connected to, for log lines */
    struct {
        int kind;
        uint64_t value;
    } memo[TX_MEMO];
    size_t nmemo;
    struct stmt_slot cache[STMT_CACHE];
    size_t cache_next;
    char err[512];
};

static npg_metric_t db_errors = {
    .name = "npgw_db_errors_total",
    .help = "Database statements that failed, by class: down (connection lost), conflict"
            " (deadlock, lock wait, certification: retried), duplicate, reference, error.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"class"},
    .static_values = true,
};
static npg_metric_t db_connect_failures = {
    .name = "npgw_db_connect_failures_total",
    .help = "Connections to the database that could not be opened.",
    .type = NPG_METRIC_COUNTER,
};
static npg_metric_t pool_waits = {
    .name = "npgw_db_pool_wait_seconds",
    .help = "Time a thread waited for a pooled connection when none was idle (timeouts"
            " included).",
    .type = NPG_METRIC_HISTOGRAM,
};
static npg_metric_t pool_timeouts = {
    .name = "npgw_db_pool_timeouts_total",
    .help = "Waits for a pooled connection that timed out (the request got 503).",
    .type = NPG_METRIC_COUNTER,
};

static int map_errno(npg_db_t *db, unsigned int code, const char *msg, const char *what)
{
    snprintf(db->err, sizeof(db->err), "%s: %u %s", what, code, msg);
    const char *cls = "error";
    switch (code) {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case ER_UNKNOWN_COM_ERROR:   /* a Galera node out of the primary component */
    case ER_SERVER_SHUTDOWN:     /* the server is going away */
    case ER_CONNECTION_KILLED:   /* so is this connection */
    case ER_ERROR_DURING_COMMIT: /* a Galera node that lost the cluster while committing */
        db->broken = true;
        npg_log(LOG_WARNING, "db", "%s", db->err);
        npg_metric_add(&db_errors, NPG_METRIC_V("down"), 1);
        return NPG_EDBDOWN;
    case ER_DUP_ENTRY:
        cls = "duplicate";
        npg_metric_add(&db_errors, NPG_METRIC_V(cls), 1);
        return NPG_EEXIST;
    case ER_LOCK_DEADLOCK:
        /* The whole transaction is gone on the server. With autocommit off the next
         * statement would open a new one, and a caller that went on would commit only
         * what came after this: the transaction can only be rolled back now. */
        if (db->in_tx)
            db->doomed = true;
        npg_metric_add(&db_errors, NPG_METRIC_V("conflict"), 1);
        return NPG_ECONFLICT;
    case ER_LOCK_WAIT_TIMEOUT: /* only the statement was rolled back */
        npg_metric_add(&db_errors, NPG_METRIC_V("conflict"), 1);
        return NPG_ECONFLICT;
    case ER_NO_REFERENCED_ROW_2:
    case ER_ROW_IS_REFERENCED_2:
        npg_log(LOG_WARNING, "db", "%s", db->err);
        npg_metric_add(&db_errors, NPG_METRIC_V("reference"), 1);
        return NPG_EINVAL;
    default:
        npg_log(LOG_ERR, "db", "%s", db->err);
        npg_metric_add(&db_errors, NPG_METRIC_V(cls), 1);
        return NPG_EDB;
    }
}

static int stmt_fail(npg_db_t *db, MYSQL_STMT *st, const char *what)
{
    /* libmariadb leaves an error read while fetching unbuffered rows on the connection,
     * not on the statement (mysql_stmt_errno() is 0 then) */
    if (mysql_stmt_errno(st) == 0 && mysql_errno(db->my) != 0)
        return map_errno(db, mysql_errno(db->my), mysql_error(db->my), what);
    return map_errno(db, mysql_stmt_errno(st), mysql_stmt_error(st), what);
}

/* One server to try: a Unix socket, or a host and port. */
typedef struct server {
    const char *socket; /* NULL: host and port */
    char host[NPG_CONF_STRLEN];
    unsigned int port;
} server_t;

/* "host:port", "[v6]:port" or "host" (the [database] port). NPG_EINVAL when malformed. */
static int parse_node(const char *s, unsigned int dflt_port, server_t *out)
{
    size_t n = strlen(s);
    const char *colon = NULL;
    memset(out, 0, sizeof(*out));
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || (close[1] && close[1] != ':'))
            return NPG_EINVAL;
        n = (size_t)(close - s - 1);
        s++;
        colon = close[1] ? close + 1 : NULL;
    } else if ((colon = strrchr(s, ':')) != NULL) {
        n = (size_t)(colon - s);
    }
    if (n == 0 || n >= sizeof(out->host))
        return NPG_EINVAL;
    memcpy(out->host, s, n);
    out->port = dflt_port;
    if (colon) {
        char *end;
        long p = strtol(colon + 1, &end, 10);
        if (*end || p < 1 || p > 65535)
            return NPG_EINVAL;
        out->port = (unsigned int)p;
    }
    return NPG_OK;
}

/*
 * On a Galera node: refuse a node that cannot take work yet (wsrep_ready OFF: joining,
 * out of the primary component), and make reads causal across the cluster
 * (wsrep_sync_wait). Elsewhere (no wsrep) nothing changes.
 */
static int galera_setup(npg_db_t *db, const npg_conf_t *conf)
{
    npg_db_rows_t *rows = NULL;
    if (npg_db_query(db, "SHOW VARIABLES LIKE 'wsrep_on'", NULL, 0, &rows) != NPG_OK)
        return NPG_OK; /* a server without wsrep variables */
    const char *on = npg_db_rows_get(rows, 0, 1);
    db->galera = on && strcasecmp(on, "ON") == 0;
    npg_db_rows_free(&rows);
    if (!db->galera)
        return NPG_OK;
    int rc = npg_db_query(db, "SHOW STATUS LIKE 'wsrep_ready'", NULL, 0, &rows);
    const char *ready = rc == NPG_OK ? npg_db_rows_get(rows, 0, 1) : NULL;
    bool ok = ready && strcasecmp(ready, "ON") == 0;
    npg_db_rows_free(&rows);
    if (!ok) {
        npg_log(LOG_WARNING, "db", "%s is a Galera node that is not ready (wsrep_ready %s)",
                db->where, ready ? ready : "unknown");
        return NPG_EDBDOWN;
    }
    return npg_db_exec(db, "SET SESSION wsrep_sync_wait = ?",
                       NPG_DB_P(NPG_DB_I(conf->database.sync_wait)), NULL, NULL);
}

static int open_one(const npg_conf_t *conf, const server_t *srv, npg_db_t **out)
{
    npg_db_t *db = calloc(1, sizeof(*db));
    if (!db)
        return NPG_ENOMEM;
    db->my = mysql_init(NULL);
    if (!db->my) {
        free(db);
        return NPG_ENOMEM;
    }
    unsigned int ct = (unsigned)conf->database.connect_timeout;
    unsigned int rt = (unsigned)conf->database.read_timeout;
    unsigned int wt = (unsigned)conf->database.write_timeout;
    my_bool no = 0;
    mysql_optionsv(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_optionsv(db->my, MYSQL_OPT_READ_TIMEOUT, &rt);
    mysql_optionsv(db->my, MYSQL_OPT_WRITE_TIMEOUT, &wt);
    mysql_optionsv(db->my, MYSQL_OPT_RECONNECT, &no);
    mysql_optionsv(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(db->my, MYSQL_INIT_COMMAND,
                   "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
                   "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
                   "tx_isolation = 'READ-COMMITTED'");
    const char *host = srv->socket ? "localhost" : srv->host;
    if (srv->socket)
        snprintf(db->where, sizeof(db->where), "%s", srv->socket);
    else
        snprintf(db->where, sizeof(db->where), "%s:%u", srv->host, srv->port);
    if (!mysql_real_connect(db->my, host, conf->database.user, conf->database.password,
                            conf->database.name, srv->port, srv->socket, CLIENT_FOUND_ROWS)) {
        npg_log(LOG_ERR, "db", "connect to %s as %s failed: %s", db->where, conf->database.user,
                mysql_error(db->my));
        npg_metric_add(&db_connect_failures, NULL, 1);
        mysql_close(db->my);
        free(db);
        return NPG_EDBDOWN;
    }
    int rc = galera_setup(db, conf);
    if (rc != NPG_OK) {
        npg_db_close(&db);
        return rc == NPG_EDB ? NPG_EDBDOWN : rc;
    }
    *out = db;
    return NPG_OK;
}

int npg_db_open(const npg_conf_t *conf, npg_db_t **out)
{
    server_t srv = {.socket = conf->database.socket[0] ? conf->database.socket : NULL,
                    .port = (unsigned)conf->database.port};
    if (!srv.socket)
        npg_strlcpy(srv.host, conf->database.host, sizeof(srv.host));
    int rc = open_one(conf, &srv, out);
    if (rc != NPG_EDBDOWN || !conf->database.nodes[0])
        return rc;
    /* the other cluster nodes, in the order given: the first that takes work wins */
    char list[NPG_CONF_STRLEN];
    npg_strlcpy(list, conf->database.nodes, sizeof(list));
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t && rc == NPG_EDBDOWN;
         t = strtok_r(NULL, ", ", &save)) {
        if (parse_node(t, (unsigned)conf->database.port, &srv) != NPG_OK) {
            npg_log(LOG_ERR, "db", "[database] nodes: '%s' is not host:port", t);
            continue;
        }
        rc = open_one(conf, &srv, out);
        if (rc == NPG_OK)
            npg_log(LOG_NOTICE, "db", "connected to the cluster through %s", (*out)->where);
    }
    return rc;
}

void npg_db_close(npg_db_t **dbp)
{
    npg_db_t *db = dbp ? *dbp : NULL;
    if (!db)
        return;
    for (size_t i = 0; i < STMT_CACHE; i++)
        if (db->cache[i].stmt)
            mysql_stmt_close(db->cache[i].stmt);
    mysql_close(db->my);
    free(db);
    *dbp = NULL;
}

/* Prepared statements are cached per connection by the SQL literal's address. */
static int prepare(npg_db_t *db, const char *sql, MYSQL_STMT **out)
{
    for (size_t i = 0; i < STMT_CACHE; i++) {
        if (db->cache[i].sql == sql && db->cache[i].stmt) {
            *out = db->cache[i].stmt;
            return NPG_OK;
        }
    }
    if (db->broken)
        return NPG_EDBDOWN;
    MYSQL_STMT *st = mysql_stmt_init(db->my);
    if (!st)
        return NPG_ENOMEM;
    if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
        int rc = stmt_fail(db, st, "prepare");
        mysql_stmt_close(st);
        return rc;
    }
    struct stmt_slot *slot = &db->cache[db->cache_next];
    db->cache_next = (db->cache_next + 1) % STMT_CACHE;
    if (slot->stmt)
        mysql_stmt_close(slot->stmt);
    slot->sql = sql;
    slot->stmt = st;
    *out = st;
    return NPG_OK;
}

static int bind_params(npg_db_t *db, MYSQL_STMT *st, const npg_db_val_t *params, size_t n)
{
    if (mysql_stmt_param_count(st) != n) {
        snprintf(db->err, sizeof(db->err), "statement wants %lu parameters, got %zu",
                 mysql_stmt_param_count(st), n);
        npg_log(LOG_ERR, "db", "%s", db->err);
        return NPG_EINVAL;
    }
    if (n == 0)
        return NPG_OK;
    MYSQL_BIND *b = calloc(n, sizeof(*b));
    if (!b)
        return NPG_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        switch (params[i].type) {
        case NPG_DB_NULL:
            b[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        case NPG_DB_INT:
        case NPG_DB_UINT:
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = (void *)&params[i].i;
            b[i].is_unsigned = params[i].type == NPG_DB_UINT;
            break;
        case NPG_DB_STR:
            b[i].buffer_type = MYSQL_TYPE_STRING;
            b[i].buffer = (void *)params[i].s;
            b[i].buffer_length = (unsigned long)params[i].len;
            b[i].length = (unsigned long *)&params[i].len;
            break;
        }
    }
    /* libmariadb reads length through an unsigned long pointer; size_t matches on LP64. */
    _Static_assert(sizeof(unsigned long) == sizeof(size_t), "LP64 expected");
    my_bool bad = mysql_stmt_bind_param(st, b);
    free(b);
    return bad ? stmt_fail(db, st, "bind") : NPG_OK;
}

static int run(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
               MYSQL_STMT **out)
{
    MYSQL_STMT *st = NULL;
    if (db->in_tx && db->doomed) {
        snprintf(db->err, sizeof(db->err), "the transaction was rolled back by the server");
        return NPG_ECONFLICT;
    }
    int rc = prepare(db, sql, &st);
    if (rc != NPG_OK)
        return rc;
    rc = bind_params(db, st, params, n);
    if (rc != NPG_OK)
        return rc;
    if (mysql_stmt_execute(st) != 0)
        return stmt_fail(db, st, "execute");
    *out = st;
    return NPG_OK;
}

int npg_db_exec(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                uint64_t *affected, uint64_t *last_id)
{
    MYSQL_STMT *st = NULL;
    int rc = run(db, sql, params, n, &st);
    if (rc != NPG_OK)
        return rc;
    if (affected)
        *affected = mysql_stmt_affected_rows(st);
    if (last_id)
        *last_id = mysql_stmt_insert_id(st);
    mysql_stmt_free_result(st);
    return NPG_OK;
}

int npg_db_query_each(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                      npg_db_row_fn fn, void *arg)
{
    MYSQL_STMT *st = NULL;
    int rc = run(db, sql, params, n, &st);
    if (rc != NPG_OK)
        return rc;
    unsigned int ncols = mysql_stmt_field_count(st);
    size_t nc = ncols ? ncols : 1;
    /* bound: fixed buffers handed to libmariadb; big: separate growing buffers for long values. */
    MYSQL_BIND *b = calloc(nc, sizeof(*b));
    char **bound = calloc(nc, sizeof(*bound));
    char **big = calloc(nc, sizeof(*big));
    size_t *bigcap = calloc(nc, sizeof(*bigcap));
    unsigned long *lens = calloc(nc, sizeof(*lens));
    size_t *outlens = calloc(nc, sizeof(*outlens));
    my_bool *nulls = calloc(nc, sizeof(*nulls));
    const char **cols = calloc(nc, sizeof(*cols));
    rc = NPG_ENOMEM;
    if (!b || !bound || !big || !bigcap || !lens || !outlens || !nulls || !cols)
        goto done;
    for (unsigned i = 0; i < ncols; i++) {
        if (!(bound[i] = malloc(COL_BUF + 1)))
            goto done;
        b[i].buffer_type = MYSQL_TYPE_STRING;
        b[i].buffer = bound[i];
        b[i].buffer_length = COL_BUF;
        b[i].length = &lens[i];
        b[i].is_null = &nulls[i];
    }
    if (ncols && mysql_stmt_bind_result(st, b) != 0) {
        rc = stmt_fail(db, st, "bind result");
        goto done;
    }
    rc = NPG_OK;
    for (;;) {
        int f = mysql_stmt_fetch(st);
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1) {
            rc = stmt_fail(db, st, "fetch");
            break;
        }
        for (unsigned i = 0; i < ncols; i++) {
            cols[i] = NULL;
            outlens[i] = 0;
            if (nulls[i])
                continue;
            char *val = bound[i];
            if (lens[i] > COL_BUF) { /* truncated: fetch the whole value */
                if (lens[i] > bigcap[i]) {
                    char *nb = realloc(big[i], lens[i] + 1);
                    if (!nb) {
                        rc = NPG_ENOMEM;
                        goto done;
                    }
                    big[i] = nb;
                    bigcap[i] = lens[i];
                }
                MYSQL_BIND one = {
                    .buffer_type = MYSQL_TYPE_STRING, .buffer = big[i], .buffer_length = lens[i]};
                if (mysql_stmt_fetch_column(st, &one, i, 0) != 0) {
                    rc = stmt_fail(db, st, "fetch column");
                    goto done;
                }
                val = big[i];
            }
            val[lens[i]] = '\0';
            cols[i] = val;
            outlens[i] = lens[i];
        }
        int stop = fn(cols, outlens, ncols, arg);
        if (stop) {
            rc = stop;
            break;
        }
    }
done:
    mysql_stmt_free_result(st);
    /* A round trip (COM_STMT_RESET): on a Galera node it is where a transaction aborted
     * meanwhile by a replicated write hears of it (ER_LOCK_DEADLOCK), and the only place.
     * Outside a transaction there is nothing to hear of, and a read would pay it twice. */
    if (db->in_tx && mysql_stmt_reset(st) != 0 && rc == NPG_OK)
        rc = stmt_fail(db, st, "reset");
    for (unsigned i = 0; i < ncols; i++) {
        if (bound)
            free(bound[i]);
        if (big)
            free(big[i]);
    }
    free(bound);
    free(big);
    free(bigcap);
    free(b);
    free(lens);
    free(outlens);
    free(nulls);
    free(cols);
    return rc;
}

struct npg_db_rows {
    size_t nrows, ncols, cap;
    char **cells; /* nrows * ncols, NULL for SQL NULL */
};

static int collect_row(const char *const *cols, const size_t *lens, size_t ncols, void *arg)
{
    npg_db_rows_t *rows = arg;
    if (rows->nrows == rows->cap) {
        size_t ncap = rows->cap ? rows->cap * 2 : 16;
        char **nc = realloc(rows->cells, ncap * ncols * sizeof(char *));
        if (!nc)
            return NPG_ENOMEM;
        rows->cells = nc;
        rows->cap = ncap;
    }
    rows->ncols = ncols;
    char **row = rows->cells + rows->nrows * ncols;
    for (size_t i = 0; i < ncols; i++) {
        row[i] = NULL;
        if (cols[i]) {
            row[i] = malloc(lens[i] + 1);
            if (!row[i]) {
                for (size_t j = 0; j < i; j++)
                    free(row[j]);
                return NPG_ENOMEM;
            }
            memcpy(row[i], cols[i], lens[i] + 1);
        }
    }
    rows->nrows++;
    return 0;
}

int npg_db_query(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                 npg_db_rows_t **out)
{
    npg_db_rows_t *rows = calloc(1, sizeof(*rows));
    if (!rows)
        return NPG_ENOMEM;
    int rc = npg_db_query_each(db, sql, params, n, collect_row, rows);
    if (rc != NPG_OK) {
        npg_db_rows_free(&rows);
        return rc;
    }
    *out = rows;
    return NPG_OK;
}

size_t npg_db_rows_count(const npg_db_rows_t *rows)
{
    return rows ? rows->nrows : 0;
}

const char *npg_db_rows_get(const npg_db_rows_t *rows, size_t r, size_t c)
{
    if (!rows || r >= rows->nrows || c >= rows->ncols)
        return NULL;
    return rows->cells[r * rows->ncols + c];
}

int64_t npg_db_rows_int(const npg_db_rows_t *rows, size_t r, size_t c, int64_t dflt)
{
    const char *s = npg_db_rows_get(rows, r, c);
    return s ? strtoll(s, NULL, 10) : dflt;
}

void npg_db_rows_free(npg_db_rows_t **rowsp)
{
    npg_db_rows_t *rows = rowsp ? *rowsp : NULL;
    if (!rows)
        return;
    for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
        free(rows->cells[i]);
    free(rows->cells);
    free(rows);
    *rowsp = NULL;
}

int npg_db_query_int(npg_db_t *db, const char *sql, const npg_db_val_t *params, size_t n,
                     int64_t *out)
{
    npg_db_rows_t *rows;
    int rc = npg_db_query(db, sql, params, n, &rows);
    if (rc != NPG_OK)
        return rc;
    rc = NPG_ENOTFOUND;
    if (npg_db_rows_count(rows) > 0 && npg_db_rows_get(rows, 0, 0)) {
        *out = npg_db_rows_int(rows, 0, 0, 0);
        rc = NPG_OK;
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* START TRANSACTION and COMMIT leave autocommit on: two round trips a transaction, where
 * switching autocommit off and on again took three. */
int npg_db_begin(npg_db_t *db)
{
    static const char begin[] = "START TRANSACTION";
    if (db->broken)
        return NPG_EDBDOWN;
    db->doomed = false;
    if (mysql_real_query(db->my, begin, sizeof(begin) - 1) != 0)
        return map_errno(db, mysql_errno(db->my), mysql_error(db->my), "begin");
    db->in_tx = true;
    db->nmemo = 0;
    return NPG_OK;
}

int npg_db_begin_snapshot(npg_db_t *db)
{
    if (db->broken)
        return NPG_EDBDOWN;
    db->doomed = false;
    int rc =
        npg_db_exec(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", NULL, 0, NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_db_exec(db, "START TRANSACTION WITH CONSISTENT SNAPSHOT", NULL, 0, NULL, NULL);
    if (rc == NPG_OK)
        db->in_tx = true;
    return rc;
}

void npg_db_conflict_pause(int attempt)
{
    /* 2, 4, 8 ... ms, at most 256, times 0.5 to 1.5: two losers do not collide again */
    unsigned int base = 1000u << (attempt < 8 ? attempt : 8), r = 0;
    if (npg_random_bytes((unsigned char *)&r, sizeof(r)) != NPG_OK)
        r = (unsigned int)attempt * 7919u;
    usleep(base / 2 + r % (base + 1));
}

int npg_db_transact(npg_db_t *db, int (*fn)(npg_db_t *db, void *arg), void *arg)
{
    int rc = NPG_ECONFLICT;
    for (int attempt = 0; rc == NPG_ECONFLICT && attempt < NPG_DB_TX_ATTEMPTS; attempt++) {
        if (attempt)
            npg_db_conflict_pause(attempt);
        if ((rc = npg_db_begin(db)) != NPG_OK)
            return rc;
        rc = fn(db, arg);
        if (rc == NPG_OK)
            rc = npg_db_commit(db); /* a Galera certification conflict shows here */
        else
            npg_db_rollback(db);
    }
    return rc;
}

bool npg_db_is_galera(const npg_db_t *db)
{
    return db->galera;
}

int npg_db_commit(npg_db_t *db)
{
    int rc = NPG_OK;
    if (db->doomed) /* what ran after the rollback is not the transaction: undo it too */
        rc = NPG_ECONFLICT;
    else if (mysql_commit(db->my) != 0)
        rc = map_errno(db, mysql_errno(db->my), mysql_error(db->my), "commit");
    if (rc != NPG_OK)
        mysql_rollback(db->my);
    db->in_tx = db->doomed = false;
    db->nmemo = 0;
    return rc;
}

void npg_db_rollback(npg_db_t *db)
{
    if (!db->in_tx)
        return;
    mysql_rollback(db->my);
    db->in_tx = db->doomed = false;
    db->nmemo = 0;
}

bool npg_db_tx_first(npg_db_t *db, int kind, uint64_t value)
{
    if (!db->in_tx)
        return true;
    for (size_t i = 0; i < db->nmemo; i++)
        if (db->memo[i].kind == kind && db->memo[i].value == value)
            return false;
    if (db->nmemo < TX_MEMO) { /* full: forgotten, done again (harmless by contract) */
        db->memo[db->nmemo].kind = kind;
        db->memo[db->nmemo++].value = value;
    }
    return true;
}

int npg_db_exec_script_stmt(npg_db_t *db, const char *sql)
{
    if (mysql_real_query(db->my, sql, (unsigned long)strlen(sql)) != 0)
        return map_errno(db, mysql_errno(db->my), mysql_error(db->my), "script");
    MYSQL_RES *res = mysql_store_result(db->my);
    if (res)
        mysql_free_result(res);
    return NPG_OK;
}

int npg_db_ping(npg_db_t *db)
{
    if (db->broken)
        return NPG_EDBDOWN;
    if (mysql_ping(db->my) != 0)
        return map_errno(db, mysql_errno(db->my), mysql_error(db->my), "ping");
    return NPG_OK;
}

bool npg_db_broken(const npg_db_t *db)
{
    return db->broken;
}

const char *npg_db_last_error(const npg_db_t *db)
{
    return db->err;
}

struct npg_db_pool {
    const npg_conf_t *conf;
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size;
    int open; /* connections that exist (idle or lent) */
    int idle_count;
    int waiting; /* threads waiting for a connection */
    npg_db_t **idle;
};

int npg_db_pool_new(const npg_conf_t *conf, int size, npg_db_pool_t **out)
{
    npg_db_pool_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NPG_ENOMEM;
    p->idle = calloc((size_t)size, sizeof(*p->idle));
    if (!p->idle) {
        free(p);
        return NPG_ENOMEM;
    }
    p->conf = conf;
    p->size = size;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    *out = p;
    return NPG_OK;
}

void npg_db_pool_free(npg_db_pool_t **pp)
{
    npg_db_pool_t *p = pp ? *pp : NULL;
    if (!p)
        return;
    for (int i = 0; i < p->idle_count; i++)
        npg_db_close(&p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p->idle);
    free(p);
    *pp = NULL;
}

int npg_db_pool_get(npg_db_pool_t *p, int timeout_ms, npg_db_t **out)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->lock);
    uint64_t t0 = p->idle_count == 0 && p->open >= p->size ? npg_metrics_now_ns() : 0;
    while (p->idle_count == 0 && p->open >= p->size) {
        p->waiting++;
        int w = pthread_cond_timedwait(&p->freed, &p->lock, &until);
        p->waiting--;
        if (w == ETIMEDOUT) {
            pthread_mutex_unlock(&p->lock);
            npg_metric_observe_ns(&pool_waits, NULL, npg_metrics_now_ns() - t0);
            npg_metric_add(&pool_timeouts, NULL, 1);
            return NPG_ETIMEOUT;
        }
    }
    if (t0) /* only a wait is measured: the usual path takes no clock */
        npg_metric_observe_ns(&pool_waits, NULL, npg_metrics_now_ns() - t0);
    if (p->idle_count > 0) {
        *out = p->idle[--p->idle_count];
        pthread_mutex_unlock(&p->lock);
        return NPG_OK;
    }
    p->open++; /* reserve the slot, connect outside the lock */
    pthread_mutex_unlock(&p->lock);
    int rc = npg_db_open(p->conf, out);
    if (rc != NPG_OK) {
        pthread_mutex_lock(&p->lock);
        p->open--;
        pthread_cond_signal(&p->freed);
        pthread_mutex_unlock(&p->lock);
    }
    return rc;
}

void npg_db_pool_put(npg_db_pool_t *p, npg_db_t **dbp)
{
    npg_db_t *db = *dbp;
    *dbp = NULL;
    if (!db)
        return;
    npg_db_rollback(db); /* never hand on an open transaction */
    pthread_mutex_lock(&p->lock);
    if (db->broken) {
        p->open--;
        pthread_mutex_unlock(&p->lock);
        npg_db_close(&db);
        pthread_mutex_lock(&p->lock);
    } else {
        p->idle[p->idle_count++] = db;
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void npg_db_pool_stats(npg_db_pool_t *p, npg_db_pool_stats_t *out)
{
    pthread_mutex_lock(&p->lock);
    *out = (npg_db_pool_stats_t){
        .size = p->size, .open = p->open, .in_use = p->open - p->idle_count, .waiting = p->waiting};
    pthread_mutex_unlock(&p->lock);
}

void npg_db_register_metrics(void)
{
    npg_metric_register(&db_errors);
    npg_metric_register(&db_connect_failures);
    npg_metric_register(&pool_waits);
    npg_metric_register(&pool_timeouts);
}
