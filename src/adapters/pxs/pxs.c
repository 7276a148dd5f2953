/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/pxs/pxs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapters/pxs/sim.h"
#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "soap/reader.h"
#include "soapH.h"
#include "xml/xml.h"

extern struct Namespace namespaces[];

typedef struct pxs {
    const npg_conf_t *conf;
    npg_xslt_t *to_canonical;
    npg_xslt_t *from_canonical;
} pxs_t;

/* Deserialize one element of type T from the current position (validates it against the contract).
 */
#define PXS_GET(T)                                                                                 \
    static int get_##T(struct soap *s)                                                             \
    {                                                                                              \
        struct _pxs__##T v;                                                                        \
        soap_default__pxs__##T(s, &v);                                                             \
        return soap_get__pxs__##T(s, &v, "pxs:" #T, NULL) ? SOAP_OK : s->error;                    \
    }
/* Read T from a bare element and call the operation at url; the acknowledgement status comes back.
 */
#define PXS_CALL(T)                                                                                \
    static int call_##T(struct soap *s, const char *url, const char **status)                      \
    {                                                                                              \
        struct _pxs__##T req;                                                                      \
        struct _pxs__Acknowledgement ack;                                                          \
        soap_default__pxs__##T(s, &req);                                                           \
        if (soap_begin_recv(s) || !soap_get__pxs__##T(s, &req, "pxs:" #T, NULL) ||                 \
            soap_end_recv(s))                                                                      \
            return -1;                                                                             \
        s->is = NULL;                                                                              \
        if (soap_call___pxs__##T(s, url, "urn:npgw:portingxs:1#" #T, &req, &ack) != SOAP_OK)       \
            return s->error;                                                                       \
        *status = ack.Status;                                                                      \
        return SOAP_OK;                                                                            \
    }

PXS_GET(AuthorisationRequest)
PXS_GET(AuthorisationResponse)
PXS_GET(InstructionResponse)
PXS_GET(Ported)
PXS_GET(TimedOut)
PXS_GET(Terminated)
PXS_CALL(PortingRequest)
PXS_CALL(InstructionRequest)
PXS_CALL(AbortRequest)
PXS_CALL(AuthorisationAnswer)
PXS_CALL(TerminationRequest)

/* What the clearinghouse may deliver to us: anything else is refused. */
static const struct {
    const char *tag;
    int (*get)(struct soap *);
} inbound[] = {
    {"pxs:AuthorisationRequest", get_AuthorisationRequest},
    {"pxs:AuthorisationResponse", get_AuthorisationResponse},
    {"pxs:InstructionResponse", get_InstructionResponse},
    {"pxs:Ported", get_Ported},
    {"pxs:TimedOut", get_TimedOut},
    {"pxs:Terminated", get_Terminated},
};

/* What we send, by canonical type. */
static const struct {
    const char *type;
    const char *element;
    int (*call)(struct soap *, const char *, const char **);
} outbound[] = {
    {"porting_request", "PortingRequest", call_PortingRequest},
    {"instruction", "InstructionRequest", call_InstructionRequest},
    {"abort", "AbortRequest", call_AbortRequest},
    {"authorisation_answer", "AuthorisationAnswer", call_AuthorisationAnswer},
    {"termination", "TerminationRequest", call_TerminationRequest},
    {"number_information_request", "NumberInformationRequest", NULL},
    {"authorisation_request", "AuthorisationRequest", NULL},
    {"authorisation_response", "AuthorisationResponse", NULL},
    {"instruction_response", "InstructionResponse", NULL},
    {"ported", "Ported", NULL},
    {"timedout", "TimedOut", NULL},
    {"terminated", "Terminated", NULL},
};

static const char *element(const char *canonical_type)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(outbound); i++)
        if (strcmp(outbound[i].type, canonical_type) == 0)
            return outbound[i].element;
    return NULL;
}

static int create(const npg_conf_t *conf, void **state)
{
    pxs_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NPG_ENOMEM;
    p->conf = conf;
    int rc = npg_adapter_stylesheets(conf, "pxs", &p->to_canonical, &p->from_canonical);
    if (rc != NPG_OK) {
        free(p);
        return rc;
    }
    *state = p;
    return NPG_OK;
}

