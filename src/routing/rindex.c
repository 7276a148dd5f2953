/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "routing/rindex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/numtab.h"
#include "common/util.h"
#include "metrics/metrics.h"

/* A routing row: 19 bytes, so 10M rows take 190 MB. op 0 (overlay only): the row was removed. */
typedef struct __attribute__((packed)) rrow {
    uint64_t number;
    uint32_t updated; /* UNIX time */
    uint32_t ref;     /* port reference: its index in refs, 0 for none */
    uint16_t op;      /* operators.id */
    uint8_t kind;     /* bit 0: fixed; bits 1-3: source, 1-based in sources[] */
} rrow_t;

/* routing.source's ENUM, in its order */
static const char *const sources[] = {"port_in", "port_out", "manual", "import", "reconcile"};

typedef struct lrn_slot {
    uint64_t number, lrn; /* number 0: empty; lrn 0: none */
} lrn_slot_t;

/* What one load built, changed in place by the follower afterwards. */
typedef struct table {
    rrow_t *base; /* sorted by number */
    size_t nbase, capbase;
    npg_numtab_t overlay; /* rrow_t: changes since the load, by number */
    char **refs; /* refs[0] unused */
    size_t nrefs, caprefs;
    uint32_t *refslots; /* ids of refs by the string's hash (0: empty); a power of two */
    size_t nrefslots;
    npg_numtab_t lrns; /* lrn_slot_t by number */
} table_t;

#define BATCH 10000
#define STALE_MS 2000 /* the follower's last pass older than this: reads go to the database */

struct npg_rindex {
    pthread_rwlock_t lock;
    table_t *t;
    uint64_t applied;
    int64_t followed_ms;
    npg_db_pool_t *pool;
    int follow_ms;
    pthread_t thread;
    bool running;
    atomic_bool stop;
};

static _Atomic uint64_t local_written;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void table_free(table_t *t)
{
    if (!t)
        return;
    for (size_t i = 1; i < t->nrefs; i++)
        free(t->refs[i]);
    free(t->refs);
    free(t->refslots);
    free(t->base);
    npg_numtab_clear(&t->overlay);
    npg_numtab_clear(&t->lrns);
    free(t);
}

static table_t *table_new(void)
{
    table_t *t = calloc(1, sizeof(*t));
    if (t) {
        t->overlay = (npg_numtab_t)NPG_NUMTAB_INIT(rrow_t, 1024);
        t->lrns = (npg_numtab_t)NPG_NUMTAB_INIT(lrn_slot_t, 64);
    }
    if (t && (!(t->refslots = calloc(t->nrefslots = 1024, sizeof(*t->refslots))) ||
              !(t->refs = calloc(t->caprefs = 64, sizeof(*t->refs))))) {
        table_free(t);
        return NULL;
    }
    if (t)
        t->nrefs = 1;
    return t;
}

/* The id of port reference s (interned), 0 for "". */
static int ref_id(table_t *t, const char *s, uint32_t *out)
{
    *out = 0;
    if (!s[0])
        return NPG_OK;
    size_t mask = t->nrefslots - 1, i = str_hash(s) & mask;
    for (; t->refslots[i]; i = (i + 1) & mask)
        if (strcmp(t->refs[t->refslots[i]], s) == 0) {
            *out = t->refslots[i];
            return NPG_OK;
        }
    if (t->nrefs == UINT32_MAX)
        return NPG_ETOOBIG;
    if (t->nrefs == t->caprefs) {
        char **n = realloc(t->refs, 2 * t->caprefs * sizeof(*n));
        if (!n)
            return NPG_ENOMEM;
        t->refs = n;
        t->caprefs *= 2;
    }
    if (!(t->refs[t->nrefs] = strdup(s)))
        return NPG_ENOMEM;
    t->refslots[i] = (uint32_t)t->nrefs;
    *out = (uint32_t)t->nrefs++;
    if (2 * t->nrefs > t->nrefslots) { /* keep it half empty */
        uint32_t *n = calloc(2 * t->nrefslots, sizeof(*n));
        if (!n)
            return NPG_ENOMEM;
        size_t nmask = 2 * t->nrefslots - 1;
        for (uint32_t id = 1; id < t->nrefs; id++) {
            size_t j = str_hash(t->refs[id]) & nmask;
            while (n[j])
                j = (j + 1) & nmask;
            n[j] = id;
        }
        free(t->refslots);
        t->refslots = n;
        t->nrefslots *= 2;
    }
    return NPG_OK;
}

