/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "numbering/numbering.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/util.h"

#define LOCK_BLOCK 10000 /* numbers per lock row: a 10,000-number port takes one or two */

typedef struct home {
    uint64_t start, end, max_end; /* max_end: largest end among this and earlier ranges */
    char code[NPG_OPERATOR_CODE_LEN];
    char type[8];
} home_t;

struct npg_homes {
    home_t *r; /* sorted by start */
    size_t n, cap;
    npg_operator_t *ops; /* every operator: a read needs no query for them */
    size_t nops, opcap;
    int64_t version;
    int refs; /* under shared.lock */
};

/* The process's snapshot; readers take a reference, a reload swaps it. */
static struct {
    pthread_mutex_t lock;
    npg_homes_t *cur;
    int64_t checked_ms; /* when its version was last compared with the database's */
} shared = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

static int home_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    npg_homes_t *h = arg;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        home_t *p = realloc(h->r, cap * sizeof(*p));
        if (!p)
            return NPG_ENOMEM;
        h->r = p, h->cap = cap;
    }
    home_t *r = &h->r[h->n];
    r->start = strtoull(c[0], NULL, 10);
    r->end = strtoull(c[1], NULL, 10);
    r->max_end = h->n && h->r[h->n - 1].max_end > r->end ? h->r[h->n - 1].max_end : r->end;
    npg_strlcpy(r->code, c[2], sizeof(r->code));
    npg_strlcpy(r->type, c[3] ? c[3] : "mobile", sizeof(r->type));
    h->n++;
    return 0;
}

static int operator_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    npg_homes_t *h = arg;
    if (h->nops == h->opcap) {
        size_t cap = h->opcap ? h->opcap * 2 : 16;
        npg_operator_t *p = realloc(h->ops, cap * sizeof(*p));
        if (!p)
            return NPG_ENOMEM;
        h->ops = p, h->opcap = cap;
    }
    npg_operator_from_row(c, &h->ops[h->nops++]);
    return 0;
}

static void homes_destroy(npg_homes_t *h)
{
    if (h) {
        free(h->ops);
        free(h->r);
        free(h);
    }
}

static int homes_load(npg_db_t *db, int64_t version, npg_homes_t **out)
{
    npg_homes_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NPG_ENOMEM;
    h->version = version;
    int rc = npg_db_query_each(db,
                               "SELECT r.range_start, r.range_end, o.code, r.number_type"
                               " FROM operator_ranges r JOIN operators o ON o.id = r.operator_id"
                               " ORDER BY r.range_start, r.range_end",
                               NULL, 0, home_row, h);
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT id, code, name, routing_number, ims_domain, naptr_form,"
                               " is_self, rn_format FROM operators",
                               NULL, 0, operator_row, h);
    if (rc != NPG_OK) {
        homes_destroy(h);
        return rc;
    }
    *out = h;
    return NPG_OK;
}

static int64_t current_version(npg_db_t *db, int *rc)
{
    int64_t v = 0;
    *rc = npg_db_query_int(db, "SELECT version FROM numbering_version WHERE id = 1", NULL, 0, &v);
    if (*rc == NPG_ENOTFOUND)
        *rc = NPG_OK; /* no range was ever added */
    return v;
}

/* The snapshot of version v (the database's, just read): the shared one, or reloaded. */
static int homes_of_version(npg_db_t *db, int64_t v, npg_homes_t **out)
{
    int rc;
    pthread_mutex_lock(&shared.lock);
    npg_homes_t *h = shared.cur;
    if (h && h->version == v) {
        shared.checked_ms = npg_now_ms();
        h->refs++;
        pthread_mutex_unlock(&shared.lock);
        *out = h;
        return NPG_OK;
    }
    pthread_mutex_unlock(&shared.lock);
    npg_homes_t *fresh = NULL;
    if ((rc = homes_load(db, v, &fresh)) != NPG_OK)
        return rc;
    pthread_mutex_lock(&shared.lock);
    npg_homes_t *old = shared.cur;
    if (old && --old->refs == 0)
        homes_destroy(old);
    fresh->refs = 2; /* the shared pointer's and the caller's */
    shared.cur = fresh;
    shared.checked_ms = npg_now_ms();
    pthread_mutex_unlock(&shared.lock);
    *out = fresh;
    return NPG_OK;
}

