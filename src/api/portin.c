/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /np_api/PortIn and /np_api/PortOut: adapters between JSON and porting/port.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/input.h"
#include "api/rest_routes.h"
#include "common/util.h"
#include "http/files.h"
#include "porting/port.h"
#include "porting/query.h"

#define CTX(req) ((npg_rest_ctx_t *)(req)->ctx)

/* A string field: present and a string when required; NULL when absent and optional. */
static int body_str(json_t *body, const char *key, bool required, size_t maxlen, const char **out,
                    char *why, size_t whylen)
{
    json_t *v = body ? json_object_get(body, key) : NULL;
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return snprintf(why, whylen, "field %s is required", key), NPG_EINVAL;
        return NPG_OK;
    }
    if (!json_is_string(v))
        return snprintf(why, whylen, "field %s must be a string", key), NPG_EINVAL;
    if (strlen(json_string_value(v)) > maxlen)
        return snprintf(why, whylen, "field %s is longer than %zu characters", key, maxlen),
               NPG_EINVAL;
    *out = json_string_value(v);
    return NPG_OK;
}

/* body_str on the request's body; a refusal is replied (400). */
static int field_str(npg_rest_ctx_t *c, const char *key, bool required, size_t maxlen,
                     const char **out)
{
    char why[256];
    int rc = body_str(c->body, key, required, maxlen, out, why, sizeof(why));
    if (rc != NPG_OK)
        npg_rest_error(c, 400, "%s", why);
    return rc;
}

int npg_rest_portin_fields(json_t *body, npg_port_in_req_t *in, char *why, size_t whylen)
{
    const char *type = NULL, *due = NULL;
    memset(in, 0, sizeof(*in));
    if (body_str(body, "donornetworkoperator", false, 10, &in->donor, why, whylen) ||
        body_str(body, "email", true, 254, &in->email, why, whylen) ||
        body_str(body, "contacttelephonenumber", true, 20, &in->contact_number, why, whylen) ||
        body_str(body, "Type_of_Numbers", true, 6, &type, why, whylen) ||
        body_str(body, "telephonenumberseriestart", true, 15, &in->ranges[0].start, why, whylen) ||
        body_str(body, "telephonenumberserieend", true, 15, &in->ranges[0].end, why, whylen) ||
        body_str(body, "AccountType", true, 8, &in->account_type, why, whylen) ||
        body_str(body, "due_date", false, 20, &due, why, whylen))
        return NPG_EINVAL;
    if (due && npg_time_parse(due, &in->port_time) != NPG_OK)
        return snprintf(why, whylen, "field due_date must be a UTC time like 2026-03-05T15:00:00Z"),
               NPG_EINVAL;
    json_t *oc = json_object_get(body, "overridecooloff");
    if (oc && !json_is_boolean(oc) && !json_is_null(oc))
        return snprintf(why, whylen, "field overridecooloff must be true or false"), NPG_EINVAL;
    in->override_cooloff = json_is_true(oc);
    json_t *ps = json_object_get(body, "PortingState");
    if (ps && !json_is_null(ps) && (!json_is_integer(ps) || json_integer_value(ps) != 0))
        return snprintf(why, whylen,
                        "field PortingState must be the integer 0: a port starts"
                        " at the clearinghouse, not in a later state"),
               NPG_EINVAL;
    /* The reference spells the values "mobile"/"fixed"; accept any case, store lower case. */
    in->number_type = strcasecmp(type, "mobile") == 0  ? "mobile"
                      : strcasecmp(type, "fixed") == 0 ? "fixed"
                                                       : type;
    in->nranges = 1;
    return NPG_OK;
}

int npg_rest_portin_create(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    npg_rest_ctx_t *c = CTX(req);
    npg_port_in_req_t in;
    char why[512];
    if (!c->body)
        return npg_rest_error(c, 400, "a JSON body is required");
    if (npg_rest_portin_fields(c->body, &in, why, sizeof(why)) != NPG_OK)
        return npg_rest_error(c, 400, "%s", why);
    char msgid[NPG_MSGID_LEN], err[512];
    int rc = npg_port_in_create(c->db, c->pt, &in, msgid, err, sizeof(err));
    snprintf(c->audit_target, sizeof(c->audit_target), "%s-%s", in.ranges[0].start,
             in.ranges[0].end);
    /* an unknown donor is a bad field value (400), not a missing resource */
    if (rc != NPG_OK)
        return npg_rest_fail(c,
                             rc == NPG_ECONF       ? NPG_EIO
                             : rc == NPG_ENOTFOUND ? NPG_EINVAL
                                                   : rc,
                             err);
    snprintf(c->audit_detail, sizeof(c->audit_detail), "created %s", msgid);
    return npg_rest_ok(c, json_pack("{s:s, s:s, s:s}", "result", "success", "msgidentifier", msgid,
                                    "message", "Port-in request created successfully"));
}

