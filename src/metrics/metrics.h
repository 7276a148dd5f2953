/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * metrics/metrics.h - Prometheus metrics: counters, gauges and latency histograms that cost a
 * lock-free table probe and an atomic add or two where they are counted, and their text
 * exposition format (version 0.0.4).
 *
 * A family is a static npg_metric_t in the module that counts it, registered on first use
 * (or with npg_metric_register, so that an unlabelled one shows 0 from the start). Label
 * values are copied when a series is first seen; a family holds at most `capacity` series
 * and drops (and counts, npgw_metrics_dropped_total) what does not fit, so label values must
 * come from bounded sets: route templates, kinds, states, codes, never numbers or ids.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"

#define NPG_METRIC_MAX_LABELS 4
#define NPG_METRIC_MAX_BUCKETS 16

typedef enum npg_metric_type {
    NPG_METRIC_COUNTER,   /* only goes up: npg_metric_add */
    NPG_METRIC_GAUGE,     /* set to a value: npg_metric_set (often by a collector) */
    NPG_METRIC_HISTOGRAM, /* durations: npg_metric_observe_ns, exposed in seconds */
} npg_metric_type_t;

struct npg_metric_state; /* private: the series table */

typedef struct npg_metric {
    const char *name; /* npgw_..., npenumd_...: [a-zA-Z_:][a-zA-Z0-9_:]* */
    const char *help;
    npg_metric_type_t type;
    const char *labels[NPG_METRIC_MAX_LABELS + 1]; /* label names, NULL after the last */
    /*
     * Label values passed to this family are string literals or entries of const tables that
     * live as long as the process: series are then found by address, not by comparing text
     * (the HTTP request path). Two addresses with the same text are one series on output.
     */
    bool static_values;
    size_t capacity;       /* most series; 0: 256 */
    const double *buckets; /* histogram upper bounds in seconds, ascending; NULL: latency ones */
    size_t nbuckets;       /* at most NPG_METRIC_MAX_BUCKETS */
    /* per-thread grid (npg_metric_grid_inc): the values of each label, in index order */
    const char *const *grid[NPG_METRIC_MAX_LABELS];
    size_t grid_n[NPG_METRIC_MAX_LABELS];
    /* private */
    struct npg_metric_state *st;
    struct npg_metric *next;
} npg_metric_t;

/* The label values of one series, in the order of the family's labels. */
#define NPG_METRIC_V(...) ((const char *const[]){__VA_ARGS__})

/* Make the family known (and, unlabelled, visible with 0). Safe from any thread, any time. */
void npg_metric_register(npg_metric_t *m);

/* Counters: add n to the series of values (NULL when the family has no labels). */
void npg_metric_add(npg_metric_t *m, const char *const *values, uint64_t n);
/* Gauges: set the series to v. */
void npg_metric_set(npg_metric_t *m, const char *const *values, double v);
/* Gauges: every series back to 0, before a collector sets what it found now. */
void npg_metric_reset(npg_metric_t *m);
/* Histograms: one observation of ns nanoseconds. */
void npg_metric_observe_ns(npg_metric_t *m, const char *const *values, uint64_t ns);

/*
 * Counters kept per thread for the hottest paths (npenumd's queries): a grid of the labels'
 * fixed value lists (grid, grid_n), index = ((i0 * n1 + i1) * n2 + i2)...; no atomic
 * read-modify-write and no cache line shared between threads. A thread's counts outlive it.
 */
void npg_metric_grid_inc(npg_metric_t *m, size_t index);

/* The monotonic clock in nanoseconds, for durations. */
uint64_t npg_metrics_now_ns(void);
/* "200" for 200: a stable string for an HTTP status label ("other" outside 100..599). */
const char *npg_metrics_status_label(int status);

/* Called before every rendering to set gauges from elsewhere (the database). */
typedef void (*npg_metrics_collect_fn)(void *arg);
int npg_metrics_collector_add(npg_metrics_collect_fn fn, void *arg) NPG_WUR;
void npg_metrics_collector_remove(npg_metrics_collect_fn fn, void *arg);

/*
 * The process's identity in its metrics: <prefix>_build_info{version} and the process_*
 * families (start time, CPU, memory, open files). Call once at start.
 */
void npg_metrics_set_process(const char *prefix, const char *version);

/*
 * Run the collectors (one rendering at a time), then write every registered family in the
 * text exposition format to a malloc'ed, NUL-terminated buffer the caller frees.
 */
int npg_metrics_render(char **out, size_t *len) NPG_WUR;
