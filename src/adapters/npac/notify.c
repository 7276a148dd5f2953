/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NPAC's notifications: read strictly, mapped to the port they are about (decode), kept in
 * npac_sv inside the transaction that applies them (the inbound hook), and recovered after a
 * lost link (NANC 351). */
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/npac/npac_internal.h"
#include "adapters/npac/store.h"
#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/alarm.h"
#include "porting/archive.h"
#include "porting/port.h"
#include "porting/state.h"
#include "soapH.h"
#include "xml/xml.h"

extern struct Namespace namespaces[];

/* What decode needs of a notification to find its port. */
typedef struct notice {
    int kind; /* index in inbound[] */
    char sv_id[33], new_spid[11], old_spid[11], tn[11], status[25];
    bool authorization;
} notice_t;

enum { N_CREATE, N_STATUS, N_WINDOW, N_DISCONNECT };

static void take(char *dst, size_t len, const char *src)
{
    npg_strlcpy(dst, src ? src : "", len);
}

static int get_create(struct soap *s, notice_t *v)
{
    struct _npac__SvNewSpCreateNotification n;
    soap_default__npac__SvNewSpCreateNotification(s, &n);
    if (!soap_get__npac__SvNewSpCreateNotification(s, &n, "npac:SvNewSpCreateNotification", NULL))
        return s->error;
    take(v->sv_id, sizeof(v->sv_id), n.SvId);
    take(v->new_spid, sizeof(v->new_spid), n.NewSpid);
    take(v->old_spid, sizeof(v->old_spid), n.OldSpid);
    take(v->tn, sizeof(v->tn), n.TnStart);
    take(v->status, sizeof(v->status), "pending");
    return SOAP_OK;
}

static int get_status(struct soap *s, notice_t *v)
{
    struct _npac__SvStatusNotification n;
    soap_default__npac__SvStatusNotification(s, &n);
    if (!soap_get__npac__SvStatusNotification(s, &n, "npac:SvStatusNotification", NULL))
        return s->error;
    take(v->sv_id, sizeof(v->sv_id), n.SvId);
    take(v->new_spid, sizeof(v->new_spid), n.NewSpid);
    take(v->old_spid, sizeof(v->old_spid), n.OldSpid);
    take(v->tn, sizeof(v->tn), n.TnStart);
    take(v->status, sizeof(v->status), soap_npac__SvStatus2s(s, n.Status));
    v->authorization = n.OldSpAuthorization && *n.OldSpAuthorization == xsd__boolean__true_;
    return SOAP_OK;
}

static int get_window(struct soap *s, notice_t *v)
{
    struct _npac__SvConcurrenceWindowNotification n;
    soap_default__npac__SvConcurrenceWindowNotification(s, &n);
    if (!soap_get__npac__SvConcurrenceWindowNotification(
            s, &n, "npac:SvConcurrenceWindowNotification", NULL))
        return s->error;
    take(v->sv_id, sizeof(v->sv_id), n.SvId);
    take(v->new_spid, sizeof(v->new_spid), n.NewSpid);
    take(v->old_spid, sizeof(v->old_spid), n.OldSpid);
    take(v->tn, sizeof(v->tn), n.TnStart);
    return SOAP_OK;
}

static int get_disconnect(struct soap *s, notice_t *v)
{
    struct _npac__SvDisconnectNotification n;
    soap_default__npac__SvDisconnectNotification(s, &n);
    if (!soap_get__npac__SvDisconnectNotification(s, &n, "npac:SvDisconnectNotification", NULL))
        return s->error;
    take(v->sv_id, sizeof(v->sv_id), n.SvId);
    take(v->tn, sizeof(v->tn), n.Tn);
    return SOAP_OK;
}

/* What the NPAC may deliver to an SOA: anything else is refused. */
static const struct {
    const char *tag;
    int (*get)(struct soap *, notice_t *);
} inbound[] = {
    [N_CREATE] = {"npac:SvNewSpCreateNotification", get_create},
    [N_STATUS] = {"npac:SvStatusNotification", get_status},
    [N_WINDOW] = {"npac:SvConcurrenceWindowNotification", get_window},
    [N_DISCONNECT] = {"npac:SvDisconnectNotification", get_disconnect},
};

