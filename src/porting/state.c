/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/state.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define IN_FLIGHT NPG_SF_IN_FLIGHT
#define TIMED NPG_SF_TIMED
#define FINAL NPG_SF_FINAL
#define FAILURE NPG_SF_FAILURE

/* Every state, what it means for a port-in and for a port-out. */
static const struct {
    int value;
    const char *name;
    unsigned flags[2]; /* [NPG_PORT_IN], [NPG_PORT_OUT] */
} states[] = {
    {NPG_PS_NOPORT, "NoPort", {IN_FLIGHT, IN_FLIGHT}},
    {NPG_PS_WAIT_AUTH, "Waiting_for_Authorisation_Response", {IN_FLIGHT | TIMED, IN_FLIGHT}},
    {NPG_PS_WAIT_INSTRUCTION, "Waiting_for_Instruction", {IN_FLIGHT, 0}},
    {NPG_PS_WAIT_INSTRUCTION_RESP, "Waiting_for_Instruction_Response", {IN_FLIGHT | TIMED, 0}},
    {NPG_PS_WAIT_PORTED, "Waiting_for_Ported_Response", {IN_FLIGHT | TIMED, IN_FLIGHT | TIMED}},
    {NPG_PS_WAIT_CHANGE, "Waiting_for_Change_Response", {0, 0}}, /* unused: see state.h */
    {NPG_PS_PORTED, "Number_Ported", {0, 0}},
    {NPG_PS_COMPLETE, "Number_Ported_Complete", {FINAL, FINAL}},
    {NPG_PS_TIMEOUT, "TimeOut", {FINAL | FAILURE, FINAL | FAILURE}},
    {NPG_PS_ABORTED, "Aborted", {FINAL, FINAL}},
    {NPG_PS_REJECTED, "Rejected", {FINAL | FAILURE, FINAL | FAILURE}},
};

#define IN NPG_PORT_IN
#define OUT NPG_PORT_OUT
#define SEND_REQ NPG_ACT_SEND_PORTING_REQUEST
#define DEADLINE NPG_ACT_SET_DEADLINE
#define ANSWER NPG_ACT_SEND_AUTH_ANSWER
#define NODEADLINE NPG_ACT_CLEAR_DEADLINE

