/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/query.h"

#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "porting/port.h"

static const char *const one_sql[2] = {
    "SELECT p.id, p.msgidentifier, p.state, p.donor_operator, p.email, p.contact_number,"
    " p.number_type, p.account_type, p.override_cooloff,"
    " DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s'), DATE_FORMAT(p.updated_at,"
    " '%Y-%m-%dT%H:%i:%s'), p.failure_reason, o.msgidentifier, p.failure_text,"
    " p.recipient_operator, p.clearinghouse, p.clearinghouse_ref, p.clearinghouse_status,"
    " DATE_FORMAT(p.port_time, '%Y-%m-%dT%H:%i:%sZ') FROM port_in p"
    " LEFT JOIN port_in o ON o.id = p.original_id"
    " WHERE p.id = ?",
    "SELECT p.id, p.msgidentifier, p.state, p.donor_operator, '', '', p.number_type,"
    " p.account_type, 0, DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s'),"
    " DATE_FORMAT(p.updated_at, '%Y-%m-%dT%H:%i:%s'), p.failure_reason, NULL, p.failure_text,"
    " p.recipient_operator, p.clearinghouse, p.clearinghouse_ref, p.clearinghouse_status,"
    " DATE_FORMAT(p.port_time, '%Y-%m-%dT%H:%i:%sZ') FROM port_out p WHERE p.msgidentifier = ?",
};

/*
 * Lists with their filters in one statement each (the statement cache keys on the literal):
 * the state (-1: any) and a search ('' none) that matches part of the msgidentifier or a
 * number inside one of the port's ranges. MariaDB optimises each execution with the values,
 * so an unused filter costs nothing.
 */
#define IN_COLS                                                                                    \
    "SELECT p.id, p.msgidentifier, p.state, p.donor_operator, p.email, p.contact_number,"          \
    " p.number_type, p.account_type, p.override_cooloff,"                                          \
    " DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s'), DATE_FORMAT(p.updated_at,"                   \
    " '%Y-%m-%dT%H:%i:%s'), p.failure_reason, o.msgidentifier, p.failure_text,"                    \
    " p.recipient_operator, p.clearinghouse, p.clearinghouse_ref, p.clearinghouse_status,"         \
    " DATE_FORMAT(p.port_time, '%Y-%m-%dT%H:%i:%sZ') FROM port_in p"                               \
    " LEFT JOIN port_in o ON o.id = p.original_id"
#define OUT_COLS                                                                                   \
    "SELECT p.id, p.msgidentifier, p.state, p.donor_operator, '', '', p.number_type,"              \
    " p.account_type, 0, DATE_FORMAT(p.created_at, '%Y-%m-%dT%H:%i:%s'),"                          \
    " DATE_FORMAT(p.updated_at, '%Y-%m-%dT%H:%i:%s'), p.failure_reason, NULL, p.failure_text,"     \
    " p.recipient_operator, p.clearinghouse, p.clearinghouse_ref, p.clearinghouse_status,"         \
    " DATE_FORMAT(p.port_time, '%Y-%m-%dT%H:%i:%sZ') FROM port_out p"
#define FILTER(ranges, col)                                                                        \
    " WHERE (? < 0 OR p.state = ?) AND (? = '' OR p.msgidentifier LIKE ? ESCAPE '!' OR p.id IN"    \
    " (SELECT " col " FROM " ranges " WHERE range_start <= ? AND range_end >= ?))"

static const char *const list_sql[2] = {
    IN_COLS FILTER("port_in_ranges", "port_in_id") " ORDER BY p.id DESC LIMIT ? OFFSET ?",
    OUT_COLS FILTER("port_out_ranges", "port_out_id") " ORDER BY p.id DESC LIMIT ? OFFSET ?",
};

static const char *const count_sql[2] = {
    "SELECT COUNT(*) FROM port_in p" FILTER("port_in_ranges", "port_in_id"),
    "SELECT COUNT(*) FROM port_out p" FILTER("port_out_ranges", "port_out_id"),
};

static const char *const ranges_sql[2] = {
    "SELECT range_start, range_end FROM port_in_ranges WHERE port_in_id = ? ORDER BY id",
    "SELECT range_start, range_end FROM port_out_ranges WHERE port_out_id = ? ORDER BY id",
};

