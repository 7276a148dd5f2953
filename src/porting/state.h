/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/state.h - port states (PortingXS values), rejection codes, and the one transition table. */
#pragma once
#include <stdbool.h>
#include "common/error.h"

typedef enum npg_port_state {
    NPG_PS_NOPORT = 0,
    NPG_PS_WAIT_AUTH = 1,
    NPG_PS_WAIT_INSTRUCTION = 2,
    NPG_PS_WAIT_INSTRUCTION_RESP = 3,
    NPG_PS_WAIT_PORTED = 10,
    NPG_PS_WAIT_CHANGE = 11,
    NPG_PS_PORTED = 20,
    NPG_PS_COMPLETE = 30,
    NPG_PS_TIMEOUT = 97,
    NPG_PS_ABORTED = 98,
    NPG_PS_REJECTED = 99,
} npg_port_state_t;

typedef enum npg_port_kind { NPG_PORT_IN, NPG_PORT_OUT } npg_port_kind_t;

/* What can happen to a port: from the clearinghouse (in), from people or BSS (local), from timers. */
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
    NPG_EV_LOCAL_TIMEOUT,        /* no clearinghouse answer within answer_timeout */
    NPG_EV_AUTH_REQUEST,         /* authorisation_request: a port-out arrives */
    NPG_EV_AUTHORISE,            /* we accept a port-out */
    NPG_EV_REJECT,               /* we reject a port-out */
    NPG_EV_TERMINATION_DUE,      /* a ported-out number's port time has come */
} npg_port_event_t;

/* Side effects a transition carries, all committed in the transition's transaction. */
enum npg_port_action {
    NPG_ACT_SEND_PORTING_REQUEST = 1 << 0,
    NPG_ACT_SEND_INSTRUCTION = 1 << 1,
    NPG_ACT_SEND_ABORT = 1 << 2,
    NPG_ACT_SEND_AUTH_ACCEPT = 1 << 3,
    NPG_ACT_SEND_AUTH_REJECT = 1 << 4,
    NPG_ACT_ROUTE_TO_US = 1 << 5,        /* every number of every range routes to us */
    NPG_ACT_ROUTE_TO_RECIPIENT = 1 << 6, /* every number routes to the gaining operator */
    NPG_ACT_PUBLISH_DNS = 1 << 7,        /* outbox: push the NAPTR records */
    NPG_ACT_RESUBMIT_IF_35 = 1 << 8,     /* code 35: new port with the account type toggled */
    NPG_ACT_SCHEDULE_TERMINATION = 1 << 9,
    NPG_ACT_SET_DEADLINE = 1 << 10,      /* start the local answer timer */
    NPG_ACT_CLEAR_DEADLINE = 1 << 11,
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
const npg_transition_t *npg_transition_find(npg_port_kind_t kind, int from,
                                            npg_port_event_t event);

/* "Waiting_for_Instruction" for 2, "Unknown" for values outside the table. */
const char *npg_port_state_name(int state);
/* True for the states that end a port (complete, timed out, aborted, rejected). */
bool npg_port_state_final(int state);
const char *npg_port_event_name(npg_port_event_t event);

/* Rejection code text: 35 -> "Incorrect Account Type"; NULL for an unknown code. */
const char *npg_reject_reason(int code);

/*
 * Port-out rejection: the seed's legitimate reasons by name (account_mismatch,
 * outstanding_balance, fraudulent_request, number_not_active) or a code from the
 * rejection table. Returns the code, or NPG_EINVAL.
 */
int npg_port_out_reject_code(const char *reason);
