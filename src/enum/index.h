/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/index.h - the routing table in memory, for npenumd: operators, home
 * ranges and every ported number, loaded from MariaDB once and kept current by
 * following routing_changes. Lookups never touch the database, so answers keep
 * coming from the last known state while it is away.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "enum/naptr.h"

typedef struct npg_enum_index npg_enum_index_t;

/* One operator as the responder needs it; strings owned by the index. */
typedef struct npg_enum_op {
    char code[11];
    char rn[17];
    char ims_domain[254];
    npg_naptr_form_t form;
    npg_naptr_rn_format_t rn_format;
} npg_enum_op_t;

typedef enum npg_enum_kind {
    NPG_ENUM_NONE,   /* nobody serves it: NXDOMAIN */
    NPG_ENUM_HOME,   /* in its home range, never moved: npdi only */
    NPG_ENUM_PORTED, /* served elsewhere: npdi and rn */
} npg_enum_kind_t;

/* What the index says about one number; op is a copy, valid without a lock. */
typedef struct npg_enum_answer {
    npg_enum_kind_t kind;
    npg_enum_op_t op; /* the serving operator */
} npg_enum_answer_t;

typedef struct npg_enum_stats {
    uint64_t ported;      /* numbers in the base array */
    uint64_t overlay;     /* changes applied since the last merge */
    uint64_t ranges;      /* home ranges */
    uint64_t operators;
    uint64_t last_change; /* routing_changes id applied last */
    size_t bytes;         /* memory held by the tables */
} npg_enum_stats_t;

int npg_enum_index_new(npg_enum_index_t **out) NPG_WUR;
void npg_enum_index_free(npg_enum_index_t **ix);

/*
 * Load everything (replacing what is there). The change-log position is read
 * first, so changes committed during the load are applied again after it:
 * applying a change twice is harmless.
 */
int npg_enum_index_load(npg_enum_index_t *ix, npg_db_t *db) NPG_WUR;

/*
 * Write the index as it stands (ported numbers and LRNs at its change-log position) to the
 * index file path (enum/ixfile.h), without holding up answers or the follower; *saved gets
 * the position written. NPG_ENOTFOUND: nothing is applied yet (an empty change log).
 */
int npg_enum_index_save(npg_enum_index_t *ix, npg_db_t *db, const char *path,
                        uint64_t *saved) NPG_WUR;

/*
 * Replace the ported numbers with the index file's, and operators and home ranges with the
 * database's; the follower then replays the changes committed since (*backlog of them).
 * Refused, leaving the index as it was: NPG_ENOTFOUND (no file), NPG_EINVAL (not a whole
 * index file of this build, or its checksum, order or operators are wrong), NPG_ESTATE (the
 * database's change log does not hold the file's last change as the file saw it: another
 * database, or one restored to an earlier state), NPG_ETOOBIG (more changes to replay than
 * a load would cost: over 10,000 and an eighth of the numbers).
 */
int npg_enum_index_restore(npg_enum_index_t *ix, npg_db_t *db, const char *path,
                           uint64_t *backlog) NPG_WUR;

/*
 * Apply the changes committed since the last one applied (at most batch of
 * them); *applied gets how many. Reloads operators and home ranges when a
 * change names an operator it does not know, and when refresh is set.
 */
int npg_enum_index_follow(npg_enum_index_t *ix, npg_db_t *db, int batch, bool refresh,
                          int *applied) NPG_WUR;

/* A home range, or a ported number (start == end), for npg_enum_index_fill. */
typedef struct npg_enum_row {
    uint64_t start, end;
    uint16_t op; /* operator id: its index in ops */
} npg_enum_row_t;

/*
 * Fill the index from memory instead of the database (unit tests and fuzzers): nops
 * operators by id (at most 4096), home ranges sorted by start, ported numbers sorted by
 * number (their end is ignored). Replaces everything; copies what it keeps.
 * Errors: NPG_EINVAL (too many operators, an id past them, rows out of order), NPG_ENOMEM.
 */
int npg_enum_index_fill(npg_enum_index_t *ix, const npg_enum_op_t *ops, size_t nops,
                        const npg_enum_row_t *ranges, size_t nranges, const npg_enum_row_t *ported,
                        size_t nported) NPG_WUR;

/* The answer for an E.164 number. Thread-safe against follow(). */
void npg_enum_index_lookup(npg_enum_index_t *ix, uint64_t number, npg_enum_answer_t *out);

/*
 * True when some served number (ported, or in a home range) lies strictly
 * under the prefix of ndigits digits: the name is an empty non-terminal.
 */
bool npg_enum_index_has_below(npg_enum_index_t *ix, uint64_t prefix, int ndigits);

void npg_enum_index_stats(npg_enum_index_t *ix, npg_enum_stats_t *out);
/* The routing_changes id applied last (the SOA serial), cheaply. */
uint64_t npg_enum_index_last_change(npg_enum_index_t *ix);

/*
 * A copy of the index at one change-log position, for a zone transfer: taken under the
 * read lock (answers go on), then read without any lock. Free with npg_enum_snap_free.
 */
typedef struct npg_enum_snap npg_enum_snap_t;
int npg_enum_index_snapshot(npg_enum_index_t *ix, npg_enum_snap_t **out) NPG_WUR;
void npg_enum_snap_free(npg_enum_snap_t **snap);
/* The routing_changes id it stands for (the zone's SOA serial). */
uint64_t npg_enum_snap_serial(const npg_enum_snap_t *snap);
/* How many numbers a transfer carries: moved ones, and with home_numbers every home one too. */
uint64_t npg_enum_snap_size(const npg_enum_snap_t *snap, bool home_numbers);

/*
 * The answer for number as if its routing row named operator id op (0: no row), with
 * the snapshot's operators and home ranges: what npenumd answers. Without home_numbers
 * a number with no row has no answer (a zone of moved numbers only).
 */
void npg_enum_snap_answer(const npg_enum_snap_t *snap, uint64_t number, uint32_t op,
                          bool home_numbers, npg_enum_answer_t *out);

/*
 * Every number with an answer, ascending: the moved ones and, with home_numbers, every
 * number of every home range. fn returns non-zero to stop (returned).
 */
int npg_enum_snap_each(const npg_enum_snap_t *snap, bool home_numbers,
                       int (*fn)(uint64_t number, const npg_enum_answer_t *a, void *arg),
                       void *arg);
