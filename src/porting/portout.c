/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port-out actions, inbound clearinghouse messages, routing writes and the local timers. */
#include "porting/port_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "outbox/outbox.h"
#include "numbering/operator.h"
#include "routing/routing.h"

int npg_port_out_authorise(npg_db_t *db, const npg_conf_t *conf, const char *msgid, char *err,
                           size_t errlen)
{
    port_step_t step = {.event = NPG_EV_AUTHORISE,
                        .msgtype = "AuthorisationAnswer",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Port-out authorised",
                        .reject_code = -1};
    return port_local_step(db, conf, NPG_PORT_OUT, msgid, &step, err, errlen);
}

int npg_port_out_reject(npg_db_t *db, const npg_conf_t *conf, const char *msgid,
                        const char *reason, char *err, size_t errlen)
{
    int code = npg_port_out_reject_code(reason);
    if (code < 0) {
        snprintf(err, errlen,
                 "reason must be account_mismatch, outstanding_balance, fraudulent_request,"
                 " number_not_active or a rejection code (31-39, 99)");
        return NPG_EINVAL;
    }
    char text[128];
    snprintf(text, sizeof(text), "Port-out rejected: %d %s", code, npg_reject_reason(code));
    port_step_t step = {.event = NPG_EV_REJECT,
                        .msgtype = "AuthorisationAnswer",
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = code};
    return port_local_step(db, conf, NPG_PORT_OUT, msgid, &step, err, errlen);
}

int port_route_ranges(npg_db_t *db, const port_row_t *row, const char *operator_code,
                      const char *source)
{
    npg_operator_t op;
    int rc = npg_operator_get(db, operator_code, &op);
    if (rc == NPG_ENOTFOUND)
        npg_log(LOG_ERR, "port", "%s: operator %s is unknown; add it with npgwctl operator add",
                row->msgid, operator_code);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++) {
        for (uint64_t n = row->starts[i]; rc == NPG_OK && n <= row->ends[i]; n++)
            rc = npg_routing_set(db, n, &op, row->number_type, source, row->msgid, NULL);
    }
    return rc;
}

/* authorisation_request: a new port-out record in Waiting_for_Authorisation_Response. */
static int create_port_out(npg_db_t *db, const npg_conf_t *conf, const npg_canon_msg_t *m,
                           port_row_t *row, char *err, size_t errlen)
{
    memset(row, 0, sizeof(*row));
    row->kind = NPG_PORT_OUT;
    if (m->donor[0] && strcmp(m->donor, conf->general.operator_code) != 0) {
        snprintf(err, errlen, "DonorOperator %s is not this gateway's operator %s", m->donor,
                 conf->general.operator_code);
        return NPG_EINVAL;
    }
    if (!npg_operator_code_valid(m->recipient) || m->nranges == 0 || !m->number_type[0]) {
        snprintf(err, errlen, "authorisation_request needs RecipientOperator, NumberType and ranges");
        return NPG_EINVAL;
    }
    for (size_t i = 0; i < m->nranges; i++) {
        long count;
        if (npg_e164_range(m->ranges[i].start, m->ranges[i].end, conf->general.country_code,
                           conf->general.max_range_size, &row->starts[i], &row->ends[i],
                           &count) != NPG_OK) {
            snprintf(err, errlen, "range %s-%s is not a valid range", m->ranges[i].start,
                     m->ranges[i].end);
            return NPG_EINVAL;
        }
    }
    row->nranges = m->nranges;
    npg_strlcpy(row->msgid, m->msgidentifier, sizeof(row->msgid));
    npg_strlcpy(row->recipient, m->recipient, sizeof(row->recipient));
    npg_strlcpy(row->donor, conf->general.operator_code, sizeof(row->donor));
    npg_strlcpy(row->number_type, m->number_type, sizeof(row->number_type));
    npg_strlcpy(row->account_type, m->account_type, sizeof(row->account_type));
    int rc = npg_db_exec(db,
                         "INSERT INTO port_out (msgidentifier, state, recipient_operator,"
                         " donor_operator, account_type, number_type, port_time)"
                         " VALUES (?, 0, ?, ?, ?, ?, FROM_UNIXTIME(?))",
                         NPG_DB_P(NPG_DB_S(row->msgid), NPG_DB_S(row->recipient),
                                  NPG_DB_S(row->donor),
                                  row->account_type[0] ? NPG_DB_S(row->account_type) : NPG_DB_NUL,
                                  NPG_DB_S(row->number_type),
                                  m->port_time ? NPG_DB_I(m->port_time) : NPG_DB_NUL),
                         NULL, &row->id);
    if (rc == NPG_EEXIST)
        snprintf(err, errlen, "a port-out %s exists already", row->msgid);
    if (rc == NPG_OK)
        rc = port_ranges_store(db, row);
    return rc;
}