/* The list's filters: ?state=N&q=TEXT (a number in a range, or part of the msgidentifier). */
static int filter(npg_rest_ctx_t *c, npg_port_filter_t *f, char *q, size_t qlen)
{
    char v[16];
    f->state = -1;
    f->search = "";
    int rc = npg_rest_query(c, "state", v, sizeof(v));
    if (rc == NPG_OK && v[0]) { /* state= (empty) means any, as a form sends it */
        if (!npg_is_digits(v) || strlen(v) > 3)
            return npg_rest_error(c, 400, "query parameter state must be a whole number"),
                   NPG_EINVAL;
        f->state = atoi(v);
    } else if (rc == NPG_EINVAL)
        return npg_rest_error(c, 400, "query parameter state must be a whole number"), NPG_EINVAL;
    rc = npg_rest_query(c, "q", q, qlen);
    if (rc == NPG_EINVAL)
        return npg_rest_error(c, 400,
                              "query parameter q must be at most %d characters of a number or"
                              " message identifier",
                              NPG_PORT_SEARCH_MAX),
               NPG_EINVAL;
    if (rc == NPG_OK)
        f->search = q;
    return NPG_OK;
}

/* ?limit=N&offset=N&state=N&q=TEXT (30 most recent by default). */
static int list(npg_rest_ctx_t *c, npg_port_kind_t kind)
{
    int limit = 30, offset = 0;
    const char *names[] = {"limit", "offset"};
    int *dst[] = {&limit, &offset};
    for (size_t i = 0; i < NPG_ARRAY_LEN(names); i++) {
        char v[16];
        int rc = npg_rest_query(c, names[i], v, sizeof(v));
        if (rc == NPG_ENOTFOUND)
            continue;
        if (rc != NPG_OK || !npg_is_digits(v) || strlen(v) > 6)
            return npg_rest_error(c, 400, "query parameter %s must be a whole number", names[i]);
        *dst[i] = atoi(v);
    }
    if (limit < 1 || limit > 1000)
        return npg_rest_error(c, 400, "limit must be between 1 and 1000");
    npg_port_filter_t f;
    char q[NPG_PORT_SEARCH_MAX + 1];
    if (filter(c, &f, q, sizeof(q)) != NPG_OK)
        return NPG_OK; /* replied */
    json_t *j = NULL;
    int rc = npg_port_search_json(c->db, c->conf, kind, &f, limit, offset, &j);
    return rc == NPG_OK ? npg_rest_ok(c, j) : npg_rest_fail(c, rc, NULL);
}

/* {"total": N, "state": S|null, "q": TEXT}: how many ports the same filters list. */
static int count(npg_rest_ctx_t *c, npg_port_kind_t kind)
{
    npg_port_filter_t f;
    char q[NPG_PORT_SEARCH_MAX + 1];
    if (filter(c, &f, q, sizeof(q)) != NPG_OK)
        return NPG_OK;
    int64_t n = 0;
    int rc = npg_port_count(c->db, c->conf, kind, &f, &n);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, NULL);
    return npg_rest_ok(c,
                       json_pack("{s:I, s:o, s:s}", "total", (json_int_t)n, "state",
                                 f.state < 0 ? json_null() : json_integer(f.state), "q", f.search));
}

int npg_rest_portin_count(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return count(CTX(req), NPG_PORT_IN);
}

int npg_rest_portout_count(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return count(CTX(req), NPG_PORT_OUT);
}

int npg_rest_portin_list(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return list(CTX(req), NPG_PORT_IN);
}

int npg_rest_portout_list(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return list(CTX(req), NPG_PORT_OUT);
}

static int get(npg_rest_ctx_t *c, npg_port_kind_t kind, const char *msgid)
{
    json_t *j = NULL;
    int rc = npg_port_json(c->db, c->conf, kind, msgid, &j);
    if (rc == NPG_ENOTFOUND)
        return npg_rest_error(c, 404, "no port-%s with msgidentifier %s",
                              kind == NPG_PORT_IN ? "in" : "out", msgid);
    return rc == NPG_OK ? npg_rest_ok(c, j) : npg_rest_fail(c, rc, NULL);
}