/* The contract check: one notification of the contract, deserialized strictly. */
static int read_notice(const npg_conf_t *conf, const char *body, notice_t *v, char *err,
                       size_t errlen)
{
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!s)
        return NPG_ENOMEM;
    soap_set_namespaces(s, namespaces);
    s->maxlevel = (unsigned)conf->http.max_xml_depth;
    s->recv_maxlength = (ULONG64)conf->http.max_request_bytes;
    s->is = body;
    int rc = NPG_EXML;
    memset(v, 0, sizeof(*v));
    if (soap_begin_recv(s) || soap_envelope_begin_in(s) || soap_recv_header(s) ||
        soap_body_begin_in(s) || soap_peek_element(s)) {
        npg_soap_error_text(s, err, errlen);
        goto done;
    }
    size_t i;
    for (i = 0; i < NPG_ARRAY_LEN(inbound); i++)
        if (!soap_match_tag(s, s->tag, inbound[i].tag))
            break;
    if (i == NPG_ARRAY_LEN(inbound)) {
        snprintf(err, errlen, "element %s is not a notification the NPAC sends an SOA", s->tag);
        rc = NPG_EINVAL;
        goto done;
    }
    v->kind = (int)i;
    if (inbound[i].get(s, v) || soap_body_end_in(s) || soap_envelope_end_in(s) ||
        soap_end_recv(s)) {
        char why[400];
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(err, errlen, "%s does not match wsdl/npac/npac.wsdl: %s", inbound[i].tag, why);
        rc = NPG_EINVAL;
        goto done;
    }
    rc = NPG_OK;
done:
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return rc;
}

/* Which port a notification is about, from our side; a new port-out gets a new identifier. */
static int find_port(npac_t *n, npg_db_t *db, const notice_t *v, const char **role,
                     char msgid[NPG_MSGID_LEN], bool *reopen, char number_type[7], char *err,
                     size_t errlen)
{
    const npg_conf_t *conf = n->conf;
    const char *us = conf->general.operator_code;
    npg_npac_port_t p;
    int rc;
    *reopen = false;
    npg_strlcpy(number_type, "fixed", 7);
    if (v->kind == N_DISCONNECT) { /* a broadcast to every SP: the port that brought it, if ours */
        *role = "none";
        rc = npg_npac_port_of_sv(db, v->sv_id, NPG_PORT_IN, &p);
        if (rc == NPG_ENOTFOUND)
            rc = npg_npac_port_of_sv(db, v->sv_id, NPG_PORT_OUT, &p);
        if (rc == NPG_OK)
            npg_strlcpy(msgid, p.msgid, NPG_MSGID_LEN);
        return rc == NPG_ENOTFOUND ? npg_port_new_msgidentifier(db, conf, msgid) : rc;
    }
    if (strcmp(v->new_spid, us) == 0) {
        *role = "in";
        char e164[NPG_E164_BUFLEN];
        uint64_t tn = 0;
        rc = npg_npac_port_of_sv(db, v->sv_id, NPG_PORT_IN, &p);
        /* a notification may overtake the reply that named the version: the TN says */
        if (rc == NPG_ENOTFOUND &&
            npg_e164_normalise(v->tn, conf->general.country_code, e164) == NPG_OK &&
            npg_e164_to_u64(e164, &tn) == NPG_OK)
            rc = npg_npac_port_in_of_tn(db, tn, &p);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "no NPAC port-in of %s has version %s", v->tn, v->sv_id);
        if (rc == NPG_OK)
            npg_strlcpy(msgid, p.msgid, NPG_MSGID_LEN);
        return rc;
    }
    if (strcmp(v->old_spid, us) != 0) {
        snprintf(err, errlen, "version %s is between %s and %s: neither is us (%s)", v->sv_id,
                 v->old_spid, v->new_spid, us);
        return NPG_EINVAL;
    }
    *role = "out";
    rc = npg_npac_port_of_sv(db, v->sv_id, NPG_PORT_OUT, &p);
    if (rc == NPG_OK && v->kind == N_STATUS && strcmp(v->status, "pending") == 0 &&
        !v->authorization && npg_port_state_is(NPG_PORT_OUT, p.state, NPG_SF_FINAL) &&
        p.state != NPG_PS_COMPLETE) {
        /* out of the conflict we put it in: a request to answer again */
        *reopen = true;
        npg_strlcpy(number_type, p.number_type, 7);
        return npg_port_new_msgidentifier(db, conf, msgid);
    }
    if (rc == NPG_OK) {
        npg_strlcpy(msgid, p.msgid, NPG_MSGID_LEN);
        return NPG_OK;
    }
    if (rc == NPG_ENOTFOUND && v->kind == N_CREATE)
        return npg_port_new_msgidentifier(db, conf, msgid);
    if (rc == NPG_ENOTFOUND)
        snprintf(err, errlen, "no NPAC port-out has version %s", v->sv_id);
    return rc;
}