/* The canonical message types a clearinghouse delivers, and what each means here. */
static const struct inbound_kind {
    const char *type;
    const char *msgtype;
    npg_port_event_t event;
    bool port_in, port_out; /* where its msgidentifier may be found */
} inbound_kinds[] = {
    {"authorisation_request", "AuthorisationRequest", NPG_EV_AUTH_REQUEST, false, true},
    {"authorisation_response", "AuthorisationResponse", NPG_EV_AUTH_ACCEPT, true, false},
    {"instruction_response", "InstructionResponse", NPG_EV_INSTRUCTION_RESPONSE, true, false},
    {"ported", "Ported", NPG_EV_PORTED, true, true},
    {"timedout", "TimedOut", NPG_EV_TIMEDOUT, true, true},
    {"terminated", "Terminated", NPG_EV_TERMINATION_DUE, false, false},
};

struct inbound_args {
    const npg_canon_msg_t *m;
    const char *raw;
    size_t rawlen;
    port_row_t row;
    port_step_t step;
    bool refused;
};

static int terminated_tx(npg_db_t *db, const npg_conf_t *conf, const npg_canon_msg_t *m,
                         const char *raw, size_t rawlen, char *err, size_t errlen)
{
    char e164[NPG_E164_BUFLEN];
    uint64_t n;
    if (npg_e164_normalise(m->number, conf->general.country_code, e164) != NPG_OK ||
        npg_e164_to_u64(e164, &n) != NPG_OK) {
        snprintf(err, errlen, "Terminated: '%s' is not a number", m->number);
        return NPG_EINVAL;
    }
    uint64_t xml_id;
    int rc = port_archive(db, "input_XML", "none", 0, m->msgidentifier, "Terminated",
                          m->message_id, raw, rawlen, &xml_id);
    if (rc == NPG_OK && (rc = npg_routing_remove(db, n, "port_out", NULL)) == NPG_ENOTFOUND)
        rc = NPG_OK;
    if (rc == NPG_OK)
        npg_log(LOG_NOTICE, "port", "number %s terminated: routing record removed", e164);
    return rc;
}

static int inbound_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    struct inbound_args *a = arg;
    const npg_canon_msg_t *m = a->m;
    const struct inbound_kind *k = NULL;
    for (size_t i = 0; i < NPG_ARRAY_LEN(inbound_kinds); i++)
        if (strcmp(inbound_kinds[i].type, m->type) == 0)
            k = &inbound_kinds[i];
    if (!k) {
        snprintf(err, errlen, "%s is not a message a clearinghouse delivers to a gateway",
                 m->type);
        return NPG_EINVAL;
    }
    /* De-duplicate first: a second delivery of a message id changes nothing. */
    int rc = npg_db_exec(db, "INSERT INTO inbound_messages (source, message_id, result)"
                             " VALUES ('pxs', ?, ?)",
                         NPG_DB_P(NPG_DB_S(m->message_id), NPG_DB_S(m->type)), NULL, NULL);
    if (rc == NPG_EEXIST)
        return NPG_EDUPLICATE;
    if (rc != NPG_OK)
        return rc;
    if (strcmp(m->type, "terminated") == 0)
        return terminated_tx(db, conf, m, a->raw, a->rawlen, err, errlen);

    a->step = (port_step_t){.event = k->event,
                            .msgtype = k->msgtype,
                            .direction = PORT_DIR_RECEIVED,
                            .reject_code = m->reject_code,
                            .reason = m->reason[0] ? m->reason : NULL,
                            .port_time = m->port_time};
    if (strcmp(m->type, "authorisation_response") == 0 && strcmp(m->decision, "reject") == 0) {
        a->step.event = NPG_EV_AUTH_REJECT;
        if (a->step.reject_code < 0)
            a->step.reject_code = 0;
    } else if (strcmp(m->type, "authorisation_response") != 0) {
        a->step.reject_code = -1;
    }
    char text[512];
    if (a->step.event == NPG_EV_AUTH_REJECT)
        snprintf(text, sizeof(text), "Rejected by donor: %d %s%s%s", a->step.reject_code,
                 npg_reject_reason(a->step.reject_code) ? npg_reject_reason(a->step.reject_code)
                                                        : "Unknown",
                 m->reason[0] ? " - " : "", m->reason);
    else
        snprintf(text, sizeof(text), "%s received from %s", k->msgtype, m->sender);
    a->step.eventlog = text;

    if (k->event == NPG_EV_AUTH_REQUEST) {
        rc = create_port_out(db, conf, m, &a->row, err, errlen);
    } else {
        rc = NPG_ENOTFOUND;
        if (k->port_in)
            rc = port_load(db, NPG_PORT_IN, m->msgidentifier, 0, true, &a->row);
        if (rc == NPG_ENOTFOUND && k->port_out)
            rc = port_load(db, NPG_PORT_OUT, m->msgidentifier, 0, true, &a->row);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "no port with msgidentifier %s", m->msgidentifier);
    }
    if (rc == NPG_OK)
        rc = port_archive(db, "input_XML", port_kind_str(a->row.kind), a->row.id, a->row.msgid,
                          k->msgtype, m->message_id, a->raw, a->rawlen, &a->step.xml_id);
    if (rc == NPG_OK)
        rc = port_apply(db, conf, &a->row, &a->step, err, errlen);
    a->refused = rc == NPG_ESTATE;
    return rc;
}

