/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The BSS PortIn service: PortIn, CancelPortIn, PortInStatus, CreatePAC. */
#include "adapters/uk/service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "numbering/operator.h"
#include "porting/port.h"
#include "porting/state.h"
#include "soap/envelope.h"
#include "soap/reader.h"
#include "soapH.h"
#include "adapters/uk/adapter.h"
#include "adapters/uk/platform.h"
#include "adapters/uk/rules.h"
#include "adapters/uk/store.h"
#include "porting/archive.h"
#include "xml/xml.h"

extern struct Namespace namespaces[];

/* One request: its gSOAP context (owns the decoded strings), the outcome and the answer. */
typedef struct call {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    npg_porting_t *pt;
    struct soap *s;
    const char *body;
    size_t len;
    const npg_uk_calendar_t *cal;
    time_t now;
    char code[32]; /* fault code, "" on success */
    char reason[600];
    bool server; /* a fault on our side (Server) rather than the request's (Client) */
} call_t;

static int fail(call_t *c, const char *code, bool server, const char *fmt, ...) NPG_PRINTF(4, 5);
static int fail(call_t *c, const char *code, bool server, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
    va_end(ap);
    npg_strlcpy(c->code, code, sizeof(c->code));
    c->server = server;
    npg_log(server ? LOG_WARNING : LOG_NOTICE, "uk", "refused [%s]: %s", code, c->reason);
    return NPG_EINVAL;
}

/* The platform said no (its code passes through) or could not be reached. */
static int platform_fail(call_t *c, int rc, const char *code, const char *err)
{
    return fail(c, code[0] ? code : "PLATFORM_UNAVAILABLE", rc != NPG_EINVAL, "%s", err);
}

static int local_number(call_t *c, const char *elem, const char *in, char e164[NPG_E164_BUFLEN],
                        const char **local)
{
    if (npg_e164_normalise(in, c->conf->general.country_code, e164) != NPG_OK)
        return fail(c, "INVALID_ELEMENT", false, "%s: '%s' is not a telephone number", elem, in);
    *local = npg_e164_local_part(e164, c->conf->general.country_code);
    return NPG_OK;
}

static int check_pac(call_t *c, const char *pac)
{
    if (!npg_uk_pac_format_ok(pac))
        return fail(c, "PAC_FORMAT", false,
                    "PACCode '%s' is not a PAC: 3 capital letters followed by 6 digits", pac);
    return NPG_OK;
}

static const char *why_not(const npg_uk_calendar_t *cal, npg_uk_day_t day, npg_uk_day_t earliest)
{
    if (day < earliest)
        return "is before the earliest port date";
    if (npg_uk_weekday(day) >= 5)
        return "falls on a weekend";
    return npg_uk_working_day(cal, day) ? NULL : "is a bank holiday";
}

static int get_db(call_t *c, npg_db_t **db)
{
    if (npg_db_pool_get(c->pool, 5000, db) != NPG_OK)
        return fail(c, "SERVICE_UNAVAILABLE", true, "database unavailable; try again later");
    return NPG_OK;
}

/* Put one response element into an envelope (npg_soap_envelope). */
#define PUT(T)                                                                                     \
    static int put_##T(struct soap *s, const void *v)                                              \
    {                                                                                              \
        return soap_put__ukp__##T(s, v, "ukp:" #T, "");                                            \
    }
PUT(PortInResponse)
PUT(CancelPortInResponse)
PUT(PortInStatusResponse)
PUT(CreatePACResponse)

/* --- PortIn ------------------------------------------------------------------------------ */

struct portin_tx {
    call_t *c;
    npg_uk_port_link_t link;
    npg_uk_xchg_t *x[2];
    const char *answer; /* the PortInResponse envelope the BSS will get */
};

/* Inside the creating transaction: the BSS request and the platform exchanges, the link. */
static int portin_in_tx(npg_db_t *db, uint64_t port_id, void *arg, uint64_t *auth_xml, char *err,
                        size_t errlen)
{
    struct portin_tx *t = arg;
    t->link.port_in_id = port_id;
    int rc = npg_uk_archive(db, "input_XML", port_id, "PortIn", t->c->body, t->c->len, NULL);
    for (int i = 0; i < 2 && rc == NPG_OK; i++)
        rc = npg_archive_xchg(db, "in", port_id, NULL, t->x[i], i == 1 ? auth_xml : NULL);
    if (rc == NPG_OK && t->answer)
        rc = npg_uk_archive(db, "output_XML", port_id, "PortInResponse", t->answer,
                            strlen(t->answer), NULL);
    if (rc == NPG_OK)
        rc = npg_uk_link_store(db, &t->link);
    if (rc != NPG_OK)
        snprintf(err, errlen, "could not store the port: %s", npg_strerror(rc));
    return rc;
}

