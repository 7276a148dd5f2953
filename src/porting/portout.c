/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port-out: a request arrives and is validated (numbering, then the eligibility hook),
 * operations staff or BSS authorise or reject it. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "porting/engine.h"
#include "routing/routing.h"

int npg_port_out_authorise(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err,
                           size_t errlen)
{
    port_step_t step = {.event = NPG_EV_AUTHORISE,
                        .type = "authorisation_answer",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Port-out authorised",
                        .reject_code = -1};
    return port_local_step(db, pt, NPG_PORT_OUT, msgid, &step, err, errlen);
}

int npg_port_out_reject(npg_db_t *db, npg_porting_t *pt, const char *msgid, const char *reason,
                        char *err, size_t errlen)
{
    int code = npg_port_out_reject_code(reason);
    if (code < 0) {
        snprintf(err, errlen,
                 "reason must be account_mismatch, outstanding_balance, fraudulent_request,"
                 " number_not_active or a rejection code (31-39, 99)");
        return NPG_EINVAL;
    }
    char text[160];
    snprintf(text, sizeof(text), "Port-out rejected: %d %s", code, npg_reject_reason(code));
    port_step_t step = {.event = NPG_EV_REJECT,
                        .type = "authorisation_answer",
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = code};
    return port_local_step(db, pt, NPG_PORT_OUT, msgid, &step, err, errlen);
}

int npg_port_out_decide(npg_db_t *db, npg_porting_t *pt, uint64_t port_id, bool accept,
                        int reject_code, const char *reason, const char *eventlog, char *err,
                        size_t errlen)
{
    port_row_t row;
    err[0] = '\0';
    int rc = port_load(db, NPG_PORT_OUT, NULL, port_id, true, &row);
    if (rc == NPG_ENOTFOUND)
        snprintf(err, errlen, "no port-out with id %llu", (unsigned long long)port_id);
    if (rc != NPG_OK)
        return rc;
    if (!npg_transition_find(NPG_PORT_OUT, row.state, accept ? NPG_EV_AUTHORISE : NPG_EV_REJECT)) {
        snprintf(err, errlen, "port-out %s is in %s: decided already", row.msgid,
                 npg_port_state_name(row.state));
        return NPG_ESTATE; /* checked first: nothing is recorded on a port people decided */
    }
    int code = npg_reject_reason(reject_code) ? reject_code : NPG_REJECT_GENERAL;
    port_step_t step = {
        .event = accept ? NPG_EV_AUTHORISE : NPG_EV_REJECT,
        .type = "authorisation_answer",
        .direction = PORT_DIR_SENT,
        .eventlog = eventlog,
        .reject_code = accept ? -1 : code,
        .reason = accept ? NULL : (reason && reason[0] ? reason : npg_reject_reason(code))};
    return port_apply(db, pt, &row, &step, err, errlen);
}

int npg_port_route_change(npg_db_t *db, const npg_porting_t *pt, uint64_t number,
                          const npg_operator_t *op, const char *number_type, const char *source)
{
    const npg_porting_hooks_t *h = npg_porting_hooks(pt);
    npg_routing_observer_t obs = {.changed = h->on_route_change, .arg = h->arg};
    return npg_routing_change_observed(db, number, op, number_type, source, &obs);
}

/* Numbers of the request we do not serve, as text for the rejection. */
typedef struct not_ours {
    const npg_conf_t *conf;
    char text[240];
    size_t n;
} not_ours_t;

static int not_ours_run(const npg_number_run_t *run, void *arg)
{
    not_ours_t *s = arg;
    if (strcmp(run->serving, s->conf->general.operator_code) == 0)
        return 0;
    char nums[80], item[140];
    npg_numbering_run_text(run, s->conf->general.country_code, nums, sizeof(nums));
    if (!run->serving[0])
        snprintf(item, sizeof(item), "%s (in no number range)", nums);
    else
        snprintf(item, sizeof(item), "%s (served by %s)", nums, run->serving);
    if (s->n++ < 4) {
        size_t at = strlen(s->text);
        snprintf(s->text + at, sizeof(s->text) - at, "%s%s", at ? ", " : "", item);
    }
    return 0;
}

/*
 * Port-out ranges overlapping [s, e], found by span class (db/014_range_overlap.sql): a range
 * of class c (the bit length of end - start, 0 for one number) ends at most 2^c - 1 numbers
 * past its start, so it overlaps only if it starts in [s - 2^c + 1, e]; the probe reaches
 * twice as far, in case the database's LOG2 ever rounded a class down. One short index probe per
 * class, where "start <= e" read every range below the span. Classes above SPAN_CLASSES (never
 * written today) are read the long way.
 */
#define SPAN_CLASSES 21 /* 2^21 > the largest max_range_size */

static char out_in_flight_sql[(SPAN_CLASSES + 1) * 64 + 600];
static pthread_once_t out_in_flight_once = PTHREAD_ONCE_INIT;

static void build_out_in_flight_sql(void)
{
    size_t at = (size_t)snprintf(out_in_flight_sql, sizeof(out_in_flight_sql),
                                 "SELECT p.msgidentifier FROM port_out_ranges r JOIN port_out p"
                                 " ON p.id = r.port_out_id WHERE (");
    for (int c = 0; c <= SPAN_CLASSES; c++)
        at += (size_t)snprintf(out_in_flight_sql + at, sizeof(out_in_flight_sql) - at,
                               "(r.span_class = %d AND r.range_start BETWEEN ? AND ?) OR ", c);
    snprintf(out_in_flight_sql + at, sizeof(out_in_flight_sql) - at,
             "(r.span_class > %d AND r.range_start <= ?)) AND r.range_end >= ?"
             " AND p.id <> ? AND p.state IN (%s) LIMIT 1",
             SPAN_CLASSES, npg_port_state_sql(NPG_PORT_OUT, NPG_SF_IN_FLIGHT));
}

