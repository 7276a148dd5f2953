/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Port-in: create (with donor detection), instruct, abort, resubmission look-up; routing writes. */
#include "porting/port_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "numbering/operator.h"

static bool email_valid(const char *s)
{
    const char *at = s ? strchr(s, '@') : NULL;
    size_t n = s ? strlen(s) : 0;
    return at && at != s && at[1] && !strchr(at + 1, '@') && n <= 254 && !strpbrk(s, " \t\r\n<>");
}

/* Everything about the request that can be checked without the database. */
static int validate_in(const npg_conf_t *conf, const npg_port_in_req_t *req, port_row_t *row,
                       char *err, size_t errlen)
{
    memset(row, 0, sizeof(*row));
    row->kind = NPG_PORT_IN;
    bool pac_port = req->pac && req->pac[0];
    if (!pac_port && !email_valid(req->email)) {
        snprintf(err, errlen, "email is missing or not an address");
        return NPG_EINVAL;
    }
    if (!req->number_type || (strcmp(req->number_type, "mobile") != 0 &&
                              strcmp(req->number_type, "fixed") != 0)) {
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
        int rc = npg_e164_range(a, b, conf->general.country_code,
                                conf->general.max_range_size - total, &row->starts[i],
                                &row->ends[i], &count);
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
    const char *contact = req->contact_number && req->contact_number[0] ? req->contact_number
                                                                         : req->ranges[0].start;
    if (!npg_is_digits(contact) || strlen(contact) > 20) {
        snprintf(err, errlen, "contacttelephonenumber must be up to 20 digits");
        return NPG_EINVAL;
    }
    npg_strlcpy(row->contact, contact, sizeof(row->contact));
    npg_strlcpy(row->email, req->email ? req->email : "", sizeof(row->email));
    npg_strlcpy(row->number_type, req->number_type, sizeof(row->number_type));
    npg_strlcpy(row->account_type, req->account_type ? req->account_type : "",
                sizeof(row->account_type));
    npg_strlcpy(row->clearinghouse, req->clearinghouse ? req->clearinghouse : "pxs",
                sizeof(row->clearinghouse));
    npg_strlcpy(row->pac, pac_port ? req->pac : "", sizeof(row->pac));
    row->port_time = req->port_time;
    row->override_cooloff = req->override_cooloff;
    npg_strlcpy(row->recipient, conf->general.operator_code, sizeof(row->recipient));
    return NPG_OK;
}

/* Empty or "Auto": the operator whose home range holds every number; an explicit code wins. */
static int detect_donor(npg_db_t *db, const npg_port_in_req_t *req, port_row_t *row, char *err,
                        size_t errlen)
{
    if (req->donor && req->donor[0] && strcasecmp(req->donor, "Auto") != 0) {
        npg_operator_t op;
        if (!npg_operator_code_valid(req->donor)) {
            snprintf(err, errlen, "donornetworkoperator '%s' is not an operator code", req->donor);
            return NPG_EINVAL;
        }
        int rc = npg_operator_get(db, req->donor, &op);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "donornetworkoperator '%s' is not a known operator", req->donor);
        if (rc == NPG_OK)
            npg_strlcpy(row->donor, req->donor, sizeof(row->donor));
        return rc;
    }
    for (size_t i = 0; i < row->nranges; i++) {
        char a[NPG_OPERATOR_CODE_LEN], b[NPG_OPERATOR_CODE_LEN];
        int rc = npg_operator_owner(db, row->starts[i], a);
        if (rc == NPG_OK)
            rc = npg_operator_owner(db, row->ends[i], b);
        if (rc == NPG_ENOTFOUND) {
            snprintf(err, errlen,
                     "no operator's number range holds %llu-%llu: give donornetworkoperator",
                     (unsigned long long)row->starts[i], (unsigned long long)row->ends[i]);
            return NPG_EINVAL;
        }
        if (rc != NPG_OK)
            return rc;
        if (strcmp(a, b) != 0 || (i > 0 && strcmp(a, row->donor) != 0)) {
            snprintf(err, errlen, "the numbers belong to more than one operator (%s, %s)", a, b);
            return NPG_EINVAL;
        }
        npg_strlcpy(row->donor, a, sizeof(row->donor));
    }
    return NPG_OK;
}