static const char *const events_sql[2] = {
    "SELECT id, msgtype, direction, eventlog, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'),"
    " from_state, to_state, applied FROM port_in_events WHERE port_in_id = ? ORDER BY id",
    "SELECT id, msgtype, direction, eventlog, DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'),"
    " from_state, to_state, applied FROM port_out_events WHERE port_out_id = ? ORDER BY id",
};

static json_t *nullable_str(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *local_number(const npg_conf_t *conf, const char *e164)
{
    return json_string(npg_e164_local_part(e164, conf->general.country_code));
}

/* One row of port_sql as the reference's record, without ranges and events. */
static json_t *row_json(const npg_conf_t *conf, npg_port_kind_t kind, const npg_db_rows_t *r,
                        size_t i)
{
    int state = (int)npg_db_rows_int(r, i, 2, 0);
    json_t *j = json_object();
    json_object_set_new(j, kind == NPG_PORT_IN ? "port_in_id" : "port_out_id",
                        json_integer(npg_db_rows_int(r, i, 0, 0)));
    json_object_set_new(j, "msgidentifier", json_string(npg_db_rows_get(r, i, 1)));
    json_object_set_new(j, "PortingState", json_integer(state));
    json_object_set_new(j, "PortingStateString", json_string(npg_port_state_name(state)));
    if (kind == NPG_PORT_IN) {
        json_object_set_new(j, "donornetworkoperator", json_string(npg_db_rows_get(r, i, 3)));
        json_object_set_new(j, "email", json_string(npg_db_rows_get(r, i, 4)));
        json_object_set_new(j, "contacttelephonenumber", json_string(npg_db_rows_get(r, i, 5)));
    } else {
        json_object_set_new(j, "recipientnetworkoperator", json_string(npg_db_rows_get(r, i, 14)));
    }
    json_object_set_new(j, "Type_of_Numbers", json_string(npg_db_rows_get(r, i, 6)));
    if (kind == NPG_PORT_IN) {
        json_object_set_new(j, "AccountType", nullable_str(npg_db_rows_get(r, i, 7)));
        json_object_set_new(j, "overridecooloff", json_boolean(npg_db_rows_int(r, i, 8, 0)));
    }
    json_object_set_new(j, "submission_timestamp", json_string(npg_db_rows_get(r, i, 9)));
    json_object_set_new(j, "update_timestamp", json_string(npg_db_rows_get(r, i, 10)));
    const char *fr = npg_db_rows_get(r, i, 11);
    json_object_set_new(j, "failure_reason", fr ? json_integer(atoi(fr)) : json_null());
    json_object_set_new(j, "failure_text", nullable_str(npg_db_rows_get(r, i, 13)));
    if (kind == NPG_PORT_IN)
        json_object_set_new(j, "original_porting_request", nullable_str(npg_db_rows_get(r, i, 12)));
    /* the clearinghouse's own view (NPAC: subscription version id and status, due date) */
    json_object_set_new(j, "clearinghouse", json_string(npg_db_rows_get(r, i, 15)));
    json_object_set_new(j, "clearinghouse_ref", nullable_str(npg_db_rows_get(r, i, 16)));
    json_object_set_new(j, "clearinghouse_status", nullable_str(npg_db_rows_get(r, i, 17)));
    json_object_set_new(j, "port_time", nullable_str(npg_db_rows_get(r, i, 18)));
    (void)conf;
    return j;
}

static int add_ranges_events(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind,
                             uint64_t id, json_t *j)
{
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query(db, ranges_sql[kind], NPG_DB_P(NPG_DB_U(id)), &r);
    if (rc != NPG_OK)
        return rc;
    json_t *ranges = json_array();
    for (size_t i = 0; i < npg_db_rows_count(r); i++)
        json_array_append_new(ranges, json_pack("{s:o, s:o}", "telephonenumberseriestart",
                                                local_number(conf, npg_db_rows_get(r, i, 0)),
                                                "telephonenumberserieend",
                                                local_number(conf, npg_db_rows_get(r, i, 1))));
    npg_db_rows_free(&r);
    json_object_set_new(j, "phone_number_ranges", ranges);
    if ((rc = npg_db_query(db, events_sql[kind], NPG_DB_P(NPG_DB_U(id)), &r)) != NPG_OK)
        return rc;
    json_t *events = json_array();
    for (size_t i = 0; i < npg_db_rows_count(r); i++) {
        json_t *e = json_object();
        json_object_set_new(e, kind == NPG_PORT_IN ? "porting_in_event_id" : "porting_out_event_id",
                            json_integer(npg_db_rows_int(r, i, 0, 0)));
        json_object_set_new(e, "msgtype", json_string(npg_db_rows_get(r, i, 1)));
        json_object_set_new(e, "direction", json_integer(npg_db_rows_int(r, i, 2, 0)));
        json_object_set_new(e, "eventlog", json_string(npg_db_rows_get(r, i, 3)));
        json_object_set_new(e, "submission_timestamp", json_string(npg_db_rows_get(r, i, 4)));
        json_object_set_new(e, "from_state", json_integer(npg_db_rows_int(r, i, 5, 0)));
        json_object_set_new(e, "to_state", json_integer(npg_db_rows_int(r, i, 6, 0)));
        json_object_set_new(e, "applied", json_boolean(npg_db_rows_int(r, i, 7, 0)));
        json_array_append_new(events, e);
    }
    npg_db_rows_free(&r);
    json_object_set_new(j, "events", events);
    return NPG_OK;
}

/* A port-out's BSS eligibility answer (docs/integrations.md), for the people who decide it. */
static int add_eligibility(npg_db_t *db, uint64_t id, json_t *j)
{
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query(db,
                          "SELECT mode, status, reject_code, reasons, detail,"
                          " DATE_FORMAT(answered_at, '%Y-%m-%dT%H:%i:%sZ')"
                          " FROM port_out_eligibility WHERE port_out_id = ? AND status IS NOT NULL",
                          NPG_DB_P(NPG_DB_U(id)), &r);
    if (rc == NPG_OK && npg_db_rows_count(r) == 1) {
        const char *code = npg_db_rows_get(r, 0, 2);
        json_object_set_new(j, "eligibility",
                            json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "mode",
                                      npg_db_rows_get(r, 0, 0), "status", npg_db_rows_get(r, 0, 1),
                                      "reject_code",
                                      code ? json_integer(strtol(code, NULL, 10)) : json_null(),
                                      "reasons", nullable_str(npg_db_rows_get(r, 0, 3)), "detail",
                                      nullable_str(npg_db_rows_get(r, 0, 4)), "answered_at",
                                      nullable_str(npg_db_rows_get(r, 0, 5))));
    }
    npg_db_rows_free(&r);
    return rc;
}

