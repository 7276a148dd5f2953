/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/index_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/numtab.h"
#include "common/util.h"
#include "enum/ixfile.h"

/* Free a base array taken out of the index, unless an index file is being written from it. */
void npg_enum_ix_retire_base(npg_enum_index_t *ix, ported_t *old)
{
    pthread_mutex_lock(&ix->pin_lock);
    if (old && old == ix->pinned)
        ix->retired = old; /* the writer frees it */
    else
        free(old);
    pthread_mutex_unlock(&ix->pin_lock);
}

int npg_enum_index_new(npg_enum_index_t **out)
{
    npg_enum_index_t *ix = calloc(1, sizeof(*ix));
    if (!ix || !(ix->ops = calloc(MAX_OPS, sizeof(*ix->ops)))) {
        free(ix);
        return NPG_ENOMEM;
    }
    pthread_rwlock_init(&ix->lock, NULL);
    pthread_mutex_init(&ix->pin_lock, NULL);
    ix->overlay = (npg_numtab_t)NPG_NUMTAB_INIT(slot_t, 4096);
    ix->lrns = (npg_numtab_t)NPG_NUMTAB_INIT(lrn_slot_t, 1024);
    *out = ix;
    return NPG_OK;
}

void npg_enum_index_free(npg_enum_index_t **ixp)
{
    npg_enum_index_t *ix = *ixp;
    if (!ix)
        return;
    pthread_rwlock_destroy(&ix->lock);
    pthread_mutex_destroy(&ix->pin_lock);
    free(ix->ops);
    free(ix->base);
    free(ix->retired);
    free(ix->ranges);
    npg_numtab_clear(&ix->overlay);
    npg_numtab_clear(&ix->lrns);
    free(ix);
    *ixp = NULL;
}

/* --- loading ------------------------------------------------------------------------- */

static int op_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    npg_enum_op_t *ops = arg;
    unsigned long id = strtoul(c[0], NULL, 10);
    if (id >= MAX_OPS)
        return NPG_ETOOBIG;
    npg_enum_op_t *o = &ops[id];
    npg_strlcpy(o->code, c[1], sizeof(o->code));
    npg_strlcpy(o->rn, c[2] ? c[2] : "", sizeof(o->rn));
    npg_strlcpy(o->ims_domain, c[3] ? c[3] : "", sizeof(o->ims_domain));
    if (npg_naptr_form_parse(c[4], &o->form) != NPG_OK)
        o->form = NPG_NAPTR_SIP;
    if (npg_naptr_rn_format_parse(c[5], &o->rn_format) != NPG_OK)
        o->rn_format = NPG_NAPTR_RN_GLOBAL;
    return 0;
}

typedef struct vec {
    void *p;
    size_t n, cap, size;
} vec_t;

static int vec_push(vec_t *v, const void *item)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 1024;
        void *p = realloc(v->p, cap * v->size);
        if (!p)
            return NPG_ENOMEM;
        v->p = p, v->cap = cap;
    }
    memcpy((char *)v->p + v->n++ * v->size, item, v->size);
    return 0;
}

static int range_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    range_t r = {.start = strtoull(c[0], NULL, 10),
                 .end = strtoull(c[1], NULL, 10),
                 .op = (uint16_t)strtoul(c[2], NULL, 10)};
    return vec_push(arg, &r);
}

/* The ported numbers, and on the same pass the few with an LRN of their own. */
typedef struct ported_load {
    vec_t ported, lrns;
} ported_load_t;

static int ported_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    ported_load_t *pl = arg;
    ported_t p = {.number = strtoull(c[0], NULL, 10), .op = (uint16_t)strtoul(c[1], NULL, 10)};
    int rc = vec_push(&pl->ported, &p);
    if (rc == 0 && c[2]) {
        lrn_slot_t s = {.number = p.number, .lrn = strtoull(c[2], NULL, 10)};
        rc = vec_push(&pl->lrns, &s);
    }
    return rc;
}

