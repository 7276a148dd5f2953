/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/uk/adapter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/uk/service.h"
#include "adapters/uk/sim.h"
#include "adapters/uk/store.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/port.h"
#include "porting/state.h"
#include "soap/envelope.h"
#include "soapH.h"
#include "xml/xml.h"

extern struct Namespace namespaces[];

typedef struct uk {
    const npg_conf_t *conf;
    npg_xslt_t *to_canonical, *from_canonical;
    npg_uk_calendar_t cal; /* the one every UK rule of this process uses */
} uk_t;

int npg_uk_calendar_load(const npg_conf_t *conf, npg_uk_calendar_t *cal, char *msg, size_t msglen)
{
    char why[400] = "";
    const char *key = "bank_holidays";
    int rc =
        npg_uk_calendar_init(cal, conf->uk.bank_holidays, conf->uk.cutoff_hour, why, sizeof(why));
    if (rc == NPG_OK && conf->uk.bank_holidays_file[0]) {
        key = "bank_holidays_file";
        rc = npg_uk_calendar_add_file(cal, conf->uk.bank_holidays_file, why, sizeof(why));
    }
    if (rc != NPG_OK)
        snprintf(msg, msglen, "[uk] %s: %s", key, why);
    return rc;
}

const npg_uk_calendar_t *npg_uk_calendar(const void *state)
{
    return &((const uk_t *)state)->cal;
}

static int create(const npg_conf_t *conf, void **state)
{
    uk_t *uk = calloc(1, sizeof(*uk));
    if (!uk)
        return NPG_ENOMEM;
    uk->conf = conf;
    char err[500];
    int rc = npg_uk_calendar_load(conf, &uk->cal, err, sizeof(err));
    if (rc != NPG_OK)
        npg_log(LOG_ERR, "uk", "%s", err);
    else
        rc = npg_adapter_stylesheets(conf, "uk", &uk->to_canonical, &uk->from_canonical);
    if (rc != NPG_OK) {
        free(uk);
        return rc;
    }
    *state = uk;
    return NPG_OK;
}

static void destroy(void **state)
{
    uk_t *uk = state ? *state : NULL;
    if (!uk)
        return;
    npg_xslt_free(&uk->to_canonical);
    npg_xslt_free(&uk->from_canonical);
    free(uk);
    *state = NULL;
}

/* Read the stylesheet's element strictly (the contract's types) and call the platform. */
#define UK_CALL(T)                                                                                 \
    static int call_##T(struct soap *s, const char *url, char message_id[65])                      \
    {                                                                                              \
        struct _ukm__##T req;                                                                      \
        struct _ukm__Acknowledgement ack;                                                          \
        soap_default__ukm__##T(s, &req);                                                           \
        if (soap_begin_recv(s) || !soap_get__ukm__##T(s, &req, "ukm:" #T, NULL) ||                 \
            soap_end_recv(s))                                                                      \
            return -1;                                                                             \
        s->is = NULL;                                                                              \
        npg_strlcpy(message_id, req.MessageId, 65);                                                \
        return soap_call___ukm__##T(s, url, "urn:npgw:uk:mnp:1#" #T, &req, &ack);                  \
    }
UK_CALL(ClosePAC)
UK_CALL(CancelPort)
UK_CALL(ConfirmPort)

static const struct {
    const char *type, *op;
    int (*call)(struct soap *, const char *, char[65]);
} outbound[] = {
    {"porting_request", "ClosePAC", call_ClosePAC},
    {"abort", "CancelPort", call_CancelPort},
    {"instruction", "ConfirmPort", call_ConfirmPort},
};