/* A port of these numbers that is still under way blocks a second one. */
static int check_not_in_flight(npg_db_t *db, const port_row_t *row, char *err, size_t errlen)
{
    for (size_t i = 0; i < row->nranges; i++) {
        npg_db_rows_t *rows;
        int rc = npg_db_query(db,
                              "SELECT p.msgidentifier FROM port_in_ranges r JOIN port_in p"
                              " ON p.id = r.port_in_id WHERE r.range_start <= ? AND r.range_end >= ?"
                              " AND p.state NOT IN (20, 30, 97, 98, 99) LIMIT 1",
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

/* Insert the row with a new identifier and take it through "create" (request queued). */
int port_insert_in(npg_db_t *db, const npg_conf_t *conf, port_row_t *row, char *err,
                   size_t errlen)
{
    int rc = port_new_msgidentifier(db, conf, row->msgid);
    if (rc == NPG_ETOOBIG)
        snprintf(err, errlen, "this month's 99999 message identifiers are used up");
    if (rc != NPG_OK)
        return rc;
    rc = npg_db_exec(db,
                     "INSERT INTO port_in (msgidentifier, clearinghouse, pac, port_time, state,"
                     " donor_operator, recipient_operator, account_type, number_type, email,"
                     " contact_number, override_cooloff, original_id)"
                     " VALUES (?, ?, ?, FROM_UNIXTIME(?), 0, ?, ?, ?, ?, ?, ?, ?, ?)",
                     NPG_DB_P(NPG_DB_S(row->msgid), NPG_DB_S(row->clearinghouse),
                              row->pac[0] ? NPG_DB_S(row->pac) : NPG_DB_NUL,
                              row->port_time ? NPG_DB_I(row->port_time) : NPG_DB_NUL,
                              NPG_DB_S(row->donor), NPG_DB_S(row->recipient),
                              row->account_type[0] ? NPG_DB_S(row->account_type) : NPG_DB_NUL,
                              NPG_DB_S(row->number_type), NPG_DB_S(row->email),
                              NPG_DB_S(row->contact), NPG_DB_I(row->override_cooloff),
                              row->original_id ? NPG_DB_U(row->original_id) : NPG_DB_NUL),
                     NULL, &row->id);
    if (rc == NPG_OK)
        rc = port_ranges_store(db, row);
    if (rc != NPG_OK)
        return rc;
    row->state = NPG_PS_NOPORT;
    char text[160];
    if (row->original_id)
        snprintf(text, sizeof(text), "Resubmitted with AccountType %s after rejection 35",
                 row->account_type);
    else if (row->pac[0])
        snprintf(text, sizeof(text), "PAC %s checked by the %s platform; submitted", row->pac,
                 row->clearinghouse);
    else
        snprintf(text, sizeof(text), "Submitted to clearinghouse");
    port_step_t step = {.event = NPG_EV_CREATE,
                        .msgtype = row->pac[0] ? "ClosePAC" : "PortingRequest",
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = -1};
    return port_apply(db, conf, row, &step, err, errlen);
}

struct create_args {
    const npg_port_in_req_t *req;
    port_row_t row;
};

static int create_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    struct create_args *a = arg;
    npg_operator_t self;
    int rc = npg_operator_get(db, conf->general.operator_code, &self);
    if (rc == NPG_ENOTFOUND) {
        snprintf(err, errlen, "our operator %s is not configured (npgwctl operator add %s --self)",
                 conf->general.operator_code, conf->general.operator_code);
        return NPG_ECONF;
    }
    if (rc == NPG_OK)
        rc = detect_donor(db, a->req, &a->row, err, errlen);
    if (rc == NPG_OK && strcmp(a->row.donor, conf->general.operator_code) == 0) {
        snprintf(err, errlen, "the numbers are already ours (donor would be %s)", a->row.donor);
        rc = NPG_EINVAL;
    }
    if (rc == NPG_OK)
        rc = check_not_in_flight(db, &a->row, err, errlen);
    if (rc == NPG_OK)
        rc = port_insert_in(db, conf, &a->row, err, errlen);
    if (rc == NPG_OK && a->req->external_reference)
        rc = npg_db_exec(db, "UPDATE port_in SET external_reference = ? WHERE id = ?",
                         NPG_DB_P(NPG_DB_S(a->req->external_reference), NPG_DB_U(a->row.id)),
                         NULL, NULL);
    uint64_t auth_xml = 0;
    if (rc == NPG_OK && a->req->in_tx)
        rc = a->req->in_tx(db, a->row.id, a->req->in_tx_arg, &auth_xml, err, errlen);
    if (rc == NPG_OK && a->row.pac[0]) {
        /* The platform validated the PAC and granted the date before we got here. */
        port_step_t ok = {.event = NPG_EV_AUTH_ACCEPT,
                          .msgtype = "RequestPortDate",
                          .direction = PORT_DIR_RECEIVED,
                          .eventlog = "PAC valid and port date granted by the platform",
                          .xml_id = auth_xml,
                          .reject_code = -1};
        rc = port_apply(db, conf, &a->row, &ok, err, errlen);
    }
    return rc;
}

int npg_port_in_create(npg_db_t *db, const npg_conf_t *conf, const npg_port_in_req_t *req,
                       char msgid[NPG_MSGID_LEN], char *err, size_t errlen)
{
    struct create_args a = {.req = req};
    err[0] = '\0';
    int rc = validate_in(conf, req, &a.row, err, errlen);
    if (rc == NPG_OK)
        rc = port_tx(db, create_tx, conf, &a, err, errlen);
    if (rc == NPG_OK)
        npg_strlcpy(msgid, a.row.msgid, NPG_MSGID_LEN);
    return rc;
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

/* A local step on a port named by its identifier: load, apply, or record the refusal. */
struct local_args {
    npg_port_kind_t kind;
    const char *msgid;
    port_step_t step;
    port_row_t row;
    bool refused;
};

static int local_tx(npg_db_t *db, const npg_conf_t *conf, void *arg, char *err, size_t errlen)
{
    struct local_args *a = arg;
    int rc = port_load(db, a->kind, a->msgid, 0, true, &a->row);
    if (rc == NPG_ENOTFOUND)
        snprintf(err, errlen, "no port-%s with msgidentifier %s", port_kind_str(a->kind),
                 a->msgid);
    if (rc == NPG_OK)
        rc = port_apply(db, conf, &a->row, &a->step, err, errlen);
    a->refused = rc == NPG_ESTATE;
    return rc;
}

int port_local_step(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, const char *msgid,
                    const port_step_t *step, char *err, size_t errlen)
{
    struct local_args a = {.kind = kind, .msgid = msgid, .step = *step};
    err[0] = '\0';
    int rc = port_tx(db, local_tx, conf, &a, err, errlen);
    if (a.refused)
        port_record_refused(db, &a.row, &a.step);
    return rc;
}

int npg_port_in_instruct(npg_db_t *db, const npg_conf_t *conf, const char *msgid, char *err,
                         size_t errlen)
{
    port_step_t step = {.event = NPG_EV_INSTRUCT,
                        .msgtype = "InstructionRequest",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Instruction to proceed sent",
                        .reject_code = -1};
    return port_local_step(db, conf, NPG_PORT_IN, msgid, &step, err, errlen);
}

int npg_port_in_abort(npg_db_t *db, const npg_conf_t *conf, const char *msgid, char *err,
                      size_t errlen)
{
    port_step_t step = {.event = NPG_EV_ABORT,
                        .msgtype = "AbortRequest",
                        .direction = PORT_DIR_SENT,
                        .eventlog = "Aborted by request",
                        .reason = "Aborted by the recipient operator",
                        .reject_code = -1};
    return port_local_step(db, conf, NPG_PORT_IN, msgid, &step, err, errlen);
}