int npg_port_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, const char *msgid,
                  json_t **out)
{
    npg_db_rows_t *r = NULL;
    int rc;
    if (kind == NPG_PORT_IN) {
        uint64_t id;
        char active[NPG_MSGID_LEN];
        if ((rc = npg_port_in_resolve(db, msgid, &id, active)) != NPG_OK)
            return rc;
        rc = npg_db_query(db, one_sql[kind], NPG_DB_P(NPG_DB_U(id)), &r);
    } else {
        rc = npg_db_query(db, one_sql[kind], NPG_DB_P(NPG_DB_S(msgid)), &r);
    }
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(r) != 1) {
        npg_db_rows_free(&r);
        return NPG_ENOTFOUND;
    }
    json_t *j = row_json(conf, kind, r, 0);
    uint64_t id = (uint64_t)npg_db_rows_int(r, 0, 0, 0);
    npg_db_rows_free(&r);
    rc = add_ranges_events(db, conf, kind, id, j);
    if (rc == NPG_OK && kind == NPG_PORT_OUT)
        rc = add_eligibility(db, id, j);
    if (rc != NPG_OK) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return NPG_OK;
}

/* The filter's parameters: state twice, the search, its LIKE pattern, the number twice. */
typedef struct filter_params {
    char like[2 * NPG_PORT_SEARCH_MAX + 3];
    uint64_t number;
} filter_params_t;

static int filter_prepare(const npg_conf_t *conf, const npg_port_filter_t *f, filter_params_t *fp)
{
    const char *q = f->search ? f->search : "";
    size_t n = strlen(q), o = 0;
    if (n > NPG_PORT_SEARCH_MAX)
        return NPG_EINVAL;
    fp->number = 0; /* no range holds 0: a search that is no number matches no range */
    char e164[NPG_E164_BUFLEN];
    if (n > 0 && strspn(q, "0123456789") == n &&
        npg_e164_normalise(q, conf->general.country_code, e164) == NPG_OK &&
        npg_e164_to_u64(e164, &fp->number) != NPG_OK)
        fp->number = 0;
    /* part of the identifier: LIKE '%q%' with its wildcards taken literally */
    fp->like[o++] = '%';
    for (size_t i = 0; i < n; i++) {
        if (q[i] == '%' || q[i] == '_' || q[i] == '!')
            fp->like[o++] = '!';
        fp->like[o++] = q[i];
    }
    fp->like[o++] = '%';
    fp->like[o] = '\0';
    return NPG_OK;
}

