/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The transition engine: the table decides, apply compare-and-sets the state, writes the
 * event and runs the handler of each action the transition carries. */
#include "porting/engine.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/publish.h"
#include "metrics/metrics.h"
#include "porting/alarm.h"
#include "routing/routing.h"

typedef int (*action_fn)(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step,
                         char *err, size_t errlen);

static int send_porting_request(npg_db_t *db, npg_porting_t *pt, port_row_t *row,
                                const port_step_t *step, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return port_queue_message(db, pt, row, "porting_request", step);
}

static int send_instruction(npg_db_t *db, npg_porting_t *pt, port_row_t *row,
                            const port_step_t *step, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return port_queue_message(db, pt, row, "instruction", step);
}

static int send_abort(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step,
                      char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return port_queue_message(db, pt, row, "abort", step);
}

static int send_auth_answer(npg_db_t *db, npg_porting_t *pt, port_row_t *row,
                            const port_step_t *step, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return port_queue_message(db, pt, row, "authorisation_answer", step);
}

/* Every number of the row's ranges to operator_code (its home owner: the row is removed), with
 * the step's own routing number when the clearinghouse gave one (NPAC LRN). */
static int route_ranges(npg_db_t *db, const port_row_t *row, const char *operator_code,
                        const char *lrn, const char *source, char *err, size_t errlen)
{
    npg_operator_t op;
    int rc = npg_operator_get(db, operator_code, &op);
    if (rc == NPG_ENOTFOUND)
        snprintf(err, errlen,
                 "cannot route %s: operator %s is unknown; add it with npgwctl"
                 " operator add",
                 row->msgid, operator_code);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        for (uint64_t n = row->starts[i]; rc == NPG_OK && n <= row->ends[i]; n++)
            rc = npg_routing_set_lrn(db, n, &op, lrn, row->number_type, source, row->msgid, NULL);
    return rc;
}

static int route_to_us(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step,
                       char *err, size_t errlen)
{
    return route_ranges(db, row, pt->conf->general.operator_code, step->routing_number, "port_in",
                        err, errlen);
}

static int route_to_recipient(npg_db_t *db, npg_porting_t *pt, port_row_t *row,
                              const port_step_t *step, char *err, size_t errlen)
{
    (void)pt;
    return route_ranges(db, row, row->recipient, step->routing_number, "port_out", err, errlen);
}

/* The routing of the port's numbers is to be pushed to the DNS servers, in global order. */
static int publish_dns(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step,
                       char *err, size_t errlen)
{
    (void)pt, (void)step, (void)err, (void)errlen;
    return npg_publish_queue(db, port_kind_str(row->kind), row->id, 0, row->starts, row->ends,
                             row->nranges);
}

static int schedule_termination(npg_db_t *db, npg_porting_t *pt, port_row_t *row,
                                const port_step_t *step, char *err, size_t errlen)
{
    (void)pt, (void)step, (void)err, (void)errlen;
    return npg_db_exec(db,
                       "UPDATE port_out SET terminate_at = COALESCE(port_time, NOW()) WHERE id = ?",
                       NPG_DB_P(NPG_DB_U(row->id)), NULL, NULL);
}

/* Code 35: the same request again with the other account type, once per chain. */
static int resubmit_if_35(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step,
                          char *err, size_t errlen)
{
    if (step->reject_code != NPG_REJECT_ACCOUNT_TYPE)
        return NPG_OK;
    if (row->original_id) {
        npg_log(LOG_NOTICE, "port", "%s rejected with 35 again: no second resubmission",
                row->msgid);
        return NPG_OK;
    }
    port_row_t again = *row;
    npg_strlcpy(again.account_type,
                strcmp(row->account_type, "Prepaid") == 0 ? "Postpaid" : "Prepaid",
                sizeof(again.account_type));
    again.original_id = row->id;
    char text[160];
    snprintf(text, sizeof(text), "Resubmitted with AccountType %s after rejection 35",
             again.account_type);
    int rc = port_submit_in(db, pt, &again, text, err, errlen);
    if (rc == NPG_OK)
        rc = npg_db_exec(db, "UPDATE port_in SET resubmitted_as = ? WHERE id = ?",
                         NPG_DB_P(NPG_DB_U(again.id), NPG_DB_U(row->id)), NULL, NULL);
    if (rc == NPG_OK)
        npg_log(LOG_NOTICE, "port", "%s rejected for account type: resubmitted as %s (%s)",
                row->msgid, again.msgid, again.account_type);
    return rc;
}

