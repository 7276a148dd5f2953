/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NPAC adapter: its instance, the SOA requests npgwd makes (send) and the NPAC's synchronous
 * replies as events (answer), and operations of its own (npgwctl npac). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/npac/npac_internal.h"
#include "adapters/npac/sim.h"
#include "adapters/npac/store.h"
#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/port.h"
#include "porting/state.h"
#include "soap/envelope.h"
#include "soapH.h"

extern struct Namespace namespaces[];

bool npg_npac_spid_listed(const char *list, const char *spid)
{
    char copy[512];
    npg_strlcpy(copy, list ? list : "", sizeof(copy));
    for (char *save = NULL, *w = strtok_r(copy, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save))
        if (spid && strcmp(w, spid) == 0)
            return true;
    return false;
}

bool npac_short_timers(const npg_conf_t *conf, const char *old_spid, const char *new_spid)
{
    return npg_npac_spid_listed(conf->npac.short_timer_spids, old_spid) &&
           npg_npac_spid_listed(conf->npac.short_timer_spids, new_spid);
}

void npac_windows(const npac_t *n, bool short_timers, time_t created, time_t *t1, time_t *t2)
{
    const npg_conf_t *c = n->conf;
    *t1 = npg_npac_add_business_hours(
        &n->cal, created, short_timers ? c->npac.t1_short_hours : c->npac.t1_long_hours);
    *t2 = npg_npac_add_business_hours(
        &n->cal, *t1, short_timers ? c->npac.t2_short_hours : c->npac.t2_long_hours);
}

/* The calendar of [npac]; a deployment that does not port through the NPAC does without the
 * holidays file it cannot read (a development tree has none installed). */
static int calendar(const npg_conf_t *conf, npg_npac_calendar_t *cal, char *err, size_t errlen)
{
    int rc = npg_npac_calendar_load(conf, cal, err, errlen);
    if (rc != NPG_OK && strcmp(conf->general.clearinghouse, "npac") != 0) {
        npg_log(LOG_INFO, "npac", "%s: not a US deployment, no NPAC holidays", err);
        rc = npg_npac_calendar_init(cal, conf->npac.timezone, conf->npac.day_start_hour,
                                    conf->npac.day_end_hour, "", err, errlen);
    }
    return rc;
}

static int create(const npg_conf_t *conf, void **state)
{
    npac_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NPG_ENOMEM;
    n->conf = conf;
    pthread_mutex_init(&n->lock, NULL);
    char err[500];
    int rc = calendar(conf, &n->cal, err, sizeof(err));
    if (rc != NPG_OK)
        npg_log(LOG_ERR, "npac", "%s", err);
    else
        rc = npg_adapter_stylesheets(conf, "npac", &n->to_canonical, &n->from_canonical);
    if (rc != NPG_OK) {
        pthread_mutex_destroy(&n->lock);
        free(n);
        return rc;
    }
    *state = n;
    return NPG_OK;
}

static void destroy(void **state)
{
    npac_t *n = state ? *state : NULL;
    if (!n)
        return;
    npg_xslt_free(&n->to_canonical);
    npg_xslt_free(&n->from_canonical);
    pthread_mutex_destroy(&n->lock);
    free(n);
    *state = NULL;
}

struct soap *npac_client(const npg_conf_t *conf)
{
    npg_soap_client_opts_t o = {.url = conf->npac.url,
                                .tls_conf = conf,
                                .connect_timeout = conf->npac.connect_timeout,
                                .io_timeout = conf->npac.io_timeout,
                                .user = conf->npac.user,
                                .password = conf->npac.password,
                                .max_depth = (unsigned)conf->http.max_xml_depth,
                                .max_bytes = (uint64_t)conf->http.max_request_bytes};
    return npg_soap_client_new(&o);
}

/* Read the stylesheet's element strictly (the contract's types) and make the request. */
#define NPAC_CALL(T)                                                                               \
    static int call_##T(struct soap *s, const char *url, char message_id[65],                      \
                        struct _npac__SvReply *reply)                                              \
    {                                                                                              \
        struct _npac__##T req;                                                                     \
        soap_default__npac__##T(s, &req);                                                          \
        if (soap_begin_recv(s) || !soap_get__npac__##T(s, &req, "npac:" #T, NULL) ||               \
            soap_end_recv(s))                                                                      \
            return -1;                                                                             \
        s->is = NULL;                                                                              \
        npg_strlcpy(message_id, req.MessageId, 65);                                                \
        soap_default__npac__SvReply(s, reply);                                                     \
        return soap_call___npac__##T(s, url, "urn:npgw:npac:1#" #T, &req, reply);                  \
    }