/* The whole life of a port. Anything not listed here is refused and recorded, never applied. */
static const npg_transition_t transitions[] = {
    /* port-in */
    {IN, NPG_PS_NOPORT, NPG_EV_CREATE, NPG_PS_WAIT_AUTH, SEND_REQ | DEADLINE,
     "authorisation_response"},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_AUTH_ACCEPT, NPG_PS_WAIT_INSTRUCTION, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_AUTH_REJECT, NPG_PS_REJECTED, NODEADLINE | NPG_ACT_RESUBMIT_IF_35,
     NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_INSTRUCT, NPG_PS_WAIT_INSTRUCTION_RESP,
     NPG_ACT_SEND_INSTRUCTION | DEADLINE, "instruction_response"},
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_INSTRUCTION_RESPONSE, NPG_PS_WAIT_PORTED, DEADLINE,
     "ported"},
    {IN, NPG_PS_WAIT_PORTED, NPG_EV_PORTED, NPG_PS_PORTED,
     NODEADLINE | NPG_ACT_ROUTE_TO_US | NPG_ACT_PUBLISH_DNS, NULL},
    /* done before its acknowledgement was processed (a synchronous answer and an asynchronous
     * notification cross): the acknowledgement is implied */
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_PORTED, NPG_PS_PORTED,
     NODEADLINE | NPG_ACT_ROUTE_TO_US | NPG_ACT_PUBLISH_DNS, NULL},
    {IN, NPG_PS_PORTED, NPG_EV_ROUTING_DONE, NPG_PS_COMPLETE, 0, NULL},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_ABORT, NPG_PS_ABORTED, NPG_ACT_SEND_ABORT | NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_ABORT, NPG_PS_ABORTED, NPG_ACT_SEND_ABORT | NODEADLINE,
     NULL},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_PORTED, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_LOCAL_TIMEOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_LOCAL_TIMEOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_PORTED, NPG_EV_LOCAL_TIMEOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    /* a dispute (NPAC conflict) holds the port until the donor answers again; an authorisation
     * given before it no longer counts */
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_CONFLICT, NPG_PS_WAIT_AUTH, 0, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_CONFLICT, NPG_PS_WAIT_AUTH, DEADLINE,
     "authorisation_response"},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_CANCELLED, NPG_PS_ABORTED, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_CANCELLED, NPG_PS_ABORTED, NODEADLINE, NULL},
    /* the execution failed everywhere (NPAC broadcast failed): the port may be instructed again */
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_PORT_FAILED, NPG_PS_WAIT_INSTRUCTION, NODEADLINE,
     NULL},
    {IN, NPG_PS_WAIT_PORTED, NPG_EV_PORT_FAILED, NPG_PS_WAIT_INSTRUCTION, NODEADLINE, NULL},
    /* port-out */
    {OUT, NPG_PS_NOPORT, NPG_EV_AUTH_REQUEST, NPG_PS_WAIT_AUTH, 0, NULL},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_AUTHORISE, NPG_PS_WAIT_PORTED, ANSWER | DEADLINE, "ported"},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_REJECT, NPG_PS_REJECTED, ANSWER, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_PORTED, NPG_PS_PORTED,
     NODEADLINE | NPG_ACT_ROUTE_TO_RECIPIENT | NPG_ACT_PUBLISH_DNS | NPG_ACT_SCHEDULE_TERMINATION,
     NULL},
    {OUT, NPG_PS_PORTED, NPG_EV_TERMINATION_DUE, NPG_PS_COMPLETE, 0, NULL},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_LOCAL_TIMEOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    /* no answer from us in time is consent (NPAC final concurrence window) */
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_AUTH_LAPSED, NPG_PS_WAIT_PORTED, DEADLINE, "ported"},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_CANCELLED, NPG_PS_ABORTED, 0, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_CANCELLED, NPG_PS_ABORTED, NODEADLINE, NULL},
};

static const char *const event_names[] = {
    [NPG_EV_CREATE] = "create",
    [NPG_EV_AUTH_ACCEPT] = "authorisation_response(accept)",
    [NPG_EV_AUTH_REJECT] = "authorisation_response(reject)",
    [NPG_EV_INSTRUCT] = "instruction",
    [NPG_EV_INSTRUCTION_RESPONSE] = "instruction_response",
    [NPG_EV_PORTED] = "ported",
    [NPG_EV_ROUTING_DONE] = "routing_done",
    [NPG_EV_ABORT] = "abort",
    [NPG_EV_TIMEDOUT] = "timedout",
    [NPG_EV_LOCAL_TIMEOUT] = "local_timeout",
    [NPG_EV_AUTH_REQUEST] = "authorisation_request",
    [NPG_EV_AUTHORISE] = "authorise",
    [NPG_EV_REJECT] = "reject",
    [NPG_EV_TERMINATION_DUE] = "termination_due",
    [NPG_EV_CONFLICT] = "conflict",
    [NPG_EV_CANCELLED] = "cancelled",
    [NPG_EV_AUTH_LAPSED] = "authorisation_lapsed",
    [NPG_EV_PORT_FAILED] = "port_failed",
};

static const struct {
    int code;
    const char *text;
} reject_codes[] = {
    {0, "Unknown"},
    {31, "Account Suspended"},
    {32, "Account Problem"},
    {33, "Bill Problem"},
    {34, "Deposit Exceeded"},
    {35, "Incorrect Account Type"},
    {36, "Reported Stolen or Lost"},
    {37, "Special"},
    {38, "No Cooling Off (Repatriation)"},
    {39, "Prepaid Bill Problem"},
    {99, "General Rejection"},
};

/* The legitimate reasons to refuse a port-out (seed, Port OUT dashboard). */
static const struct {
    const char *name;
    int code;
} port_out_reasons[] = {
    {"account_mismatch", 35},
    {"outstanding_balance", 33},
    {"fraudulent_request", 36},
    {"number_not_active", 31},
};

