/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port-in commands: create (numbering checks, donor detection), instruct, abort, and the
 * look-up that follows automatic resubmissions. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "porting/engine.h"

static bool email_valid(const char *s)
{
    const char *at = s ? strchr(s, '@') : NULL;
    size_t n = s ? strlen(s) : 0;
    return at && at != s && at[1] && !strchr(at + 1, '@') && n <= 254 && !strpbrk(s, " \t\r\n<>");
}

/* Everything about the request that can be checked without the database. */
static int validate_in(npg_porting_t *pt, const npg_port_in_req_t *req, port_row_t *row, char *err,
                       size_t errlen)
{
    const npg_conf_t *conf = pt->conf;
    memset(row, 0, sizeof(*row));
    row->kind = NPG_PORT_IN;
    bool pac_port = req->pac && req->pac[0];
    if (!pac_port && !email_valid(req->email)) {
        snprintf(err, errlen, "email is missing or not an address");
        return NPG_EINVAL;
    }
    if (!req->number_type ||
        (strcmp(req->number_type, "mobile") != 0 && strcmp(req->number_type, "fixed") != 0)) {
        snprintf(err, errlen, "Type_of_Numbers must be \"mobile\" or \"fixed\"");
        return NPG_EINVAL;
    }
    if ((!pac_port || req->account_type) &&
        (!req->account_type || (strcmp(req->account_type, "Prepaid") != 0 &&
                                strcmp(req->account_type, "Postpaid") != 0))) {
        snprintf(err, errlen, "AccountType must be \"Prepaid\" or \"Postpaid\"");
        return NPG_EINVAL;
    }
    if (req->nranges == 0 || req->nranges > NPG_PORT_MAX_RANGES) {
        snprintf(err, errlen, "between 1 and %d number ranges are needed", NPG_PORT_MAX_RANGES);
        return NPG_EINVAL;
    }
    if (req->external_reference && strlen(req->external_reference) > 69) {
        snprintf(err, errlen, "ExternalReference is longer than 69 characters");
        return NPG_EINVAL;
    }
    long total = 0;
    for (size_t i = 0; i < req->nranges; i++) {
        long count = 0;
        const char *a = req->ranges[i].start, *b = req->ranges[i].end;
        if (!npg_is_digits(a) || !npg_is_digits(b)) {
            snprintf(err, errlen, "range %zu: numbers must be digits only ('%s'-'%s')", i + 1,
                     a ? a : "", b ? b : "");
            return NPG_EINVAL;
        }
        int rc =
            npg_e164_range(a, b, conf->general.country_code, conf->general.max_range_size - total,
                           &row->starts[i], &row->ends[i], &count);
        if (rc == NPG_ETOOBIG) {
            snprintf(err, errlen, "range %zu (%s-%s): more than the %d numbers one port may carry",
                     i + 1, a, b, conf->general.max_range_size);
            return NPG_EINVAL;
        }
        if (rc != NPG_OK) {
            snprintf(err, errlen,
                     "range %zu (%s-%s): the end number is before the start, the lengths differ,"
                     " or the number is not valid E.164",
                     i + 1, a, b);
            return NPG_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (row->starts[i] <= row->ends[j] && row->starts[j] <= row->ends[i]) {
                snprintf(err, errlen, "ranges %zu and %zu overlap", j + 1, i + 1);
                return NPG_EINVAL;
            }
        }
        total += count;
    }
    row->nranges = req->nranges;
    const char *contact =
        req->contact_number && req->contact_number[0] ? req->contact_number : req->ranges[0].start;
    if (!npg_is_digits(contact) || strlen(contact) > 20) {
        snprintf(err, errlen, "contacttelephonenumber must be up to 20 digits");
        return NPG_EINVAL;
    }
    npg_strlcpy(row->contact, contact, sizeof(row->contact));
    npg_strlcpy(row->email, req->email ? req->email : "", sizeof(row->email));
    npg_strlcpy(row->number_type, req->number_type, sizeof(row->number_type));
    npg_strlcpy(row->account_type, req->account_type ? req->account_type : "",
                sizeof(row->account_type));
    const char *ch = req->clearinghouse ? req->clearinghouse : pt->default_ch->name;
    if (!port_ch(pt, ch)) {
        snprintf(err, errlen, "clearinghouse '%s' is not configured", ch);
        return NPG_EINVAL;
    }
    npg_strlcpy(row->clearinghouse, ch, sizeof(row->clearinghouse));
    const npg_porting_ch_t *c = port_ch(pt, ch);
    if (c->check_port_in &&
        c->check_port_in(conf, row->starts, row->ends, row->nranges, err, errlen) != NPG_OK)
        return NPG_EINVAL;
    npg_strlcpy(row->pac, pac_port ? req->pac : "", sizeof(row->pac));
    row->port_time = req->port_time;
    row->override_cooloff = req->override_cooloff;
    npg_strlcpy(row->recipient, conf->general.operator_code, sizeof(row->recipient));
    return NPG_OK;
}