int npg_port_apply_inbound(npg_db_t *db, const npg_conf_t *conf, const npg_canon_msg_t *msg,
                           const char *raw, size_t rawlen, char *err, size_t errlen)
{
    struct inbound_args a = {.m = msg, .raw = raw, .rawlen = rawlen};
    err[0] = '\0';
    int rc = port_tx(db, inbound_tx, conf, &a, err, errlen);
    if (a.refused)
        port_record_refused(db, &a.row, &a.step);
    return rc;
}

int npg_port_apply_answer(npg_db_t *db, const npg_conf_t *conf, const npg_canon_msg_t *msg,
                          const char *raw, size_t rawlen, char *err, size_t errlen)
{
    struct inbound_args a = {.m = msg, .raw = raw, .rawlen = rawlen};
    err[0] = '\0';
    return inbound_tx(db, conf, &a, err, errlen);
}

static int routing_done_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err,
                           size_t errlen)
{
    port_row_t *row = arg;
    int rc = port_load(db, row->kind, NULL, row->id, true, row);
    if (rc != NPG_OK || row->kind != NPG_PORT_IN || row->state != NPG_PS_PORTED)
        return rc; /* port-outs complete at their termination time instead */
    port_step_t step = {.event = NPG_EV_ROUTING_DONE,
                        .msgtype = "RoutingPublished",
                        .direction = PORT_DIR_LOCAL,
                        .eventlog = "Routing updated for every number",
                        .reject_code = -1};
    return port_apply(db, conf, row, &step, err, errlen);
}

int npg_port_routing_done(npg_db_t *db, const npg_conf_t *conf, const char *port_kind,
                          uint64_t port_id)
{
    port_row_t row = {.kind = strcmp(port_kind, "out") == 0 ? NPG_PORT_OUT : NPG_PORT_IN,
                      .id = port_id};
    char err[256];
    /* Called inside the outbox's closing transaction: no transaction of its own. */
    return routing_done_tx(db, conf, &row, err, sizeof(err));
}