int npac_decode(void *state, npg_db_t *db, const char *body, size_t len, npg_canon_msg_t *out,
                char *err, size_t errlen)
{
    npac_t *n = state;
    const npg_conf_t *conf = n->conf;
    xmlDocPtr doc = NULL;
    notice_t v;
    const char *role = "in";
    char msgid[NPG_MSGID_LEN] = "", number_type[7];
    bool reopen = false;
    /* Untrusted: no DTD, entities or network, size and depth bounded. */
    int rc = npg_xml_parse(body, len, (size_t)conf->http.max_request_bytes,
                           conf->http.max_xml_depth, &doc, err, errlen);
    if (rc == NPG_OK)
        rc = read_notice(conf, body, &v, err, errlen);
    if (rc == NPG_OK)
        rc = find_port(n, db, &v, &role, msgid, &reopen, number_type, err, errlen);
    if (rc == NPG_ETOOBIG)
        snprintf(err, errlen, "this month's message identifiers are used up");
    if (rc == NPG_OK) {
        const char *params[] = {"msgidentifier",
                                msgid,
                                "role",
                                role,
                                "reopen",
                                reopen ? "1" : "",
                                "number_type",
                                number_type,
                                "cc",
                                conf->general.country_code,
                                "sender",
                                conf->npac.npac_operator,
                                "receiver",
                                conf->general.operator_code,
                                NULL};
        char *canonical = NULL;
        size_t clen = 0;
        rc = npg_xslt_apply_doc(n->to_canonical, doc, params, &canonical, &clen, err, errlen);
        if (rc == NPG_OK)
            rc = npg_canon_parse(canonical, clen, out, err, errlen);
        free(canonical);
    }
    xmlFreeDoc(doc);
    return rc;
}

/* --- the hook inside the inbound transaction --------------------------------------------- */

