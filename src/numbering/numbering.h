/* SPDX-License-Identifier: GPL-3.0-or-later */
/* numbering/numbering.h - who a number belongs to (home ranges, held in memory) and who
 * serves it now (the routing store over the home ranges); locks on blocks of numbers. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"
#include "numbering/operator.h"

/*
 * The home ranges (operator_ranges) as one immutable snapshot. A process shares
 * one snapshot, reloaded when numbering_version moved (every range change bumps
 * it in the same transaction), so a decision costs one primary-key read, not a
 * range scan per number.
 */
typedef struct npg_homes npg_homes_t;

/*
 * The current snapshot, checked against the database on db. *out holds a reference
 * the caller gives back with npg_homes_release; it stays valid even if another
 * thread reloads meanwhile. Errors: database errors, NPG_ENOMEM.
 */
int npg_homes_get(npg_db_t *db, npg_homes_t **out) NPG_WUR;
void npg_homes_release(npg_homes_t **homes);
/*
 * The same for a read that may be max_age_ms behind a change of ranges or operators (a REST
 * query): no database round trip when the snapshot was checked that recently. Decisions that
 * change ports use npg_homes_get.
 */
int npg_homes_get_recent(npg_db_t *db, int max_age_ms, npg_homes_t **out) NPG_WUR;
/* The operator of that code in the snapshot (operators change the version too), or NULL. */
const npg_operator_t *npg_homes_operator(const npg_homes_t *homes, const char *code);
/* The same by the operator's database id. */
const npg_operator_t *npg_homes_operator_by_id(const npg_homes_t *homes, uint32_t id);

/* The owner of the smallest home range holding number (code, static in the snapshot), or NULL. */
const char *npg_homes_owner(const npg_homes_t *homes, uint64_t number);
/* Its number type ("mobile"/"fixed"), or NULL outside every range. */
const char *npg_homes_type(const npg_homes_t *homes, uint64_t number);

/* Who one number, or a run of consecutive numbers, belongs to and is served by now. */
typedef struct npg_number_run {
    uint64_t first, last;
    char home[NPG_OPERATOR_CODE_LEN];    /* owner of its home range, "" in none */
    char serving[NPG_OPERATOR_CODE_LEN]; /* routing row's operator, else home; "" for neither */
    bool ported;                         /* a routing row says so (serving may equal home) */
} npg_number_run_t;

/*
 * Walk first..last (same length) as maximal runs of numbers sharing home, serving
 * and ported, calling fn for each in order until it returns non-zero (that value
 * is returned). Reads the routing rows of the whole span in one query; call it
 * after npg_numbering_lock when a decision rests on the answer.
 */
int npg_numbering_runs(npg_db_t *db, uint64_t first, uint64_t last,
                       int (*fn)(const npg_number_run_t *run, void *arg), void *arg) NPG_WUR;

/* The same for one number (first == last). */
int npg_numbering_who(npg_db_t *db, uint64_t number, npg_number_run_t *out) NPG_WUR;

/* "5550100" or "5550100-5550199" for a run, local digits when country_code starts them. */
void npg_numbering_run_text(const npg_number_run_t *run, const char *country_code, char *out,
                            size_t len);

/*
 * Serialise decisions about first..last inside the caller's transaction: write-lock
 * the blocks of 10,000 numbers the span touches, in ascending order (no deadlock
 * between two spans). A second transaction touching the same block waits for the
 * first to commit; on a Galera cluster one of the two fails certification
 * (NPG_ECONFLICT) and is retried by its caller.
 */
int npg_numbering_lock(npg_db_t *db, uint64_t first, uint64_t last) NPG_WUR;

/* Tell every process's snapshot that home ranges changed (inside the changing transaction). */
int npg_numbering_bump(npg_db_t *db) NPG_WUR;
