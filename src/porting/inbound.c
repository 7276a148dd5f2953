/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inbound clearinghouse messages: de-duplicate, archive, apply; a valid message that
 * crossed one of ours is recorded as not applied, with an alarm and its follow-up. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/alarm.h"
#include "porting/archive.h"
#include "numbering/numbering.h"
#include "porting/engine.h"
#include "routing/routing.h"

/* A report that is no event of the table: recorded on the port, it moves nothing. */
#define EV_STATUS NPG_EV_COUNT_

/* The canonical message types a clearinghouse delivers, and what each means here. */
static const struct inbound_kind {
    const char *type;
    npg_port_event_t event;
    bool port_in, port_out; /* where its msgidentifier may be found */
} inbound_kinds[] = {
    {"authorisation_request", NPG_EV_AUTH_REQUEST, false, true},
    {"authorisation_response", NPG_EV_AUTH_ACCEPT, true, false},
    {"instruction_response", NPG_EV_INSTRUCTION_RESPONSE, true, false},
    {"ported", NPG_EV_PORTED, true, true},
    {"timedout", NPG_EV_TIMEDOUT, true, true},
    {"terminated", NPG_EV_TERMINATION_DUE, false, false},
    {"conflict", NPG_EV_CONFLICT, true, false},
    {"cancelled", NPG_EV_CANCELLED, true, true},
    {"authorisation_lapsed", NPG_EV_AUTH_LAPSED, false, true},
    {"port_failed", NPG_EV_PORT_FAILED, true, false},
    /* the clearinghouse's own status of the port: recorded, it moves nothing */
    {"status", EV_STATUS, true, true},
};

struct inbound_args {
    const npg_canon_msg_t *m;
    const char *raw;
    size_t rawlen;
    uint64_t archived; /* the answer's archive row, when the caller archived it already */
    port_row_t row;
    port_step_t step;
    npg_inbound_outcome_t outcome;
    char text[512];
};

static int archive_in(npg_db_t *db, const npg_porting_ch_t *ch, const npg_canon_msg_t *m,
                      const port_row_t *row, const char *raw, size_t rawlen, uint64_t *xml_id)
{
    npg_archive_entry_t e = {.folder = "input_XML",
                             .port_kind = row ? port_kind_str(row->kind) : "none",
                             .port_id = row ? row->id : 0,
                             .msgidentifier = row ? row->msgid : m->msgidentifier,
                             .msgtype = ch->element ? ch->element(m->type) : m->type,
                             .message_id = m->message_id,
                             .body = raw,
                             .len = rawlen};
    return npg_archive_put(db, &e, xml_id);
}

/* The number left service at another operator: it falls back to its home range's owner. */
static int terminated(npg_db_t *db, npg_porting_t *pt, const npg_porting_ch_t *ch,
                      struct inbound_args *a, char *err, size_t errlen)
{
    const npg_canon_msg_t *m = a->m;
    char e164[NPG_E164_BUFLEN];
    uint64_t n, change = 0;
    if (npg_e164_normalise(m->number, pt->conf->general.country_code, e164) != NPG_OK ||
        npg_e164_to_u64(e164, &n) != NPG_OK) {
        snprintf(err, errlen, "Terminated: '%s' is not a number", m->number);
        return NPG_EINVAL;
    }
    int rc = archive_in(db, ch, m, NULL, a->raw, a->rawlen, NULL);
    if (rc == NPG_OK)
        rc = npg_numbering_lock(db, n, n);
    if (rc == NPG_OK && (rc = npg_routing_remove(db, n, "port_out", &change)) == NPG_OK) {
        rc = npg_routing_queue_publish(db, n, n, "none", 0, change); /* npenumd and external DNS */
        if (rc == NPG_OK)
            npg_log(LOG_NOTICE, "port", "number %s terminated: routing record removed", e164);
    } else if (rc == NPG_ENOTFOUND) {
        rc = NPG_OK; /* nothing routed: its home owner serves it already */
    }
    if (rc == NPG_OK && ch->inbound)
        rc = ch->inbound(db, pt, m, "none", 0, 0);
    return rc;
}