static int do_portin(call_t *c, struct _ukp__PortIn *in, struct _ukp__PortInResponse *out)
{
    struct ukp__PortDetailsRequest *d = in->PortDetails;
    char e164[NPG_E164_BUFLEN], date[NPG_UK_DATE_LEN];
    const char *local = "";
    npg_uk_day_t want, granted, issued;
    if (check_pac(c, d->PACCode) || local_number(c, "PortInNumber", d->PortInNumber, e164, &local))
        return NPG_EINVAL;
    if (npg_uk_date_parse(d->PortDate, &want) != NPG_OK)
        return fail(c, "INVALID_ELEMENT", false, "PortDate: '%s' is not a date (YYYY-MM-DD)",
                    d->PortDate);
    bool suggest =
        d->UseSuggestedDateOnConflict && *d->UseSuggestedDateOnConflict == xsd__boolean__true_;
    npg_uk_day_t earliest = npg_uk_earliest_port_date(c->cal, c->now);
    const char *why = why_not(c->cal, want, earliest);
    if (why && !suggest) {
        npg_uk_date_format(earliest, date);
        return fail(c, "DATE_NOT_AVAILABLE", false,
                    "PortDate %s %s (working days only, the earliest is %s)", d->PortDate, why,
                    date);
    }
    npg_uk_day_t asked = want;
    if (why)
        want = npg_uk_working_day_from(c->cal, want < earliest ? earliest : want);

    npg_uk_xchg_t xv = {0}, xd = {0};
    char donor[11] = "", code[32] = "", err[400] = "";
    int rc = npg_uk_validate_pac(c->conf, d->PACCode, local, donor, &issued, &xv, code,
                                 sizeof(code), err, sizeof(err));
    if (rc != NPG_OK) {
        platform_fail(c, rc, code, err);
        goto done;
    }
    if (!npg_uk_pac_valid_on(issued, npg_uk_today(c->now))) {
        npg_uk_date_format(npg_uk_pac_expiry(issued), date);
        rc = fail(c, "PAC_EXPIRED", false, "PAC %s expired on %s (valid %d days from issue)",
                  d->PACCode, date, NPG_UK_PAC_DAYS);
        goto done;
    }
    rc = npg_uk_request_port_date(c->conf, d->PACCode, local, want, !suggest, &granted, &xd, code,
                                  sizeof(code), err, sizeof(err));
    if (rc != NPG_OK) {
        platform_fail(c, rc, code, err);
        goto done;
    }
    if (why_not(c->cal, granted, earliest) || (!suggest && granted != want)) {
        npg_uk_date_format(granted, date);
        rc = fail(c, "DATE_NOT_AVAILABLE", !suggest ? false : true,
                  "the platform offered %s, which is not the date asked for or not a working day",
                  date);
        goto done;
    }

    struct portin_tx t = {.c = c, .x = {&xv, &xd}};
    t.link.subscription_number = (unsigned)d->SubscriptionNumber;
    npg_strlcpy(t.link.pac, d->PACCode, sizeof(t.link.pac));
    npg_strlcpy(t.link.number, local, sizeof(t.link.number));
    t.link.requested_date = asked;
    t.link.port_date = granted;
    t.link.pac_issued = issued;
    npg_port_in_req_t req = {
        .donor = donor,
        .number_type = "mobile",
        .nranges = 1,
        .external_reference = in->ExternalReference,
        .clearinghouse = "uk",
        .pac = d->PACCode,
        .authorised_msgtype = "RequestPortDate",
        .authorised_text = "PAC valid and port date granted by the platform",
        .port_time = npg_uk_instant(granted, 12), /* noon: its UTC date is the port date */
        .in_tx = portin_in_tx,
        .in_tx_arg = &t,
    };
    req.ranges[0].start = req.ranges[0].end = local;
    /* The answer is known now: archived with the port, sent once it is committed. */
    npg_uk_date_format(granted, date);
    out->ExternalReference = in->ExternalReference;
    out->PortDate = soap_strdup(c->s, date);
    char *answer = npg_soap_envelope(c->s, put_PortInResponse, out);
    t.answer = answer;
    npg_db_t *db = NULL;
    char msgid[NPG_MSGID_LEN];
    if ((rc = get_db(c, &db)) != NPG_OK) {
        free(answer);
        goto done;
    }
    rc = npg_port_in_create(db, c->pt, &req, msgid, err, sizeof(err));
    npg_db_pool_put(c->pool, &db);
    free(answer);
    if (rc == NPG_EEXIST)
        fail(c, "PORT_IN_PROGRESS", false, "%s", err);
    else if (rc == NPG_EINVAL)
        fail(c, "REFUSED", false, "%s", err);
    else if (rc != NPG_OK)
        fail(c, "SERVICE_UNAVAILABLE", true, "%s", err[0] ? err : npg_strerror(rc));
    if (rc == NPG_OK) {
        npg_log(LOG_INFO, "uk", "port-in %s of %s with PAC %s on %s", msgid, local, d->PACCode,
                date);
    }
done:
    npg_uk_xchg_clear(&xv);
    npg_uk_xchg_clear(&xd);
    return rc;
}

