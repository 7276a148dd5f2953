/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/pxs/pxs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "soapH.h"
#include "xml/xml.h"
#include "xml/xslt.h"

extern struct Namespace namespaces[];

struct npg_pxs {
    const npg_conf_t *conf;
    npg_xslt_t *to_canonical;
    npg_xslt_t *from_canonical;
};

/* Deserialize one element of type T from the current position (validates it against the contract). */
#define PXS_GET(T)                                                                                 \
    static int get_##T(struct soap *s)                                                             \
    {                                                                                              \
        struct _pxs__##T v;                                                                        \
        soap_default__pxs__##T(s, &v);                                                             \
        return soap_get__pxs__##T(s, &v, "pxs:" #T, NULL) ? SOAP_OK : s->error;                    \
    }
/* Read T from a bare element and call the operation at url; the acknowledgement status comes back. */
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

const char *npg_pxs_element(const char *canonical_type)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(outbound); i++)
        if (strcmp(outbound[i].type, canonical_type) == 0)
            return outbound[i].element;
    return "Unknown";
}

int npg_pxs_new(const npg_conf_t *conf, npg_pxs_t **out)
{
    char dir[NPG_CONF_STRLEN + 32], path[NPG_CONF_STRLEN + 64];
    npg_pxs_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NPG_ENOMEM;
    npg_xml_init(); /* libxml2, libxslt and EXSLT, once per process */
    p->conf = conf;
    snprintf(dir, sizeof(dir), "%s/pxs",
             conf->general.xslt_dir[0] ? conf->general.xslt_dir : NPGW_DATADIR "/xslt");
    char err[512] = "";
    snprintf(path, sizeof(path), "%s/to-canonical.xsl", dir);
    int rc = npg_xslt_load(path, &p->to_canonical, err, sizeof(err));
    if (rc == NPG_OK) {
        snprintf(path, sizeof(path), "%s/from-canonical.xsl", dir);
        rc = npg_xslt_load(path, &p->from_canonical, err, sizeof(err));
    }
    if (rc != NPG_OK) {
        npg_log(LOG_ERR, "pxs", "cannot load %s: %s", path, err[0] ? err : npg_strerror(rc));
        npg_pxs_free(&p);
        return rc;
    }
    *out = p;
    return NPG_OK;
}

void npg_pxs_free(npg_pxs_t **pp)
{
    npg_pxs_t *p = pp ? *pp : NULL;
    if (!p)
        return;
    npg_xslt_free(&p->to_canonical);
    npg_xslt_free(&p->from_canonical);
    free(p);
    *pp = NULL;
}

static struct soap *new_soap(const npg_conf_t *conf)
{
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!s)
        return NULL;
    soap_set_namespaces(s, namespaces);
    s->maxlevel = (unsigned)conf->http.max_xml_depth;
    s->recv_maxlength = (ULONG64)conf->http.max_request_bytes;
    return s;
}