/* What the numbering says about a request's numbers, gathered run by run. */
typedef struct served {
    const npg_conf_t *conf;
    char ours[400]; /* runs we already serve, as text */
    size_t nours;
    char serving[NPG_OPERATOR_CODE_LEN]; /* the one operator serving every other number */
    bool mixed;                          /* more than one */
    char nobody[64];                     /* a run nobody serves, as text ("" when none) */
    char others[200];                    /* the operators seen, for the message */
} served_t;

static void add_text(char *buf, size_t len, const char *s)
{
    size_t at = strlen(buf);
    snprintf(buf + at, len - at, "%s%s", at ? ", " : "", s);
}

static int served_run(const npg_number_run_t *run, void *arg)
{
    served_t *s = arg;
    char text[80], item[120];
    npg_numbering_run_text(run, s->conf->general.country_code, text, sizeof(text));
    if (strcmp(run->serving, s->conf->general.operator_code) == 0) {
        if (s->nours++ < 6) {
            snprintf(item, sizeof(item), "%s (%s)", text,
                     run->ported ? "ported in to us" : "our home range");
            add_text(s->ours, sizeof(s->ours), item);
        }
    } else if (!run->serving[0]) {
        if (!s->nobody[0])
            npg_strlcpy(s->nobody, text, sizeof(s->nobody));
    } else if (!s->serving[0]) {
        npg_strlcpy(s->serving, run->serving, sizeof(s->serving));
        snprintf(s->others, sizeof(s->others), "%s: %s", run->serving, text);
    } else if (strcmp(s->serving, run->serving) != 0) {
        s->mixed = true;
        snprintf(item, sizeof(item), "%s: %s", run->serving, text);
        add_text(s->others, sizeof(s->others), item);
    }
    return 0;
}

/*
 * Who serves the numbers decides: numbers we serve already are refused; the donor is
 * the operator serving them now (so a number ported DONOR -> OTHER comes from OTHER,
 * and our own home number served elsewhere comes back from where it is: repatriation).
 * An explicit donor code overrides the detection.
 */
static int check_numbers(npg_db_t *db, npg_porting_t *pt, const npg_port_in_req_t *req,
                         port_row_t *row, char *err, size_t errlen)
{
    served_t s = {.conf = pt->conf};
    int rc = NPG_OK;
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        rc = npg_numbering_lock(db, row->starts[i], row->ends[i]);
    for (size_t i = 0; rc == NPG_OK && i < row->nranges; i++)
        rc = npg_numbering_runs(db, row->starts[i], row->ends[i], served_run, &s);
    if (rc != NPG_OK)
        return rc;
    if (s.nours) {
        snprintf(err, errlen, "numbers already served by %s: %s%s", pt->conf->general.operator_code,
                 s.ours, s.nours > 6 ? " and more" : "");
        return NPG_EEXIST;
    }
    if (req->donor && req->donor[0] && strcasecmp(req->donor, "Auto") != 0) {
        npg_operator_t op;
        if (!npg_operator_code_valid(req->donor)) {
            snprintf(err, errlen, "donornetworkoperator '%s' is not an operator code", req->donor);
            return NPG_EINVAL;
        }
        rc = npg_operator_get(db, req->donor, &op);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "donornetworkoperator '%s' is not a known operator", req->donor);
        if (rc == NPG_OK && strcmp(req->donor, pt->conf->general.operator_code) == 0) {
            snprintf(err, errlen, "donornetworkoperator %s is this gateway's own operator",
                     req->donor);
            rc = NPG_EINVAL;
        }
        if (rc == NPG_OK)
            npg_strlcpy(row->donor, req->donor, sizeof(row->donor));
        return rc;
    }
    if (s.nobody[0]) {
        snprintf(err, errlen,
                 "no operator serves %s (no routing record, no number range):"
                 " give donornetworkoperator",
                 s.nobody);
        return NPG_EINVAL;
    }
    if (s.mixed) {
        snprintf(err, errlen,
                 "the numbers are served by more than one operator (%s):"
                 " one port-in per donor",
                 s.others);
        return NPG_EINVAL;
    }
    npg_strlcpy(row->donor, s.serving, sizeof(row->donor));
    return NPG_OK;
}