/* Has this port entered state (an applied event) before? */
static bool entered_before(npg_db_t *db, const port_row_t *row, int state)
{
    static const char *const sql[2] = {
        "SELECT COUNT(*) FROM port_in_events WHERE port_in_id = ? AND applied = 1"
        " AND to_state = ?",
        "SELECT COUNT(*) FROM port_out_events WHERE port_out_id = ? AND applied = 1"
        " AND to_state = ?",
    };
    int64_t n = 0;
    return npg_db_query_int(db, sql[row->kind], NPG_DB_P(NPG_DB_U(row->id), NPG_DB_I(state)), &n) ==
               NPG_OK &&
           n > 0;
}

/* Has this port applied a message of this kind before (a repeat, not a disagreement)? */
static bool applied_before(npg_db_t *db, npg_porting_t *pt, const port_row_t *row,
                           const port_step_t *step)
{
    static const char *const sql[2] = {
        "SELECT COUNT(*) FROM port_in_events WHERE port_in_id = ? AND applied = 1 AND msgtype = ?",
        "SELECT COUNT(*) FROM port_out_events WHERE port_out_id = ? AND applied = 1"
        " AND msgtype = ?",
    };
    int64_t n = 0;
    return npg_db_query_int(
               db, sql[row->kind],
               NPG_DB_P(NPG_DB_U(row->id), NPG_DB_S(port_step_name(pt, row->clearinghouse, step))),
               &n) == NPG_OK &&
           n > 0;
}

/* Is one of our aborts of this port pending or delivered (not failed for good)? */
static bool abort_on_its_way(npg_db_t *db, const port_row_t *row)
{
    int64_t n = 0;
    return npg_db_query_int(db,
                            "SELECT COUNT(*) FROM outbox WHERE port_kind = 'in' AND port_id = ?"
                            " AND kind = ? AND idempotency_key LIKE CONCAT(?, ':abort:%')"
                            " AND state <> 'failed'",
                            NPG_DB_P(NPG_DB_U(row->id), NPG_DB_S(row->clearinghouse),
                                     NPG_DB_S(row->clearinghouse)),
                            &n) == NPG_OK &&
           n > 0;
}

/*
 * The message is valid but the port's state does not allow it: it crossed one of ours
 * (our abort and their authorisation), or it repeats one applied before. Record it on
 * the port as not applied; where npgw and the clearinghouse now disagree, raise an
 * alarm and take the follow-up the state calls for.
 */