/* The version's row for a port, made when the NPAC first names the version. */
static int sv_row(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, npg_port_kind_t k,
                  uint64_t port_id, bool *exists)
{
    static const char *const port_sql[2] = {
        "SELECT p.donor_operator, p.recipient_operator, r.range_start, r.range_end FROM port_in p"
        " JOIN port_in_ranges r ON r.port_in_id = p.id WHERE p.id = ? ORDER BY r.id LIMIT 1",
        "SELECT p.donor_operator, p.recipient_operator, r.range_start, r.range_end FROM port_out p"
        " JOIN port_out_ranges r ON r.port_out_id = p.id WHERE p.id = ? ORDER BY r.id LIMIT 1",
    };
    int64_t n = 0;
    int rc = npg_db_query_int(
        db, "SELECT COUNT(*) FROM npac_sv WHERE port_kind = ? AND port_id = ?",
        NPG_DB_P(NPG_DB_S(k == NPG_PORT_IN ? "in" : "out"), NPG_DB_U(port_id)), &n);
    *exists = n > 0;
    if (rc != NPG_OK || *exists || !m->ch_ref[0])
        return rc;
    npg_db_rows_t *rows = NULL;
    if ((rc = npg_db_query(db, port_sql[k], NPG_DB_P(NPG_DB_U(port_id)), &rows)) != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) == 1) {
        const char *old = npg_db_rows_get(rows, 0, 0), *new = npg_db_rows_get(rows, 0, 1);
        rc = npg_db_exec(
            db,
            "INSERT INTO npac_sv (port_kind, port_id, sv_id, tn_first, tn_last, old_spid,"
            " new_spid, timer_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
            " FROM_UNIXTIME(?))",
            NPG_DB_P(NPG_DB_S(k == NPG_PORT_IN ? "in" : "out"), NPG_DB_U(port_id),
                     NPG_DB_S(m->ch_ref), NPG_DB_S(npg_db_rows_get(rows, 0, 2)),
                     NPG_DB_S(npg_db_rows_get(rows, 0, 3)), NPG_DB_S(old), NPG_DB_S(new),
                     NPG_DB_S(npac_short_timers(npg_porting_conf(pt), old, new) ? "short" : "long"),
                     NPG_DB_I(m->timestamp)),
            NULL, NULL);
        *exists = rc == NPG_OK;
    }
    npg_db_rows_free(&rows);
    return rc;
}