/* Operators and home ranges: small tables, read whole. Caller holds no lock. */
int npg_enum_ix_load_small(npg_db_t *db, npg_enum_op_t **ops_out, range_t **ranges, size_t *nranges)
{
    npg_enum_op_t *ops = calloc(MAX_OPS, sizeof(*ops));
    vec_t rv = {.size = sizeof(range_t)};
    if (!ops)
        return NPG_ENOMEM;
    int rc = npg_db_query_each(db,
                               "SELECT id, code, routing_number, ims_domain, naptr_form,"
                               " rn_format FROM operators WHERE id < 4096",
                               NULL, 0, op_row, ops);
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT range_start, range_end, operator_id FROM operator_ranges"
                               " WHERE operator_id < 4096 ORDER BY range_start, range_end",
                               NULL, 0, range_row, &rv);
    if (rc != NPG_OK) {
        free(ops);
        free(rv.p);
        return rc;
    }
    range_t *r = rv.p;
    for (size_t i = 0; i < rv.n; i++)
        r[i].max_end = i && r[i - 1].max_end > r[i].end ? r[i - 1].max_end : r[i].end;
    *ops_out = ops, *ranges = r, *nranges = rv.n;
    return NPG_OK;
}

static void swap_small(npg_enum_index_t *ix, npg_enum_op_t *ops, range_t *ranges, size_t n)
{
    pthread_rwlock_wrlock(&ix->lock);
    npg_enum_op_t *old_ops = ix->ops;
    range_t *old_ranges = ix->ranges;
    ix->ops = ops, ix->ranges = ranges, ix->nranges = n;
    pthread_rwlock_unlock(&ix->lock);
    free(old_ops);
    free(old_ranges);
}

/* A number's own routing number, or its removal (lrn 0). Caller holds the write lock. */
static int lrn_put(npg_enum_index_t *ix, uint64_t number, uint64_t lrn)
{
    lrn_slot_t *s = lrn ? npg_numtab_put(&ix->lrns, number) : npg_numtab_get(&ix->lrns, number);
    if (s)
        s->lrn = lrn;
    return s || !lrn ? NPG_OK : NPG_ENOMEM;
}

/* Put a state read whole (the small tables, the ported numbers with their LRNs, the change
 * id it stands for) in place of the index's; takes ops, ranges and rows. */
int npg_enum_ix_install(npg_enum_index_t *ix, npg_enum_op_t *ops, range_t *ranges, size_t nranges,
                        ported_t *rows, size_t nrows, const lrn_slot_t *lrns, size_t nlrns,
                        uint64_t at)
{
    swap_small(ix, ops, ranges, nranges);
    pthread_rwlock_wrlock(&ix->lock);
    ported_t *old_base = ix->base;
    npg_numtab_clear(&ix->overlay);
    npg_numtab_clear(&ix->lrns);
    ix->base = rows, ix->nbase = nrows;
    int rc = NPG_OK;
    /* few rows, put in under the lock: answers wait for them once, at start */
    for (size_t i = 0; rc == NPG_OK && i < nlrns; i++)
        rc = lrn_put(ix, lrns[i].number, lrns[i].lrn);
    ix->last_change = at;
    ix->in_gap = false;
    pthread_rwlock_unlock(&ix->lock);
    npg_enum_ix_retire_base(ix, old_base);
    return rc;
}

int npg_enum_index_load(npg_enum_index_t *ix, npg_db_t *db)
{
    int64_t last = 0, count = 0;
    /* one snapshot: the rows read are exactly the state at change id last */
    int rc = npg_db_begin_snapshot(db);
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, "SELECT COALESCE(MAX(id), 0) FROM routing_changes", NULL, 0,
                              &last);
    /* InnoDB's estimate, not COUNT(*): counting 100M rows is a full scan that outlasts the
     * read timeout. It only sizes the array (pages never written are never resident). */
    if (rc == NPG_OK)
        rc = npg_db_query_int(db,
                              "SELECT COALESCE(MAX(TABLE_ROWS), 0) FROM information_schema.TABLES"
                              " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'routing'",
                              NULL, 0, &count);
    npg_enum_op_t *ops = NULL;
    range_t *ranges = NULL;
    size_t nranges = 0;
    if (rc == NPG_OK)
        rc = npg_enum_ix_load_small(db, &ops, &ranges, &nranges);
    if (rc != NPG_OK) {
        npg_db_rollback(db);
        return rc;
    }
    /* sized from the estimate and a tenth more, so 10M rows rarely need a copy at twice the
     * size */
    ported_load_t pl = {.ported = {.size = sizeof(ported_t), .cap = (size_t)count / 10 * 11 + 1024},
                        .lrns = {.size = sizeof(lrn_slot_t)}};
    vec_t pv;
    if (!(pl.ported.p = malloc(pl.ported.cap * pl.ported.size)))
        rc = NPG_ENOMEM;
    /* one pass over the table: a second one for the LRNs (no index on lrn) doubled the load */
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT number, operator_id, lrn FROM routing"
                               " WHERE operator_id < 4096 ORDER BY number",
                               NULL, 0, ported_row, &pl);
    npg_db_rollback(db); /* the snapshot only read */
    pv = pl.ported;
    if (rc != NPG_OK) {
        free(ops), free(ranges), free(pv.p), free(pl.lrns.p);
        return rc;
    }
    rc = npg_enum_ix_install(ix, ops, ranges, nranges, pv.p, pv.n, pl.lrns.p, pl.lrns.n,
                             (uint64_t)last);
    free(pl.lrns.p);
    if (rc != NPG_OK)
        return rc;
    npg_log(LOG_NOTICE, "enum",
            "loaded %zu ported numbers, %zu home ranges; change log at %" PRId64, pv.n, nranges,
            last);
    return NPG_OK;
}