static int crossed(npg_db_t *db, npg_porting_t *pt, struct inbound_args *a)
{
    port_row_t *row = &a->row;
    port_step_t *step = &a->step;
    char text[1024], what[600] = "";
    npg_alarm_severity_t severity = NPG_ALARM_MAJOR;
    bool alarm = true;
    int rc = NPG_OK;
    bool negative = step->event == NPG_EV_AUTH_REJECT || step->event == NPG_EV_TIMEDOUT ||
                    step->event == NPG_EV_CANCELLED || step->event == NPG_EV_CONFLICT;
    bool over =
        npg_port_state_is(row->kind, row->state, NPG_SF_FINAL) && row->state != NPG_PS_COMPLETE;
    if (over && negative) {
        alarm = false; /* both sides agree the port is over */
        snprintf(what, sizeof(what), "the port had ended already");
    } else if (applied_before(db, pt, row, step)) {
        alarm = false;
        snprintf(what, sizeof(what), "a repeat of a message applied before");
    } else if (step->event == NPG_EV_AUTH_ACCEPT && row->kind == NPG_PORT_IN && !over &&
               entered_before(db, row, NPG_PS_WAIT_INSTRUCTION)) {
        alarm = false; /* authorised already, by the clearinghouse's rules (NPAC T2) */
        snprintf(what, sizeof(what), "the port was authorised already");
    } else if (step->event == NPG_EV_INSTRUCTION_RESPONSE && row->kind == NPG_PORT_IN &&
               (row->state == NPG_PS_PORTED || row->state == NPG_PS_COMPLETE)) {
        alarm = false; /* the port completed before this acknowledgement was processed */
        snprintf(what, sizeof(what), "the port went ahead already");
    } else if (row->kind == NPG_PORT_IN && step->event == NPG_EV_AUTH_ACCEPT &&
               (row->state == NPG_PS_ABORTED || row->state == NPG_PS_TIMEOUT)) {
        /* They authorised while we gave up: the clearinghouse now waits for an instruction. */
        severity = NPG_ALARM_WARNING;
        if (row->state == NPG_PS_ABORTED && abort_on_its_way(db, row)) {
            snprintf(what, sizeof(what),
                     "the clearinghouse authorised it after we aborted; our"
                     " abort, already on its way, settles it");
        } else {
            port_step_t again = {
                .type = "abort", .reason = "Aborted by the recipient operator", .reject_code = -1};
            rc = port_queue_message(db, pt, row, "abort", &again);
            snprintf(what, sizeof(what),
                     "the clearinghouse authorised it after we %s; abort %s"
                     " to settle it",
                     row->state == NPG_PS_ABORTED ? "aborted" : "timed out",
                     row->state == NPG_PS_ABORTED ? "sent again" : "sent");
        }
    } else if (step->event == NPG_EV_PORTED || step->event == NPG_EV_INSTRUCTION_RESPONSE) {
        severity = NPG_ALARM_CRITICAL; /* the national database may now route it elsewhere */
        snprintf(what, sizeof(what),
                 "the clearinghouse is porting or has ported the numbers"
                 " while npgw has the port in %s; routing not changed: resolve"
                 " by hand (npgwctl route push) after checking with the"
                 " clearinghouse",
                 npg_port_state_name(row->state));
    } else {
        snprintf(what, sizeof(what),
                 "npgw has the port in %s; the clearinghouse thinks"
                 " otherwise",
                 npg_port_state_name(row->state));
    }
    snprintf(text, sizeof(text), "not applied: %s in %s - %s; %s", npg_port_event_name(step->event),
             npg_port_state_name(row->state), what, step->eventlog ? step->eventlog : "");
    if (rc == NPG_OK)
        rc = port_event(db, pt, row, step, row->state, false, text);
    if (rc == NPG_OK && alarm)
        rc = npg_alarm_raise(db, severity, "porting", port_kind_str(row->kind), row->id,
                             "port-%s %s: %s %s", port_kind_str(row->kind), row->msgid,
                             port_step_name(pt, row->clearinghouse, step), what);
    npg_log(LOG_NOTICE, "port", "%s %s: %s", port_kind_str(row->kind), row->msgid, text);
    a->outcome = NPG_INBOUND_NOT_APPLIED;
    return rc;
}

static void describe(const npg_porting_ch_t *ch, struct inbound_args *a)
{
    const npg_canon_msg_t *m = a->m;
    port_step_t *s = &a->step;
    const char *el = ch->element ? ch->element(m->type) : NULL;
    char cause[32] = "";
    if (s->event == NPG_EV_CONFLICT && m->reject_code >= 0)
        snprintf(cause, sizeof(cause), ", cause code %d", m->reject_code);
    if (s->event == NPG_EV_AUTH_REJECT)
        snprintf(a->text, sizeof(a->text), "Rejected by donor: %d %s%s%s", s->reject_code,
                 npg_reject_reason(s->reject_code) ? npg_reject_reason(s->reject_code) : "Unknown",
                 m->reason[0] ? " - " : "", m->reason);
    else
        snprintf(a->text, sizeof(a->text), "%s received from %s%s%s%s%s%s", el ? el : m->type,
                 m->sender[0] ? m->sender : m->clearinghouse, m->ch_status[0] ? ": " : "",
                 m->ch_status, cause, m->reason[0] ? " - " : "", m->reason);
    s->eventlog = a->text;
}