NPAC_CALL(SvCreateRequest)
NPAC_CALL(SvReleaseRequest)
NPAC_CALL(SvReleaseInConflictRequest)
NPAC_CALL(SvRemoveFromConflictRequest)
NPAC_CALL(SvActivateRequest)
NPAC_CALL(SvCancelRequest)
NPAC_CALL(SvCancelAckRequest)
NPAC_CALL(SvDisconnectRequest)

/* What npgwd asks of the NPAC, by canonical type (the stylesheet picks the element). */
static const struct {
    const char *type, *element;
    int (*call)(struct soap *, const char *, char[65], struct _npac__SvReply *);
} outbound[] = {
    {"porting_request", "SvCreateRequest", call_SvCreateRequest},
    {"instruction", "SvActivateRequest", call_SvActivateRequest},
    {"abort", "SvCancelRequest", call_SvCancelRequest},
    {"authorisation_answer", "SvReleaseRequest", call_SvReleaseRequest},
    {"authorisation_answer", "SvReleaseInConflictRequest", call_SvReleaseInConflictRequest},
    {"conflict_resolve", "SvRemoveFromConflictRequest", call_SvRemoveFromConflictRequest},
    {"cancel_ack", "SvCancelAckRequest", call_SvCancelAckRequest},
    {"termination", "SvDisconnectRequest", call_SvDisconnectRequest},
};

static int send_message(void *state, const char *canonical, npg_xchg_t *x, char *result, size_t len)
{
    npac_t *n = state;
    const npg_conf_t *conf = n->conf;
    npg_canon_msg_t m;
    if (npg_canon_parse(canonical, strlen(canonical), &m, result, len) != NPG_OK)
        return NPG_EINVAL;
    /* the defaults the stylesheet needs: a due date one business day on (the FCC interval of
     * a simple port), and now, by the NPAC's clock */
    time_t now = npg_npac_now(conf->npac.test_clock_file);
    int day_hours = conf->npac.day_end_hour - conf->npac.day_start_hour;
    char due[32], nowiso[32];
    npg_time_iso(npg_npac_add_business_hours(&n->cal, now, day_hours), true, due, sizeof(due));
    npg_time_iso(now, true, nowiso, sizeof(nowiso));
    const char *params[] = {
        "spid", conf->general.operator_code, "lrn", conf->npac.lrn, "due", due, "now", nowiso,
        NULL};
    char *wire = NULL;
    size_t wlen = 0;
    if (npg_xslt_apply(n->from_canonical, canonical, strlen(canonical), params, &wire, &wlen,
                       result, len) != NPG_OK)
        return NPG_EINVAL;
    /* the element the stylesheet chose (an answer may be a concurrence or a conflict) */
    const char *el = strstr(wire, "<npac:");
    size_t i;
    for (i = 0; el && i < NPG_ARRAY_LEN(outbound); i++) {
        size_t k = strlen(outbound[i].element);
        if (strcmp(outbound[i].type, m.type) == 0 && strncmp(el + 6, outbound[i].element, k) == 0 &&
            strchr(" >/", el[6 + k]))
            break;
    }
    if (!el || i == NPG_ARRAY_LEN(outbound)) {
        snprintf(result, len, "%s is not sent to the NPAC", m.type);
        free(wire);
        return NPG_EINVAL;
    }
    struct soap *s = npac_client(conf);
    if (!s) {
        free(wire);
        return NPG_ENOMEM;
    }
    s->is = wire;
    struct _npac__SvReply reply;
    int err = outbound[i].call(s, conf->npac.url, x->message_id, &reply);
    char why[300];
    int rc;
    if (err == -1) {
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "our %s does not match wsdl/npac/npac.wsdl: %s", outbound[i].element,
                 why);
        s->error = SOAP_OK;
        rc = NPG_EINVAL;
    } else if (err != SOAP_OK) {
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "%s to %s: %s", outbound[i].element, conf->npac.url, why);
        rc = npg_soap_client_fault(s) ? NPG_EINVAL : NPG_EPEER;
        if (rc == NPG_EPEER) { /* its notifications may be lost too: recover once it is back */
            pthread_mutex_lock(&n->lock);
            n->link_lost = true;
            pthread_mutex_unlock(&n->lock);
        }
    } else if (reply.Result == npac__Result__failure) {
        snprintf(result, len, "the NPAC refused %s %s: %d %s", outbound[i].element, m.msgidentifier,
                 reply.ErrorCode ? *reply.ErrorCode : 0, reply.ErrorText ? reply.ErrorText : "");
        rc = NPG_EINVAL; /* a refusal: sending it again will not help */
    } else {
        snprintf(result, len, "%s %s: %s (SV %s)", outbound[i].element, m.msgidentifier,
                 reply.SvStatus ? soap_npac__SvStatus2s(s, *reply.SvStatus) : "success",
                 reply.SvId ? reply.SvId : "-");
        rc = NPG_OK;
    }
    npg_soap_client_done(s, outbound[i].element, x);
    free(wire);
    return rc;
}