int npg_homes_get(npg_db_t *db, npg_homes_t **out)
{
    int rc;
    int64_t v = current_version(db, &rc);
    return rc == NPG_OK ? homes_of_version(db, v, out) : rc;
}

int npg_homes_get_recent(npg_db_t *db, int max_age_ms, npg_homes_t **out)
{
    pthread_mutex_lock(&shared.lock);
    npg_homes_t *h = shared.cur;
    if (h && npg_now_ms() - shared.checked_ms < max_age_ms) {
        h->refs++;
        pthread_mutex_unlock(&shared.lock);
        *out = h;
        return NPG_OK;
    }
    pthread_mutex_unlock(&shared.lock);
    return npg_homes_get(db, out);
}

const npg_operator_t *npg_homes_operator(const npg_homes_t *homes, const char *code)
{
    for (size_t i = 0; homes && i < homes->nops; i++)
        if (strcmp(homes->ops[i].code, code) == 0)
            return &homes->ops[i];
    return NULL;
}

const npg_operator_t *npg_homes_operator_by_id(const npg_homes_t *homes, uint32_t id)
{
    for (size_t i = 0; homes && i < homes->nops; i++)
        if (homes->ops[i].id == id)
            return &homes->ops[i];
    return NULL;
}

void npg_homes_release(npg_homes_t **hp)
{
    npg_homes_t *h = hp ? *hp : NULL;
    if (!h)
        return;
    pthread_mutex_lock(&shared.lock);
    bool last = --h->refs == 0;
    pthread_mutex_unlock(&shared.lock);
    if (last)
        homes_destroy(h);
    *hp = NULL;
}

static const home_t *home_of(const npg_homes_t *h, uint64_t number)
{
    size_t lo = 0, hi = h ? h->n : 0;
    while (lo < hi) { /* first range starting after number */
        size_t mid = (lo + hi) / 2;
        if (h->r[mid].start <= number)
            lo = mid + 1;
        else
            hi = mid;
    }
    const home_t *best = NULL;
    for (size_t i = lo; i-- > 0 && h->r[i].max_end >= number;)
        if (h->r[i].end >= number &&
            (!best || h->r[i].end - h->r[i].start < best->end - best->start))
            best = &h->r[i];
    return best;
}

const char *npg_homes_owner(const npg_homes_t *h, uint64_t number)
{
    const home_t *r = home_of(h, number);
    return r ? r->code : NULL;
}

const char *npg_homes_type(const npg_homes_t *h, uint64_t number)
{
    const home_t *r = home_of(h, number);
    return r ? r->type : NULL;
}

/* --- who serves a span -------------------------------------------------------------- */

typedef struct routed {
    uint64_t number;
    char code[NPG_OPERATOR_CODE_LEN];
} routed_t;

typedef struct routed_list {
    routed_t *r;
    size_t n, cap;
    int64_t version; /* of the home ranges, 0: never bumped */
} routed_list_t;

/* Rows of npg_numbering_runs' query: the home ranges' version (kind 0), routed numbers (1). */
static int routed_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    routed_list_t *rl = arg;
    if (c[0][0] == '0') {
        rl->version = strtoll(c[1], NULL, 10);
        return 0;
    }
    if (rl->n == rl->cap) {
        size_t cap = rl->cap ? rl->cap * 2 : 64;
        routed_t *p = realloc(rl->r, cap * sizeof(*p));
        if (!p)
            return NPG_ENOMEM;
        rl->r = p, rl->cap = cap;
    }
    rl->r[rl->n].number = strtoull(c[1], NULL, 10);
    npg_strlcpy(rl->r[rl->n].code, c[2], sizeof(rl->r[0].code));
    rl->n++;
    return 0;
}

