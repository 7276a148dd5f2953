/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The series of a family live in an open-addressing table that threads insert into without a
 * lock: a slot is claimed by compare-and-swap (EMPTY -> BUSY), filled, then published (READY);
 * a thread that meets a BUSY slot waits for it, so one set of label values never gets two
 * slots (except by address with static_values, merged on output). Values are atomics.
 */
#include "metrics/metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CAPACITY 256
#define MAX_GRIDS 8
#define MAX_COLLECTORS 16

enum { SLOT_EMPTY, SLOT_BUSY, SLOT_READY };

typedef struct slot {
    uint32_t state; /* atomic */
    uint32_t hash;
    const char *key[NPG_METRIC_MAX_LABELS]; /* the addresses first seen (static_values) */
    char *text[NPG_METRIC_MAX_LABELS];      /* copies of the values */
    uint64_t *v;                            /* counter, gauge bits, or buckets + sum */
} slot_t;

typedef struct shard {
    uint64_t *v;
    bool in_use; /* a live thread counts into it (under reg_lock) */
    struct shard *next;
} shard_t;

struct npg_metric_state {
    size_t nlabels;
    size_t mask;    /* table size - 1, a power of two */
    size_t nvalues; /* per series */
    size_t capacity;
    size_t used; /* atomic: series claimed */
    size_t nbounds;
    uint64_t bounds_ns[NPG_METRIC_MAX_BUCKETS];
    double bounds[NPG_METRIC_MAX_BUCKETS];
    slot_t *slots;
    uint64_t *values;
    int grid_id; /* -1: not a grid */
    size_t grid_size;
    shard_t *shards; /* under reg_lock */
};

static const double latency_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5,     10};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;
static npg_metric_t *families, *families_tail; /* registration order, under reg_lock */
static int ngrids;
static struct {
    npg_metrics_collect_fn fn;
    void *arg;
} collectors[MAX_COLLECTORS];
static size_t ncollectors;
static char process_prefix[32], process_version[64];
static double process_start;

static npg_metric_t dropped = {
    .name = "npgw_metrics_dropped_total",
    .help = "Observations dropped because a family had no room for a new series.",
    .type = NPG_METRIC_COUNTER,
};

/* --- registration ------------------------------------------------------------------- */

static size_t label_count(const npg_metric_t *m)
{
    size_t n = 0;
    while (n < NPG_METRIC_MAX_LABELS && m->labels[n])
        n++;
    return n;
}

static struct npg_metric_state *state_new(npg_metric_t *m)
{
    struct npg_metric_state *st = calloc(1, sizeof(*st));
    if (!st)
        return NULL;
    st->nlabels = label_count(m);
    st->grid_id = -1;
    if (m->grid[0]) {
        if (ngrids == MAX_GRIDS) {
            free(st);
            return NULL;
        }
        st->grid_size = 1;
        for (size_t i = 0; i < st->nlabels; i++)
            st->grid_size *= m->grid_n[i] ? m->grid_n[i] : 1;
        st->grid_id = ngrids++;
        return st;
    }
    if (m->type == NPG_METRIC_HISTOGRAM) {
        const double *b = m->buckets ? m->buckets : latency_buckets;
        size_t n = m->buckets ? m->nbuckets : NPG_ARRAY_LEN(latency_buckets);
        st->nbounds = n < NPG_METRIC_MAX_BUCKETS ? n : NPG_METRIC_MAX_BUCKETS;
        for (size_t i = 0; i < st->nbounds; i++) {
            st->bounds[i] = b[i];
            st->bounds_ns[i] = (uint64_t)(b[i] * 1e9 + 0.5);
        }
        st->nvalues = st->nbounds + 2; /* each bucket, +Inf, the sum in ns */
    } else {
        st->nvalues = 1;
    }
    st->capacity = m->capacity ? m->capacity : DEFAULT_CAPACITY;
    if (st->nlabels == 0)
        st->capacity = 1;
    size_t size = 1;
    while (size < 2 * st->capacity)
        size <<= 1;
    st->mask = size - 1;
    st->slots = calloc(size, sizeof(*st->slots));
    st->values = calloc(size * st->nvalues, sizeof(*st->values));
    if (!st->slots || !st->values) {
        free(st->slots);
        free(st->values);
        free(st);
        return NULL;
    }
    for (size_t i = 0; i < size; i++)
        st->slots[i].v = st->values + i * st->nvalues;
    return st;
}