int npg_enum_index_fill(npg_enum_index_t *ix, const npg_enum_op_t *ops, size_t nops,
                        const npg_enum_row_t *ranges, size_t nranges, const npg_enum_row_t *ported,
                        size_t nported)
{
    if (nops > MAX_OPS)
        return NPG_EINVAL;
    for (size_t i = 0; i < nranges; i++)
        if (ranges[i].op >= MAX_OPS || (i && ranges[i].start < ranges[i - 1].start))
            return NPG_EINVAL;
    for (size_t i = 0; i < nported; i++)
        if (ported[i].op >= MAX_OPS || (i && ported[i].start <= ported[i - 1].start))
            return NPG_EINVAL;
    npg_enum_op_t *o = calloc(MAX_OPS, sizeof(*o));
    range_t *r = calloc(nranges + 1, sizeof(*r));
    ported_t *p = calloc(nported + 1, sizeof(*p));
    if (!o || !r || !p) {
        free(o), free(r), free(p);
        return NPG_ENOMEM;
    }
    if (nops)
        memcpy(o, ops, nops * sizeof(*o));
    for (size_t i = 0; i < nranges; i++) { /* max_end as load_small sets it */
        r[i] = (range_t){.start = ranges[i].start, .end = ranges[i].end, .op = ranges[i].op};
        r[i].max_end = i && r[i - 1].max_end > r[i].end ? r[i - 1].max_end : r[i].end;
    }
    for (size_t i = 0; i < nported; i++)
        p[i] = (ported_t){.number = ported[i].start, .op = ported[i].op};
    swap_small(ix, o, r, nranges);
    pthread_rwlock_wrlock(&ix->lock);
    ported_t *old_base = ix->base;
    npg_numtab_clear(&ix->overlay);
    ix->base = p, ix->nbase = nported;
    pthread_rwlock_unlock(&ix->lock);
    npg_enum_ix_retire_base(ix, old_base);
    return NPG_OK;
}

/* --- the overlay --------------------------------------------------------------------- */

/* Caller holds the write lock. */
static int overlay_put(npg_enum_index_t *ix, uint64_t number, uint32_t op)
{
    slot_t *s = npg_numtab_put(&ix->overlay, number);
    if (!s)
        return NPG_ENOMEM;
    s->op = op;
    return NPG_OK;
}

static int cmp_slot(const void *a, const void *b)
{
    uint64_t x = ((const slot_t *)a)->number, y = ((const slot_t *)b)->number;
    return x < y ? -1 : x > y;
}

/* The overlay's changes sorted by number, *n of them; NULL: out of memory. Caller holds a lock. */
slot_t *npg_enum_ix_overlay_sorted(const npg_enum_index_t *ix, size_t *n)
{
    slot_t *ch = malloc((ix->overlay.used + 1) * sizeof(*ch));
    if (!ch)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < ix->overlay.cap; i++) {
        const slot_t *s = npg_numtab_at(&ix->overlay, i);
        if (s)
            ch[k++] = *s;
    }
    qsort(ch, k, sizeof(*ch), cmp_slot);
    *n = k;
    return ch;
}

bool npg_enum_ix_merge_next(merge_t *m, ported_t *out)
{
    while (m->i < m->nbase || m->j < m->nch) {
        if (m->j == m->nch || (m->i < m->nbase && m->base[m->i].number < m->ch[m->j].number)) {
            *out = m->base[m->i++];
            return true;
        }
        if (m->i < m->nbase && m->base[m->i].number == m->ch[m->j].number)
            m->i++; /* replaced or removed by the change */
        const slot_t *c = &m->ch[m->j++];
        if (c->op != OVERLAY_HOME) {
            *out = (ported_t){.number = c->number, .op = (uint16_t)c->op};
            return true;
        }
    }
    return false;
}

/*
 * Fold the overlay into a new sorted array. Only the follower writes, so the
 * new array is built under the read lock (answers go on) and swapped in after.
 */
