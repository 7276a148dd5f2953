/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/store.h - NPAC tables (db/010_npac.sql): one subscription version per port
 * (npac_sv) and the notification sequence recovery starts from (npac_recovery, npac_seen). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "db/db.h"
#include "porting/port.h"

/* A port as the NPAC adapter finds it for a version. */
typedef struct npg_npac_port {
    npg_port_kind_t kind;
    uint64_t id;
    char msgid[NPG_MSGID_LEN];
    int state;
    char number_type[7];
} npg_npac_port_t;

/* The newest port of kind whose version is sv_id. NPG_ENOTFOUND when none. */
int npg_npac_port_of_sv(npg_db_t *db, const char *sv_id, npg_port_kind_t kind,
                        npg_npac_port_t *out) NPG_WUR;
/* The NPAC port-in whose range holds tn (E.164): one in flight first, else the newest; for a
 * notification that overtook the reply naming the version. NPG_ENOTFOUND when none. */
int npg_npac_port_in_of_tn(npg_db_t *db, uint64_t tn, npg_npac_port_t *out) NPG_WUR;

/* One version, as npac_sv keeps it (times 0 when unknown). */
typedef struct npg_npac_sv {
    uint64_t id;
    npg_port_kind_t kind;
    uint64_t port_id;
    char sv_id[33];
    char status[25];
    char old_spid[11], new_spid[11];
    bool short_timers;
    time_t created_at, due_at, t1_at, t2_at, conflict_at;
    bool t1_noted, cancel_ack_sent;
    char old_sp_answer[9]; /* none, concur, conflict, silent */
    int conflict_cause;    /* -1 none */
    int activations;
} npg_npac_sv_t;

/* The version of a port. NPG_ENOTFOUND when it has none yet. */
int npg_npac_sv_get(npg_db_t *db, npg_port_kind_t kind, uint64_t port_id,
                    npg_npac_sv_t *out) NPG_WUR;

/*
 * A notification's sequence number was processed (inside its transaction): the contiguous
 * mark moves on (through numbers seen beyond an earlier gap), or the number is kept as seen
 * beyond a gap. 0: none.
 */
int npg_npac_sequence_done(npg_db_t *db, uint64_t seq) NPG_WUR;
/* Where recovery starts, and whether notifications beyond a gap were seen. */
int npg_npac_sequence_get(npg_db_t *db, uint64_t *last, bool *gap) NPG_WUR;