static uint64_t *series(npg_metric_t *m, struct npg_metric_state *st, const char *const *vals);

static struct npg_metric_state *register_slow(npg_metric_t *m)
{
    pthread_mutex_lock(&reg_lock);
    struct npg_metric_state *st = m->st;
    if (!st && (st = state_new(m)) != NULL) {
        m->next = NULL;
        if (families_tail)
            families_tail->next = m;
        else
            families = m;
        families_tail = m;
        __atomic_store_n(&m->st, st, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&reg_lock);
    if (st && st->nlabels == 0 && st->grid_id < 0)
        series(m, st, NULL); /* an unlabelled family shows 0 before its first value */
    return st;
}

static inline struct npg_metric_state *state_of(npg_metric_t *m)
{
    struct npg_metric_state *st = __atomic_load_n(&m->st, __ATOMIC_ACQUIRE);
    return st ? st : register_slow(m);
}

void npg_metric_register(npg_metric_t *m)
{
    (void)state_of(m);
}

/* --- series lookup ------------------------------------------------------------------ */

static inline uint32_t hash_ptrs(const char *const *vals, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint64_t)(uintptr_t)vals[i]) * 0xff51afd7ed558ccdull;
    return (uint32_t)(h ^ (h >> 32));
}

static inline uint32_t hash_text(const char *const *vals, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *p = (const unsigned char *)(vals[i] ? vals[i] : ""); *p; p++)
            h = (h ^ *p) * 16777619u;
        h = (h ^ 0xffu) * 16777619u;
    }
    return h;
}

static bool same(const npg_metric_t *m, const struct npg_metric_state *st, const slot_t *s,
                 const char *const *vals)
{
    for (size_t i = 0; i < st->nlabels; i++) {
        if (m->static_values) {
            if (s->key[i] != vals[i])
                return false;
        } else if (strcmp(s->text[i] ? s->text[i] : "", vals[i] ? vals[i] : "") != 0) {
            return false;
        }
    }
    return true;
}

static uint32_t wait_ready(slot_t *s)
{
    uint32_t state;
    while ((state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE)) == SLOT_BUSY)
        sched_yield(); /* another thread is copying the labels: a few instructions away */
    return state;
}

/* The values of the series, inserting it the first time; NULL when the family is full. */
static uint64_t *series(npg_metric_t *m, struct npg_metric_state *st, const char *const *vals)
{
    size_t n = st->nlabels;
    uint32_t h = m->static_values ? hash_ptrs(vals, n) : hash_text(vals, n);
    size_t i = h & st->mask;
    for (size_t probe = 0; probe <= st->mask; probe++, i = (i + 1) & st->mask) {
        slot_t *s = &st->slots[i];
        uint32_t state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (state == SLOT_READY) {
            if (s->hash == h && same(m, st, s, vals))
                return s->v;
            continue;
        }
        if (state == SLOT_EMPTY) {
            /* the first empty slot of the chain: the series is new (or being added) */
            if (__atomic_fetch_add(&st->used, 1, __ATOMIC_RELAXED) >= st->capacity) {
                __atomic_fetch_sub(&st->used, 1, __ATOMIC_RELAXED);
                break;
            }
            uint32_t expect = SLOT_EMPTY;
            if (__atomic_compare_exchange_n(&s->state, &expect, SLOT_BUSY, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE)) {
                s->hash = h;
                for (size_t k = 0; k < n; k++) {
                    s->key[k] = vals[k];
                    s->text[k] = strdup(vals[k] ? vals[k] : "");
                }
                __atomic_store_n(&s->state, SLOT_READY, __ATOMIC_RELEASE);
                return s->v;
            }
            __atomic_fetch_sub(&st->used, 1, __ATOMIC_RELAXED);
        }
        if (wait_ready(s) == SLOT_READY && s->hash == h && same(m, st, s, vals))
            return s->v;
    }
    if (m != &dropped)
        npg_metric_add(&dropped, NULL, 1);
    return NULL;
}

/* --- recording ---------------------------------------------------------------------- */