/* Local timers, each row in its own transaction; SKIP LOCKED lets several gateways share them. */
static const struct timer {
    npg_port_kind_t kind;
    const char *sql;
    npg_port_event_t event;
    const char *msgtype;
} timers[] = {
    {NPG_PORT_IN,
     "SELECT id, COALESCE(waiting_for, 'answer') FROM port_in WHERE deadline_at <= NOW()"
     " AND state IN (1, 3, 10) ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     NPG_EV_LOCAL_TIMEOUT, "LocalTimeout"},
    {NPG_PORT_OUT,
     "SELECT id, COALESCE(waiting_for, 'answer') FROM port_out WHERE deadline_at <= NOW()"
     " AND state = 10 ORDER BY deadline_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     NPG_EV_LOCAL_TIMEOUT, "LocalTimeout"},
    {NPG_PORT_OUT,
     "SELECT id, '' FROM port_out WHERE terminate_at <= NOW() AND state = 20"
     " ORDER BY terminate_at LIMIT 1 FOR UPDATE SKIP LOCKED",
     NPG_EV_TERMINATION_DUE, "ServiceTermination"},
};

struct timer_args {
    const struct timer *t;
    bool found;
};

static int timer_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    struct timer_args *a = arg;
    npg_db_rows_t *rows;
    int rc = npg_db_query(db, a->t->sql, NULL, 0, &rows);
    if (rc != NPG_OK || npg_db_rows_count(rows) == 0) {
        npg_db_rows_free(&rows);
        return rc;
    }
    a->found = true;
    port_row_t row;
    char text[256];
    if (a->t->event == NPG_EV_LOCAL_TIMEOUT)
        snprintf(text, sizeof(text), "No %s from the clearinghouse within %d s",
                 npg_db_rows_get(rows, 0, 1), conf->pxs.answer_timeout);
    else
        snprintf(text, sizeof(text), "Port time reached: service terminated");
    rc = port_load(db, a->t->kind, NULL, (uint64_t)npg_db_rows_int(rows, 0, 0, 0), true, &row);
    npg_db_rows_free(&rows);
    port_step_t step = {.event = a->t->event,
                        .msgtype = a->t->msgtype,
                        .direction = PORT_DIR_LOCAL,
                        .eventlog = text,
                        .reason = a->t->event == NPG_EV_LOCAL_TIMEOUT ? text : NULL,
                        .reject_code = -1};
    if (rc == NPG_OK)
        rc = port_apply(db, conf, &row, &step, err, errlen);
    return rc;
}

int npg_port_run_timers(npg_db_t *db, const npg_conf_t *conf, int *changed)
{
    *changed = 0;
    for (size_t i = 0; i < NPG_ARRAY_LEN(timers); i++) {
        for (int n = 0; n < 100; n++) { /* bounded work per tick */
            struct timer_args a = {.t = &timers[i]};
            char err[256];
            int rc = port_tx(db, timer_tx, conf, &a, err, sizeof(err));
            if (rc != NPG_OK) {
                npg_log(LOG_WARNING, "timer", "%s", err[0] ? err : npg_strerror(rc));
                return rc;
            }
            if (!a.found)
                break;
            (*changed)++;
        }
    }
    return NPG_OK;
}

struct terminate_args {
    uint64_t number;
    const char *e164, *number_type;
    char msgid[NPG_MSGID_LEN];
};

static int terminate_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    struct terminate_args *a = arg;
    npg_canon_msg_t m;
    int rc = port_new_msgidentifier(db, conf, a->msgid);
    if (rc != NPG_OK)
        return rc;
    npg_canon_init(&m);
    npg_strlcpy(m.type, "termination", sizeof(m.type));
    npg_strlcpy(m.direction, "out", sizeof(m.direction));
    npg_strlcpy(m.clearinghouse, "pxs", sizeof(m.clearinghouse));
    port_new_message_id(conf, m.message_id);
    npg_strlcpy(m.msgidentifier, a->msgid, sizeof(m.msgidentifier));
    m.timestamp = time(NULL);
    npg_strlcpy(m.sender, conf->general.operator_code, sizeof(m.sender));
    npg_strlcpy(m.receiver, conf->pxs.clearinghouse_operator, sizeof(m.receiver));
    npg_strlcpy(m.number, npg_e164_local_part(a->e164, conf->general.country_code),
                sizeof(m.number));
    npg_strlcpy(m.number_type, a->number_type, sizeof(m.number_type));
    char *xml = NULL;
    size_t len;
    if ((rc = npg_canon_write(&m, &xml, &len)) != NPG_OK) {
        snprintf(err, errlen, "cannot build the TerminationRequest: %s", npg_strerror(rc));
        return rc;
    }
    char key[64], idem[96];
    snprintf(key, sizeof(key), "pxs:term:%s", a->msgid);
    snprintf(idem, sizeof(idem), "pxs:%s", m.message_id);
    rc = npg_outbox_put(db, "pxs", key, idem, "none", 0, xml);
    free(xml);
    if (rc == NPG_OK && (rc = npg_routing_remove(db, a->number, "manual", NULL)) == NPG_ENOTFOUND)
        rc = NPG_OK;
    return rc;
}

int npg_port_terminate(npg_db_t *db, const npg_conf_t *conf, const char *e164,
                       const char *number_type, char msgid[NPG_MSGID_LEN], char *err,
                       size_t errlen)
{
    struct terminate_args a = {.e164 = e164, .number_type = number_type};
    if (npg_e164_to_u64(e164, &a.number) != NPG_OK) {
        snprintf(err, errlen, "'%s' is not an E.164 number (digits, no leading +)", e164);
        return NPG_EINVAL;
    }
    if (!number_type || (strcmp(number_type, "mobile") && strcmp(number_type, "fixed"))) {
        snprintf(err, errlen, "type_of_numbers must be mobile or fixed");
        return NPG_EINVAL;
    }
    int rc = port_tx(db, terminate_tx, conf, &a, err, errlen);
    if (rc == NPG_OK)
        npg_strlcpy(msgid, a.msgid, NPG_MSGID_LEN);
    return rc;
}