static int send_message(void *state, const char *canonical, npg_xchg_t *x, char *result, size_t len)
{
    uk_t *uk = state;
    npg_canon_msg_t m;
    if (npg_canon_parse(canonical, strlen(canonical), &m, result, len) != NPG_OK)
        return NPG_EINVAL;
    size_t i;
    for (i = 0; i < NPG_ARRAY_LEN(outbound); i++)
        if (strcmp(outbound[i].type, m.type) == 0)
            break;
    if (i == NPG_ARRAY_LEN(outbound)) {
        snprintf(result, len, "%s is not sent to the UK platform", m.type);
        return NPG_EINVAL;
    }
    char *wire = NULL;
    size_t wlen = 0;
    if (npg_xslt_apply(uk->from_canonical, canonical, strlen(canonical), NULL, &wire, &wlen, result,
                       len) != NPG_OK)
        return NPG_EINVAL;
    struct soap *s = npg_uk_call_open(uk->conf);
    if (!s) {
        free(wire);
        return NPG_ENOMEM;
    }
    s->is = wire;
    int err = outbound[i].call(s, uk->conf->uk.platform_url, x->message_id);
    char code[32] = "";
    int rc;
    if (err == -1) {
        snprintf(result, len, "our %s does not match wsdl/uk-mnp.wsdl", outbound[i].op);
        s->error = SOAP_OK;
        rc = npg_uk_call_close(s, outbound[i].op, x, uk->conf, code, sizeof(code), result, len);
        rc = NPG_EINVAL;
    } else {
        rc = npg_uk_call_close(s, outbound[i].op, x, uk->conf, code, sizeof(code), result, len);
        if (rc == NPG_OK)
            snprintf(result, len, "%s %s %s: acknowledged", outbound[i].op, m.pac, m.msgidentifier);
    }
    free(wire);
    return rc;
}

static int answer(void *state, const npg_xchg_t *x, const char *msgidentifier, npg_canon_msg_t *out,
                  char *err, size_t errlen)
{
    uk_t *uk = state;
    if (strcmp(x->op, "ConfirmPort") != 0 || !x->recv)
        return NPG_ENOTFOUND;
    char ts[32], id[80];
    npg_time_iso(time(NULL), true, ts, sizeof(ts));
    snprintf(id, sizeof(id), "%.59s-ack", x->message_id); /* 64 at most, as canonical says */
    const char *params[] = {"msgidentifier",
                            msgidentifier,
                            "timestamp",
                            ts,
                            "sender",
                            uk->conf->uk.platform_operator,
                            "receiver",
                            uk->conf->general.operator_code,
                            "answers",
                            x->op,
                            "message_id",
                            id,
                            NULL};
    char *canonical = NULL;
    size_t clen = 0;
    int rc = npg_xslt_apply(uk->to_canonical, x->recv, x->recv_len, params, &canonical, &clen, err,
                            errlen);
    if (rc == NPG_OK)
        rc = npg_canon_parse(canonical, clen, out, err, errlen);
    free(canonical);
    return rc;
}

/* The PortCompleted's PAC and number, read strictly against the contract. */
static int read_notify(const npg_conf_t *conf, const char *body, char pac[10], char number[16],
                       char *err, size_t errlen)
{
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!s)
        return NPG_ENOMEM;
    soap_set_namespaces(s, namespaces);
    s->maxlevel = (unsigned)conf->http.max_xml_depth;
    s->is = body;
    struct _ukm__PortCompleted n;
    soap_default__ukm__PortCompleted(s, &n);
    int rc = NPG_OK;
    if (soap_begin_recv(s) || soap_envelope_begin_in(s) || soap_recv_header(s) ||
        soap_body_begin_in(s) || !soap_get__ukm__PortCompleted(s, &n, "ukm:PortCompleted", NULL) ||
        soap_body_end_in(s) || soap_envelope_end_in(s) || soap_end_recv(s)) {
        char why[300];
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(err, errlen, "not a PortCompleted of wsdl/uk-mnp.wsdl: %s", why);
        rc = NPG_EINVAL;
    } else {
        npg_strlcpy(pac, n.PACCode, 10);
        npg_strlcpy(number, n.Number, 16);
    }
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return rc;
}