/* What each action does, in the order they run. The deadline actions live in the update. */
static const struct {
    unsigned action;
    action_fn fn;
} action_handlers[] = {
    {NPG_ACT_SEND_PORTING_REQUEST, send_porting_request},
    {NPG_ACT_SEND_INSTRUCTION, send_instruction},
    {NPG_ACT_SEND_ABORT, send_abort},
    {NPG_ACT_SEND_AUTH_ANSWER, send_auth_answer},
    {NPG_ACT_ROUTE_TO_US, route_to_us},
    {NPG_ACT_ROUTE_TO_RECIPIENT, route_to_recipient},
    {NPG_ACT_PUBLISH_DNS, publish_dns},
    {NPG_ACT_SCHEDULE_TERMINATION, schedule_termination},
    {NPG_ACT_RESUBMIT_IF_35, resubmit_if_35},
};

/* Counted when applied, inside the transaction: one that rolls back later (a failure after
 * the step, rare) is counted all the same. */
static npg_metric_t transitions = {
    .name = "npgw_port_transitions_total",
    .help = "State changes applied to ports by this npgwd, by kind (in, out), from and to state,"
            " and event.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"kind", "from", "to", "event"},
    .static_values = true,
    .capacity = 512,
};
static npg_metric_t rejections = {
    .name = "npgw_port_rejections_total",
    .help = "Ports that entered Rejected, by kind and rejection code (failure_reason).",
    .type = NPG_METRIC_COUNTER,
    .labels = {"kind", "code"},
};

static void count_transition(const port_row_t *row, int from, const port_step_t *step)
{
    npg_metric_add(&transitions,
                   NPG_METRIC_V(port_kind_str(row->kind), npg_port_state_name(from),
                                npg_port_state_name(row->state), npg_port_event_name(step->event)),
                   1);
    if (row->state == NPG_PS_REJECTED) {
        char code[12];
        snprintf(code, sizeof(code), "%d", step->reject_code >= 0 ? step->reject_code : 0);
        npg_metric_add(&rejections, NPG_METRIC_V(port_kind_str(row->kind), code), 1);
    }
}

static const char *const cas_sql[2] = {
    "UPDATE port_in SET state = ?, failure_reason = COALESCE(?, failure_reason),"
    " failure_text = COALESCE(?, failure_text), port_time = COALESCE(FROM_UNIXTIME(?), port_time),"
    " deadline_at = CASE ? WHEN 1 THEN NOW() + INTERVAL ? SECOND WHEN 2 THEN NULL"
    " ELSE deadline_at END, waiting_for = CASE ? WHEN 1 THEN ? WHEN 2 THEN NULL"
    " ELSE waiting_for END WHERE id = ? AND state = ?",
    "UPDATE port_out SET state = ?, failure_reason = COALESCE(?, failure_reason),"
    " failure_text = COALESCE(?, failure_text), port_time = COALESCE(FROM_UNIXTIME(?), port_time),"
    " deadline_at = CASE ? WHEN 1 THEN NOW() + INTERVAL ? SECOND WHEN 2 THEN NULL"
    " ELSE deadline_at END, waiting_for = CASE ? WHEN 1 THEN ? WHEN 2 THEN NULL"
    " ELSE waiting_for END WHERE id = ? AND state = ?",
};