/* What the adapter keeps of a message, and the follow-ups only NPAC has. */
int npac_inbound(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, const char *port_kind,
                 uint64_t port_id, int state)
{
    (void)state;
    int rc = npg_npac_sequence_done(db, m->sequence[0] ? strtoull(m->sequence, NULL, 10) : 0);
    if (rc != NPG_OK)
        return rc;
    if (strcmp(port_kind, "none") == 0) { /* a disconnect broadcast: that TN's version is old */
        char e164[NPG_E164_BUFLEN];
        uint64_t tn;
        if (!m->number[0] ||
            npg_e164_normalise(m->number, npg_porting_conf(pt)->general.country_code, e164) !=
                NPG_OK ||
            npg_e164_to_u64(e164, &tn) != NPG_OK)
            return NPG_OK;
        return npg_db_exec(db,
                           "UPDATE npac_sv SET status = 'old' WHERE tn_first <= ? AND tn_last >= ?"
                           " AND status IN ('active', 'partial-failure', 'disconnect-pending')",
                           NPG_DB_P(NPG_DB_U(tn), NPG_DB_U(tn)), NULL, NULL);
    }
    npg_port_kind_t k = strcmp(port_kind, "out") == 0 ? NPG_PORT_OUT : NPG_PORT_IN;
    const char *kind = k == NPG_PORT_IN ? "in" : "out";
    bool exists = false;
    if ((rc = sv_row(db, pt, m, k, port_id, &exists)) != NPG_OK || !exists)
        return rc;
    const char *t = m->type;
    bool due = strcmp(t, "status") == 0 || strcmp(t, "authorisation_request") == 0;
    rc = npg_db_exec(db,
                     "UPDATE npac_sv SET sv_id = COALESCE(?, sv_id), status = COALESCE(?, status),"
                     " lrn = COALESCE(?, lrn), due_at = COALESCE(FROM_UNIXTIME(?), due_at),"
                     " created_at = COALESCE(created_at, FROM_UNIXTIME(?))"
                     " WHERE port_kind = ? AND port_id = ?",
                     NPG_DB_P(m->ch_ref[0] ? NPG_DB_S(m->ch_ref) : NPG_DB_NUL,
                              m->ch_status[0] ? NPG_DB_S(m->ch_status) : NPG_DB_NUL,
                              m->routing_number[0] ? NPG_DB_S(m->routing_number) : NPG_DB_NUL,
                              due && m->port_time ? NPG_DB_I(m->port_time) : NPG_DB_NUL,
                              NPG_DB_I(m->timestamp), NPG_DB_S(kind), NPG_DB_U(port_id)),
                     NULL, NULL);
    if (rc != NPG_OK)
        return rc;
    if (strcmp(t, "authorisation_response") == 0)
        rc = npg_db_exec(db,
                         "UPDATE npac_sv SET old_sp_answer = 'concur' WHERE port_kind = ?"
                         " AND port_id = ?",
                         NPG_DB_P(NPG_DB_S(kind), NPG_DB_U(port_id)), NULL, NULL);
    else if (strcmp(m->ch_status, "conflict") == 0)
        rc = npg_db_exec(db,
                         "UPDATE npac_sv SET old_sp_answer = 'conflict', conflict_cause ="
                         " COALESCE(?, conflict_cause), conflict_at = FROM_UNIXTIME(?)"
                         " WHERE port_kind = ? AND port_id = ?",
                         NPG_DB_P(m->reject_code >= 0 ? NPG_DB_I(m->reject_code) : NPG_DB_NUL,
                                  NPG_DB_I(m->timestamp), NPG_DB_S(kind), NPG_DB_U(port_id)),
                         NULL, NULL);
    else if (strcmp(m->ch_status, "pending") == 0) /* out of conflict, if it was */
        rc = npg_db_exec(db,
                         "UPDATE npac_sv SET old_sp_answer = 'none', conflict_cause = NULL,"
                         " conflict_at = NULL WHERE port_kind = ? AND port_id = ?"
                         " AND old_sp_answer = 'conflict'",
                         NPG_DB_P(NPG_DB_S(kind), NPG_DB_U(port_id)), NULL, NULL);
    if (rc != NPG_OK)
        return rc;
    if (strcmp(t, "cancelled") == 0) { /* the other SP cancelled: we agree, once */
        uint64_t first = 0;
        rc = npg_db_exec(db,
                         "UPDATE npac_sv SET cancel_ack_sent = 1 WHERE port_kind = ?"
                         " AND port_id = ? AND cancel_ack_sent = 0",
                         NPG_DB_P(NPG_DB_S(kind), NPG_DB_U(port_id)), &first, NULL);
        if (rc == NPG_OK && first)
            rc = npg_port_queue(db, pt, k, port_id, "cancel_ack", -1, NULL,
                                "Cancellation acknowledged (SvCancelAckRequest)");
    } else if (strcmp(t, "ported") == 0 && strcmp(m->ch_status, "partial-failure") == 0) {
        rc = npg_alarm_raise(db, NPG_ALARM_WARNING, "npac", kind, port_id,
                             "port-%s %s: activation broadcast partly failed (%s); the NPAC"
                             " resends to them, the number routes by every other network",
                             kind, m->msgidentifier, m->reason[0] ? m->reason : "some SPs");
    } else if (strcmp(t, "port_failed") == 0) {
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "npac", kind, port_id,
                             "port-%s %s: activation broadcast failed (%s); the port waits"
                             " for another activation (npgwctl port-in instruct)",
                             kind, m->msgidentifier, m->reason[0] ? m->reason : "every SP");
    }
    return rc;
}

/* --- recovery (NANC 351) --------------------------------------------------------------- */

static void new_message_id(const npg_conf_t *conf, const char *what, char out[65])
{
    unsigned char r[6] = {0};
    char hex[13];
    if (npg_random_bytes(r, sizeof(r)) != NPG_OK)
        npg_log(LOG_ERR, "npac", "no randomness for a message id");
    npg_hex(r, sizeof(r), hex);
    snprintf(out, 65, "%s-%s-%lld-%s", conf->general.operator_code, what, (long long)time(NULL),
             hex);
}

