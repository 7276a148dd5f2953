/* SPDX-License-Identifier: GPL-3.0-or-later */
/* routing/routing.h - the routing store: where each ported number is served, and its change log. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "db/db.h"
#include "numbering/operator.h"

/*
 * What npgw knows of one number. A number is "ported" when the routing table
 * holds a row for it; otherwise it is served by the owner of its home range.
 */
typedef struct npg_route_info {
    uint64_t number;
    bool ported;                               /* a routing row exists */
    bool in_home_range;                        /* some operator's home range holds it */
    npg_operator_t serving;                    /* the row's operator, or the home owner */
    char home_operator[NPG_OPERATOR_CODE_LEN]; /* "" outside every home range */
    char number_type[8];                       /* mobile | fixed */
    char source[16];                           /* port_in, port_out, manual, import; "home" */
    char port_ref[33];                         /* the port that moved it, "" otherwise */
    char updated_at[24];                       /* "YYYY-MM-DD HH:MM:SS" UTC, "" for home */
    uint64_t change_id;                        /* last routing_changes id, 0 for home */
} npg_route_info_t;

/*
 * Route number to op, inside the caller's transaction: the routing row and its
 * change-log entry. Routing a number to its home owner removes the row (home
 * needs none). change_id (may be NULL) receives the change-log id.
 */
int npg_routing_set(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                    const char *number_type, const char *source, const char *port_ref,
                    uint64_t *change_id) NPG_WUR;
/*
 * The same with a routing number of the number's own (E.164 digits, the NPAC LRN of its
 * port), which wins over the operator's in NAPTR answers; NULL or "": the operator's.
 */
int npg_routing_set_lrn(npg_db_t *db, uint64_t number, const npg_operator_t *op, const char *lrn,
                        const char *number_type, const char *source, const char *port_ref,
                        uint64_t *change_id) NPG_WUR;

/* Remove number's routing row (it falls back to its home owner). NPG_ENOTFOUND when none
 * (nothing is logged then). */
int npg_routing_remove(npg_db_t *db, uint64_t number, const char *source,
                       uint64_t *change_id) NPG_WUR;

/* What routing says about number (serving.routing_number: the number's own LRN when it has
 * one). NPG_ENOTFOUND when neither ported nor in any home range. */
int npg_routing_get(npg_db_t *db, uint64_t number, npg_route_info_t *out) NPG_WUR;
/*
 * The same for a query that may see home ranges and operators up to a second behind their
 * change, and another process's routing change up to the index's follow period behind it
 * (this process's own changes are always seen): the routing row from the index set by
 * npg_routing_use_index when it can answer, else one indexed read; ranges and operators come
 * from the process's snapshot.
 */
int npg_routing_read(npg_db_t *db, uint64_t number, npg_route_info_t *out) NPG_WUR;
/* The in-memory routing rows npg_routing_read answers from (NULL: none, the database). */
struct npg_rindex;
void npg_routing_use_index(struct npg_rindex *ix);

/*
 * Bulk load "number,operator[,type]" lines (full E.164, '+' optional; blank
 * lines, '#' comments and a "number,..." header are skipped), batch rows per
 * transaction, source "import". Stops at the first bad line, naming it in err;
 * batches committed before it stay. *count gets the rows applied.
 */
int npg_routing_import_csv(npg_db_t *db, FILE *in, size_t batch, uint64_t *count, char *err,
                           size_t errlen) NPG_WUR;

/* Every routing row as "number,operator,routing_number,type,source,port_ref,updated_at". */
int npg_routing_export_csv(npg_db_t *db, FILE *out, uint64_t *count) NPG_WUR;

/*
 * Queue the publication of numbers first..last to the external DNS servers,
 * inside the caller's transaction (outbox kind "dns", one global order).
 * change_id makes the key unique per change; port_kind "none" for manual changes.
 */
int npg_routing_queue_publish(npg_db_t *db, uint64_t first, uint64_t last, const char *port_kind,
                              uint64_t port_id, uint64_t change_id) NPG_WUR;

/*
 * Take n consecutive change-log ids (serials) inside the caller's transaction; *first
 * gets the first. The counter row stays locked until commit, so ids are gap-free and
 * commit in order (on a Galera cluster two takers on different nodes conflict and one
 * is retried). Errors: database errors, NPG_ENOTFOUND (migration 012 missing).
 */
int npg_routing_take_serials(npg_db_t *db, uint64_t n, uint64_t *first) NPG_WUR;

/*
 * Log that something besides single numbers changed what the ENUM zone holds (an
 * operator's rn, domain or form; a home range): an "epoch" row, inside the caller's
 * transaction. npenumd re-reads operators and ranges when it meets one, and a zone
 * transfer spanning it is a full one.
 */
int npg_routing_log_epoch(npg_db_t *db, const char *source) NPG_WUR;

/*
 * npg_operator_put / npg_operator_range_put and their epoch in one transaction (retried
 * on conflicts): the way to change operators and ranges while npenumd serves transfers.
 * Errors: those of numbering/operator.h.
 */
int npg_routing_operator_put(npg_db_t *db, const npg_operator_t *op) NPG_WUR;
int npg_routing_range_add(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                          const char *number_type) NPG_WUR;

/*
 * A manual change in its own transaction: route number to op (or, with op
 * NULL, remove its row) and queue its DNS publication, both or neither; run
 * again when it loses a conflict. source: "manual", "reconcile".
 * NPG_ENOTFOUND when removing a number that has no row.
 */
int npg_routing_change(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                       const char *number_type, const char *source) NPG_WUR;

/* Told of a manual change inside its transaction, after the change and its publication
 * were queued; an error rolls the change back. operator_code is NULL for a removal. */
typedef struct npg_routing_observer {
    int (*changed)(void *arg, npg_db_t *db, uint64_t number, const char *operator_code,
                   const char *number_type, const char *source, uint64_t change_id);
    void *arg;
} npg_routing_observer_t;

/* npg_routing_change, and obs (may be NULL) told in the same transaction. */
int npg_routing_change_observed(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                                const char *number_type, const char *source,
                                const npg_routing_observer_t *obs) NPG_WUR;
