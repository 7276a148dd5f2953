/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * adapters/reconcile.h - reconciliation: our routing of a span of numbers (or of every
 * number we know) against who the clearinghouse says serves each, through the adapter's
 * optional serving operation (adapters/adapter.h), so any clearinghouse that has one
 * (PortingXS now, the NPAC later) can be reconciled. Writes a drift report; with fix, our
 * side is corrected through the normal routing path (change log, DNS publication) with an
 * audit record per number.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "adapters/adapter.h"
#include "common/conf.h"
#include "db/db.h"

/* How a number's routing and the clearinghouse's view differ. */
typedef enum npg_drift {
    NPG_DRIFT_NONE,
    NPG_DRIFT_ROUTED_DIFFERENTLY, /* both name an operator other than us, not the same one */
    NPG_DRIFT_OURS_NOT_ROUTED,    /* the clearinghouse says we serve it; our routing does not */
    NPG_DRIFT_ROUTED_NOT_OURS,    /* we route it to us; the clearinghouse names another */
    NPG_DRIFT_UNKNOWN_THERE,      /* the clearinghouse does not know the number: never fixed */
    NPG_DRIFT_KINDS_
} npg_drift_t;

/* "routed_differently", ...; as the report writes them. */
const char *npg_drift_name(npg_drift_t d);

/*
 * Classify one number: ours and theirs are operator codes ("" none / unknown), self ours.
 * Pure: unit-tested without a database.
 */
npg_drift_t npg_drift_of(const char *ours, const char *theirs, const char *self);

typedef struct npg_reconcile_opts {
    uint64_t first, last; /* E.164, same length; both 0: every home range and routed number */
    bool fix;
    const char *actor; /* who, for the audit records: "npgwctl" */
} npg_reconcile_opts_t;

typedef struct npg_reconcile_result {
    uint64_t checked, agree;
    uint64_t drift[NPG_DRIFT_KINDS_]; /* by kind */
    uint64_t fixed, not_fixed;        /* with fix: corrected, left as they were (and why) */
} npg_reconcile_result_t;

/*
 * Run it. ops/state: the clearinghouse's adapter and its instance (ops->serving must be
 * set). The report (JSON: the span, counts, one entry per drifted number with ours,
 * theirs and, with fix, what was done) goes to report. Numbers with a port in flight are
 * reported but not fixed; nor are those naming an operator we do not know. One audit row
 * for the run, one per fixed number (in the fixing transaction). Errors: NPG_ENOTSUP (the
 * adapter cannot say who serves a number), the adapter's (err says which number), the
 * database's.
 */
int npg_reconcile(npg_db_t *db, const npg_conf_t *conf, const npg_adapter_ops_t *ops, void *state,
                  const npg_reconcile_opts_t *opts, FILE *report, npg_reconcile_result_t *res,
                  char *err, size_t errlen) NPG_WUR;