/* A recovered notification as the envelope it would have arrived in. */
static char *envelope_of(xmlNodePtr node, size_t *len)
{
    static const char head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope"
                               " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                               "<SOAP-ENV:Body>";
    static const char tail[] = "</SOAP-ENV:Body></SOAP-ENV:Envelope>\n";
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = doc ? xmlDocCopyNode(node, doc, 1) : NULL;
    xmlBufferPtr buf = copy ? xmlBufferCreate() : NULL;
    char *out = NULL;
    if (buf) {
        xmlDocSetRootElement(doc, copy);
        xmlReconciliateNs(doc, copy); /* the namespace declarations it inherited */
        if (xmlNodeDump(buf, doc, copy, 0, 0) >= 0) {
            size_t n = (size_t)xmlBufferLength(buf);
            out = malloc(sizeof(head) + n + sizeof(tail));
            if (out) {
                memcpy(out, head, sizeof(head) - 1);
                memcpy(out + sizeof(head) - 1, xmlBufferContent(buf), n);
                memcpy(out + sizeof(head) - 1 + n, tail, sizeof(tail));
                *len = sizeof(head) - 1 + n + sizeof(tail) - 1;
            }
        }
        xmlBufferFree(buf);
    }
    xmlFreeDoc(doc);
    return out;
}

static uint64_t sequence_of(xmlNodePtr node)
{
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "Sequence")) {
            xmlChar *t = xmlNodeGetContent(c);
            uint64_t v = t ? strtoull((const char *)t, NULL, 10) : 0;
            xmlFree(t);
            return v;
        }
    return 0;
}

/* A recovered notification processed before: its number counts as done (own transaction). */
static int mark_done(npg_db_t *db, uint64_t seq)
{
    int rc = npg_db_begin(db);
    if (rc == NPG_OK)
        rc = npg_npac_sequence_done(db, seq);
    if (rc == NPG_OK)
        return npg_db_commit(db);
    npg_db_rollback(db);
    return rc;
}

/* A notification that can never apply is passed over, not asked for again and again. */
static int pass_over(npg_db_t *db, uint64_t seq, const char *why)
{
    int rc = npg_db_begin(db);
    if (rc == NPG_OK)
        rc = npg_npac_sequence_done(db, seq);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "npac", "none", 0,
                             "recovered notification %llu could not be applied: %s",
                             (unsigned long long)seq, why);
    if (rc == NPG_OK)
        return npg_db_commit(db);
    npg_db_rollback(db);
    return rc;
}

/* Apply the recovered notifications of a reply, in order. *upto: the last one processed. */
static int apply_all(npac_t *n, const npg_adapter_env_t *env, npg_db_t *db, const npg_xchg_t *x,
                     uint64_t *upto, int *applied, int *count)
{
    const npg_conf_t *conf = n->conf;
    xmlDocPtr doc = NULL;
    char err[512];
    int rc = npg_xml_parse(x->recv, x->recv_len, (size_t)16 << 20, conf->http.max_xml_depth, &doc,
                           err, sizeof(err));
    if (rc != NPG_OK) {
        npg_log(LOG_WARNING, "npac", "recovery reply: %s", err);
        return rc;
    }
    xmlNodePtr body = xmlDocGetRootElement(doc);
    body = body ? xmlFirstElementChild(body) : NULL; /* Header or Body */
    while (body && !xmlStrEqual(body->name, BAD_CAST "Body"))
        body = xmlNextElementSibling(body);
    xmlNodePtr reply = body ? xmlFirstElementChild(body) : NULL;
    for (xmlNodePtr w = reply ? xmlFirstElementChild(reply) : NULL; w && rc == NPG_OK;
         w = xmlNextElementSibling(w)) {
        xmlNodePtr note =
            xmlStrEqual(w->name, BAD_CAST "Notification") ? xmlFirstElementChild(w) : NULL;
        if (!note)
            continue;
        uint64_t seq = sequence_of(note);
        size_t len = 0;
        char *env_xml = envelope_of(note, &len);
        if (!env_xml) {
            rc = NPG_ENOMEM;
            break;
        }
        npg_canon_msg_t msg;
        npg_inbound_outcome_t outcome = NPG_INBOUND_APPLIED;
        err[0] = '\0';
        rc = npac_decode(n, db, env_xml, len, &msg, err, sizeof(err));
        if (rc == NPG_OK)
            rc =
                npg_port_apply_inbound(db, env->pt, &msg, env_xml, len, &outcome, err, sizeof(err));
        free(env_xml);
        (*count)++;
        if (rc == NPG_OK && outcome == NPG_INBOUND_APPLIED)
            (*applied)++;
        if (rc == NPG_OK && outcome == NPG_INBOUND_DUPLICATE) /* processed before: the mark moves */
            rc = mark_done(db, seq);
        if (rc != NPG_OK && strcmp(npg_err_soap_fault(rc), "Client") == 0) {
            npg_log(LOG_WARNING, "npac", "recovered notification %llu: %s", (unsigned long long)seq,
                    err);
            rc = pass_over(db, seq, err[0] ? err : npg_strerror(rc));
        }
        if (rc == NPG_OK && seq > *upto)
            *upto = seq;
    }
    xmlFreeDoc(doc);
    return rc;
}