/* gSOAP's own words for what went wrong ("Validation constraint violation: ..."), on one line. */
static void soap_error_text(struct soap *s, char *err, size_t errlen)
{
    soap_set_fault(s);
    const char **reason = soap_faultstring(s);
    const char **detail = soap_faultdetail(s);
    snprintf(err, errlen, "%s%s%s", reason && *reason ? *reason : "SOAP error",
             detail && *detail ? ": " : "", detail && *detail ? *detail : "");
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

/* The contract check: the body's element must be one we accept and must deserialize strictly. */
static int validate_envelope(const npg_conf_t *conf, const char *body, char *err, size_t errlen)
{
    struct soap *s = new_soap(conf);
    if (!s)
        return NPG_ENOMEM;
    int rc = NPG_EXML;
    s->is = body;
    if (soap_begin_recv(s) || soap_envelope_begin_in(s) || soap_recv_header(s) ||
        soap_body_begin_in(s) || soap_peek_element(s)) {
        soap_error_text(s, err, errlen);
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
        soap_error_text(s, why, sizeof(why));
        snprintf(err, errlen, "%s does not match the PortingXS contract: %s", s->tag, why);
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

int npg_pxs_decode(npg_pxs_t *pxs, const char *body, size_t len, npg_canon_msg_t *out, char *err,
                   size_t errlen)
{
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
    char *canonical = NULL;
    size_t clen = 0;
    rc = npg_xslt_apply_doc(pxs->to_canonical, doc, params, &canonical, &clen, err, errlen);
    xmlFreeDoc(doc);
    if (rc != NPG_OK)
        return rc;
    rc = npg_canon_parse(canonical, clen, out, err, errlen);
    free(canonical);
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
        const char *r = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;"
                        : *p == '"' ? "&quot;" : *p == '\'' ? "&apos;" : NULL;
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

static const char envelope_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope"
    " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
    " xmlns:pxs=\"urn:npgw:portingxs:1\"><SOAP-ENV:Body>";

char *npg_pxs_ack_envelope(const char *message_id, const char *status)
{
    char *id = xml_escape(message_id), *st = xml_escape(status), *out = NULL;
    if (id && st &&
        asprintf(&out, "%s<pxs:Acknowledgement><pxs:MessageId>%s</pxs:MessageId><pxs:Status>%s"
                       "</pxs:Status></pxs:Acknowledgement></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
                 envelope_head, id, st) < 0)
        out = NULL;
    free(id);
    free(st);
    return out;
}

char *npg_pxs_fault_envelope(bool client_fault, const char *reason)
{
    char *r = xml_escape(reason), *out = NULL;
    if (r && asprintf(&out,
                      "%s<SOAP-ENV:Fault><faultcode>SOAP-ENV:%s</faultcode><faultstring>%s"
                      "</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
                      envelope_head, client_fault ? "Client" : "Server", r) < 0)
        out = NULL;
    free(r);
    return out;
}

/* Everything gSOAP writes goes through here too, so the archive holds the exact bytes sent. */
struct capture {
    int (*orig)(struct soap *, const char *, size_t);
    char *buf;
    size_t len, cap;
};

static int capture_send(struct soap *s, const char *data, size_t n)
{
    struct capture *c = s->user;
    if (c->len + n + 1 > c->cap) {
        size_t ncap = (c->len + n + 1) * 2;
        char *nb = realloc(c->buf, ncap);
        if (nb) {
            c->buf = nb;
            c->cap = ncap;
        }
    }
    if (c->len + n + 1 <= c->cap) {
        memcpy(c->buf + c->len, data, n);
        c->len += n;
        c->buf[c->len] = '\0';
    }
    return c->orig(s, data, n);
}

int npg_pxs_send(npg_pxs_t *pxs, const char *canonical, char **sent, size_t *sentlen,
                 char *result, size_t len)
{
    npg_canon_msg_t m;
    const npg_conf_t *conf = pxs->conf;
    *sent = NULL;
    *sentlen = 0;
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
    struct soap *s = new_soap(conf);
    struct capture cap = {0};
    if (!s) {
        free(wire);
        return NPG_ENOMEM;
    }
    s->connect_timeout = conf->pxs.connect_timeout;
    s->send_timeout = s->recv_timeout = conf->pxs.io_timeout;
    if (conf->pxs.clearinghouse_user[0]) {
        s->userid = conf->pxs.clearinghouse_user;
        s->passwd = conf->pxs.clearinghouse_password;
    }
    cap.orig = s->fsend;
    s->fsend = capture_send;
    s->user = &cap;
    s->is = wire;
    const char *status = NULL;
    int err = outbound[i].call(s, conf->pxs.clearinghouse_url, &status);
    if (err == -1) {
        char why[300];
        soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "our %s does not match the contract: %s", outbound[i].element, why);
        rc = NPG_EINVAL;
    } else if (err != SOAP_OK) {
        const char **code = soap_faultcode(s);
        char why[300];
        soap_error_text(s, why, sizeof(why));
        bool client = err == SOAP_FAULT && code && *code && strstr(*code, "Client");
        snprintf(result, len, "%s to %s: %s", outbound[i].element, conf->pxs.clearinghouse_url,
                 why);
        rc = client ? NPG_EINVAL : NPG_EPEER;
    } else {
        snprintf(result, len, "%s %s: %s", outbound[i].element, m.message_id,
                 status ? status : "acknowledged");
        rc = NPG_OK;
    }
    /* Keep the envelope, not the HTTP header lines in front of it. */
    const char *body = cap.buf ? strstr(cap.buf, "\r\n\r\n") : NULL;
    if (body) {
        body += 4;
        *sentlen = cap.len - (size_t)(body - cap.buf);
        *sent = malloc(*sentlen + 1);
        if (*sent)
            memcpy(*sent, body, *sentlen + 1);
    }
    free(cap.buf);
    free(wire);
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return rc;
}

/* One round trip to the clearinghouse with the contract's own types; no outbox (nothing changes). */
int npg_pxs_number_info(npg_pxs_t *pxs, const char *number, json_t **out, char *result,
                        size_t len)
{
    const npg_conf_t *conf = pxs->conf;
    struct soap *s = new_soap(conf);
    if (!s)
        return NPG_ENOMEM;
    char message_id[65];
    snprintf(message_id, sizeof(message_id), "%s-info-%lld", conf->general.operator_code,
             (long long)time(NULL));
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
    s->connect_timeout = conf->pxs.connect_timeout;
    s->send_timeout = s->recv_timeout = conf->pxs.io_timeout;
    if (conf->pxs.clearinghouse_user[0]) {
        s->userid = conf->pxs.clearinghouse_user;
        s->passwd = conf->pxs.clearinghouse_password;
    }
    int rc = NPG_OK;
    if (soap_call___pxs__NumberInformationRequest(s, conf->pxs.clearinghouse_url,
                                                   "urn:npgw:portingxs:1#NumberInformationRequest",
                                                   &req, &info) != SOAP_OK) {
        const char **code = soap_faultcode(s);
        bool client = s->error == SOAP_FAULT && code && *code && strstr(*code, "Client");
        char why[300];
        soap_error_text(s, why, sizeof(why));
        snprintf(result, len, "NumberInformationRequest to %s: %s", conf->pxs.clearinghouse_url,
                 why);
        rc = client ? NPG_EINVAL : NPG_EPEER;
    } else {
        char when[32] = "";
        if (info.LastPortTime)
            npg_time_iso(*info.LastPortTime, true, when, sizeof(when));
        *out = json_pack("{s:s, s:s, s:s, s:s?, s:b, s:s?}", "Number", info.Number ? info.Number : "",
                         "CurrentOperator", info.CurrentOperator ? info.CurrentOperator : "",
                         "OriginalOperator", info.OriginalOperator ? info.OriginalOperator : "",
                         "NumberType",
                         info.NumberType ? (*info.NumberType == pxs__NumberType__mobile ? "mobile"
                                                                                        : "fixed")
                                         : NULL,
                         "Ported", info.Ported == xsd__boolean__true_, "LastPortTime",
                         when[0] ? when : NULL);
        rc = *out ? NPG_OK : NPG_ENOMEM;
    }
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return rc;
}