/* A number's own LRN, or its removal (0). */
static int lrn_put(table_t *t, uint64_t number, uint64_t lrn)
{
    lrn_slot_t *s = lrn ? npg_numtab_put(&t->lrns, number) : npg_numtab_get(&t->lrns, number);
    if (s)
        s->lrn = lrn;
    return s || !lrn ? NPG_OK : NPG_ENOMEM;
}

static uint64_t lrn_get(const table_t *t, uint64_t number)
{
    const lrn_slot_t *s = npg_numtab_get(&t->lrns, number);
    return s ? s->lrn : 0;
}

static int slot_put(table_t *t, const rrow_t *r)
{
    rrow_t *s = npg_numtab_put(&t->overlay, r->number);
    if (!s)
        return NPG_ENOMEM;
    *s = *r;
    return NPG_OK;
}

static const rrow_t *base_find(const table_t *t, uint64_t number)
{
    size_t lo = 0, hi = t->nbase;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->base[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->nbase && t->base[lo].number == number ? &t->base[lo] : NULL;
}

/* A row from the database's columns (operator_id 0: no row) into r. */
static int row_from(table_t *t, uint64_t number, const npg_rindex_row_t *in, long long updated,
                    rrow_t *r)
{
    *r = (rrow_t){.number = number, .updated = updated > 0 ? (uint32_t)updated : 0};
    if (!in->operator_id)
        return NPG_OK;
    if (in->operator_id > UINT16_MAX)
        return NPG_EINVAL;
    r->op = (uint16_t)in->operator_id;
    unsigned src = 0; /* a source newer than this list is kept, and read back as "" */
    for (unsigned i = 0; i < NPG_ARRAY_LEN(sources); i++)
        if (strcmp(in->source, sources[i]) == 0)
            src = i + 1;
    r->kind = (uint8_t)((strcmp(in->number_type, "fixed") == 0) | src << 1);
    uint32_t ref = 0;
    int rc = ref_id(t, in->port_ref, &ref);
    r->ref = ref;
    return rc;
}

static uint64_t lrn_of(const char *s)
{
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9' && v < UINT64_MAX / 10; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

/* Where the follower has been: set under the write lock. */
static int apply(table_t *t, uint64_t number, const npg_rindex_row_t *in, long long updated)
{
    rrow_t r;
    int rc = row_from(t, number, in, updated, &r);
    if (rc == NPG_OK)
        rc = slot_put(t, &r);
    if (rc == NPG_OK)
        rc = lrn_put(t, number, r.op ? lrn_of(in->lrn) : 0);
    return rc;
}

/* --- loading and following ---------------------------------------------------------------- */

/* The columns both the load and the follower read: number, then the row's (NULL: none). */
#define ROW_COLUMNS                                                                                \
    "COALESCE(r.operator_id, 0), COALESCE(r.number_type, ''), COALESCE(r.source, ''),"           \
    " COALESCE(r.port_ref, ''), COALESCE(UNIX_TIMESTAMP(r.updated_at), 0), COALESCE(r.lrn, '')"

static void row_cols(const char *const *c, npg_rindex_row_t *in, long long *updated)
{
    memset(in, 0, sizeof(*in));
    in->operator_id = (uint32_t)strtoul(c[0] ? c[0] : "0", NULL, 10);
    npg_strlcpy(in->number_type, c[1] ? c[1] : "", sizeof(in->number_type));
    npg_strlcpy(in->source, c[2] ? c[2] : "", sizeof(in->source));
    npg_strlcpy(in->port_ref, c[3] ? c[3] : "", sizeof(in->port_ref));
    *updated = strtoll(c[4] ? c[4] : "0", NULL, 10);
    npg_strlcpy(in->lrn, c[5] ? c[5] : "", sizeof(in->lrn));
}

typedef struct loading {
    npg_rindex_t *ix;
    table_t *t;
} loading_t;

static int load_row(const char *const *cols, const size_t *lens, size_t ncols, void *arg)
{
    (void)lens;
    loading_t *l = arg;
    table_t *t = l->t;
    if (ncols != 7)
        return NPG_EDB;
    if (t->nbase % 65536 == 0 && atomic_load(&l->ix->stop))
        return NPG_EUNAVAIL; /* stopping: the rest is drained by the client, not stored */
    npg_rindex_row_t in;
    long long updated;
    row_cols(cols + 1, &in, &updated);
    uint64_t number = strtoull(cols[0] ? cols[0] : "0", NULL, 10);
    if (t->nbase == t->capbase) {
        size_t nc = t->capbase ? 2 * t->capbase : 65536;
        rrow_t *n = realloc(t->base, nc * sizeof(*n));
        if (!n)
            return NPG_ENOMEM;
        t->base = n;
        t->capbase = nc;
    }
    rrow_t *r = &t->base[t->nbase];
    int rc = row_from(t, number, &in, updated, r);
    if (rc == NPG_OK && r->op) {
        t->nbase++;
        rc = lrn_put(t, number, lrn_of(in.lrn));
    }
    return rc;
}

static int load(npg_rindex_t *ix, npg_db_t *db)
{
    npg_db_rows_t *rows = NULL;
    /* the position first: a change committed during the load is applied again after it */
    int rc = npg_db_query(db, "SELECT COALESCE(MAX(id), 0) FROM routing_changes", NULL, 0, &rows);
    uint64_t head = rc == NPG_OK ? (uint64_t)npg_db_rows_int(rows, 0, 0, 0) : 0;
    npg_db_rows_free(&rows);
    table_t *t = rc == NPG_OK ? table_new() : NULL;
    if (rc == NPG_OK && !t)
        rc = NPG_ENOMEM;
    loading_t l = {ix, t};
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT r.number, " ROW_COLUMNS " FROM routing r ORDER BY r.number",
                               NULL, 0, load_row, &l);
    if (rc != NPG_OK) {
        table_free(t);
        return rc;
    }
    pthread_rwlock_wrlock(&ix->lock);
    table_t *old = ix->t;
    ix->t = t;
    ix->applied = head;
    ix->followed_ms = npg_now_ms();
    pthread_rwlock_unlock(&ix->lock);
    table_free(old);
    npg_log(LOG_INFO, "routing", "REST routing index: %zu rows loaded, at change %llu", t->nbase,
            (unsigned long long)head);
    return NPG_OK;
}

typedef struct change {
    uint64_t id, number;
    npg_rindex_row_t row;
    long long updated;
} change_t;

typedef struct changes {
    change_t *v;
    size_t n;
} changes_t;

static int change_row(const char *const *cols, const size_t *lens, size_t ncols, void *arg)
{
    (void)lens;
    changes_t *c = arg;
    if (ncols != 8 || c->n == BATCH)
        return NPG_EDB;
    change_t *ch = &c->v[c->n++];
    ch->id = strtoull(cols[0] ? cols[0] : "0", NULL, 10);
    ch->number = strtoull(cols[1] ? cols[1] : "0", NULL, 10);
    row_cols(cols + 2, &ch->row, &ch->updated);
    return 0;
}

/* One pass: up to BATCH changes, each with its number's row as it is now. *more: a full batch. */
static int follow(npg_rindex_t *ix, npg_db_t *db, changes_t *c, bool *more, bool *reload)
{
    pthread_rwlock_rdlock(&ix->lock);
    uint64_t from = ix->applied;
    pthread_rwlock_unlock(&ix->lock);
    c->n = 0;
    int rc = npg_db_query_each(db,
                               "SELECT c.id, c.number, " ROW_COLUMNS " FROM routing_changes c"
                               " LEFT JOIN routing r ON r.number = c.number WHERE c.id > ?"
                               " ORDER BY c.id LIMIT 10000",
                               NPG_DB_P(NPG_DB_U(from)), change_row, c);
    if (rc != NPG_OK)
        return rc;
    pthread_rwlock_wrlock(&ix->lock);
    for (size_t i = 0; rc == NPG_OK && i < c->n; i++) {
        if (c->v[i].number) /* 0: an operator or range epoch, the numbering snapshot's concern */
            rc = apply(ix->t, c->v[i].number, &c->v[i].row, c->v[i].updated);
        if (rc == NPG_OK)
            ix->applied = c->v[i].id;
    }
    if (rc == NPG_OK)
        ix->followed_ms = npg_now_ms();
    /* many changes (a bulk import): a fresh load is cheaper than a large overlay */
    *reload = ix->t->overlay.used > ix->t->nbase / 4 + 65536;
    pthread_rwlock_unlock(&ix->lock);
    *more = c->n == BATCH;
    return rc;
}

static void pause_ms(npg_rindex_t *ix, int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(&ix->stop); waited += 10)
        usleep(10000);
}