static bool same(const npg_number_run_t *a, const npg_number_run_t *b)
{
    return a->ported == b->ported && strcmp(a->home, b->home) == 0 &&
           strcmp(a->serving, b->serving) == 0;
}

int npg_numbering_runs(npg_db_t *db, uint64_t first, uint64_t last,
                       int (*fn)(const npg_number_run_t *, void *), void *arg)
{
    if (last < first)
        return NPG_EINVAL;
    npg_homes_t *homes = NULL;
    routed_list_t rl = {0};
    /* the home ranges' version and the span's routing in one round trip */
    int rc = npg_db_query_each(db,
                               "SELECT 0, version, NULL FROM numbering_version WHERE id = 1"
                               " UNION ALL SELECT 1, r.number, o.code FROM routing r"
                               " JOIN operators o ON o.id = r.operator_id"
                               " WHERE r.number BETWEEN ? AND ? ORDER BY 1, 2",
                               NPG_DB_P(NPG_DB_U(first), NPG_DB_U(last)), routed_row, &rl);
    if (rc == NPG_OK)
        rc = homes_of_version(db, rl.version, &homes);
    npg_number_run_t run = {0}, cur;
    size_t ri = 0;
    bool open = false;
    for (uint64_t n = first; rc == NPG_OK; n++) {
        const char *home = npg_homes_owner(homes, n);
        memset(&cur, 0, sizeof(cur));
        cur.first = cur.last = n;
        npg_strlcpy(cur.home, home ? home : "", sizeof(cur.home));
        if (ri < rl.n && rl.r[ri].number == n) {
            cur.ported = true;
            npg_strlcpy(cur.serving, rl.r[ri++].code, sizeof(cur.serving));
        } else {
            npg_strlcpy(cur.serving, cur.home, sizeof(cur.serving));
        }
        if (open && same(&run, &cur)) {
            run.last = n;
        } else {
            if (open && (rc = fn(&run, arg)) != 0)
                break;
            run = cur;
            open = true;
        }
        if (n == last) {
            rc = fn(&run, arg);
            break;
        }
    }
    free(rl.r);
    npg_homes_release(&homes);
    return rc;
}

static int copy_run(const npg_number_run_t *run, void *arg)
{
    *(npg_number_run_t *)arg = *run;
    return 0;
}

int npg_numbering_who(npg_db_t *db, uint64_t number, npg_number_run_t *out)
{
    memset(out, 0, sizeof(*out));
    return npg_numbering_runs(db, number, number, copy_run, out);
}

void npg_numbering_run_text(const npg_number_run_t *run, const char *country_code, char *out,
                            size_t len)
{
    char a[NPG_E164_BUFLEN], b[NPG_E164_BUFLEN];
    npg_e164_from_u64(run->first, a);
    npg_e164_from_u64(run->last, b);
    if (run->first == run->last)
        snprintf(out, len, "%s", npg_e164_local_part(a, country_code));
    else
        snprintf(out, len, "%s-%s", npg_e164_local_part(a, country_code),
                 npg_e164_local_part(b, country_code));
}

int npg_numbering_lock(npg_db_t *db, uint64_t first, uint64_t last)
{
    int rc = NPG_OK;
    for (uint64_t b = first / LOCK_BLOCK; rc == NPG_OK && b <= last / LOCK_BLOCK; b++)
        if (npg_db_tx_first(db, NPG_DB_MEMO_NUMBER_BLOCK, b)) /* held until commit once taken */
            rc = npg_db_exec(db,
                             "INSERT INTO number_locks (block, uses) VALUES (?, 1)"
                             " ON DUPLICATE KEY UPDATE uses = uses + 1",
                             NPG_DB_P(NPG_DB_U(b)), NULL, NULL);
    return rc;
}

int npg_numbering_bump(npg_db_t *db)
{
    return npg_db_exec(db,
                       "INSERT INTO numbering_version (id, version) VALUES (1, 1)"
                       " ON DUPLICATE KEY UPDATE version = version + 1",
                       NULL, 0, NULL, NULL);
}
