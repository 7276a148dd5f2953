/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * routing/rindex.h - npgwd's routing rows in memory, for the REST reads: every row of
 * `routing` (operator, type, source, port reference, time, LRN) loaded once and kept
 * current by following `routing_changes`, as npenumd keeps its own index. A read the index
 * cannot vouch for (not loaded yet, behind a change this process wrote, database away
 * longer than the follower's patience) goes to the database as before.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "common/error.h"
#include "db/db.h"

typedef struct npg_rindex npg_rindex_t;

/* One routing row as the REST answer needs it. */
typedef struct npg_rindex_row {
    uint32_t operator_id;
    char number_type[8]; /* mobile | fixed */
    char source[16];
    char port_ref[33];
    char updated_at[24]; /* "YYYY-MM-DD HH:MM:SS" UTC */
    char lrn[16];        /* "" when the operator's routing number applies */
} npg_rindex_row_t;

typedef struct npg_rindex_stats {
    uint64_t rows;     /* rows in the sorted array */
    uint64_t overlay;  /* changes applied since the last load */
    uint64_t applied;  /* routing_changes id applied last */
    size_t bytes;      /* memory held */
    bool ready;
} npg_rindex_stats_t;

/* Start loading (in its own thread) and following every follow_ms. */
int npg_rindex_start(npg_db_pool_t *pool, int follow_ms, npg_rindex_t **out) NPG_WUR;
void npg_rindex_stop(npg_rindex_t **ix);

/*
 * The row of number: NPG_OK (row filled), NPG_ENOTFOUND (no row: the number is not moved),
 * NPG_EUNAVAIL (the index cannot say: ask the database).
 */
int npg_rindex_get(npg_rindex_t *ix, uint64_t number, npg_rindex_row_t *row) NPG_WUR;

/* A change this process is committing (change-log id): reads wait for the follower to pass
 * it, going to the database meanwhile, so a client reads what it just wrote. */
void npg_rindex_wrote(uint64_t change_id);

void npg_rindex_stats(npg_rindex_t *ix, npg_rindex_stats_t *out);

/* For the unit tests: apply one row (operator_id 0: removed) as the follower would. */
int npg_rindex_apply(npg_rindex_t *ix, uint64_t change_id, uint64_t number,
                     const npg_rindex_row_t *row) NPG_WUR;
/* An index that neither loads nor follows (unit tests), ready and empty. */
int npg_rindex_new_empty(npg_rindex_t **out) NPG_WUR;