static void *follower_main(void *arg)
{
    npg_rindex_t *ix = arg;
    changes_t c = {.v = malloc(BATCH * sizeof(change_t))};
    bool loaded = false, reload = false;
    while (c.v && !atomic_load(&ix->stop)) {
        npg_db_t *db = NULL;
        if (npg_db_pool_get(ix->pool, 1000, &db) != NPG_OK) {
            pause_ms(ix, 1000);
            continue;
        }
        bool more = false;
        int rc = NPG_OK;
        if (!loaded || reload) {
            rc = load(ix, db);
            loaded = loaded || rc == NPG_OK;
            reload = rc != NPG_OK;
        } else {
            rc = follow(ix, db, &c, &more, &reload);
        }
        npg_db_pool_put(ix->pool, &db);
        if (rc != NPG_OK)
            npg_log(LOG_WARNING, "routing", "REST routing index: %s; reads go to the database",
                    npg_strerror(rc));
        if (!more && !reload)
            pause_ms(ix, rc == NPG_OK ? ix->follow_ms : 1000);
        else if (reload && rc != NPG_OK) /* a failed load is a whole table: not every second */
            pause_ms(ix, 10000);
    }
    free(c.v);
    return NULL;
}

/* --- metrics ------------------------------------------------------------------------------- */