/* The in-flight states come from the table: "state IN (0, 1, 2, 3, 10)". */
static char in_flight_sql[400];
static pthread_once_t in_flight_once = PTHREAD_ONCE_INIT;

static void build_in_flight_sql(void)
{
    snprintf(in_flight_sql, sizeof(in_flight_sql),
             "SELECT p.msgidentifier FROM port_in_ranges r JOIN port_in p ON p.id = r.port_in_id"
             " WHERE r.range_start <= ? AND r.range_end >= ? AND p.state IN (%s) LIMIT 1",
             npg_port_state_sql(NPG_PORT_IN, NPG_SF_IN_FLIGHT));
}

/* A port-in of these numbers that is still under way blocks a second one. */
static int check_not_in_flight(npg_db_t *db, const port_row_t *row, char *err, size_t errlen)
{
    pthread_once(&in_flight_once, build_in_flight_sql);
    for (size_t i = 0; i < row->nranges; i++) {
        npg_db_rows_t *rows;
        int rc = npg_db_query(db, in_flight_sql,
                              NPG_DB_P(NPG_DB_U(row->ends[i]), NPG_DB_U(row->starts[i])), &rows);
        if (rc != NPG_OK)
            return rc;
        if (npg_db_rows_count(rows) == 1) {
            snprintf(err, errlen, "numbers %llu-%llu are already being ported in by %s",
                     (unsigned long long)row->starts[i], (unsigned long long)row->ends[i],
                     npg_db_rows_get(rows, 0, 0));
            npg_db_rows_free(&rows);
            return NPG_EEXIST;
        }
        npg_db_rows_free(&rows);
    }
    return NPG_OK;
}

struct create_args {
    const npg_port_in_req_t *req;
    port_row_t row;
};

static int create_tx(npg_db_t *db, npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    struct create_args *a = arg;
    const npg_conf_t *conf = pt->conf;
    npg_operator_t self;
    port_row_t *row = &a->row;
    int rc = npg_operator_get(db, conf->general.operator_code, &self);
    if (rc == NPG_ENOTFOUND) {
        snprintf(err, errlen, "our operator %s is not configured (npgwctl operator add %s --self)",
                 conf->general.operator_code, conf->general.operator_code);
        return NPG_ECONF;
    }
    if (rc == NPG_OK)
        rc = check_numbers(db, pt, a->req, row, err, errlen);
    if (rc == NPG_OK)
        rc = check_not_in_flight(db, row, err, errlen);
    char text[160];
    if (a->req->pac && a->req->pac[0])
        snprintf(text, sizeof(text),
                 "Authorisation code %s checked by the %s clearinghouse;"
                 " submitted",
                 row->pac, row->clearinghouse);
    else
        snprintf(text, sizeof(text), "Submitted to clearinghouse");
    if (rc == NPG_OK)
        rc = port_submit_in(db, pt, row, text, err, errlen);
    if (rc == NPG_OK && a->req->external_reference)
        rc = npg_db_exec(db, "UPDATE port_in SET external_reference = ? WHERE id = ?",
                         NPG_DB_P(NPG_DB_S(a->req->external_reference), NPG_DB_U(row->id)), NULL,
                         NULL);
    uint64_t auth_xml = 0;
    if (rc == NPG_OK && a->req->in_tx)
        rc = a->req->in_tx(db, row->id, a->req->in_tx_arg, &auth_xml, err, errlen);
    if (rc == NPG_OK && a->req->authorised_msgtype) {
        /* The clearinghouse authorised it synchronously, before we got here. */
        port_step_t ok = {.event = NPG_EV_AUTH_ACCEPT,
                          .msgtype = a->req->authorised_msgtype,
                          .direction = PORT_DIR_RECEIVED,
                          .eventlog = a->req->authorised_text,
                          .xml_id = auth_xml,
                          .reject_code = -1};
        rc = port_apply(db, pt, row, &ok, err, errlen);
    }
    return rc;
}