/* The NPAC's synchronous reply is an event of the port: the version's id and status (created,
 * concurred, cancelled), or the activation's acknowledgement. */
static int answer(void *state, const npg_xchg_t *x, const char *msgidentifier, npg_canon_msg_t *out,
                  char *err, size_t errlen)
{
    npac_t *n = state;
    const npg_conf_t *conf = n->conf;
    if (!x->recv || strcmp(x->op, "SvDisconnectRequest") == 0)
        return NPG_ENOTFOUND; /* a termination has no port to move */
    char ts[32], id[80];
    npg_time_iso(npg_npac_now(conf->npac.test_clock_file), true, ts, sizeof(ts));
    snprintf(id, sizeof(id), "%.60s-rep", x->message_id); /* 64 at most, as canonical says */
    const char *params[] = {"msgidentifier",
                            msgidentifier,
                            "answers",
                            x->op,
                            "message_id",
                            id,
                            "timestamp",
                            ts,
                            "sender",
                            conf->npac.npac_operator,
                            "receiver",
                            conf->general.operator_code,
                            "cc",
                            conf->general.country_code,
                            NULL};
    char *canonical = NULL;
    size_t clen = 0;
    int rc = npg_xslt_apply(n->to_canonical, x->recv, x->recv_len, params, &canonical, &clen, err,
                            errlen);
    if (rc == NPG_OK)
        rc = npg_canon_parse(canonical, clen, out, err, errlen);
    free(canonical);
    return rc;
}

/* --- envelopes ------------------------------------------------------------------------ */

static int put_ack(struct soap *s, const void *v)
{
    return soap_put__npac__NotificationAck(s, v, "npac:NotificationAck", "");
}

char *npg_npac_ack_envelope(const char *message_id, const char *status)
{
    struct soap *s = npg_soap_writer();
    if (!s)
        return NULL;
    struct _npac__NotificationAck a = {.MessageId = (char *)message_id, .Status = (char *)status};
    return npg_soap_writer_done(s, npg_soap_envelope(s, put_ack, &a));
}

char *npg_npac_fault_envelope(bool client, const char *code, const char *reason)
{
    (void)code; /* plain SOAP faults: the reason says it */
    struct soap *s = npg_soap_writer();
    if (!s)
        return NULL;
    struct SOAP_ENV__Fault fault;
    soap_default_SOAP_ENV__Fault(s, &fault);
    fault.faultcode = client ? "SOAP-ENV:Client" : "SOAP-ENV:Server";
    fault.faultstring = (char *)reason;
    return npg_soap_writer_done(s, npg_soap_envelope(s, npg_soap_put_fault, &fault));
}

/* --- npgwctl npac ----------------------------------------------------------------------- */

/* The port msgid names, of either kind. */
static int find_port(npg_db_t *db, const char *msgid, npg_port_kind_t *kind, uint64_t *id)
{
    static const char *const sql[2] = {
        "SELECT id FROM port_in WHERE msgidentifier = ? AND clearinghouse = 'npac'",
        "SELECT id FROM port_out WHERE msgidentifier = ? AND clearinghouse = 'npac'",
    };
    for (int k = NPG_PORT_IN; k <= NPG_PORT_OUT; k++) {
        int64_t v = 0;
        int rc = npg_db_query_int(db, sql[k], NPG_DB_P(NPG_DB_S(msgid)), &v);
        if (rc == NPG_OK && v > 0) {
            *kind = (npg_port_kind_t)k;
            *id = (uint64_t)v;
            return NPG_OK;
        }
        if (rc != NPG_OK && rc != NPG_ENOTFOUND)
            return rc;
    }
    return NPG_ENOTFOUND;
}

/* Ask the NPAC to take a version out of conflict. The new SP (our port-in) only after the
 * conflict resolution restriction, and never for cause 50 or 51; the old SP at any time. */