static void destroy(void **state)
{
    pxs_t *p = state ? *state : NULL;
    if (!p)
        return;
    npg_xslt_free(&p->to_canonical);
    npg_xslt_free(&p->from_canonical);
    free(p);
    *state = NULL;
}

static struct soap *client(const npg_conf_t *conf)
{
    npg_soap_client_opts_t o = {.url = conf->pxs.clearinghouse_url,
                                .tls_conf = conf,
                                .connect_timeout = conf->pxs.connect_timeout,
                                .io_timeout = conf->pxs.io_timeout,
                                .user = conf->pxs.clearinghouse_user,
                                .password = conf->pxs.clearinghouse_password,
                                .max_depth = (unsigned)conf->http.max_xml_depth,
                                .max_bytes = (uint64_t)conf->http.max_request_bytes};
    return npg_soap_client_new(&o);
}

/* The contract check: the body's element must be one we accept and must deserialize strictly. */
static int validate_envelope(const npg_conf_t *conf, const char *body, char *err, size_t errlen)
{
    struct soap *s = npg_soap_thread_reader(conf, false);
    if (!s)
        return NPG_ENOMEM;
    int rc = NPG_EXML;
    s->is = body;
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
        snprintf(err, errlen, "element %s is not a message a clearinghouse delivers to a gateway",
                 s->tag);
        rc = NPG_EINVAL;
        goto done;
    }
    if (inbound[i].get(s) || soap_body_end_in(s) || soap_envelope_end_in(s) || soap_end_recv(s)) {
        char why[400];
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(err, errlen, "%s does not match the PortingXS contract: %s", s->tag, why);
        rc = NPG_EINVAL;
        goto done;
    }
    rc = NPG_OK;
done:
    soap_destroy(s);
    soap_end(s);
    s->is = NULL;
    return rc;
}

static int decode(void *state, npg_db_t *db, const char *body, size_t len, npg_canon_msg_t *out,
                  char *err, size_t errlen)
{
    (void)db;
    pxs_t *pxs = state;
    xmlDocPtr doc = NULL;
    /* Untrusted: no DTD, entities or network, size and depth bounded, parsed once. */
    int rc = npg_xml_parse(body, len, (size_t)pxs->conf->http.max_request_bytes,
                           pxs->conf->http.max_xml_depth, &doc, err, errlen);
    if (rc != NPG_OK)
        return rc;
    if ((rc = validate_envelope(pxs->conf, body, err, errlen)) != NPG_OK) {
        xmlFreeDoc(doc);
        return rc;
    }
    const char *params[] = {"direction", "in", NULL};
    xmlDocPtr canonical = NULL;
    rc = npg_xslt_transform_doc(pxs->to_canonical, doc, params, &canonical, err, errlen);
    xmlFreeDoc(doc);
    if (rc != NPG_OK)
        return rc;
    /* read in memory: serialising it only to parse it again cost a third parse */
    rc = npg_canon_from_doc(canonical, out, err, errlen);
    xmlFreeDoc(canonical);
    return rc;
}