int port_apply(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step, char *err,
               size_t errlen)
{
    const npg_transition_t *t = npg_transition_find(row->kind, row->state, step->event);
    if (!t) {
        snprintf(err, errlen, "%s is not allowed: port %s is in %s",
                 npg_port_event_name(step->event), row->msgid, npg_port_state_name(row->state));
        return NPG_ESTATE;
    }
    const npg_porting_ch_t *ch = port_ch(pt, row->clearinghouse);
    int deadline = (t->actions & NPG_ACT_SET_DEADLINE)     ? 1
                   : (t->actions & NPG_ACT_CLEAR_DEADLINE) ? 2
                                                           : 0;
    bool failure = npg_port_state_is(row->kind, t->to, NPG_SF_FAILURE);
    const char *ftext = NULL;
    if (failure)
        ftext = step->reason             ? step->reason
                : step->reject_code >= 0 ? npg_reject_reason(step->reject_code)
                                         : step->eventlog;
    char fbuf[256];
    npg_strlcpy(fbuf, ftext ? ftext : "", sizeof(fbuf)); /* the column's width */
    uint64_t n = 0;
    /* stored in t->to by this transaction, with the step's port time: nothing to set */
    bool born = row->born && row->born_state == t->to &&
                (!step->port_time || step->port_time == row->port_time);
    row->born = false;
    if (born)
        n = 1;
    int rc =
        born ? NPG_OK
             : npg_db_exec(db, cas_sql[row->kind],
                           NPG_DB_P(NPG_DB_I(t->to),
                                    failure && step->reject_code >= 0 ? NPG_DB_I(step->reject_code)
                                                                      : NPG_DB_NUL,
                                    ftext ? NPG_DB_S(fbuf) : NPG_DB_NUL,
                                    step->port_time ? NPG_DB_I(step->port_time) : NPG_DB_NUL,
                                    NPG_DB_I(deadline), NPG_DB_I(ch ? ch->answer_timeout : 86400),
                                    NPG_DB_I(deadline), NPG_DB_S(t->waiting_for), NPG_DB_U(row->id),
                                    NPG_DB_I(row->state)),
                           &n, NULL);
    if (rc == NPG_OK && n != 1) {
        snprintf(err, errlen, "port %s changed meanwhile; try again", row->msgid);
        return NPG_ECONFLICT; /* another worker applied a step first */
    }
    if (rc == NPG_OK)
        rc = port_event(db, pt, row, step, t->to, true, step->eventlog ? step->eventlog : "");
    int from = row->state;
    row->state = t->to;
    if (step->port_time)
        row->port_time = step->port_time;
    for (size_t i = 0; rc == NPG_OK && i < NPG_ARRAY_LEN(action_handlers); i++)
        if (t->actions & action_handlers[i].action)
            rc = action_handlers[i].fn(db, pt, row, step, err, errlen);
    if (rc == NPG_OK && pt->hooks.on_transition) {
        npg_port_view_t v = {.kind = row->kind,
                             .id = row->id,
                             .msgidentifier = row->msgid,
                             .clearinghouse = row->clearinghouse,
                             .donor = row->donor,
                             .recipient = row->recipient,
                             .number_type = row->number_type,
                             .account_type = row->account_type,
                             .contact_number = row->contact,
                             .starts = row->starts,
                             .ends = row->ends,
                             .nranges = row->nranges,
                             .port_time = row->port_time,
                             .original_id = row->original_id,
                             .reject_code = step->reject_code,
                             .reason = step->reason};
        rc = pt->hooks.on_transition(pt->hooks.arg, db, &v, from, t->to, step->event);
    }
    if (rc != NPG_OK && !err[0])
        snprintf(err, errlen, "%s on %s failed: %s", npg_port_event_name(step->event), row->msgid,
                 npg_strerror(rc));
    if (rc == NPG_OK) {
        npg_log(LOG_INFO, "port", "%s %s: %s -> %s (%s)", port_kind_str(row->kind), row->msgid,
                npg_port_state_name(from), npg_port_state_name(t->to),
                npg_port_event_name(step->event));
        count_transition(row, from, step);
    }
    return rc;
}

int port_submit_in(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const char *text, char *err,
                   size_t errlen)
{
    row->kind = NPG_PORT_IN;
    int rc = port_new_msgidentifier(db, pt->conf, row->msgid);
    if (rc == NPG_ETOOBIG)
        snprintf(err, errlen, "this month's 99999 message identifiers are used up");
    if (rc == NPG_OK)
        rc = port_insert(db, row);
    if (rc != NPG_OK)
        return rc;
    port_step_t step = {.event = NPG_EV_CREATE,
                        .type = "porting_request",
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = -1};
    return port_apply(db, pt, row, &step, err, errlen);
}

/* A local step on a port named by its identifier: load, apply, or record the refusal. */
struct local_args {
    npg_port_kind_t kind;
    const char *msgid;
    port_step_t step;
    port_row_t row;
    bool refused;
};

static int local_tx(npg_db_t *db, npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    struct local_args *a = arg;
    a->refused = false;
    int rc = port_load(db, a->kind, a->msgid, 0, true, &a->row);
    if (rc == NPG_ENOTFOUND)
        snprintf(err, errlen, "no port-%s with msgidentifier %s", port_kind_str(a->kind), a->msgid);
    if (rc == NPG_OK)
        rc = port_apply(db, pt, &a->row, &a->step, err, errlen);
    a->refused = rc == NPG_ESTATE;
    return rc;
}

int port_local_step(npg_db_t *db, npg_porting_t *pt, npg_port_kind_t kind, const char *msgid,
                    const port_step_t *step, char *err, size_t errlen)
{
    struct local_args a = {.kind = kind, .msgid = msgid, .step = *step};
    err[0] = '\0';
    int rc = port_tx(db, local_tx, pt, &a, err, errlen);
    if (a.refused)
        port_record_refused(db, pt, &a.row, &a.step);
    return rc;
}

int npg_port_delivery_failed(npg_db_t *db, const char *port_kind, uint64_t port_id,
                             const char *kind, const char *error)
{
    char text[700];
    snprintf(text, sizeof(text), "Delivery failed for good (%s): %s", kind, error);
    int rc = NPG_OK;
    if (strcmp(port_kind, "none") != 0)
        rc = npg_port_note(db, port_kind, port_id, "DeliveryFailed", text);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "outbox", port_kind,
                             strcmp(port_kind, "none") ? port_id : 0, "%s", text);
    return rc;
}