/* The clearinghouse's own reference and status of the port, as it reports them. */
static int record_ch(npg_db_t *db, const port_row_t *row, const npg_canon_msg_t *m, bool status)
{
    static const char *const sql[2] = {
        "UPDATE port_in SET clearinghouse_ref = COALESCE(?, clearinghouse_ref),"
        " clearinghouse_status = COALESCE(?, clearinghouse_status),"
        " port_time = COALESCE(FROM_UNIXTIME(?), port_time) WHERE id = ?",
        "UPDATE port_out SET clearinghouse_ref = COALESCE(?, clearinghouse_ref),"
        " clearinghouse_status = COALESCE(?, clearinghouse_status),"
        " port_time = COALESCE(FROM_UNIXTIME(?), port_time) WHERE id = ?",
    };
    /* a transition sets port_time itself; a status report may move it (NPAC due date) */
    bool when = status && m->port_time;
    if (!m->ch_ref[0] && !m->ch_status[0] && !when)
        return NPG_OK;
    return npg_db_exec(db, sql[row->kind],
                       NPG_DB_P(m->ch_ref[0] ? NPG_DB_S(m->ch_ref) : NPG_DB_NUL,
                                m->ch_status[0] ? NPG_DB_S(m->ch_status) : NPG_DB_NUL,
                                when ? NPG_DB_I(m->port_time) : NPG_DB_NUL, NPG_DB_U(row->id)),
                       NULL, NULL);
}

static int inbound_tx(npg_db_t *db, npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    struct inbound_args *a = arg;
    const npg_canon_msg_t *m = a->m;
    const struct inbound_kind *k = NULL;
    const npg_porting_ch_t *ch = port_ch(pt, m->clearinghouse);
    a->outcome = NPG_INBOUND_APPLIED;
    for (size_t i = 0; i < NPG_ARRAY_LEN(inbound_kinds); i++)
        if (strcmp(inbound_kinds[i].type, m->type) == 0)
            k = &inbound_kinds[i];
    if (!k) {
        snprintf(err, errlen, "%s is not a message a clearinghouse delivers to a gateway", m->type);
        return NPG_EINVAL;
    }
    if (!ch) {
        snprintf(err, errlen, "clearinghouse '%s' is not configured", m->clearinghouse);
        return NPG_EINVAL;
    }
    /* De-duplicate first: a second delivery of a message id changes nothing. */
    int rc = npg_db_exec(db,
                         "INSERT INTO inbound_messages (source, message_id, result)"
                         " VALUES (?, ?, ?)",
                         NPG_DB_P(NPG_DB_S(ch->name), NPG_DB_S(m->message_id), NPG_DB_S(m->type)),
                         NULL, NULL);
    if (rc == NPG_EEXIST) {
        a->outcome = NPG_INBOUND_DUPLICATE;
        return NPG_OK;
    }
    if (rc != NPG_OK)
        return rc;
    if (k->event == NPG_EV_TERMINATION_DUE)
        return terminated(db, pt, ch, a, err, errlen);

    a->step = (port_step_t){.event = k->event,
                            .type = m->type,
                            .direction = PORT_DIR_RECEIVED,
                            .reject_code = -1,
                            .reason = m->reason[0] ? m->reason : NULL,
                            .port_time = k->event == EV_STATUS ? 0 : m->port_time,
                            .routing_number = m->routing_number[0] ? m->routing_number : NULL};
    if (k->event == NPG_EV_AUTH_ACCEPT && strcmp(m->decision, "reject") == 0) {
        a->step.event = NPG_EV_AUTH_REJECT;
        a->step.reject_code = m->reject_code >= 0 ? m->reject_code : 0;
    }
    describe(ch, a);
    bool fresh = false;
    if (k->event == NPG_EV_AUTH_REQUEST) {
        rc = port_out_arrive(db, pt, m, &a->row, err, errlen);
        fresh = rc == NPG_OK;
        if (rc == NPG_EEXIST) /* a second request for a port-out we have: load it, record it */
            rc = port_load(db, NPG_PORT_OUT, m->msgidentifier, 0, true, &a->row);
    } else {
        rc = NPG_ENOTFOUND;
        if (k->port_in)
            rc = port_load(db, NPG_PORT_IN, m->msgidentifier, 0, true, &a->row);
        if (rc == NPG_ENOTFOUND && k->port_out)
            rc = port_load(db, NPG_PORT_OUT, m->msgidentifier, 0, true, &a->row);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "no port with msgidentifier %s", m->msgidentifier);
    }
    if (rc == NPG_OK && a->archived)
        a->step.xml_id = a->archived;
    else if (rc == NPG_OK && a->raw)
        rc = archive_in(db, ch, m, &a->row, a->raw, a->rawlen, &a->step.xml_id);
    bool status = k->event == EV_STATUS;
    if (rc == NPG_OK)
        rc = record_ch(db, &a->row, m, status);
    if (rc == NPG_OK && status) { /* recorded on the port, which stays where it is */
        a->outcome = NPG_INBOUND_APPLIED;
        rc = port_event(db, pt, &a->row, &a->step, a->row.state, false, a->text);
    } else if (rc == NPG_OK) {
        rc = port_apply(db, pt, &a->row, &a->step, err, errlen);
        if (rc == NPG_ESTATE) {
            err[0] = '\0';
            rc = crossed(db, pt, a);
        } else if (rc == NPG_OK && fresh) {
            rc = port_out_validate(db, pt, &a->row, err, errlen);
        }
    }
    if (rc == NPG_OK && ch->inbound)
        rc = ch->inbound(db, pt, m, port_kind_str(a->row.kind), a->row.id, a->row.state);
    return rc;
}