int npac_recover(npac_t *n, const npg_adapter_env_t *env, npg_db_t *db, int *applied)
{
    const npg_conf_t *conf = n->conf;
    uint64_t last = 0, upto;
    bool gap = false;
    int rc = npg_npac_sequence_get(db, &last, &gap);
    if (rc != NPG_OK)
        return rc;
    upto = last;
    struct soap *s = npac_client(conf);
    if (!s)
        return NPG_ENOMEM;
    char mid[65], why[300];
    new_message_id(conf, "REC", mid);
    struct _npac__NotificationRecoveryRequest req = {
        .MessageId = mid, .Spid = (char *)conf->general.operator_code, .AfterSequence = last};
    struct _npac__NotificationRecoveryReply reply;
    soap_default__npac__NotificationRecoveryReply(s, &reply);
    npg_xchg_t x = {0};
    int err = soap_call___npac__NotificationRecoveryRequest(
        s, conf->npac.url, "urn:npgw:npac:1#NotificationRecoveryRequest", &req, &reply);
    bool refused = err == SOAP_OK && reply.Result == npac__Result__failure;
    if (err != SOAP_OK)
        npg_soap_error_text(s, why, sizeof(why));
    npg_soap_client_done(s, "NotificationRecoveryRequest", &x);
    npg_strlcpy(x.message_id, mid, sizeof(x.message_id));
    if (err != SOAP_OK || refused) {
        npg_log(LOG_NOTICE, "npac", "recovery after %llu: %s", (unsigned long long)last,
                refused ? "refused by the NPAC" : why);
        npg_xchg_clear(&x);
        return err != SOAP_OK ? NPG_EPEER : NPG_EINVAL;
    }
    int count = 0;
    rc = npg_archive_xchg(db, "none", 0, NULL, &x, NULL);
    if (rc == NPG_OK)
        rc = apply_all(n, env, db, &x, &upto, applied, &count);
    npg_xchg_clear(&x);
    if (rc != NPG_OK)
        return rc; /* asked again at the next pass; what was applied is not applied twice */
    /* done: the NPAC sends what it held back */
    if (!(s = npac_client(conf)))
        return NPG_ENOMEM;
    new_message_id(conf, "RCD", mid);
    struct _npac__NotificationRecoveryComplete done = {
        .MessageId = mid, .Spid = (char *)conf->general.operator_code, .UpToSequence = upto};
    struct _npac__SvReply ok;
    soap_default__npac__SvReply(s, &ok);
    err = soap_call___npac__NotificationRecoveryComplete(
        s, conf->npac.url, "urn:npgw:npac:1#NotificationRecoveryComplete", &done, &ok);
    if (err != SOAP_OK)
        npg_soap_error_text(s, why, sizeof(why));
    npg_soap_client_done(s, "NotificationRecoveryComplete", NULL);
    if (err != SOAP_OK) {
        npg_log(LOG_NOTICE, "npac", "recovery complete: %s", why);
        return NPG_EPEER;
    }
    if (count)
        npg_log(LOG_NOTICE, "npac", "recovered %d missed notifications after %llu (through %llu)",
                count, (unsigned long long)last, (unsigned long long)upto);
    return npg_db_exec(db, "UPDATE npac_recovery SET recovered_at = NOW() WHERE id = 1", NULL, 0,
                       NULL, NULL);
}