static int ctl_resolve(const npg_adapter_env_t *env, npg_db_t *db, const char *msgid)
{
    const npg_conf_t *conf = env->conf;
    npg_npac_calendar_t cal;
    npg_npac_sv_t sv;
    npg_port_kind_t kind;
    uint64_t id;
    char err[400];
    int rc = npg_npac_calendar_load(conf, &cal, err, sizeof(err));
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: %s\n", err);
        return 1;
    }
    if ((rc = find_port(db, msgid, &kind, &id)) == NPG_OK)
        rc = npg_npac_sv_get(db, kind, id, &sv);
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: no NPAC port with a subscription version is called %s\n", msgid);
        return 1;
    }
    if (strcmp(sv.status, "conflict") != 0) {
        fprintf(stderr, "npgwctl: %s: the version is %s, not in conflict\n", msgid, sv.status);
        return 1;
    }
    time_t now = npg_npac_now(conf->npac.test_clock_file);
    if (kind == NPG_PORT_IN && (sv.conflict_cause == 50 || sv.conflict_cause == 51)) {
        fprintf(stderr, "npgwctl: %s: cause code %d can only be lifted by the old SP %s\n", msgid,
                sv.conflict_cause, sv.old_spid);
        return 1;
    }
    time_t allowed = kind == NPG_PORT_IN
                         ? npg_npac_add_business_hours(&cal, sv.conflict_at,
                                                       conf->npac.conflict_resolution_hours)
                         : 0;
    if (now < allowed) {
        char when[32];
        npg_time_iso(allowed, true, when, sizeof(when));
        fprintf(stderr,
                "npgwctl: %s: the new SP may remove a conflict %d business hours after it"
                " (from %s)\n",
                msgid, conf->npac.conflict_resolution_hours, when);
        return 1;
    }
    rc = npg_db_begin(db);
    if (rc == NPG_OK)
        rc = npg_port_queue(db, env->pt, kind, id, "conflict_resolve", -1, NULL,
                            "Removal from conflict requested (SvRemoveFromConflictRequest)");
    if (rc == NPG_OK)
        rc = npg_db_commit(db);
    else
        npg_db_rollback(db);
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: npac resolve: %s\n", npg_strerror(rc));
        return 1;
    }
    printf("%s: removal from conflict requested\n", msgid);
    return 0;
}

static int ctl_show(npg_db_t *db, const char *msgid)
{
    npg_npac_sv_t sv;
    npg_port_kind_t kind;
    uint64_t id;
    int rc = find_port(db, msgid, &kind, &id);
    if (rc == NPG_OK)
        rc = npg_npac_sv_get(db, kind, id, &sv);
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: no NPAC port with a subscription version is called %s\n", msgid);
        return 1;
    }
    char c[32] = "", d[32] = "", t1[32] = "", t2[32] = "", ca[32] = "";
    if (sv.created_at)
        npg_time_iso(sv.created_at, true, c, sizeof(c));
    if (sv.due_at)
        npg_time_iso(sv.due_at, true, d, sizeof(d));
    if (sv.t1_at)
        npg_time_iso(sv.t1_at, true, t1, sizeof(t1));
    if (sv.t2_at)
        npg_time_iso(sv.t2_at, true, t2, sizeof(t2));
    if (sv.conflict_at)
        npg_time_iso(sv.conflict_at, true, ca, sizeof(ca));
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s}", "msgidentifier",
        msgid, "role", kind == NPG_PORT_IN ? "new SP" : "old SP", "sv_id", sv.sv_id, "status",
        sv.status, "old_spid", sv.old_spid, "new_spid", sv.new_spid, "timer_type",
        sv.short_timers ? "short" : "long", "created_at", c, "due_at", d, "t1_at", t1, "t2_at", t2,
        "old_sp_answer", sv.old_sp_answer, "conflict_cause",
        sv.conflict_cause >= 0 ? json_integer(sv.conflict_cause) : json_null(), "conflict_at", ca);
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    printf("%s\n", s ? s : "null");
    free(s);
    json_decref(j);
    return 0;
}

static int ctl(const npg_adapter_env_t *env, npg_db_t *db, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "resolve") == 0)
        return ctl_resolve(env, db, argv[1]);
    if (argc == 2 && strcmp(argv[0], "show") == 0)
        return ctl_show(db, argv[1]);
    fputs(NPG_NPAC_CTL_USAGE, stderr);
    return 2;
}