int npg_uk_notify_read(const npg_conf_t *conf, const char *body, size_t len, xmlDocPtr *doc,
                       char pac[10], char number[16], char *err, size_t errlen)
{
    int rc = npg_xml_parse(body, len, (size_t)conf->http.max_request_bytes,
                           conf->http.max_xml_depth, doc, err, errlen);
    if (rc == NPG_OK && (rc = read_notify(conf, body, pac, number, err, errlen)) != NPG_OK) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    return rc;
}

int npg_uk_notify_map(void *state, xmlDocPtr doc, const char *msgid, npg_canon_msg_t *out,
                      char *err, size_t errlen)
{
    uk_t *uk = state;
    const npg_conf_t *conf = uk->conf;
    char ts[32];
    npg_time_iso(time(NULL), true, ts, sizeof(ts));
    const char *params[] = {"msgidentifier",
                            msgid,
                            "timestamp",
                            ts,
                            "sender",
                            conf->uk.platform_operator,
                            "receiver",
                            conf->general.operator_code,
                            NULL};
    char *canonical = NULL;
    size_t clen = 0;
    int rc = npg_xslt_apply_doc(uk->to_canonical, doc, params, &canonical, &clen, err, errlen);
    if (rc == NPG_OK)
        rc = npg_canon_parse(canonical, clen, out, err, errlen);
    free(canonical);
    return rc;
}

static int decode(void *state, npg_db_t *db, const char *body, size_t len, npg_canon_msg_t *out,
                  char *err, size_t errlen)
{
    uk_t *uk = state;
    xmlDocPtr doc = NULL;
    char pac[10], number[16];
    npg_uk_port_view_t v;
    int rc = npg_uk_notify_read(uk->conf, body, len, &doc, pac, number, err, errlen);
    if (rc == NPG_OK) {
        rc = npg_uk_port_find(db, number, pac, &v);
        if (rc == NPG_ENOTFOUND)
            snprintf(err, errlen, "no UK port-in of %s with PAC %s", number, pac);
    }
    if (rc == NPG_OK)
        rc = npg_uk_notify_map(state, doc, v.msgid, out, err, errlen);
    xmlFreeDoc(doc);
    return rc;
}

/* Instruct the UK ports whose cancellation cut-off has passed (ConfirmPort goes out). */
static int run_timers(void *state, const npg_adapter_env_t *env, npg_db_t *db, int *changed)
{
    const npg_conf_t *conf = env->conf;
    const npg_uk_calendar_t *cal = npg_uk_calendar(state);
    time_t now = npg_uk_now(conf->uk.test_clock_file);
    npg_db_rows_t *rows;
    /* Waiting_for_Instruction UK ports whose date is near: the cut-off is at most a few
     * working days before it, so a week's margin (and holidays) is plenty. */
    int rc = npg_db_query(db,
                          "SELECT p.msgidentifier, DATE_FORMAT(u.port_date, '%Y-%m-%d')"
                          " FROM port_in p JOIN uk_port_in u ON u.port_in_id = p.id"
                          " WHERE p.clearinghouse = 'uk' AND p.state = ?"
                          " AND u.port_date <= DATE(FROM_UNIXTIME(?)) + INTERVAL 30 DAY"
                          " ORDER BY u.port_date LIMIT 100",
                          NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_INSTRUCTION), NPG_DB_I(now)), &rows);
    if (rc != NPG_OK)
        return rc;
    for (size_t i = 0; i < npg_db_rows_count(rows); i++) {
        npg_uk_day_t day;
        char err[300];
        if (npg_uk_date_parse(npg_db_rows_get(rows, i, 1), &day) != NPG_OK ||
            npg_uk_cancellable(cal, day, now))
            continue;
        int r = npg_port_in_instruct(db, env->pt, npg_db_rows_get(rows, i, 0), err, sizeof(err));
        if (r == NPG_OK)
            (*changed)++;
        else if (r != NPG_ESTATE && r != NPG_ECONFLICT)
            npg_log(LOG_WARNING, "uk", "cannot confirm %s after its cut-off: %s",
                    npg_db_rows_get(rows, i, 0), err);
    }
    npg_db_rows_free(&rows);
    return NPG_OK;
}