int npg_port_apply_inbound(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *msg,
                           const char *raw, size_t rawlen, npg_inbound_outcome_t *outcome,
                           char *err, size_t errlen)
{
    struct inbound_args a = {.m = msg, .raw = raw, .rawlen = rawlen};
    err[0] = '\0';
    int rc = port_tx(db, inbound_tx, pt, &a, err, errlen);
    if (outcome)
        *outcome = a.outcome;
    return rc;
}

#define GROUP_ATTEMPTS 4 /* as port_tx: lost races before the group gives up */

/* Every item still to be applied (rc == NPG_ECONFLICT marks them) gets rc and text. */
static void fail_pending(npg_inbound_item_t *const *items, size_t n, int rc, const char *text)
{
    for (size_t i = 0; i < n; i++) {
        if (items[i]->rc == NPG_ECONFLICT) {
            items[i]->rc = rc;
            snprintf(items[i]->err, sizeof(items[i]->err), "%s", text);
        }
    }
}

void npg_port_apply_inbound_group(npg_db_t *db, npg_porting_t *pt, npg_inbound_item_t *const *items,
                                  size_t n)
{
    for (size_t i = 0; i < n; i++)
        items[i]->rc = NPG_ECONFLICT; /* pending */
    int lost = 0;
    char why[160];
    while (lost < GROUP_ATTEMPTS) {
        int rc = npg_db_begin(db);
        if (rc != NPG_OK) {
            snprintf(why, sizeof(why), "database unavailable: %s", npg_strerror(rc));
            fail_pending(items, n, rc, why);
            return;
        }
        size_t bad = n;
        for (size_t i = 0; i < n && bad == n; i++) {
            npg_inbound_item_t *it = items[i];
            if (it->rc != NPG_ECONFLICT)
                continue; /* refused in an earlier round */
            struct inbound_args a = {.m = it->msg, .raw = it->raw, .rawlen = it->rawlen};
            it->err[0] = '\0';
            rc = inbound_tx(db, pt, &a, it->err, sizeof(it->err));
            it->outcome = a.outcome;
            if (rc != NPG_OK)
                bad = i;
        }
        if (bad == n) {
            rc = npg_db_commit(db);
            snprintf(why, sizeof(why), "commit failed: %s", npg_strerror(rc));
            fail_pending(items, n, rc, rc == NPG_OK ? "" : why);
            return;
        }
        npg_db_rollback(db);
        if (rc == NPG_ECONFLICT) { /* a lost race: everything again, after the winner */
            if (++lost < GROUP_ATTEMPTS)
                usleep(1000u << (2 * lost));
        } else if (rc == NPG_EDBDOWN) {
            fail_pending(items, n, rc, "database unavailable");
            return;
        } else { /* refused, as it would have been alone after the ones before it */
            items[bad]->rc = rc;
        }
    }
    fail_pending(items, n, NPG_ECONFLICT, "the ports changed meanwhile; try again");
}

int npg_port_apply_answer(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *msg,
                          uint64_t xml_id, npg_inbound_outcome_t *outcome, char *err, size_t errlen)
{
    struct inbound_args a = {.m = msg, .archived = xml_id};
    err[0] = '\0';
    int rc = inbound_tx(db, pt, &a, err, errlen);
    if (outcome)
        *outcome = a.outcome;
    return rc;
}