int npg_rest_portin_get(npg_http_req_t *req, const npg_route_match_t *m)
{
    return get(CTX(req), NPG_PORT_IN, m->params[0]);
}

int npg_rest_portout_get(npg_http_req_t *req, const npg_route_match_t *m)
{
    return get(CTX(req), NPG_PORT_OUT, m->params[0]);
}

/* The state-changing actions share one shape: identifier in, result out, 404/409 on refusal. */
static int action(npg_rest_ctx_t *c, int rc, const char *err, const char *msgid,
                  const char *message)
{
    if (rc == NPG_ENOTFOUND || (rc != NPG_OK && strstr(err, "no port-")))
        return npg_rest_error(c, 404, "%s", err);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, err);
    return npg_rest_ok(c, json_pack("{s:s, s:s, s:s}", "result", "success", "msgidentifier", msgid,
                                    "message", message));
}

int npg_rest_portin_instruct(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char err[512];
    int rc = npg_port_in_instruct(c->db, c->pt, m->params[0], err, sizeof(err));
    return action(c, rc, err, m->params[0], "Instruction sent");
}

int npg_rest_portin_abort(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char err[512];
    int rc = npg_port_in_abort(c->db, c->pt, m->params[0], err, sizeof(err));
    return action(c, rc, err, m->params[0], "Port-in aborted");
}

int npg_rest_portout_authorise(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    char err[512];
    int rc = npg_port_out_authorise(c->db, c->pt, m->params[0], err, sizeof(err));
    return action(c, rc, err, m->params[0], "Port-out authorised");
}

/* Optional body {"reason": "outstanding_balance"}; without one: 99 General Rejection. */
int npg_rest_portout_reject(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    const char *reason = NULL;
    if (field_str(c, "reason", false, 64, &reason))
        return NPG_OK;
    char err[512];
    int rc =
        npg_port_out_reject(c->db, c->pt, m->params[0], reason ? reason : "99", err, sizeof(err));
    return action(c, rc, err, m->params[0], "Port-out rejected");
}

static int xml_list(npg_rest_ctx_t *c, npg_port_kind_t kind, const char *msgid)
{
    json_t *by_folder = NULL;
    int rc = npg_port_xml_list_json(c->db, kind, msgid, &by_folder);
    if (rc == NPG_ENOTFOUND)
        return npg_rest_error(c, 404, "no port with msgidentifier %s", msgid);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, NULL);
    json_t *names = json_array();
    const char *folder;
    json_t *files;
    json_object_foreach(by_folder, folder, files)
    {
        size_t i;
        json_t *f;
        json_array_foreach(files, i, f)
            json_array_append_new(names, json_sprintf("%s/%s", folder, json_string_value(f)));
    }
    json_decref(by_folder);
    return npg_rest_ok(c, names);
}

int npg_rest_portin_xml_list(npg_http_req_t *req, const npg_route_match_t *m)
{
    return xml_list(CTX(req), NPG_PORT_IN, m->params[0]);
}

int npg_rest_portout_xml_list(npg_http_req_t *req, const npg_route_match_t *m)
{
    return xml_list(CTX(req), NPG_PORT_OUT, m->params[0]);
}

/* Only the two archive folders, only plain names: anything else is 403, as the reference says. */
int npg_rest_portin_xml_get(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_rest_ctx_t *c = CTX(req);
    const char *folder = m->params[0], *name = m->params[1];
    if ((strcmp(folder, "input_XML") != 0 && strcmp(folder, "output_XML") != 0) ||
        !npg_http_safe_name(name))
        return npg_rest_error(c, 403, "File not found");
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(c->db, "SELECT body FROM xml_messages WHERE folder = ? AND filename = ?",
                          NPG_DB_P(NPG_DB_S(folder), NPG_DB_S(name)), &rows);
    if (rc != NPG_OK)
        return npg_rest_fail(c, rc, NULL);
    if (npg_db_rows_count(rows) != 1) {
        npg_db_rows_free(&rows);
        return npg_rest_error(c, 403, "File not found");
    }
    const char *body = npg_db_rows_get(rows, 0, 0);
    /* A download, never a page: archived XML is the peer's, and could carry script. */
    char headers[256];
    snprintf(
        headers, sizeof(headers),
        "Content-Disposition: attachment; filename=\"%s\"\r\n"
        "Content-Security-Policy: default-src 'none'; sandbox\r\nX-Content-Type-Options: nosniff",
        name);
    req->headers = headers;
    rc = npg_http_reply(req, 200, "text/xml; charset=utf-8", body, strlen(body));
    npg_db_rows_free(&rows);
    return rc;
}