const npg_transition_t *npg_transition_find(npg_port_kind_t kind, int from, npg_port_event_t event)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(transitions); i++)
        if (transitions[i].kind == kind && transitions[i].from == from &&
            transitions[i].event == event)
            return &transitions[i];
    return NULL;
}

const npg_transition_t *npg_transitions(size_t *n)
{
    *n = NPG_ARRAY_LEN(transitions);
    return transitions;
}

static int state_index(int state)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(states); i++)
        if (states[i].value == state)
            return (int)i;
    return -1;
}

const char *npg_port_state_name(int state)
{
    int i = state_index(state);
    return i < 0 ? "Unknown" : states[i].name;
}

bool npg_port_state_is(npg_port_kind_t kind, int state, unsigned flags)
{
    int i = state_index(state);
    return i >= 0 && (states[i].flags[kind] & flags) == flags;
}

const int *npg_port_states(size_t *n)
{
    static int values[NPG_ARRAY_LEN(states)];
    for (size_t i = 0; i < NPG_ARRAY_LEN(states); i++)
        values[i] = states[i].value;
    *n = NPG_ARRAY_LEN(states);
    return values;
}

/* SQL lists, built once: by flag combination and by event, for both kinds. */
#define FLAG_COMBOS 16
static char flag_sql[2][FLAG_COMBOS][64];
static char event_sql[2][NPG_EV_COUNT_][64];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;

static void list_add(char *buf, size_t len, int value)
{
    size_t at = strlen(buf);
    snprintf(buf + at, len - at, "%s%d", at ? ", " : "", value);
}

static void build_sql(void)
{
    for (int k = 0; k < 2; k++) {
        for (unsigned f = 0; f < FLAG_COMBOS; f++)
            for (size_t i = 0; i < NPG_ARRAY_LEN(states); i++)
                if ((states[i].flags[k] & f) == f)
                    list_add(flag_sql[k][f], sizeof(flag_sql[k][f]), states[i].value);
        for (size_t i = 0; i < NPG_ARRAY_LEN(transitions); i++)
            if (transitions[i].kind == (npg_port_kind_t)k)
                list_add(event_sql[k][transitions[i].event], sizeof(event_sql[0][0]),
                         transitions[i].from);
    }
    for (int k = 0; k < 2; k++) { /* an empty list would be an SQL syntax error: match nothing */
        for (unsigned f = 0; f < FLAG_COMBOS; f++)
            if (!flag_sql[k][f][0])
                snprintf(flag_sql[k][f], sizeof(flag_sql[k][f]), "-1");
        for (int e = 0; e < NPG_EV_COUNT_; e++)
            if (!event_sql[k][e][0])
                snprintf(event_sql[k][e], sizeof(event_sql[k][e]), "-1");
    }
}

const char *npg_port_state_sql(npg_port_kind_t kind, unsigned flags)
{
    pthread_once(&sql_once, build_sql);
    return flag_sql[kind][flags % FLAG_COMBOS];
}

const char *npg_port_event_states_sql(npg_port_kind_t kind, npg_port_event_t event)
{
    pthread_once(&sql_once, build_sql);
    return event_sql[kind][event];
}

const char *npg_port_event_name(npg_port_event_t event)
{
    if ((size_t)event < NPG_ARRAY_LEN(event_names) && event_names[event])
        return event_names[event];
    return "unknown";
}

const char *npg_reject_reason(int code)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(reject_codes); i++)
        if (reject_codes[i].code == code)
            return reject_codes[i].text;
    return NULL;
}

int npg_port_out_reject_code(const char *reason)
{
    if (!reason)
        return NPG_EINVAL;
    for (size_t i = 0; i < NPG_ARRAY_LEN(port_out_reasons); i++)
        if (strcmp(reason, port_out_reasons[i].name) == 0)
            return port_out_reasons[i].code;
    if (npg_is_digits(reason) && strlen(reason) <= 2) {
        int code = atoi(reason);
        if (code != 0 && npg_reject_reason(code))
            return code;
    }
    return NPG_EINVAL;
}