/* --- the adapter ----------------------------------------------------------------------- */

/* The NPAC's names for the canonical messages a US port exchanges. */
static const char *element(const char *canonical_type)
{
    static const struct {
        const char *type, *element;
    } names[] = {
        {"porting_request", "SvCreateRequest"},
        {"instruction", "SvActivateRequest"},
        {"abort", "SvCancelRequest"},
        {"authorisation_answer", "SvReleaseRequest"},
        {"conflict_resolve", "SvRemoveFromConflictRequest"},
        {"cancel_ack", "SvCancelAckRequest"},
        {"termination", "SvDisconnectRequest"},
        {"authorisation_request", "SvNewSpCreateNotification"},
        {"authorisation_response", "SvStatusNotification"},
        {"conflict", "SvStatusNotification"},
        {"cancelled", "SvStatusNotification"},
        {"ported", "SvStatusNotification"},
        {"port_failed", "SvStatusNotification"},
        {"status", "SvStatusNotification"},
        {"instruction_response", "SvActivateReply"},
        {"authorisation_lapsed", "SvConcurrenceWindowNotification"},
        {"terminated", "SvDisconnectNotification"},
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(names); i++)
        if (strcmp(names[i].type, canonical_type) == 0)
            return names[i].element;
    return NULL;
}

static int answer_timeout(const npg_conf_t *conf)
{
    return conf->npac.answer_timeout;
}

static const char *operator_code(const npg_conf_t *conf)
{
    return conf->npac.npac_operator;
}

static int check(const npg_conf_t *conf, char *err, size_t errlen)
{
    npg_npac_calendar_t cal;
    int rc = calendar(conf, &cal, err, errlen);
    if (rc == NPG_OK && strcmp(conf->general.clearinghouse, "npac") == 0 &&
        strlen(conf->npac.lrn) != 10) {
        snprintf(err, errlen,
                 "[npac] lrn: our 10-digit LRN is needed when [general]"
                 " clearinghouse is npac");
        rc = NPG_ECONF;
    }
    return rc;
}

/* One version per port: one range of 10-digit NANP numbers within one NPA-NXX. */
static int check_port_in(const npg_conf_t *conf, const uint64_t *starts, const uint64_t *ends,
                         size_t n, char *err, size_t errlen)
{
    if (n != 1) {
        snprintf(err, errlen, "an NPAC port carries one range of numbers, not %zu", n);
        return NPG_EINVAL;
    }
    if (strcmp(conf->general.country_code, "1") != 0 || starts[0] < 12002000000ULL ||
        ends[0] > 19999999999ULL) {
        snprintf(err, errlen, "NPAC ports are of 10-digit NANP numbers (+1 NPA-NXX-XXXX)");
        return NPG_EINVAL;
    }
    if (starts[0] / 10000 != ends[0] / 10000) {
        snprintf(err, errlen, "an NPAC range stays within one NPA-NXX (%llu and %llu differ)",
                 (unsigned long long)starts[0] / 10000, (unsigned long long)ends[0] / 10000);
        return NPG_EINVAL;
    }
    return NPG_OK;
}

static size_t endpoints(const npg_conf_t *conf, npg_adapter_endpoint_t *out)
{
    (void)conf;
    out[0] = (npg_adapter_endpoint_t){.path = "/np_api/npac/notify",
                                      .caller = NPG_CALLER_CLEARINGHOUSE,
                                      .wsdl = "npac.wsdl",
                                      .service = "NpacGateway",
                                      .fault = npg_npac_fault_envelope};
    return 1;
}

static const char *const contracts[] = {"npac.wsdl", "npac.xsd", NULL};

const npg_adapter_ops_t npg_adapter_npac = {
    .name = "npac",
    .title = "NPAC (US)",
    .contracts = contracts,
    .element = element,
    .answer_timeout = answer_timeout,
    .operator_code = operator_code,
    .check = check,
    .create = create,
    .destroy = destroy,
    .endpoints = endpoints,
    .decode = npac_decode,
    .ack = npg_npac_ack_envelope,
    .fault = npg_npac_fault_envelope,
    .send = send_message,
    .answer = answer,
    .run_timers = npac_run_timers,
    .check_port_in = check_port_in,
    .inbound = npac_inbound,
    .ctl = ctl,
    .ctl_usage = NPG_NPAC_CTL_USAGE,
    .simulate = npg_npac_simulate,
    .sim_usage = NPG_NPAC_SIM_USAGE,
};