static npg_metric_t m_rows = {
    .name = "npgw_route_index_rows",
    .help = "Routing rows npgwd holds for the REST reads: loaded, and changed since the load.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"table"},
    .static_values = true,
};
static npg_metric_t m_bytes = {
    .name = "npgw_route_index_bytes",
    .help = "Memory held by the REST routing index.",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_ready = {
    .name = "npgw_route_index_ready",
    .help = "1 when REST routing reads come from memory; 0 while it loads or its follower has"
            " not reached the database for 2 s (reads go to the database).",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_applied = {
    .name = "npgw_route_index_applied_id",
    .help = "The routing_changes id the REST routing index applied last.",
    .type = NPG_METRIC_GAUGE,
};

static void collect(void *arg)
{
    npg_rindex_stats_t st;
    npg_rindex_stats(arg, &st);
    npg_metric_set(&m_rows, NPG_METRIC_V("loaded"), (double)st.rows);
    npg_metric_set(&m_rows, NPG_METRIC_V("overlay"), (double)st.overlay);
    npg_metric_set(&m_bytes, NULL, (double)st.bytes);
    npg_metric_set(&m_ready, NULL, st.ready ? 1 : 0);
    npg_metric_set(&m_applied, NULL, (double)st.applied);
}

/* --- the interface -------------------------------------------------------------------------- */

static int ix_new(npg_rindex_t **out)
{
    npg_rindex_t *ix = calloc(1, sizeof(*ix));
    if (!ix)
        return NPG_ENOMEM;
    pthread_rwlock_init(&ix->lock, NULL);
    *out = ix;
    return NPG_OK;
}

int npg_rindex_start(npg_db_pool_t *pool, int follow_ms, npg_rindex_t **out)
{
    npg_rindex_t *ix = NULL;
    int rc = ix_new(&ix);
    if (rc != NPG_OK)
        return rc;
    ix->pool = pool;
    ix->follow_ms = follow_ms;
    if (pthread_create(&ix->thread, NULL, follower_main, ix) != 0) {
        npg_rindex_stop(&ix);
        return NPG_EIO;
    }
    ix->running = true;
    npg_metric_register(&m_rows);
    npg_metric_register(&m_bytes);
    npg_metric_register(&m_ready);
    npg_metric_register(&m_applied);
    if (npg_metrics_collector_add(collect, ix) != NPG_OK)
        npg_log(LOG_WARNING, "routing", "no room for the REST routing index metrics");
    *out = ix;
    return NPG_OK;
}

int npg_rindex_new_empty(npg_rindex_t **out)
{
    npg_rindex_t *ix = NULL;
    int rc = ix_new(&ix);
    if (rc == NPG_OK && !(ix->t = table_new()))
        rc = NPG_ENOMEM;
    if (rc != NPG_OK) {
        npg_rindex_stop(&ix);
        return rc;
    }
    ix->followed_ms = INT64_MAX / 2; /* never stale: nothing follows it */
    *out = ix;
    return NPG_OK;
}

void npg_rindex_stop(npg_rindex_t **ixp)
{
    npg_rindex_t *ix = ixp ? *ixp : NULL;
    if (!ix)
        return;
    atomic_store(&ix->stop, true);
    if (ix->running) {
        npg_metrics_collector_remove(collect, ix);
        pthread_join(ix->thread, NULL);
    }
    table_free(ix->t);
    pthread_rwlock_destroy(&ix->lock);
    free(ix);
    *ixp = NULL;
}

int npg_rindex_apply(npg_rindex_t *ix, uint64_t change_id, uint64_t number,
                     const npg_rindex_row_t *row)
{
    pthread_rwlock_wrlock(&ix->lock);
    int rc = apply(ix->t, number, row, (long long)time(NULL));
    if (rc == NPG_OK && change_id > ix->applied)
        ix->applied = change_id;
    pthread_rwlock_unlock(&ix->lock);
    return rc;
}

void npg_rindex_wrote(uint64_t change_id)
{
    uint64_t cur = atomic_load(&local_written);
    while (cur < change_id && !atomic_compare_exchange_weak(&local_written, &cur, change_id))
        ;
}

int npg_rindex_get(npg_rindex_t *ix, uint64_t number, npg_rindex_row_t *row)
{
    if (!ix)
        return NPG_EUNAVAIL;
    pthread_rwlock_rdlock(&ix->lock);
    const table_t *t = ix->t;
    if (!t || ix->applied < atomic_load(&local_written) ||
        npg_now_ms() - ix->followed_ms > STALE_MS) {
        pthread_rwlock_unlock(&ix->lock);
        return NPG_EUNAVAIL;
    }
    const rrow_t *r = npg_numtab_get(&t->overlay, number);
    if (!r)
        r = base_find(t, number);
    int rc = r && r->op ? NPG_OK : NPG_ENOTFOUND;
    if (rc == NPG_OK) {
        memset(row, 0, sizeof(*row));
        row->operator_id = r->op;
        npg_strlcpy(row->number_type, r->kind & 1 ? "fixed" : "mobile", sizeof(row->number_type));
        unsigned src = (r->kind >> 1) & 7;
        npg_strlcpy(row->source, src && src <= NPG_ARRAY_LEN(sources) ? sources[src - 1] : "",
                    sizeof(row->source));
        npg_strlcpy(row->port_ref, r->ref ? t->refs[r->ref] : "", sizeof(row->port_ref));
        time_t when = (time_t)r->updated;
        struct tm tm;
        gmtime_r(&when, &tm);
        strftime(row->updated_at, sizeof(row->updated_at), "%Y-%m-%d %H:%M:%S", &tm);
        uint64_t lrn = lrn_get(t, number);
        char digits[24];
        snprintf(digits, sizeof(digits), "%llu", (unsigned long long)lrn);
        if (lrn) /* E.164: 15 digits at most, as stored */
            npg_strlcpy(row->lrn, digits, sizeof(row->lrn));
    }
    pthread_rwlock_unlock(&ix->lock);
    return rc;
}

void npg_rindex_stats(npg_rindex_t *ix, npg_rindex_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!ix)
        return;
    pthread_rwlock_rdlock(&ix->lock);
    const table_t *t = ix->t;
    if (t) {
        out->rows = t->nbase;
        out->overlay = t->overlay.used;
        out->bytes = t->capbase * sizeof(rrow_t) + npg_numtab_bytes(&t->overlay) +
                     npg_numtab_bytes(&t->lrns) + t->nrefslots * sizeof(uint32_t) +
                     t->caprefs * (sizeof(char *) + 24);
    }
    out->applied = ix->applied;
    out->ready = t && npg_now_ms() - ix->followed_ms <= STALE_MS;
    pthread_rwlock_unlock(&ix->lock);
}
