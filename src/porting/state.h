/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/state.h - port states (PortingXS values) with their flags, rejection codes, and the
 * one transition table. No state value is written anywhere else, SQL included. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

typedef enum npg_port_state {
    NPG_PS_NOPORT = 0,
    NPG_PS_WAIT_AUTH = 1,
    NPG_PS_WAIT_INSTRUCTION = 2,
    NPG_PS_WAIT_INSTRUCTION_RESP = 3,
    NPG_PS_WAIT_PORTED = 10,
    NPG_PS_WAIT_CHANGE = 11, /* PortingXS ChangeRequest: npgw sends none, no transition enters it */
    NPG_PS_PORTED = 20,
    NPG_PS_COMPLETE = 30,
    NPG_PS_TIMEOUT = 97,
    NPG_PS_ABORTED = 98,
    NPG_PS_REJECTED = 99,
} npg_port_state_t;

typedef enum npg_port_kind { NPG_PORT_IN, NPG_PORT_OUT } npg_port_kind_t;

/* What a state means for a port of a kind (the states table in state.c). */
enum npg_state_flag {
    NPG_SF_IN_FLIGHT = 1 << 0, /* under way: a second port of its numbers is refused */
    NPG_SF_TIMED = 1 << 1,     /* waits for the clearinghouse: the local answer timer runs */
    NPG_SF_FINAL = 1 << 2,     /* the port's life is over */
    NPG_SF_FAILURE = 1 << 3,   /* ended without porting: failure_reason/failure_text are set */
};

/* What can happen to a port: from the clearinghouse (in), from people or BSS (local), from timers.
 */
typedef enum npg_port_event {
    NPG_EV_CREATE,               /* port-in submitted */
    NPG_EV_AUTH_ACCEPT,          /* authorisation_response accept */
    NPG_EV_AUTH_REJECT,          /* authorisation_response reject */
    NPG_EV_INSTRUCT,             /* we confirm the port should proceed */
    NPG_EV_INSTRUCTION_RESPONSE, /* instruction_response */
    NPG_EV_PORTED,               /* ported */
    NPG_EV_ROUTING_DONE,         /* routing published everywhere */
    NPG_EV_ABORT,                /* we cancel a port-in */
    NPG_EV_TIMEDOUT,             /* timedout from the clearinghouse */
    NPG_EV_LOCAL_TIMEOUT,        /* no clearinghouse answer within the answer timeout */
    NPG_EV_AUTH_REQUEST,         /* authorisation_request: a port-out arrives */
    NPG_EV_AUTHORISE,            /* we accept a port-out */
    NPG_EV_REJECT,               /* we reject a port-out */
    NPG_EV_TERMINATION_DUE,      /* a ported-out number's port time has come */
    NPG_EV_CONFLICT,             /* conflict: the donor disputes the port, until resolved */
    NPG_EV_CANCELLED,            /* cancelled: the other operator cancelled the port */
    NPG_EV_AUTH_LAPSED,          /* authorisation_lapsed: our answer's time ran out, it goes on */
    NPG_EV_PORT_FAILED,          /* port_failed: the port could not be executed; instruct again */
    NPG_EV_COUNT_
} npg_port_event_t;

/* Side effects a transition carries, all committed in the transition's transaction. */
enum npg_port_action {
    NPG_ACT_SEND_PORTING_REQUEST = 1 << 0,
    NPG_ACT_SEND_INSTRUCTION = 1 << 1,
    NPG_ACT_SEND_ABORT = 1 << 2,
    NPG_ACT_SEND_AUTH_ANSWER = 1 << 3,   /* accept, or reject with the step's code */
    NPG_ACT_ROUTE_TO_US = 1 << 4,        /* every number of every range routes to us */
    NPG_ACT_ROUTE_TO_RECIPIENT = 1 << 5, /* every number routes to the gaining operator */
    NPG_ACT_PUBLISH_DNS = 1 << 6,        /* outbox: push the NAPTR records */
    NPG_ACT_RESUBMIT_IF_35 = 1 << 7,     /* code 35: new port with the account type toggled */
    NPG_ACT_SCHEDULE_TERMINATION = 1 << 8,
    NPG_ACT_SET_DEADLINE = 1 << 9, /* start the local answer timer */
    NPG_ACT_CLEAR_DEADLINE = 1 << 10,
};

typedef struct npg_transition {
    npg_port_kind_t kind;
    int from;
    npg_port_event_t event;
    int to;
    unsigned actions;
    const char *waiting_for; /* the answer the port now waits for (local timer text), or NULL */
} npg_transition_t;

/* The transition for (kind, from, event), or NULL when the table does not allow it. */
const npg_transition_t *npg_transition_find(npg_port_kind_t kind, int from, npg_port_event_t event);
/* Every transition, for tests and documentation. */
const npg_transition_t *npg_transitions(size_t *n);

/* "Waiting_for_Instruction" for 2, "Unknown" for values outside the table. */
const char *npg_port_state_name(int state);
/* Whether state (of a port of kind) has every flag in flags; false for unknown states. */
bool npg_port_state_is(npg_port_kind_t kind, int state, unsigned flags);
/* Every state value, for tests: *n of them. */
const int *npg_port_states(size_t *n);

/*
 * The states of kind with every flag in flags, as an SQL list ("1, 3, 10"), built
 * once from the table (stable storage: the prepared-statement cache keys on it).
 */
const char *npg_port_state_sql(npg_port_kind_t kind, unsigned flags);

/* The from-states of every transition of kind on event, as an SQL list ("10"). */
const char *npg_port_event_states_sql(npg_port_kind_t kind, npg_port_event_t event);

const char *npg_port_event_name(npg_port_event_t event);

/* Rejection code text: 35 -> "Incorrect Account Type"; NULL for an unknown code. */
const char *npg_reject_reason(int code);
#define NPG_REJECT_GENERAL 99 /* General Rejection */
#define NPG_REJECT_ACCOUNT_TYPE 35

/*
 * Port-out rejection: the seed's legitimate reasons by name (account_mismatch,
 * outstanding_balance, fraudulent_request, number_not_active) or a code from the
 * rejection table. Returns the code, or NPG_EINVAL.
 */
int npg_port_out_reject_code(const char *reason);