int npg_port_in_create(npg_db_t *db, npg_porting_t *pt, const npg_port_in_req_t *req,
                       char msgid[NPG_MSGID_LEN], char *err, size_t errlen)
{
    struct create_args a = {.req = req};
    err[0] = '\0';
    int rc = validate_in(pt, req, &a.row, err, errlen);
    if (rc == NPG_OK)
        rc = port_tx(db, create_tx, pt, &a, err, errlen);
    if (rc == NPG_OK)
        npg_strlcpy(msgid, a.row.msgid, NPG_MSGID_LEN);
    return rc;
}

int npg_port_in_check(npg_porting_t *pt, const npg_port_in_req_t *req, char *err, size_t errlen)
{
    port_row_t row;
    err[0] = '\0';
    return validate_in(pt, req, &row, err, errlen);
}

int npg_port_in_resolve(npg_db_t *db, const char *msgid, uint64_t *id, char active[NPG_MSGID_LEN])
{
    char cur[NPG_MSGID_LEN];
    npg_strlcpy(cur, msgid, sizeof(cur));
    for (int hops = 0; hops < 8; hops++) { /* resubmission chains are one link; stay bounded */
        npg_db_rows_t *rows;
        int rc = npg_db_query(db,
                              "SELECT p.id, n.msgidentifier FROM port_in p LEFT JOIN port_in n"
                              " ON n.id = p.resubmitted_as WHERE p.msgidentifier = ?",
                              NPG_DB_P(NPG_DB_S(cur)), &rows);
        if (rc != NPG_OK)
            return rc;
        if (npg_db_rows_count(rows) != 1) {
            npg_db_rows_free(&rows);
            return NPG_ENOTFOUND;
        }
        const char *next = npg_db_rows_get(rows, 0, 1);
        if (!next) {
            *id = (uint64_t)npg_db_rows_int(rows, 0, 0, 0);
            npg_strlcpy(active, cur, NPG_MSGID_LEN);
            npg_db_rows_free(&rows);
            return NPG_OK;
        }
        npg_strlcpy(cur, next, sizeof(cur));
        npg_db_rows_free(&rows);
    }
    return NPG_ENOTFOUND;
}

int npg_port_in_instruct(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err,
                         size_t errlen)
{
    port_step_t step = {.event = NPG_EV_INSTRUCT,
                        .type = "instruction",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Instruction to proceed sent",
                        .reject_code = -1};
    return port_local_step(db, pt, NPG_PORT_IN, msgid, &step, err, errlen);
}

int npg_port_in_abort(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err, size_t errlen)
{
    port_step_t step = {.event = NPG_EV_ABORT,
                        .type = "abort",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Aborted by request",
                        .reason = "Aborted by the recipient operator",
                        .reject_code = -1};
    return port_local_step(db, pt, NPG_PORT_IN, msgid, &step, err, errlen);
}

int npg_port_in_authorised(npg_db_t *db, npg_porting_t *pt, const char *msgid, const char *msgtype,
                           const char *text, char *err, size_t errlen)
{
    port_step_t step = {.event = NPG_EV_AUTH_ACCEPT,
                        .msgtype = msgtype,
                        .direction = PORT_DIR_LOCAL,
                        .eventlog = text,
                        .reject_code = -1};
    return port_local_step(db, pt, NPG_PORT_IN, msgid, &step, err, errlen);
}
