/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "porting/state.h"

static const int all_states[] = {0, 1, 2, 3, 10, 11, 20, 30, 97, 98, 99};

static void state_names_match_the_reference(void **state)
{
    (void)state;
    assert_string_equal(npg_port_state_name(0), "NoPort");
    assert_string_equal(npg_port_state_name(1), "Waiting_for_Authorisation_Response");
    assert_string_equal(npg_port_state_name(2), "Waiting_for_Instruction");
    assert_string_equal(npg_port_state_name(3), "Waiting_for_Instruction_Response");
    assert_string_equal(npg_port_state_name(10), "Waiting_for_Ported_Response");
    assert_string_equal(npg_port_state_name(11), "Waiting_for_Change_Response");
    assert_string_equal(npg_port_state_name(20), "Number_Ported");
    assert_string_equal(npg_port_state_name(30), "Number_Ported_Complete");
    assert_string_equal(npg_port_state_name(97), "TimeOut");
    assert_string_equal(npg_port_state_name(98), "Aborted");
    assert_string_equal(npg_port_state_name(99), "Rejected");
    assert_string_equal(npg_port_state_name(42), "Unknown");
}

/* Where an event is allowed, by the reference: abort in 1 and 2 only, instruct in 2 only. */
static void only_allowed_states(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(all_states) / sizeof(all_states[0]); i++) {
        int s = all_states[i];
        const npg_transition_t *abort_t = npg_transition_find(NPG_PORT_IN, s, NPG_EV_ABORT);
        const npg_transition_t *instr = npg_transition_find(NPG_PORT_IN, s, NPG_EV_INSTRUCT);
        if (s == 1 || s == 2) {
            assert_non_null(abort_t);
            assert_int_equal(abort_t->to, NPG_PS_ABORTED);
            assert_true(abort_t->actions & NPG_ACT_SEND_ABORT);
        } else {
            assert_null(abort_t);
        }
        if (s == 2) {
            assert_non_null(instr);
            assert_int_equal(instr->to, NPG_PS_WAIT_INSTRUCTION_RESP);
        } else {
            assert_null(instr);
        }
    }
}

static void happy_path_port_in(void **state)
{
    (void)state;
    const npg_port_event_t path[] = {NPG_EV_CREATE,   NPG_EV_AUTH_ACCEPT,
                                     NPG_EV_INSTRUCT, NPG_EV_INSTRUCTION_RESPONSE,
                                     NPG_EV_PORTED,   NPG_EV_ROUTING_DONE};
    const int expect[] = {1, 2, 3, 10, 20, 30};
    int s = 0;
    for (size_t i = 0; i < 6; i++) {
        const npg_transition_t *t = npg_transition_find(NPG_PORT_IN, s, path[i]);
        assert_non_null(t);
        assert_int_equal(t->to, expect[i]);
        s = t->to;
    }
    assert_true(npg_port_state_is(NPG_PORT_IN, s, NPG_SF_FINAL));
    /* Number_Ported routes every number to us and publishes it */
    const npg_transition_t *p = npg_transition_find(NPG_PORT_IN, 10, NPG_EV_PORTED);
    assert_true(p->actions & NPG_ACT_ROUTE_TO_US);
    assert_true(p->actions & NPG_ACT_PUBLISH_DNS);
}

static void final_states_accept_nothing(void **state)
{
    (void)state;
    for (int ev = NPG_EV_CREATE; ev < NPG_EV_COUNT_; ev++) {
        assert_null(npg_transition_find(NPG_PORT_IN, 97, ev));
        assert_null(npg_transition_find(NPG_PORT_IN, 98, ev));
        assert_null(npg_transition_find(NPG_PORT_IN, 99, ev));
        assert_null(npg_transition_find(NPG_PORT_IN, 30, ev));
        assert_null(npg_transition_find(NPG_PORT_OUT, 30, ev));
    }
}

static void rejection_and_resubmission(void **state)
{
    (void)state;
    const npg_transition_t *t = npg_transition_find(NPG_PORT_IN, 1, NPG_EV_AUTH_REJECT);
    assert_non_null(t);
    assert_int_equal(t->to, NPG_PS_REJECTED);
    assert_true(t->actions & NPG_ACT_RESUBMIT_IF_35);
    assert_string_equal(npg_reject_reason(35), "Incorrect Account Type");
    assert_string_equal(npg_reject_reason(0), "Unknown");
    assert_string_equal(npg_reject_reason(99), "General Rejection");
    assert_null(npg_reject_reason(40));
    assert_null(npg_reject_reason(30));
}

static void port_out_path_and_reasons(void **state)
{
    (void)state;
    const npg_transition_t *a = npg_transition_find(NPG_PORT_OUT, 1, NPG_EV_AUTHORISE);
    assert_non_null(a);
    assert_int_equal(a->to, NPG_PS_WAIT_PORTED);
    const npg_transition_t *p = npg_transition_find(NPG_PORT_OUT, 10, NPG_EV_PORTED);
    assert_true(p->actions & NPG_ACT_ROUTE_TO_RECIPIENT);
    assert_true(p->actions & NPG_ACT_SCHEDULE_TERMINATION);
    assert_null(npg_transition_find(NPG_PORT_OUT, 10, NPG_EV_AUTHORISE));
    assert_int_equal(npg_port_out_reject_code("outstanding_balance"), 33);
    assert_int_equal(npg_port_out_reject_code("account_mismatch"), 35);
    assert_int_equal(npg_port_out_reject_code("fraudulent_request"), 36);
    assert_int_equal(npg_port_out_reject_code("number_not_active"), 31);
    assert_int_equal(npg_port_out_reject_code("32"), 32);
    assert_int_equal(npg_port_out_reject_code("because"), NPG_EINVAL);
    assert_int_equal(npg_port_out_reject_code("40"), NPG_EINVAL);
    assert_int_equal(npg_port_out_reject_code(NULL), NPG_EINVAL);
}