static int overlay_merge(npg_enum_index_t *ix)
{
    pthread_rwlock_rdlock(&ix->lock);
    size_t nch = 0, n = 0;
    slot_t *ch = npg_enum_ix_overlay_sorted(ix, &nch);
    ported_t *out = malloc((ix->nbase + nch + 1) * sizeof(*out));
    if (!ch || !out) {
        pthread_rwlock_unlock(&ix->lock);
        free(ch), free(out);
        return NPG_ENOMEM;
    }
    merge_t m = {.base = ix->base, .nbase = ix->nbase, .ch = ch, .nch = nch};
    while (npg_enum_ix_merge_next(&m, &out[n]))
        n++;
    pthread_rwlock_unlock(&ix->lock);
    free(ch);
    pthread_rwlock_wrlock(&ix->lock);
    ported_t *old_base = ix->base;
    npg_numtab_clear(&ix->overlay);
    ix->base = out, ix->nbase = n;
    pthread_rwlock_unlock(&ix->lock);
    npg_enum_ix_retire_base(ix, old_base);
    return NPG_OK;
}

/* --- following the change log ---------------------------------------------------------- */

typedef struct follow_ctx {
    npg_enum_index_t *ix;
    int applied;
    bool unknown_op, stop;
    uint64_t epoch; /* an epoch row met: its id, applied once operators and ranges reload */
    int rc;
} follow_ctx_t;

static long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int change_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    follow_ctx_t *f = arg;
    npg_enum_index_t *ix = f->ix;
    uint64_t id = strtoull(c[0], NULL, 10), number = strtoull(c[1], NULL, 10);
    if (f->stop)
        return 0; /* drain the rest of the result */
    if (id != ix->last_change + 1) {
        /* ids are given out at insert and committed in any order: a hole may fill in soon */
        if (!ix->in_gap) {
            ix->in_gap = true;
            clock_gettime(CLOCK_MONOTONIC, &ix->gap_since);
        }
        if (ms_since(&ix->gap_since) < GAP_WAIT_MS) {
            f->stop = true;
            return 0;
        }
    }
    ix->in_gap = false;
    if (strcmp(c[2], "epoch") == 0) { /* operators or ranges changed: reload before going on */
        f->epoch = id;
        f->stop = true;
        f->applied++;
        return 0;
    }
    uint32_t op = OVERLAY_HOME;
    if (strcmp(c[2], "upsert") == 0) {
        unsigned long o = c[3] ? strtoul(c[3], NULL, 10) : MAX_OPS;
        if (o >= MAX_OPS || !ix->ops[o].code[0])
            f->unknown_op = true;
        op = o < MAX_OPS ? (uint32_t)o : OVERLAY_HOME;
    }
    uint64_t lrn = op != OVERLAY_HOME && c[4] ? strtoull(c[4], NULL, 10) : 0;
    pthread_rwlock_wrlock(&ix->lock);
    int rc = overlay_put(ix, number, op);
    if (rc == NPG_OK)
        rc = lrn_put(ix, number, lrn);
    if (rc == NPG_OK)
        ix->last_change = id;
    pthread_rwlock_unlock(&ix->lock);
    if (rc != NPG_OK) {
        f->rc = rc;
        f->stop = true;
    }
    f->applied += rc == NPG_OK;
    return 0;
}

int npg_enum_index_follow(npg_enum_index_t *ix, npg_db_t *db, int batch, bool refresh, int *applied)
{
    follow_ctx_t f = {.ix = ix};
    int rc =
        npg_db_query_each(db,
                          "SELECT id, number, op, operator_id, lrn FROM routing_changes"
                          " WHERE id > ? ORDER BY id LIMIT ?",
                          NPG_DB_P(NPG_DB_U(ix->last_change), NPG_DB_I(batch)), change_row, &f);
    if (rc == NPG_OK)
        rc = f.rc;
    *applied = f.applied;
    if (rc == NPG_OK && (refresh || f.unknown_op || f.epoch)) {
        npg_enum_op_t *ops;
        range_t *ranges;
        size_t n;
        rc = npg_enum_ix_load_small(db, &ops, &ranges, &n);
        if (rc == NPG_OK)
            swap_small(ix, ops, ranges, n);
    }
    if (rc == NPG_OK && f.epoch) { /* the zone version moves only now, with the new tables */
        pthread_rwlock_wrlock(&ix->lock);
        ix->last_change = f.epoch;
        pthread_rwlock_unlock(&ix->lock);
    }
    if (rc == NPG_OK && ix->overlay.used >= MERGE_AT)
        rc = overlay_merge(ix);
    return rc;
}

