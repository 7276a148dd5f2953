/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/state.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"

static const struct {
    int value;
    const char *name;
} state_names[] = {
    {NPG_PS_NOPORT, "NoPort"},
    {NPG_PS_WAIT_AUTH, "Waiting_for_Authorisation_Response"},
    {NPG_PS_WAIT_INSTRUCTION, "Waiting_for_Instruction"},
    {NPG_PS_WAIT_INSTRUCTION_RESP, "Waiting_for_Instruction_Response"},
    {NPG_PS_WAIT_PORTED, "Waiting_for_Ported_Response"},
    {NPG_PS_WAIT_CHANGE, "Waiting_for_Change_Response"},
    {NPG_PS_PORTED, "Number_Ported"},
    {NPG_PS_COMPLETE, "Number_Ported_Complete"},
    {NPG_PS_TIMEOUT, "TimeOut"},
    {NPG_PS_ABORTED, "Aborted"},
    {NPG_PS_REJECTED, "Rejected"},
};

#define IN NPG_PORT_IN
#define OUT NPG_PORT_OUT
#define SEND_REQ NPG_ACT_SEND_PORTING_REQUEST
#define DEADLINE NPG_ACT_SET_DEADLINE
#define NODEADLINE NPG_ACT_CLEAR_DEADLINE

/* The whole life of a port. Anything not listed here is refused and recorded, never applied. */
static const npg_transition_t transitions[] = {
    /* port-in */
    {IN, NPG_PS_NOPORT, NPG_EV_CREATE, NPG_PS_WAIT_AUTH, SEND_REQ | DEADLINE,
     "authorisation_response"},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_AUTH_ACCEPT, NPG_PS_WAIT_INSTRUCTION, NODEADLINE, NULL},
    {IN, NPG_PS_WAIT_AUTH, NPG_EV_AUTH_REJECT, NPG_PS_REJECTED,
     NODEADLINE | NPG_ACT_RESUBMIT_IF_35, NULL},
    {IN, NPG_PS_WAIT_INSTRUCTION, NPG_EV_INSTRUCT, NPG_PS_WAIT_INSTRUCTION_RESP,
     NPG_ACT_SEND_INSTRUCTION | DEADLINE, "instruction_response"},
    {IN, NPG_PS_WAIT_INSTRUCTION_RESP, NPG_EV_INSTRUCTION_RESPONSE, NPG_PS_WAIT_PORTED, DEADLINE,
     "ported"},
    {IN, NPG_PS_WAIT_PORTED, NPG_EV_PORTED, NPG_PS_PORTED,
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
    /* port-out */
    {OUT, NPG_PS_NOPORT, NPG_EV_AUTH_REQUEST, NPG_PS_WAIT_AUTH, 0, NULL},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_AUTHORISE, NPG_PS_WAIT_PORTED,
     NPG_ACT_SEND_AUTH_ACCEPT | DEADLINE, "ported"},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_REJECT, NPG_PS_REJECTED, NPG_ACT_SEND_AUTH_REJECT, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_PORTED, NPG_PS_PORTED,
     NODEADLINE | NPG_ACT_ROUTE_TO_RECIPIENT | NPG_ACT_PUBLISH_DNS |
         NPG_ACT_SCHEDULE_TERMINATION,
     NULL},
    {OUT, NPG_PS_PORTED, NPG_EV_TERMINATION_DUE, NPG_PS_COMPLETE, 0, NULL},
    {OUT, NPG_PS_WAIT_AUTH, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_TIMEDOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
    {OUT, NPG_PS_WAIT_PORTED, NPG_EV_LOCAL_TIMEOUT, NPG_PS_TIMEOUT, NODEADLINE, NULL},
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
};

static const struct {
    int code;
    const char *text;
} reject_codes[] = {
    {0, "Unknown"},           {31, "Account Suspended"},
    {32, "Account Problem"},  {33, "Bill Problem"},
    {34, "Deposit Exceeded"}, {35, "Incorrect Account Type"},
    {36, "Reported Stolen or Lost"}, {37, "Special"},
    {38, "No Cooling Off (Repatriation)"}, {39, "Prepaid Bill Problem"},
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

const npg_transition_t *npg_transition_find(npg_port_kind_t kind, int from,
                                            npg_port_event_t event)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(transitions); i++)
        if (transitions[i].kind == kind && transitions[i].from == from &&
            transitions[i].event == event)
            return &transitions[i];
    return NULL;
}

const char *npg_port_state_name(int state)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(state_names); i++)
        if (state_names[i].value == state)
            return state_names[i].name;
    return "Unknown";
}

bool npg_port_state_final(int state)
{
    return state == NPG_PS_COMPLETE || state == NPG_PS_TIMEOUT || state == NPG_PS_ABORTED ||
           state == NPG_PS_REJECTED;
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