/* The flags and the table agree: a deadline is set only on entering a timed state, every
 * timed state has its local timeout, final states go nowhere, and state 11 is unused. */
static void flags_agree_with_transitions(void **state)
{
    (void)state;
    size_t n, ns;
    const npg_transition_t *t = npg_transitions(&n);
    const int *states = npg_port_states(&ns);
    for (size_t i = 0; i < n; i++) {
        if (t[i].actions & NPG_ACT_SET_DEADLINE)
            assert_true(npg_port_state_is(t[i].kind, t[i].to, NPG_SF_TIMED));
        assert_false(npg_port_state_is(t[i].kind, t[i].from, NPG_SF_FINAL));
        assert_int_not_equal(t[i].from, NPG_PS_WAIT_CHANGE);
        assert_int_not_equal(t[i].to, NPG_PS_WAIT_CHANGE);
        if (npg_port_state_is(t[i].kind, t[i].to, NPG_SF_FAILURE))
            assert_true(npg_port_state_is(t[i].kind, t[i].to, NPG_SF_FINAL));
    }
    for (int k = NPG_PORT_IN; k <= NPG_PORT_OUT; k++)
        for (size_t i = 0; i < ns; i++)
            if (npg_port_state_is(k, states[i], NPG_SF_TIMED))
                assert_non_null(npg_transition_find(k, states[i], NPG_EV_LOCAL_TIMEOUT));
}

/* SQL state lists come from the tables, never from literals elsewhere. */
static void sql_lists_from_the_table(void **state)
{
    (void)state;
    assert_string_equal(npg_port_state_sql(NPG_PORT_IN, NPG_SF_IN_FLIGHT), "0, 1, 2, 3, 10");
    assert_string_equal(npg_port_state_sql(NPG_PORT_OUT, NPG_SF_IN_FLIGHT), "0, 1, 10");
    assert_string_equal(npg_port_state_sql(NPG_PORT_IN, NPG_SF_FINAL | NPG_SF_FAILURE), "97, 99");
    assert_string_equal(npg_port_event_states_sql(NPG_PORT_IN, NPG_EV_LOCAL_TIMEOUT), "1, 3, 10");
    assert_string_equal(npg_port_event_states_sql(NPG_PORT_OUT, NPG_EV_LOCAL_TIMEOUT), "10");
    assert_string_equal(npg_port_event_states_sql(NPG_PORT_OUT, NPG_EV_TERMINATION_DUE), "20");
    /* an event no transition takes matches no state rather than breaking the SQL */
    assert_string_equal(npg_port_event_states_sql(NPG_PORT_OUT, NPG_EV_INSTRUCT), "-1");
}

/* What a clearinghouse like NPAC reports: a dispute holds a port-in until the donor answers
 * again, a cancel by the other side ends either kind, a port-out goes ahead when our answer's
 * time ran out, and a failed execution may be instructed again. */
static void disputes_cancels_lapses_and_failures(void **state)
{
    (void)state;
    const npg_transition_t *t = npg_transition_find(NPG_PORT_IN, 1, NPG_EV_CONFLICT);
    assert_non_null(t);
    assert_int_equal(t->to, 1);
    t = npg_transition_find(NPG_PORT_IN, 2, NPG_EV_CONFLICT);
    assert_non_null(t);
    assert_int_equal(t->to, 1);
    assert_true(t->actions & NPG_ACT_SET_DEADLINE);
    assert_null(npg_transition_find(NPG_PORT_IN, 10, NPG_EV_CONFLICT));
    for (int s = 1; s <= 2; s++) {
        t = npg_transition_find(NPG_PORT_IN, s, NPG_EV_CANCELLED);
        assert_non_null(t);
        assert_int_equal(t->to, NPG_PS_ABORTED);
        assert_false(t->actions & NPG_ACT_SEND_ABORT); /* they cancelled: nothing to send */
    }
    assert_null(npg_transition_find(NPG_PORT_IN, 10, NPG_EV_CANCELLED));
    assert_int_equal(npg_transition_find(NPG_PORT_OUT, 1, NPG_EV_CANCELLED)->to, NPG_PS_ABORTED);
    assert_int_equal(npg_transition_find(NPG_PORT_OUT, 10, NPG_EV_CANCELLED)->to, NPG_PS_ABORTED);
    t = npg_transition_find(NPG_PORT_OUT, 1, NPG_EV_AUTH_LAPSED);
    assert_non_null(t);
    assert_int_equal(t->to, NPG_PS_WAIT_PORTED);
    assert_false(t->actions & NPG_ACT_SEND_AUTH_ANSWER);
    t = npg_transition_find(NPG_PORT_IN, 10, NPG_EV_PORT_FAILED);
    assert_non_null(t);
    assert_int_equal(t->to, NPG_PS_WAIT_INSTRUCTION);
    assert_false(t->actions & (NPG_ACT_ROUTE_TO_US | NPG_ACT_PUBLISH_DNS));
    assert_string_equal(npg_port_event_name(NPG_EV_AUTH_LAPSED), "authorisation_lapsed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state_names_match_the_reference),
        cmocka_unit_test(only_allowed_states),
        cmocka_unit_test(happy_path_port_in),
        cmocka_unit_test(flags_agree_with_transitions),
        cmocka_unit_test(sql_lists_from_the_table),
        cmocka_unit_test(final_states_accept_nothing),
        cmocka_unit_test(rejection_and_resubmission),
        cmocka_unit_test(port_out_path_and_reasons),
        cmocka_unit_test(disputes_cancels_lapses_and_failures),
    };
    return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