/* --- CancelPortIn, PortInStatus ------------------------------------------------------- */

static int find_port(call_t *c, npg_db_t *db, const char *number, const char *pac,
                     npg_uk_port_view_t *v)
{
    char e164[NPG_E164_BUFLEN];
    const char *local = "";
    if (check_pac(c, pac) || local_number(c, "PortInNumber", number, e164, &local))
        return NPG_EINVAL;
    int rc = npg_uk_port_find(db, local, pac, v);
    if (rc == NPG_ENOTFOUND)
        return fail(c, "PORT_NOT_FOUND", false, "no UK port-in of %s with PAC %s", local, pac);
    if (rc != NPG_OK)
        return fail(c, "SERVICE_UNAVAILABLE", true, "database error: %s", npg_strerror(rc));
    return NPG_OK;
}

static bool cancellable(call_t *c, const npg_uk_port_view_t *v)
{
    return (v->state == NPG_PS_WAIT_AUTH || v->state == NPG_PS_WAIT_INSTRUCTION) &&
           npg_uk_cancellable(c->cal, v->port_date, c->now);
}

static int do_cancel(call_t *c, struct _ukp__CancelPortIn *in,
                     struct _ukp__CancelPortInResponse *out)
{
    npg_db_t *db = NULL;
    npg_uk_port_view_t v;
    int rc = get_db(c, &db);
    if (rc == NPG_OK)
        rc = find_port(c, db, in->PortInNumber, in->PACCode, &v);
    if (rc == NPG_OK && !npg_uk_cancellable(c->cal, v.port_date, c->now)) {
        char when[NPG_UK_DATE_LEN], day[NPG_UK_DATE_LEN];
        npg_uk_date_format(npg_uk_today(npg_uk_cancel_deadline(c->cal, v.port_date)), when);
        npg_uk_date_format(v.port_date, day);
        rc = fail(c, "NOT_CANCELLABLE", false,
                  "the port on %s could be cancelled until %02d:00 UK time on %s", day,
                  c->cal->cutoff_hour, when);
    }
    char err[400] = "";
    if (rc == NPG_OK) {
        rc = npg_port_in_abort(db, c->pt, v.msgid, err, sizeof(err));
        if (rc == NPG_ESTATE)
            fail(c, "NOT_CANCELLABLE", false, "the port is %s and cannot be cancelled",
                 npg_port_state_name(v.state));
        else if (rc != NPG_OK)
            fail(c, "SERVICE_UNAVAILABLE", true, "%s", err[0] ? err : npg_strerror(rc));
    }
    if (db)
        npg_db_pool_put(c->pool, &db);
    if (rc == NPG_OK) {
        out->ExternalReference = in->ExternalReference;
        out->Cancelled = xsd__boolean__true_;
    }
    return rc;
}

