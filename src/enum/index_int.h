/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/index_int.h - the inside of npenumd's index, shared by the files that make it up:
 * index.c (loading, following, answers), ixsave.c (the index file) and ixsnap.c (copies
 * for zone transfers). Nothing else includes it.
 */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/numtab.h"
#include "enum/index.h"
#include "enum/ixfile.h"

/* A ported number: 10 bytes, so 10M numbers take 100 MB. op is the operator's DB id. The
 * index file holds the same rows, so the base array is written and read as it is. */
typedef npg_ixrow_t ported_t;

typedef struct range {
    uint64_t start, end, max_end; /* max_end: the largest end among this and earlier ranges */
    uint16_t op;
} range_t;

/* Changes since the last merge: number -> operator id, or OVERLAY_HOME (row removed). */
#define OVERLAY_HOME 0xFFFFFFFFu
typedef struct slot {
    uint64_t number;
    uint32_t op;
} slot_t;

/* A number's own routing number (NPAC LRN), beside its operator's: few numbers have one, so a
 * hash of its own keeps ported_t at 10 bytes. lrn 0: none (removed). */
typedef npg_ixlrn_t lrn_slot_t;

#define MAX_OPS 4096 /* operator ids (AUTO_INCREMENT) must stay below */
/* After this many changes the overlay is folded into the sorted array. */
#define MERGE_AT 65536
/* A hole in the change ids may be a transaction still committing: wait this long for it. */
#define GAP_WAIT_MS 1000

struct npg_enum_index {
    pthread_rwlock_t lock;
    npg_enum_op_t *ops; /* indexed by operators.id; code[0] == 0: unknown */
    ported_t *base;
    size_t nbase;
    range_t *ranges;
    size_t nranges;
    npg_numtab_t overlay; /* slot_t by number */
    npg_numtab_t lrns;    /* lrn_slot_t by number */
    uint64_t last_change;
    struct timespec gap_since;
    bool in_gap;
    /* The base array an index file is being written from stays allocated until it is
     * written, even if a merge or load replaces it meanwhile (then it waits in retired). */
    pthread_mutex_t pin_lock;
    ported_t *pinned, *retired;
};

/* The base array and the sorted overlay walked together: the ported numbers as they stand. */
typedef struct merge {
    const ported_t *base;
    size_t nbase, i;
    const slot_t *ch;
    size_t nch, j;
} merge_t;

/* Free a base array taken out of the index, unless an index file is being written from it. */
void npg_enum_ix_retire_base(npg_enum_index_t *ix, ported_t *old);
/* Operators and home ranges, read whole. Caller holds no lock. */
int npg_enum_ix_load_small(npg_db_t *db, npg_enum_op_t **ops_out, range_t **ranges,
                           size_t *nranges) NPG_WUR;
/* Put a state read whole in place of the index's; takes ops, ranges and rows. */
int npg_enum_ix_install(npg_enum_index_t *ix, npg_enum_op_t *ops, range_t *ranges, size_t nranges,
                        ported_t *rows, size_t nrows, const lrn_slot_t *lrns, size_t nlrns,
                        uint64_t at) NPG_WUR;
/* The overlay's changes sorted by number; NULL: out of memory. Caller holds a lock. */
slot_t *npg_enum_ix_overlay_sorted(const npg_enum_index_t *ix, size_t *n);
/* The next ported number of base and overlay together; false at the end. */
bool npg_enum_ix_merge_next(merge_t *m, ported_t *out);
/* The smallest home range holding number: its operator id, or -1. */
int npg_enum_ix_ranges_home(const range_t *ranges, size_t nranges, uint64_t number);