static char *xml_escape(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += (*p == '<' || *p == '>') ? 4 : *p == '&' ? 5 : (*p == '"' || *p == '\'') ? 6 : 1;
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *r = *p == '<'    ? "&lt;"
                        : *p == '>'  ? "&gt;"
                        : *p == '&'  ? "&amp;"
                        : *p == '"'  ? "&quot;"
                        : *p == '\'' ? "&apos;"
                                     : NULL;
        if (r) {
            strcpy(o, r);
            o += strlen(r);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

static const char envelope_head[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope"
                                    " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
                                    " xmlns:pxs=\"urn:npgw:portingxs:1\"><SOAP-ENV:Body>";

static char *ack(const char *message_id, const char *status)
{
    char *id = xml_escape(message_id), *st = xml_escape(status), *out = NULL;
    if (id && st &&
        asprintf(&out,
                 "%s<pxs:Acknowledgement><pxs:MessageId>%s</pxs:MessageId><pxs:Status>%s"
                 "</pxs:Status></pxs:Acknowledgement></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
                 envelope_head, id, st) < 0)
        out = NULL;
    free(id);
    free(st);
    return out;
}

static char *fault(bool client_fault, const char *code, const char *reason)
{
    (void)code; /* PortingXS faults carry a reason only */
    char *r = xml_escape(reason), *out = NULL;
    if (r && asprintf(&out,
                      "%s<SOAP-ENV:Fault><faultcode>SOAP-ENV:%s</faultcode><faultstring>%s"
                      "</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
                      envelope_head, client_fault ? "Client" : "Server", r) < 0)
        out = NULL;
    free(r);
    return out;
}

static int send_message(void *state, const char *canonical, npg_xchg_t *x, char *result, size_t len)
{
    pxs_t *pxs = state;
    npg_canon_msg_t m;
    const npg_conf_t *conf = pxs->conf;
    int rc = npg_canon_parse(canonical, strlen(canonical), &m, result, len);
    if (rc != NPG_OK)
        return NPG_EINVAL;
    size_t i;
    for (i = 0; i < NPG_ARRAY_LEN(outbound); i++)
        if (strcmp(outbound[i].type, m.type) == 0 && outbound[i].call)
            break;
    if (i == NPG_ARRAY_LEN(outbound)) {
        snprintf(result, len, "%s is not sent to a clearinghouse", m.type);
        return NPG_EINVAL;
    }
    char *wire = NULL;
    size_t wlen = 0;
    rc = npg_xslt_apply(pxs->from_canonical, canonical, strlen(canonical), NULL, &wire, &wlen,
                        result, len);
    if (rc != NPG_OK)
        return NPG_EINVAL;
    struct soap *s = client(conf);
    if (!s) {
        free(wire);
        return NPG_ENOMEM;
    }
    npg_strlcpy(x->message_id, m.message_id, sizeof(x->message_id));
    s->is = wire;
    const char *status = NULL;
    int err = outbound[i].call(s, conf->pxs.clearinghouse_url, &status);
    char why[300];
    if (err == -1) {
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "our %s does not match the contract: %s", outbound[i].element, why);
        rc = NPG_EINVAL;
    } else if (err != SOAP_OK) {
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "%s to %s: %s", outbound[i].element, conf->pxs.clearinghouse_url,
                 why);
        rc = npg_soap_client_fault(s) ? NPG_EINVAL : NPG_EPEER;
    } else {
        snprintf(result, len, "%s %s: %s", outbound[i].element, m.message_id,
                 status ? status : "acknowledged");
        rc = NPG_OK;
    }
    npg_soap_client_done(s, outbound[i].element, x);
    free(wire);
    return rc;
}

/* One round trip to the clearinghouse with the contract's own types; no outbox (nothing changes).
 */
static int number_info(void *state, const char *number, json_t **out, char *result, size_t len)
{
    pxs_t *pxs = state;
    const npg_conf_t *conf = pxs->conf;
    struct soap *s = client(conf);
    if (!s)
        return NPG_ENOMEM;
    char message_id[65], hex[17] = "0";
    unsigned char r[8];
    if (npg_random_bytes(r, sizeof(r)) == NPG_OK) /* one id per request, many a second */
        npg_hex(r, sizeof(r), hex);
    snprintf(message_id, sizeof(message_id), "%s-info-%lld-%s", conf->general.operator_code,
             (long long)time(NULL), hex);
    struct pxs__MessageHeader hdr = {
        .MessageId = message_id,
        .MessageIdentifier = NULL,
        .Timestamp = time(NULL),
        .SenderOperator = (char *)conf->general.operator_code,
        .ReceiverOperator = (char *)conf->pxs.clearinghouse_operator,
    };
    char ident[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(ident, sizeof(ident), "%s%04d%02d-%s-00000", conf->general.country_iso,
             tm.tm_year + 1900, tm.tm_mon + 1, conf->general.operator_code);
    hdr.MessageIdentifier = ident;
    struct _pxs__NumberInformationRequest req = {.Header = &hdr, .Number = (char *)number};
    struct _pxs__NumberInformation info;
    int rc = NPG_OK;
    if (soap_call___pxs__NumberInformationRequest(s, conf->pxs.clearinghouse_url,
                                                  "urn:npgw:portingxs:1#NumberInformationRequest",
                                                  &req, &info) != SOAP_OK) {
        char why[300];
        npg_soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "NumberInformationRequest to %s: %s", conf->pxs.clearinghouse_url,
                 why);
        rc = npg_soap_client_fault(s) ? NPG_EINVAL : NPG_EPEER;
    } else {
        char when[32] = "";
        if (info.LastPortTime)
            npg_time_iso(*info.LastPortTime, true, when, sizeof(when));
        *out = json_pack(
            "{s:s, s:s, s:s, s:s?, s:b, s:s?}", "Number", info.Number ? info.Number : "",
            "CurrentOperator", info.CurrentOperator ? info.CurrentOperator : "", "OriginalOperator",
            info.OriginalOperator ? info.OriginalOperator : "", "NumberType",
            info.NumberType ? (*info.NumberType == pxs__NumberType__mobile ? "mobile" : "fixed")
                            : NULL,
            "Ported", info.Ported == xsd__boolean__true_, "LastPortTime", when[0] ? when : NULL);
        rc = *out ? NPG_OK : NPG_ENOMEM;
    }
    npg_soap_client_done(s, "NumberInformationRequest", NULL);
    return rc;
}

/* Who serves each number, one NumberInformationRequest each (PortingXS has no bulk query). */
static int serving(void *state, uint64_t first, uint64_t last, npg_serving_fn fn, void *arg,
                   char *result, size_t len)
{
    pxs_t *pxs = state;
    int rc = NPG_OK;
    for (uint64_t n = first; rc == NPG_OK && n <= last && n >= first; n++) {
        char e164[24];
        snprintf(e164, sizeof(e164), "%llu", (unsigned long long)n);
        json_t *info = NULL;
        rc = number_info(pxs, npg_e164_local_part(e164, pxs->conf->general.country_code), &info,
                         result, len);
        if (rc != NPG_OK)
            break;
        const char *current = json_string_value(json_object_get(info, "CurrentOperator"));
        /* naming itself, the clearinghouse says it holds no record of the number */
        if (current && strcmp(current, pxs->conf->pxs.clearinghouse_operator) == 0)
            current = "";
        rc = fn(n, current ? current : "", arg);
        json_decref(info);
    }
    return rc;
}

/* --- the adapter ----------------------------------------------------------------------- */

static int answer_timeout(const npg_conf_t *conf)
{
    return conf->pxs.answer_timeout;
}

static const char *operator_code(const npg_conf_t *conf)
{
    return conf->pxs.clearinghouse_operator;
}

static size_t endpoints(const npg_conf_t *conf, npg_adapter_endpoint_t *out)
{
    out[0] = (npg_adapter_endpoint_t){.caller = NPG_CALLER_CLEARINGHOUSE,
                                      .wsdl = "portingxs.wsdl",
                                      .service = "PortingXSReceiver",
                                      .fault = fault};
    snprintf(out[0].path, sizeof(out[0].path), "/np_api/%s/recv/", conf->pxs.deployment_prefix);
    return 1;
}

static const char *const contracts[] = {"portingxs.wsdl", "portingxs.xsd", NULL};

const npg_adapter_ops_t npg_adapter_pxs = {
    .name = "pxs",
    .title = "PortingXS",
    .contracts = contracts,
    .element = element,
    .answer_timeout = answer_timeout,
    .operator_code = operator_code,
    .create = create,
    .destroy = destroy,
    .endpoints = endpoints,
    .decode = decode,
    .ack = ack,
    .fault = fault,
    .send = send_message,
    .number_info = number_info,
    .serving = serving,
    .simulate = npg_pxs_simulate,
    .sim_usage = NPG_PXS_SIM_USAGE,
};