int npg_port_search_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind,
                         const npg_port_filter_t *f, int limit, int offset, json_t **out)
{
    filter_params_t fp;
    if (filter_prepare(conf, f, &fp) != NPG_OK)
        return NPG_EINVAL;
    const char *q = f->search ? f->search : "";
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query(db, list_sql[kind],
                          NPG_DB_P(NPG_DB_I(f->state), NPG_DB_I(f->state), NPG_DB_S(q),
                                   NPG_DB_S(fp.like), NPG_DB_U(fp.number), NPG_DB_U(fp.number),
                                   NPG_DB_I(limit), NPG_DB_I(offset)),
                          &r);
    if (rc != NPG_OK)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < npg_db_rows_count(r) && rc == NPG_OK; i++) {
        json_t *j = row_json(conf, kind, r, i);
        rc = add_ranges_events(db, conf, kind, (uint64_t)npg_db_rows_int(r, i, 0, 0), j);
        if (rc == NPG_OK && kind == NPG_PORT_OUT)
            rc = add_eligibility(db, (uint64_t)npg_db_rows_int(r, i, 0, 0), j);
        json_array_append_new(list, j);
    }
    npg_db_rows_free(&r);
    if (rc != NPG_OK) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return NPG_OK;
}

int npg_port_count(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind,
                   const npg_port_filter_t *f, int64_t *out)
{
    filter_params_t fp;
    if (filter_prepare(conf, f, &fp) != NPG_OK)
        return NPG_EINVAL;
    return npg_db_query_int(db, count_sql[kind],
                            NPG_DB_P(NPG_DB_I(f->state), NPG_DB_I(f->state),
                                     NPG_DB_S(f->search ? f->search : ""), NPG_DB_S(fp.like),
                                     NPG_DB_U(fp.number), NPG_DB_U(fp.number)),
                            out);
}

int npg_port_list_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, int limit,
                       int offset, int state, json_t **out)
{
    npg_port_filter_t f = {.state = state, .search = ""};
    return npg_port_search_json(db, conf, kind, &f, limit, offset, out);
}

int npg_port_xml_list_json(npg_db_t *db, npg_port_kind_t kind, const char *msgid, json_t **out)
{
    npg_db_rows_t *r = NULL;
    int rc = npg_db_query(
        db,
        "SELECT x.folder, x.filename FROM xml_messages x JOIN (SELECT id, 'in' AS k"
        " FROM port_in WHERE msgidentifier = ? UNION ALL SELECT id, 'out' FROM"
        " port_out WHERE msgidentifier = ?) p ON x.port_id = p.id AND"
        " x.port_kind = p.k WHERE p.k = ? ORDER BY x.id",
        NPG_DB_P(NPG_DB_S(msgid), NPG_DB_S(msgid), NPG_DB_S(kind == NPG_PORT_IN ? "in" : "out")),
        &r);
    if (rc != NPG_OK)
        return rc;
    int64_t ports = 0;
    if (npg_db_rows_count(r) == 0) { /* no files: is there such a port at all? */
        rc = npg_db_query_int(db,
                              "SELECT (SELECT COUNT(*) FROM port_in WHERE msgidentifier = ?) +"
                              " (SELECT COUNT(*) FROM port_out WHERE msgidentifier = ?)",
                              NPG_DB_P(NPG_DB_S(msgid), NPG_DB_S(msgid)), &ports);
        if (rc == NPG_OK && ports == 0)
            rc = NPG_ENOTFOUND;
        if (rc != NPG_OK) {
            npg_db_rows_free(&r);
            return rc;
        }
    }
    json_t *j = json_pack("{s:[], s:[]}", "input_XML", "output_XML");
    for (size_t i = 0; i < npg_db_rows_count(r); i++)
        json_array_append_new(json_object_get(j, npg_db_rows_get(r, i, 0)),
                              json_string(npg_db_rows_get(r, i, 1)));
    npg_db_rows_free(&r);
    *out = j;
    return NPG_OK;
}