static int do_status(call_t *c, struct _ukp__PortInStatus *in,
                     struct _ukp__PortInStatusResponse *out)
{
    npg_db_t *db = NULL;
    npg_uk_port_view_t v;
    int rc = get_db(c, &db);
    if (rc == NPG_OK)
        rc = find_port(c, db, in->PortInNumber, in->PACCode, &v);
    if (db)
        npg_db_pool_put(c->pool, &db);
    if (rc != NPG_OK)
        return rc;
    char date[NPG_UK_DATE_LEN];
    npg_uk_date_format(v.port_date, date);
    out->ExternalReference = in->ExternalReference;
    out->SubscriptionNumber = (int)v.subscription_number;
    out->PortDate = soap_strdup(c->s, date);
    out->State = soap_strdup(c->s, npg_port_state_name(v.state));
    out->Cancellable = cancellable(c, &v) ? xsd__boolean__true_ : xsd__boolean__false_;
    return NPG_OK;
}

/* --- CreatePAC ----------------------------------------------------------------------------- */

static int do_create_pac(call_t *c, struct _ukp__CreatePAC *in, struct _ukp__CreatePACResponse *out)
{
    char e164[NPG_E164_BUFLEN], err[400] = "", code[32] = "";
    const char *local = "";
    if (local_number(c, "PortOutNumber", in->PortOutNumber, e164, &local))
        return NPG_EINVAL;
    uint64_t n = 0;
    npg_db_t *db = NULL;
    int rc = npg_e164_to_u64(e164, &n) == NPG_OK ? get_db(c, &db) : NPG_EINVAL;
    if (rc == NPG_OK) {
        rc = npg_uk_number_is_ours(db, c->conf, n);
        if (rc == NPG_ENOTFOUND)
            fail(c, "NUMBER_NOT_OURS", false, "PortOutNumber %s is not served by us", local);
        else if (rc != NPG_OK)
            fail(c, "SERVICE_UNAVAILABLE", true, "database error: %s", npg_strerror(rc));
    }
    npg_uk_pac_t pac = {.number = n,
                        .subscription_number = (unsigned)in->SubscriptionNumber,
                        .external_reference = in->ExternalReference};
    npg_uk_xchg_t x = {0};
    if (rc == NPG_OK) {
        /* A held connection would idle through the platform call: give it back meanwhile. */
        npg_db_pool_put(c->pool, &db);
        rc = npg_uk_create_pac(c->conf, local, pac.pac, &pac.issued, &pac.expiry, &x, code,
                               sizeof(code), err, sizeof(err));
        if (rc != NPG_OK)
            platform_fail(c, rc, code, err);
    }
    if (rc == NPG_OK && (rc = get_db(c, &db)) == NPG_OK) {
        rc = npg_uk_pac_store(db, &pac, &x);
        if (rc != NPG_OK)
            fail(c, "SERVICE_UNAVAILABLE", true, "could not store PAC %s: %s", pac.pac,
                 npg_strerror(rc));
    }
    if (db)
        npg_db_pool_put(c->pool, &db);
    npg_uk_xchg_clear(&x);
    if (rc == NPG_OK) {
        char date[NPG_UK_DATE_LEN];
        npg_uk_date_format(pac.expiry, date);
        out->ExternalReference = in->ExternalReference;
        out->PACCode = soap_strdup(c->s, pac.pac);
        out->ExpiryDate = soap_strdup(c->s, date);
    }
    return rc;
}

/* --- the envelope ------------------------------------------------------------------------- */

char *npg_uk_service_fault(bool client, const char *code, const char *reason)
{
    struct soap *s = soap_new1(SOAP_C_UTFSTRING);
    if (!s)
        return NULL;
    soap_set_namespaces(s, namespaces);
    char text[700];
    snprintf(text, sizeof(text), "[%s] %s", code, reason);
    struct _ukp__PortInFault pf = {.Code = (char *)code, .Reason = (char *)reason};
    struct SOAP_ENV__Detail detail = {.ukp__PortInFault = &pf};
    struct SOAP_ENV__Fault f;
    soap_default_SOAP_ENV__Fault(s, &f);
    f.faultcode = client ? "SOAP-ENV:Client" : "SOAP-ENV:Server";
    f.faultstring = text;
    f.detail = &detail;
    char *out = npg_soap_envelope(s, npg_soap_put_fault, &f);
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return out;
}

