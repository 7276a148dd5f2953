/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/counts.h - counts of ports for the metrics and alarm checks: ports under way by state,
 * port-in authorisation answers of a recent window. One indexed query each. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"
#include "porting/state.h"

typedef struct npg_port_count {
    npg_port_kind_t kind;
    int state;
    uint64_t count;
    double oldest_s; /* seconds since the longest-waiting of them last changed */
} npg_port_count_t;

/* Ports in a state that is not final, by kind and state: at most max in out, *n of them. */
int npg_port_counts(npg_db_t *db, npg_port_count_t *out, size_t max, size_t *n) NPG_WUR;

/* Port-in authorisation answers applied in the last window_s seconds: accepted and rejected. */
int npg_port_answers(npg_db_t *db, int window_s, uint64_t *accepted, uint64_t *rejected) NPG_WUR;
