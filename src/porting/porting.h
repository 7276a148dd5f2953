/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/porting.h - the porting engine's context: configuration, the clearinghouses it
 * works with (described by their adapters), and the hooks other modules plug in. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/conf.h"
#include "db/db.h"
#include "porting/state.h"

typedef struct npg_porting npg_porting_t;
struct npg_canon_msg;

/* What the engine needs to know of one clearinghouse; the adapters layer fills it in. */
typedef struct npg_porting_ch {
    const char *name; /* "pxs", "uk": port rows, outbox kind, de-duplication source */
    const char
        *operator_code; /* the clearinghouse's own operator code (receiver of terminations) */
    int answer_timeout; /* seconds to wait for its next answer before a local TimeOut */
    /* The wire element of a canonical message type, for event rows: "instruction" ->
     * "InstructionRequest" (PortingXS), "ConfirmPort" (UK). */
    const char *(*element)(const char *canonical_type);
    /*
     * Optional: what this clearinghouse can carry in one port-in (NPAC: one range within one
     * NPA-NXX), checked before the port is stored; err says why not. Ranges are E.164.
     */
    int (*check_port_in)(const npg_conf_t *conf, const uint64_t *starts, const uint64_t *ends,
                         size_t n, char *err, size_t errlen);
    /*
     * Optional: the adapter keeps its own record of an inbound message inside the transaction
     * that applies it, once the port moved or the message was recorded as not applied (never
     * for a duplicate). port_kind "in"/"out" and port_id name its port ("none", 0: none);
     * state is the port's state after it. It may queue messages (npg_port_queue) and raise
     * alarms; an error rolls the whole message back.
     */
    int (*inbound)(npg_db_t *db, npg_porting_t *pt, const struct npg_canon_msg *m,
                   const char *port_kind, uint64_t port_id, int state);
} npg_porting_ch_t;

/* A port-out that passed the numbering check, as a hook sees it. */
typedef struct npg_port_out_view {
    uint64_t id;
    const char *msgidentifier;
    const char *recipient;    /* gaining operator */
    const char *number_type;  /* mobile | fixed */
    const char *account_type; /* as the recipient declared it, "" when absent */
    const uint64_t *starts, *ends;
    size_t nranges;
} npg_port_out_view_t;

typedef enum npg_eligibility_decision {
    NPG_ELIGIBLE_DEFER,  /* no answer yet: operations staff (or a later call-out) decide */
    NPG_ELIGIBLE_ACCEPT, /* authorise at once */
    NPG_ELIGIBLE_REJECT, /* reject at once with reject_code and reason */
} npg_eligibility_decision_t;

typedef struct npg_eligibility {
    npg_eligibility_decision_t decision;
    int reject_code;
    char reason[256];
} npg_eligibility_t;

/* A port as it is right after an applied transition, for on_transition. Strings and arrays
 * belong to the engine and live only for the call. */
typedef struct npg_port_view {
    npg_port_kind_t kind;
    uint64_t id;
    const char *msgidentifier;
    const char *clearinghouse;
    const char *donor, *recipient;
    const char *number_type;       /* mobile | fixed */
    const char *account_type;      /* "" when absent (a PAC port, a port-out without one) */
    const char *contact_number;    /* port-in: the customer's authorisation number; "" otherwise */
    const uint64_t *starts, *ends; /* E.164 numbers as integers */
    size_t nranges;
    time_t port_time;     /* 0: none */
    uint64_t original_id; /* port-in resubmitted after code 35: the port it replaces; else 0 */
    int reject_code;      /* the step's code (a rejection), -1 none */
    const char *reason;   /* the step's reason text, or NULL */
} npg_port_view_t;

/*
 * Hooks into the engine, called inside the transaction that changes the port (so
 * anything they queue commits with it; nothing may be sent from inside them).
 */
typedef struct npg_porting_hooks {
    /*
     * Service validation of a port-out after the numbering check passed: is the
     * service eligible to leave? This is where the BSS eligibility call-out plugs
     * in (queue it and DEFER; its answer authorises or rejects the port later).
     * NULL: DEFER, the port waits for operations staff.
     */
    int (*port_out_eligibility)(void *arg, npg_db_t *db, const npg_port_out_view_t *port,
                                npg_eligibility_t *out);
    /*
     * After every applied transition (from -> to on event), once its event row and the
     * handlers of its actions ran: lifecycle deliveries are queued here. An error rolls
     * the whole transition back. NULL: nothing.
     */
    int (*on_transition)(void *arg, npg_db_t *db, const npg_port_view_t *port, int from, int to,
                         npg_port_event_t event);
    /*
     * A routing record pushed (op non-NULL) or deleted by hand (REST, npgwctl), inside the
     * transaction that changes it; change_id is its routing_changes row. NULL: nothing.
     */
    int (*on_route_change)(void *arg, npg_db_t *db, uint64_t number, const char *operator_code,
                           const char *number_type, const char *source, uint64_t change_id);
    void *arg;
} npg_porting_hooks_t;

/*
 * A context for conf (which must outlive it) and the clearinghouses chs (copied).
 * [general] clearinghouse must name one of them: it carries new port-ins and
 * terminations. Errors: NPG_ECONF (with a log line), NPG_ENOMEM.
 */
int npg_porting_new(const npg_conf_t *conf, const npg_porting_ch_t *chs, size_t n,
                    npg_porting_t **out) NPG_WUR;
void npg_porting_free(npg_porting_t **pt);
/* Install hooks (copied) before the context is shared between threads. */
void npg_porting_set_hooks(npg_porting_t *pt, const npg_porting_hooks_t *hooks);
const npg_conf_t *npg_porting_conf(const npg_porting_t *pt);
/* The hooks installed (all NULL when none); pt may be NULL. */
const npg_porting_hooks_t *npg_porting_hooks(const npg_porting_t *pt);