/* gSOAP's own words on why the request does not match the contract, on one line. */
static void contract_error(call_t *c, const char *elem)
{
    char why[400];
    npg_soap_error_text(c->s, why, sizeof(why));
    /* "element 'ns0:PACCode'": the client's prefix means nothing to its reader */
    char *q = strstr(why, "element '"), *colon = q ? strchr(q + 9, ':') : NULL;
    if (colon && colon < strchr(q + 9, '\''))
        memmove(q + 9, colon + 1, strlen(colon + 1) + 1);
    fail(c, "INVALID_ELEMENT", false, "%s does not match wsdl/portin.wsdl: %s", elem, why);
}

#define OP(T, fn)                                                                                  \
    static char *op_##T(call_t *c)                                                                 \
    {                                                                                              \
        struct _ukp__##T in;                                                                       \
        struct _ukp__##T##Response out;                                                            \
        soap_default__ukp__##T(c->s, &in);                                                         \
        soap_default__ukp__##T##Response(c->s, &out);                                              \
        if (!soap_get__ukp__##T(c->s, &in, "ukp:" #T, NULL) || soap_body_end_in(c->s) ||           \
            soap_envelope_end_in(c->s)) {                                                          \
            contract_error(c, #T);                                                                 \
            return NULL;                                                                           \
        }                                                                                          \
        return fn(c, &in, &out) == NPG_OK ? npg_soap_envelope(c->s, put_##T##Response, &out) : NULL; \
    }
OP(PortIn, do_portin)
OP(CancelPortIn, do_cancel)
OP(PortInStatus, do_status)
OP(CreatePAC, do_create_pac)

static const struct {
    const char *tag;
    char *(*fn)(call_t *);
} ops[] = {
    {"ukp:PortIn", op_PortIn},
    {"ukp:CancelPortIn", op_CancelPortIn},
    {"ukp:PortInStatus", op_PortInStatus},
    {"ukp:CreatePAC", op_CreatePAC},
};

int npg_uk_service_serve(void *state, const npg_adapter_env_t *env, const char *body, size_t len,
                         char **reply, int *status)
{
    const npg_conf_t *conf = env->conf;
    call_t c = {.conf = conf,
                .cal = npg_uk_calendar(state),
                .pool = env->pool,
                .pt = env->pt,
                .body = body,
                .len = len};
    char err[400] = "";
    *reply = NULL;
    /* tree: no id/href in this contract, so soap_end_recv (its resolution of them, a walk of
     * gSOAP's 1,999-slot id table twice per request) is not called */
    if (!(c.s = npg_soap_thread_reader(conf, true)))
        return NPG_ENOMEM;
    c.now = npg_uk_now(conf->uk.test_clock_file);
    xmlDocPtr doc = NULL;
    /* Untrusted: no DTD, entities or network; size and depth bounded, before gSOAP sees it. */
    if (npg_xml_parse(body, len, (size_t)conf->http.max_request_bytes, conf->http.max_xml_depth,
                      &doc, err, sizeof(err)) != NPG_OK) {
        fail(&c, "MALFORMED_REQUEST", false, "not a well-formed SOAP request: %s", err);
    } else {
        c.s->is = body;
        if (soap_begin_recv(c.s) || soap_envelope_begin_in(c.s) || soap_recv_header(c.s) ||
            soap_body_begin_in(c.s) || soap_peek_element(c.s)) {
            contract_error(&c, "the envelope");
        } else {
            size_t i;
            for (i = 0; i < NPG_ARRAY_LEN(ops); i++)
                if (!soap_match_tag(c.s, c.s->tag, ops[i].tag))
                    break;
            if (i == NPG_ARRAY_LEN(ops))
                fail(&c, "UNKNOWN_OPERATION", false,
                     "%s is not an operation of this service (PortIn, CancelPortIn,"
                     " PortInStatus, CreatePAC)",
                     c.s->tag);
            else
                *reply = ops[i].fn(&c);
        }
        c.s->is = NULL;
    }
    xmlFreeDoc(doc);
    if (!*reply && !c.code[0])
        fail(&c, "SERVICE_UNAVAILABLE", true, "could not write the answer");
    if (c.code[0]) {
        free(*reply);
        *reply = npg_uk_service_fault(!c.server, c.code, c.reason);
    }
    *status = c.code[0] ? 500 : 200;
    soap_destroy(c.s);
    soap_end(c.s);
    return *reply ? NPG_OK : NPG_ENOMEM;
}