/* --- answers -------------------------------------------------------------------------- */

/* The smallest home range holding number: its operator id, or -1. Caller holds a lock. */
int npg_enum_ix_ranges_home(const range_t *ranges, size_t nranges, uint64_t number)
{
    size_t lo = 0, hi = nranges;
    while (lo < hi) { /* first range starting after number */
        size_t mid = (lo + hi) / 2;
        if (ranges[mid].start <= number)
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = -1;
    uint64_t best_len = UINT64_MAX;
    for (size_t i = lo; i-- > 0 && ranges[i].max_end >= number;) {
        const range_t *r = &ranges[i];
        if (r->end >= number && r->end - r->start < best_len)
            best = r->op, best_len = r->end - r->start;
    }
    return best;
}

static int home_of(const npg_enum_index_t *ix, uint64_t number)
{
    return npg_enum_ix_ranges_home(ix->ranges, ix->nranges, number);
}

static const ported_t *base_find_ge(const npg_enum_index_t *ix, uint64_t number)
{
    size_t lo = 0, hi = ix->nbase;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ix->base[mid].number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->nbase ? &ix->base[lo] : NULL;
}

void npg_enum_index_lookup(npg_enum_index_t *ix, uint64_t number, npg_enum_answer_t *out)
{
    out->kind = NPG_ENUM_NONE;
    pthread_rwlock_rdlock(&ix->lock);
    long op = -1;
    const slot_t *s = npg_numtab_get(&ix->overlay, number);
    if (s) {
        op = s->op == OVERLAY_HOME ? -1 : (long)s->op;
    } else {
        const ported_t *p = base_find_ge(ix, number);
        if (p && p->number == number)
            op = p->op;
    }
    int home = home_of(ix, number);
    if (op >= 0 && op != home && ix->ops[op].code[0]) {
        out->kind = NPG_ENUM_PORTED;
        out->op = ix->ops[op];
        const lrn_slot_t *l = npg_numtab_get(&ix->lrns, number);
        if (l && l->lrn && l->lrn < 1000000000000000ULL) /* 15 digits */
            snprintf(out->op.rn, sizeof(out->op.rn), "%" PRIu64, l->lrn);
    } else if (home >= 0 && ix->ops[home].code[0]) {
        out->kind = NPG_ENUM_HOME;
        out->op = ix->ops[home];
    }
    pthread_rwlock_unlock(&ix->lock);
}

bool npg_enum_index_has_below(npg_enum_index_t *ix, uint64_t prefix, int ndigits)
{
    bool found = false;
    pthread_rwlock_rdlock(&ix->lock);
    uint64_t scale = 1;
    for (int k = 1; !found && ndigits + k <= 15; k++) {
        scale *= 10;
        uint64_t lo = prefix * scale, hi = lo + scale - 1;
        for (size_t i = 0; !found && i < ix->nranges; i++)
            found = ix->ranges[i].start <= hi && ix->ranges[i].end >= lo;
        const ported_t *p = base_find_ge(ix, lo);
        found = found || (p && p->number <= hi);
        for (size_t i = 0; !found && i < ix->overlay.cap; i++) {
            const slot_t *s = npg_numtab_at(&ix->overlay, i);
            found = s && s->number >= lo && s->number <= hi && s->op != OVERLAY_HOME;
        }
    }
    pthread_rwlock_unlock(&ix->lock);
    return found;
}

void npg_enum_index_stats(npg_enum_index_t *ix, npg_enum_stats_t *out)
{
    pthread_rwlock_rdlock(&ix->lock);
    out->ported = ix->nbase;
    out->overlay = ix->overlay.used;
    out->ranges = ix->nranges;
    out->operators = 0;
    for (size_t i = 0; i < MAX_OPS; i++)
        out->operators += ix->ops[i].code[0] != 0;
    out->last_change = ix->last_change;
    out->bytes = ix->nbase * sizeof(ported_t) + npg_numtab_bytes(&ix->overlay) +
                 ix->nranges * sizeof(range_t) + MAX_OPS * sizeof(npg_enum_op_t) +
                 npg_numtab_bytes(&ix->lrns);
    pthread_rwlock_unlock(&ix->lock);
}

uint64_t npg_enum_index_last_change(npg_enum_index_t *ix)
{
    pthread_rwlock_rdlock(&ix->lock);
    uint64_t id = ix->last_change;
    pthread_rwlock_unlock(&ix->lock);
    return id;
}