static int put_ack(struct soap *s, const void *v)
{
    return soap_put__ukm__Acknowledgement(s, v, "ukm:Acknowledgement", "");
}

char *npg_uk_ack_envelope(const char *message_id, const char *status)
{
    struct soap *s = npg_soap_writer();
    if (!s)
        return NULL;
    struct _ukm__Acknowledgement a = {.MessageId = (char *)message_id, .Status = (char *)status};
    return npg_soap_writer_done(s, npg_soap_envelope(s, put_ack, &a));
}

char *npg_uk_fault_envelope(bool client, const char *code, const char *reason)
{
    struct soap *s = npg_soap_writer();
    if (!s)
        return NULL;
    struct _ukm__MnpFault f = {.Code = (char *)code, .Reason = (char *)reason};
    struct SOAP_ENV__Detail d;
    struct SOAP_ENV__Fault fault;
    soap_default_SOAP_ENV__Detail(s, &d);
    soap_default_SOAP_ENV__Fault(s, &fault);
    d.ukm__MnpFault = &f;
    fault.faultcode = client ? "SOAP-ENV:Client" : "SOAP-ENV:Server";
    fault.faultstring = (char *)reason;
    fault.detail = &d;
    return npg_soap_writer_done(s, npg_soap_envelope(s, npg_soap_put_fault, &fault));
}

/* --- the adapter ----------------------------------------------------------------------- */

/* The UK platform's names for the canonical messages a UK port exchanges. */
static const char *element(const char *canonical_type)
{
    static const struct {
        const char *type, *element;
    } names[] = {
        {"porting_request", "ClosePAC"}, {"abort", "CancelPort"},
        {"instruction", "ConfirmPort"},  {"instruction_response", "ConfirmPortResponse"},
        {"ported", "PortCompleted"},
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(names); i++)
        if (strcmp(names[i].type, canonical_type) == 0)
            return names[i].element;
    return NULL;
}

static int answer_timeout(const npg_conf_t *conf)
{
    return conf->uk.answer_timeout;
}

static const char *operator_code(const npg_conf_t *conf)
{
    return conf->uk.platform_operator;
}

static char *fault(bool client, const char *code, const char *reason)
{
    return npg_uk_fault_envelope(client, code, reason);
}

static int check(const npg_conf_t *conf, char *err, size_t errlen)
{
    npg_uk_calendar_t cal;
    return npg_uk_calendar_load(conf, &cal, err, errlen);
}

static size_t endpoints(const npg_conf_t *conf, npg_adapter_endpoint_t *out)
{
    (void)conf;
    out[0] = (npg_adapter_endpoint_t){.path = "/np_api/uk/portin",
                                      .caller = NPG_CALLER_BSS,
                                      .wsdl = "portin.wsdl",
                                      .service = "PortInService",
                                      .serve = npg_uk_service_serve,
                                      .fault = npg_uk_service_fault};
    out[1] = (npg_adapter_endpoint_t){.path = "/np_api/uk/notify",
                                      .caller = NPG_CALLER_CLEARINGHOUSE,
                                      .wsdl = "uk-mnp.wsdl",
                                      .service = "UKGateway",
                                      .fault = fault};
    return 2;
}

static const char *const contracts[] = {"portin.wsdl", "portin.xsd", "uk-mnp.wsdl", "uk-mnp.xsd",
                                        NULL};

const npg_adapter_ops_t npg_adapter_uk = {
    .name = "uk",
    .title = "UK porting platform",
    .contracts = contracts,
    .element = element,
    .answer_timeout = answer_timeout,
    .operator_code = operator_code,
    .check = check,
    .create = create,
    .destroy = destroy,
    .endpoints = endpoints,
    .decode = decode,
    .ack = npg_uk_ack_envelope,
    .fault = fault,
    .send = send_message,
    .answer = answer,
    .run_timers = run_timers,
    .simulate = npg_uk_simulate,
    .sim_usage = NPG_UK_SIM_USAGE,
};