void npg_metric_add(npg_metric_t *m, const char *const *values, uint64_t n)
{
    struct npg_metric_state *st = state_of(m);
    uint64_t *v = st && st->grid_id < 0 ? series(m, st, values) : NULL;
    if (v)
        __atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

void npg_metric_set(npg_metric_t *m, const char *const *values, double d)
{
    struct npg_metric_state *st = state_of(m);
    uint64_t *v = st && st->grid_id < 0 ? series(m, st, values) : NULL;
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    if (v)
        __atomic_store_n(v, bits, __ATOMIC_RELAXED);
}

void npg_metric_reset(npg_metric_t *m)
{
    struct npg_metric_state *st = state_of(m);
    for (size_t i = 0; st && st->grid_id < 0 && i <= st->mask; i++)
        if (__atomic_load_n(&st->slots[i].state, __ATOMIC_ACQUIRE) == SLOT_READY)
            for (size_t k = 0; k < st->nvalues; k++)
                __atomic_store_n(&st->slots[i].v[k], 0, __ATOMIC_RELAXED);
}

void npg_metric_observe_ns(npg_metric_t *m, const char *const *values, uint64_t ns)
{
    struct npg_metric_state *st = state_of(m);
    uint64_t *v = st && st->grid_id < 0 ? series(m, st, values) : NULL;
    if (!v)
        return;
    size_t b = 0;
    while (b < st->nbounds && ns > st->bounds_ns[b])
        b++;
    __atomic_fetch_add(&v[b], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&v[st->nbounds + 1], ns, __ATOMIC_RELAXED);
}

/* --- per-thread grids ---------------------------------------------------------------- */

typedef struct owned {
    shard_t *s[MAX_GRIDS];
} owned_t;

static __thread uint64_t *tl_grid[MAX_GRIDS];
static pthread_key_t grid_key;
static pthread_once_t grid_once = PTHREAD_ONCE_INIT;

/* A thread ends: its shards keep their counts and wait for the next thread. */
static void grid_release(void *arg)
{
    owned_t *o = arg;
    pthread_mutex_lock(&reg_lock);
    for (size_t i = 0; i < MAX_GRIDS; i++)
        if (o->s[i])
            o->s[i]->in_use = false;
    pthread_mutex_unlock(&reg_lock);
    free(o);
}

static void grid_key_make(void)
{
    if (pthread_key_create(&grid_key, grid_release) != 0)
        abort(); /* at the first count, with no way to go on counting */
}

static uint64_t *grid_attach(struct npg_metric_state *st)
{
    pthread_once(&grid_once, grid_key_make);
    owned_t *o = pthread_getspecific(grid_key);
    if (!o) {
        if (!(o = calloc(1, sizeof(*o))) || pthread_setspecific(grid_key, o) != 0) {
            free(o);
            return NULL;
        }
    }
    pthread_mutex_lock(&reg_lock);
    shard_t *s = st->shards;
    while (s && s->in_use)
        s = s->next;
    if (!s && (s = calloc(1, sizeof(*s))) != NULL) {
        if (!(s->v = calloc(st->grid_size, sizeof(*s->v)))) {
            free(s);
            s = NULL;
        } else {
            s->next = st->shards;
            st->shards = s;
        }
    }
    if (s)
        s->in_use = true;
    pthread_mutex_unlock(&reg_lock);
    if (!s)
        return NULL;
    o->s[st->grid_id] = s;
    return tl_grid[st->grid_id] = s->v;
}

void npg_metric_grid_inc(npg_metric_t *m, size_t index)
{
    struct npg_metric_state *st = state_of(m);
    if (!st || st->grid_id < 0 || index >= st->grid_size)
        return;
    uint64_t *v = tl_grid[st->grid_id];
    if (!v && !(v = grid_attach(st)))
        return;
    /* only this thread writes the shard: a plain increment the renderer may read at any time */
    __atomic_store_n(&v[index], __atomic_load_n(&v[index], __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

/* --- helpers ------------------------------------------------------------------------ */

uint64_t npg_metrics_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char status_text[500][4];
static pthread_once_t status_once = PTHREAD_ONCE_INIT;

static void status_fill(void)
{
    for (int i = 0; i < 500; i++)
        snprintf(status_text[i], sizeof(status_text[i]), "%d", i + 100);
}

const char *npg_metrics_status_label(int status)
{
    if (status < 100 || status > 599)
        return "other";
    pthread_once(&status_once, status_fill);
    return status_text[status - 100];
}

int npg_metrics_collector_add(npg_metrics_collect_fn fn, void *arg)
{
    int rc = NPG_ETOOBIG;
    pthread_mutex_lock(&render_lock);
    if (ncollectors < MAX_COLLECTORS) {
        collectors[ncollectors].fn = fn;
        collectors[ncollectors++].arg = arg;
        rc = NPG_OK;
    }
    pthread_mutex_unlock(&render_lock);
    return rc;
}

void npg_metrics_collector_remove(npg_metrics_collect_fn fn, void *arg)
{
    pthread_mutex_lock(&render_lock);
    for (size_t i = 0; i < ncollectors; i++)
        if (collectors[i].fn == fn && collectors[i].arg == arg) {
            memmove(&collectors[i], &collectors[i + 1],
                    (ncollectors - i - 1) * sizeof(collectors[0]));
            ncollectors--;
            break;
        }
    pthread_mutex_unlock(&render_lock);
}

void npg_metrics_set_process(const char *prefix, const char *version)
{
    pthread_once(&status_once, status_fill); /* at start, not in the first request */
    snprintf(process_prefix, sizeof(process_prefix), "%s", prefix);
    snprintf(process_version, sizeof(process_version), "%s", version);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    process_start = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- rendering ---------------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p, b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static void putf(buf_t *b, const char *fmt, ...) NPG_PRINTF(2, 3);
static void putf(buf_t *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A label value as the format wants it: backslash, quote and newline escaped. */
static void put_escaped(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            puts_(b, "\\\\");
        else if (*s == '"')
            puts_(b, "\\\"");
        else if (*s == '\n')
            puts_(b, "\\n");
        else
            put(b, s, 1);
    }
}

/* name{a="x",b="y"[,extra]} with the given label values. */
static void put_series(buf_t *b, const char *name, const char *suffix, const npg_metric_t *m,
                       size_t nlabels, const char *const *text, const char *extra)
{
    puts_(b, name);
    puts_(b, suffix);
    if (nlabels || extra) {
        puts_(b, "{");
        for (size_t i = 0; i < nlabels; i++) {
            putf(b, "%s%s=\"", i ? "," : "", m->labels[i]);
            put_escaped(b, text[i] ? text[i] : "");
            puts_(b, "\"");
        }
        if (extra)
            putf(b, "%s%s", nlabels ? "," : "", extra);
        puts_(b, "}");
    }
}

static void put_double(buf_t *b, double d)
{
    if (d != d)
        puts_(b, "NaN");
    else
        putf(b, "%.15g", d);
}

static const npg_metric_t *sort_family;
static const struct npg_metric_state *sort_state;

static int slot_cmp(const void *a, const void *b)
{
    const slot_t *x = *(const slot_t *const *)a, *y = *(const slot_t *const *)b;
    for (size_t i = 0; i < sort_state->nlabels; i++) {
        int c = strcmp(x->text[i] ? x->text[i] : "", y->text[i] ? y->text[i] : "");
        if (c)
            return c;
    }
    return 0;
}

static void render_values(buf_t *b, const npg_metric_t *m, const struct npg_metric_state *st,
                          const char *const *text, const uint64_t *v)
{
    if (m->type == NPG_METRIC_COUNTER) {
        put_series(b, m->name, "", m, st->nlabels, text, NULL);
        putf(b, " %llu\n", (unsigned long long)v[0]);
    } else if (m->type == NPG_METRIC_GAUGE) {
        double d;
        memcpy(&d, &v[0], sizeof(d));
        put_series(b, m->name, "", m, st->nlabels, text, NULL);
        puts_(b, " ");
        put_double(b, d);
        puts_(b, "\n");
    } else {
        uint64_t cum = 0;
        char le[48];
        for (size_t k = 0; k <= st->nbounds; k++) {
            cum += v[k];
            if (k < st->nbounds)
                snprintf(le, sizeof(le), "le=\"%.6g\"", st->bounds[k]);
            else
                snprintf(le, sizeof(le), "le=\"+Inf\"");
            put_series(b, m->name, "_bucket", m, st->nlabels, text, le);
            putf(b, " %llu\n", (unsigned long long)cum);
        }
        uint64_t sum = v[st->nbounds + 1];
        put_series(b, m->name, "_sum", m, st->nlabels, text, NULL);
        putf(b, " %llu.%09llu\n", (unsigned long long)(sum / 1000000000u),
             (unsigned long long)(sum % 1000000000u));
        put_series(b, m->name, "_count", m, st->nlabels, text, NULL);
        putf(b, " %llu\n", (unsigned long long)cum);
    }
}

static void render_grid(buf_t *b, const npg_metric_t *m, const struct npg_metric_state *st)
{
    for (size_t idx = 0; idx < st->grid_size; idx++) {
        uint64_t total = 0;
        for (const shard_t *s = st->shards; s; s = s->next)
            total += __atomic_load_n(&s->v[idx], __ATOMIC_RELAXED);
        if (!total)
            continue; /* only what happened: most combinations never do */
        const char *text[NPG_METRIC_MAX_LABELS] = {0};
        size_t rest = idx;
        for (size_t i = st->nlabels; i-- > 0;) {
            size_t n = m->grid_n[i] ? m->grid_n[i] : 1;
            text[i] = m->grid[i] ? m->grid[i][rest % n] : "";
            rest /= n;
        }
        render_values(b, m, st, text, &total);
    }
}

static void render_family(buf_t *b, const npg_metric_t *m, const struct npg_metric_state *st)
{
    static const char *const types[] = {"counter", "gauge", "histogram"};
    putf(b, "# HELP %s ", m->name);
    puts_(b, m->help);
    putf(b, "\n# TYPE %s %s\n", m->name, types[m->type]);
    if (st->grid_id >= 0) {
        render_grid(b, m, st);
        return;
    }
    size_t n = 0, size = st->mask + 1;
    slot_t **list = malloc(size * sizeof(*list));
    uint64_t *acc = malloc(st->nvalues * sizeof(*acc));
    if (!list || !acc) {
        b->failed = true;
        free(list);
        free(acc);
        return;
    }
    for (size_t i = 0; i < size; i++)
        if (__atomic_load_n(&st->slots[i].state, __ATOMIC_ACQUIRE) == SLOT_READY)
            list[n++] = &st->slots[i];
    sort_family = m, sort_state = st;
    qsort(list, n, sizeof(*list), slot_cmp);
    for (size_t i = 0; i < n;) {
        /* series with the same text (static_values: other addresses) are one */
        for (size_t k = 0; k < st->nvalues; k++)
            acc[k] = __atomic_load_n(&list[i]->v[k], __ATOMIC_RELAXED);
        size_t j = i + 1;
        for (; j < n && slot_cmp(&list[i], &list[j]) == 0; j++)
            for (size_t k = 0; k < st->nvalues; k++)
                acc[k] = m->type == NPG_METRIC_GAUGE
                             ? __atomic_load_n(&list[j]->v[k], __ATOMIC_RELAXED)
                             : acc[k] + __atomic_load_n(&list[j]->v[k], __ATOMIC_RELAXED);
        render_values(b, m, st, (const char *const *)list[i]->text, acc);
        i = j;
    }
    free(list);
    free(acc);
}

static void render_process(buf_t *b)
{
    if (!process_prefix[0])
        return;
    putf(b, "# HELP %s_build_info The running version.\n# TYPE %s_build_info gauge\n",
         process_prefix, process_prefix);
    putf(b, "%s_build_info{version=\"", process_prefix);
    put_escaped(b, process_version);
    puts_(b, "\"} 1\n");
    putf(b,
         "# HELP process_start_time_seconds Start time of the process since the epoch.\n"
         "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.3f\n",
         process_start);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        putf(b,
             "# HELP process_cpu_seconds_total User and system CPU time spent.\n"
             "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.3f\n",
             (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f && fscanf(f, "%lu %lu", &size, &resident) == 2)
        putf(b,
             "# HELP process_resident_memory_bytes Resident memory size.\n"
             "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %lu\n",
             resident * (unsigned long)sysconf(_SC_PAGESIZE));
    if (f)
        fclose(f);
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        long n = -1; /* the directory's own descriptor */
        while (readdir(d))
            n++;
        closedir(d);
        putf(b,
             "# HELP process_open_fds Open file descriptors.\n# TYPE process_open_fds gauge\n"
             "process_open_fds %ld\n",
             n - 2); /* "." and ".." */
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
        putf(b,
             "# HELP process_max_fds Limit of open file descriptors.\n"
             "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
             (unsigned long long)rl.rlim_cur);
}

int npg_metrics_render(char **out, size_t *len)
{
    npg_metric_register(&dropped);
    pthread_mutex_lock(&render_lock); /* one rendering at a time; collectors under it */
    for (size_t i = 0; i < ncollectors; i++)
        collectors[i].fn(collectors[i].arg);
    buf_t b = {0};
    render_process(&b);
    pthread_mutex_lock(&reg_lock);
    for (const npg_metric_t *m = families; m; m = m->next)
        render_family(&b, m, m->st);
    pthread_mutex_unlock(&reg_lock);
    pthread_mutex_unlock(&render_lock);
    if (b.failed || !b.p) {
        free(b.p);
        return NPG_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return NPG_OK;
}