/* A port-out other than id in flight with a number of [s, e]: its identifier, or "". */
static int out_in_flight(npg_db_t *db, uint64_t s, uint64_t e, uint64_t id, char *msgid, size_t len)
{
    npg_db_val_t p[2 * (SPAN_CLASSES + 1) + 3];
    size_t n = 0;
    for (int c = 0; c <= SPAN_CLASSES; c++) {
        uint64_t reach = (2ull << c) - 1; /* 2^c - 1 past its start, doubled */
        p[n++] = NPG_DB_U(s > reach ? s - reach : 0);
        p[n++] = NPG_DB_U(e);
    }
    p[n++] = NPG_DB_U(e);
    p[n++] = NPG_DB_U(s);
    p[n++] = NPG_DB_U(id);
    npg_db_rows_t *rows = NULL;
    msgid[0] = '\0';
    int rc = npg_db_query(db, out_in_flight_sql, p, n, &rows);
    if (rc == NPG_OK && npg_db_rows_count(rows) == 1)
        npg_strlcpy(msgid, npg_db_rows_get(rows, 0, 0), len);
    npg_db_rows_free(&rows);
    return rc;
}

/* Why we cannot give these numbers away ("" when we can): not ours, or leaving already. */
static int refusal(npg_db_t *db, npg_porting_t *pt, const port_row_t *row, char *why, size_t len)
{
    not_ours_t s = {.conf = pt->conf};
    int rc = NPG_OK;
    why[0] = '\0';
    pthread_once(&out_in_flight_once, build_out_in_flight_sql);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        rc = npg_numbering_lock(db, row->starts[i], row->ends[i]);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        rc = npg_numbering_runs(db, row->starts[i], row->ends[i], not_ours_run, &s);
    if (rc != NPG_OK)
        return rc;
    if (s.n) {
        snprintf(why, len, "not served by %s: %s%s", pt->conf->general.operator_code, s.text,
                 s.n > 4 ? " and more" : "");
        return NPG_OK;
    }
    for (size_t i = 0; rc == NPG_OK && !why[0] && i < row->nranges; i++) {
        char other[NPG_MSGID_LEN];
        rc = out_in_flight(db, row->starts[i], row->ends[i], row->id, other, sizeof(other));
        if (rc == NPG_OK && other[0])
            snprintf(why, len, "the numbers are already being ported out by %s", other);
    }
    return rc;
}

int port_out_arrive(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, port_row_t *row,
                    char *err, size_t errlen)
{
    const npg_conf_t *conf = pt->conf;
    memset(row, 0, sizeof(*row));
    row->kind = NPG_PORT_OUT;
    if (m->donor[0] && strcmp(m->donor, conf->general.operator_code) != 0) {
        snprintf(err, errlen, "DonorOperator %s is not this gateway's operator %s", m->donor,
                 conf->general.operator_code);
        return NPG_EINVAL;
    }
    if (!npg_operator_code_valid(m->recipient) || m->nranges == 0 || !m->number_type[0]) {
        snprintf(err, errlen,
                 "authorisation_request needs RecipientOperator, NumberType and ranges");
        return NPG_EINVAL;
    }
    for (size_t i = 0; i < m->nranges && i < NPG_PORT_MAX_RANGES; i++) {
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
    npg_strlcpy(row->clearinghouse, m->clearinghouse, sizeof(row->clearinghouse));
    row->port_time = m->port_time;
    return port_insert_born(db, row, NPG_EV_AUTH_REQUEST);
}

int port_out_validate(npg_db_t *db, npg_porting_t *pt, port_row_t *row, char *err, size_t errlen)
{
    char why[400];
    npg_eligibility_t e = {.decision = NPG_ELIGIBLE_DEFER, .reject_code = -1};
    int rc = refusal(db, pt, row, why, sizeof(why));
    if (rc == NPG_OK && why[0]) {
        e.decision = NPG_ELIGIBLE_REJECT;
        e.reject_code = NPG_REJECT_GENERAL;
        npg_strlcpy(e.reason, why, sizeof(e.reason));
    } else if (rc == NPG_OK && pt->hooks.port_out_eligibility) {
        npg_port_out_view_t v = {.id = row->id,
                                 .msgidentifier = row->msgid,
                                 .recipient = row->recipient,
                                 .number_type = row->number_type,
                                 .account_type = row->account_type,
                                 .starts = row->starts,
                                 .ends = row->ends,
                                 .nranges = row->nranges};
        rc = pt->hooks.port_out_eligibility(pt->hooks.arg, db, &v, &e);
    }
    if (rc != NPG_OK || e.decision == NPG_ELIGIBLE_DEFER)
        return rc;
    char text[600];
    port_step_t step = {.type = "authorisation_answer",
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = -1};
    if (e.decision == NPG_ELIGIBLE_ACCEPT) {
        step.event = NPG_EV_AUTHORISE;
        snprintf(text, sizeof(text), "Port-out authorised automatically");
    } else {
        step.event = NPG_EV_REJECT;
        step.reject_code = npg_reject_reason(e.reject_code) ? e.reject_code : NPG_REJECT_GENERAL;
        step.reason = e.reason[0] ? e.reason : npg_reject_reason(step.reject_code);
        snprintf(text, sizeof(text), "Rejected automatically: %d %s - %s", step.reject_code,
                 npg_reject_reason(step.reject_code), step.reason);
        npg_log(LOG_NOTICE, "port", "port-out %s rejected automatically: %s", row->msgid,
                step.reason);
    }
    return port_apply(db, pt, row, &step, err, errlen);
}
