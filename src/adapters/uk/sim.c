/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim uk: the UK platform's side of wsdl/uk-mnp.wsdl, in memory. */
#include "adapters/uk/sim.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "http/files.h"
#include "http/server.h"
#include "adapters/uk/operations.h"
#include "soapH.h"
#include "adapters/uk/adapter.h"
#include "adapters/uk/rules.h"
#include "soap/client.h"

extern struct Namespace namespaces[];

typedef struct pac {
    char code[10], number[16], donor[11], recipient[11];
    npg_uk_day_t issued, port_date;
    bool closed, confirmed, completed;
} pac_t;

static struct {
    const npg_conf_t *conf;
    const npg_uksim_options_t *opt;
    npg_uk_calendar_t cal;
    pthread_mutex_t lock;
    pac_t pacs[1024];
    size_t npacs;
    npg_uk_day_t busy[64];
    size_t nbusy;
    unsigned serial;
    json_t *log;
    npg_http_server_t *http;
    bool stopping;
    pthread_t completer;
} U = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int mnp_fault(struct soap *soap, const char *code, const char *fmt, ...) NPG_PRINTF(3, 4);
static int mnp_fault(struct soap *soap, const char *code, const char *fmt, ...)
{
    char reason[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    soap_sender_fault(soap, soap_strdup(soap, reason), NULL);
    struct _ukm__MnpFault *f = soap_malloc(soap, sizeof(*f));
    struct SOAP_ENV__Detail *d = soap_malloc(soap, sizeof(*d));
    if (!f || !d || !soap->fault)
        return SOAP_FAULT;
    f->Code = soap_strdup(soap, code);
    f->Reason = soap_strdup(soap, reason);
    soap_default_SOAP_ENV__Detail(soap, d);
    d->ukm__MnpFault = f;
    soap->fault->detail = d;
    return SOAP_FAULT;
}

/*
 * Log every request with its MessageId (caller holds the lock), so a test can tell a message
 * sent again from a second one, and tell whether a scripted refusal matches.
 */
static bool seen(const char *op, const char *number, const char *message_id)
{
    json_array_append_new(U.log,
                          json_pack("{s:s, s:s, s:s}", "op", op, "number", number ? number : "",
                                    "message_id", message_id ? message_id : ""));
    for (size_t i = 0; i < U.opt->nrefuse; i++) {
        const char *r = U.opt->refuse[i], *colon = strchr(r, ':');
        size_t n = colon ? (size_t)(colon - r) : strlen(r);
        if (strlen(op) == n && strncmp(r, op, n) == 0 &&
            (!colon || (number && strcmp(colon + 1, number) == 0)))
            return true;
    }
    return false;
}

static npg_uk_day_t today(void)
{
    return npg_uk_today(npg_uk_now(U.opt->clock_file));
}

/* The PAC checks every operation makes (caller holds the lock). */
static int find_pac(struct soap *soap, const char *code, const char *number, pac_t **out)
{
    pac_t *p = NULL;
    for (size_t i = 0; i < U.npacs && !p; i++)
        if (strcmp(U.pacs[i].code, code) == 0)
            p = &U.pacs[i];
    if (!p)
        return mnp_fault(soap, "PAC_UNKNOWN", "PAC %s was never issued", code);
    if (strcmp(p->number, number) != 0)
        return mnp_fault(soap, "PAC_NUMBER_MISMATCH", "PAC %s was issued for another number", code);
    if (!npg_uk_pac_valid_on(p->issued, today())) {
        char d[NPG_UK_DATE_LEN];
        npg_uk_date_format(npg_uk_pac_expiry(p->issued), d);
        return mnp_fault(soap, "PAC_EXPIRED", "PAC %s expired on %s", code, d);
    }
    *out = p;
    return SOAP_OK;
}

static int on_validate(struct soap *soap, struct _ukm__ValidatePAC *in,
                       struct _ukm__ValidatePACResponse *out)
{
    pac_t *p = NULL;
    char d[NPG_UK_DATE_LEN];
    pthread_mutex_lock(&U.lock);
    int rc = seen("ValidatePAC", in->Number, in->MessageId)
                 ? mnp_fault(soap, "REFUSED", "scripted refusal")
                 : find_pac(soap, in->PACCode, in->Number, &p);
    if (rc == SOAP_OK && p->closed)
        rc = mnp_fault(soap, "PAC_UNKNOWN", "PAC %s is already used", p->code);
    if (rc == SOAP_OK) {
        npg_uk_date_format(p->issued, d);
        out->PACCode = soap_strdup(soap, p->code);
        out->Number = soap_strdup(soap, p->number);
        out->DonorOperator = soap_strdup(soap, p->donor);
        out->IssueDate = soap_strdup(soap, d);
    }
    pthread_mutex_unlock(&U.lock);
    return rc;
}

static bool available(npg_uk_day_t day, npg_uk_day_t earliest)
{
    if (day < earliest || !npg_uk_working_day(&U.cal, day))
        return false;
    for (size_t i = 0; i < U.nbusy; i++)
        if (U.busy[i] == day)
            return false;
    return true;
}

static int on_date(struct soap *soap, struct _ukm__RequestPortDate *in,
                   struct _ukm__RequestPortDateResponse *out)
{
    pac_t *p = NULL;
    npg_uk_day_t want, earliest = npg_uk_next_working_day(&U.cal, today());
    char d[NPG_UK_DATE_LEN];
    pthread_mutex_lock(&U.lock);
    int rc = seen("RequestPortDate", in->Number, in->MessageId)
                 ? mnp_fault(soap, "REFUSED", "scripted refusal")
                 : find_pac(soap, in->PACCode, in->Number, &p);
    if (rc == SOAP_OK && npg_uk_date_parse(in->PortDate, &want) != NPG_OK)
        rc = mnp_fault(soap, "REFUSED", "PortDate '%s' is not a date", in->PortDate);
    if (rc == SOAP_OK && !available(want, earliest)) {
        if (in->ErrorOnInvalidPortDate == xsd__boolean__true_)
            rc = mnp_fault(soap, "DATE_NOT_AVAILABLE", "no port slot on %s", in->PortDate);
        else
            for (want = want < earliest ? earliest : want; !available(want, earliest); want++)
                ;
    }
    if (rc == SOAP_OK) {
        npg_uk_date_format(want, d);
        out->PortDate = soap_strdup(soap, d);
    }
    pthread_mutex_unlock(&U.lock);
    return rc;
}

static int ack(struct soap *soap, const char *op, const char *message_id, const char *pac,
               const char *number, const char *recipient, struct _ukm__Acknowledgement *out)
{
    pac_t *p = NULL;
    pthread_mutex_lock(&U.lock);
    bool close = recipient != NULL;
    int rc = seen(op, number, message_id) ? mnp_fault(soap, "REFUSED", "scripted refusal")
                                          : find_pac(soap, pac, number, &p);
    if (rc == SOAP_OK) {
        p->closed = close;
        if (close)
            npg_strlcpy(p->recipient, recipient, sizeof(p->recipient));
        out->MessageId = soap_strdup(soap, message_id);
        out->Status = close ? "Closed" : "Reopened";
    }
    pthread_mutex_unlock(&U.lock);
    return rc;
}

static int on_close(struct soap *soap, struct _ukm__ClosePAC *in, struct _ukm__Acknowledgement *out)
{
    return ack(soap, "ClosePAC", in->MessageId, in->PACCode, in->Number, in->RecipientOperator,
               out);
}

static int on_cancel(struct soap *soap, struct _ukm__CancelPort *in,
                     struct _ukm__Acknowledgement *out)
{
    return ack(soap, "CancelPort", in->MessageId, in->PACCode, in->Number, NULL, out);
}

/* The cut-off passed at the gateway: the port goes ahead on its date. */
static int on_confirm(struct soap *soap, struct _ukm__ConfirmPort *in,
                      struct _ukm__Acknowledgement *out)
{
    pac_t *p = NULL;
    npg_uk_day_t day;
    pthread_mutex_lock(&U.lock);
    int rc = seen("ConfirmPort", in->Number, in->MessageId)
                 ? mnp_fault(soap, "REFUSED", "scripted refusal")
                 : find_pac(soap, in->PACCode, in->Number, &p);
    if (rc == SOAP_OK && (!p->closed || npg_uk_date_parse(in->PortDate, &day) != NPG_OK))
        rc = mnp_fault(soap, "REFUSED", "PAC %s was not closed for a port on %s", in->PACCode,
                       in->PortDate);
    if (rc == SOAP_OK) {
        p->confirmed = true;
        p->port_date = day;
        out->MessageId = soap_strdup(soap, in->MessageId);
        out->Status = "Confirmed";
    }
    pthread_mutex_unlock(&U.lock);
    return rc;
}

/* Tell the gateway the number moved; SOAP_OK once acknowledged. */
static int deliver_completed(const pac_t *p)
{
    npg_soap_client_opts_t o = {.url = U.opt->gateway_url,
                                .tls_conf = U.conf,
                                .connect_timeout = 5,
                                .io_timeout = 10,
                                .user = U.opt->user,
                                .password = U.opt->key,
                                .max_depth = 32,
                                .max_bytes = 1 << 20};
    struct soap *s = npg_soap_client_new(&o);
    if (!s)
        return SOAP_EOM;
    char id[65];
    snprintf(id, sizeof(id), "UKSIM-%s-%s", p->code, p->number);
    struct _ukm__PortCompleted n = {.MessageId = id,
                                    .PACCode = (char *)p->code,
                                    .Number = (char *)p->number,
                                    .RecipientOperator = (char *)p->recipient,
                                    .PortedAt = npg_uk_now(U.opt->clock_file)};
    struct _ukm__Acknowledgement ack;
    int rc = soap_call___ukm__PortCompleted(s, U.opt->gateway_url,
                                            "urn:npgw:uk:mnp:1#PortCompleted", &n, &ack);
    if (rc != SOAP_OK) {
        char why[300];
        npg_soap_error_text(s, why, sizeof(why));
        npg_log(LOG_NOTICE, "uksim", "PortCompleted %s to %s: %s", p->code, U.opt->gateway_url,
                why);
    }
    npg_soap_client_done(s, "PortCompleted", NULL);
    return rc;
}

/* Completes confirmed ports whose date has come (by the same clock as the gateway's). */
static void *completer_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&U.lock);
        bool stop = U.stopping;
        pac_t due = {0}, *p = NULL;
        for (size_t i = 0; i < U.npacs && !stop && !p; i++)
            if (U.pacs[i].confirmed && !U.pacs[i].completed && U.pacs[i].port_date <= today())
                p = &U.pacs[i];
        if (p)
            due = *p;
        pthread_mutex_unlock(&U.lock);
        if (stop)
            return NULL;
        if (p && U.opt->gateway_url && deliver_completed(&due) == SOAP_OK) {
            pthread_mutex_lock(&U.lock);
            p->completed = true;
            json_array_append_new(U.log, json_pack("{s:s, s:s, s:s}", "op", "PortCompleted",
                                                   "number", due.number, "message_id", ""));
            pthread_mutex_unlock(&U.lock);
            continue;
        }
        usleep(200000);
    }
}

static int add_pac(const char *code, const char *number, const char *donor, npg_uk_day_t issued)
{
    if (U.npacs == NPG_ARRAY_LEN(U.pacs))
        return NPG_ETOOBIG;
    pac_t *p = &U.pacs[U.npacs++];
    memset(p, 0, sizeof(*p));
    npg_strlcpy(p->code, code, sizeof(p->code));
    npg_strlcpy(p->number, number, sizeof(p->number));
    npg_strlcpy(p->donor, donor, sizeof(p->donor));
    p->issued = issued;
    return NPG_OK;
}

static int on_create(struct soap *soap, struct _ukm__CreatePAC *in,
                     struct _ukm__CreatePACResponse *out)
{
    char code[10], d[NPG_UK_DATE_LEN], e[NPG_UK_DATE_LEN];
    npg_uk_day_t now = today();
    pthread_mutex_lock(&U.lock);
    int rc = SOAP_OK;
    if (seen("CreatePAC", in->Number, in->MessageId))
        rc = mnp_fault(soap, "REFUSED", "scripted refusal");
    snprintf(code, sizeof(code), "NPS%06u", ++U.serial % 1000000);
    if (rc == SOAP_OK && add_pac(code, in->Number, in->DonorOperator, now) != NPG_OK)
        rc = mnp_fault(soap, "REFUSED", "the PAC registry is full");
    if (rc == SOAP_OK) {
        npg_uk_date_format(now, d);
        npg_uk_date_format(npg_uk_pac_expiry(now), e);
        out->PACCode = soap_strdup(soap, code);
        out->IssueDate = soap_strdup(soap, d);
        out->ExpiryDate = soap_strdup(soap, e);
    }
    pthread_mutex_unlock(&U.lock);
    return rc;
}

static const npg_ukm_handlers_t handlers = {
    .ValidatePAC = on_validate,
    .RequestPortDate = on_date,
    .ClosePAC = on_close,
    .CancelPort = on_cancel,
    .CreatePAC = on_create,
    .ConfirmPort = on_confirm,
};

static int http(npg_http_req_t *req)
{
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/uk") == 0 &&
        strcmp(req->query, "wsdl") == 0)
        return npg_http_send_file(
            req, U.conf->http.wsdl_dir[0] ? U.conf->http.wsdl_dir : NPGW_DATADIR "/wsdl",
            "uk/uk-mnp.wsdl");
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/health") == 0)
        return npg_http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
    if (req->method != NPG_HTTP_GET || strcmp(req->path, "/uk/log") != 0)
        return npg_http_reply_error(req, 404, "error", "npsim uk serves POST /uk, GET /uk/log");
    pthread_mutex_lock(&U.lock);
    json_t *copy = json_deep_copy(U.log);
    pthread_mutex_unlock(&U.lock);
    return npg_http_reply_json(req, 200, json_pack("{s:o}", "requests", copy));
}

static bool is_soap(const char *path, void *app)
{
    (void)app;
    return strcmp(path, "/uk") == 0;
}

/* "PAC:NUMBER:DONOR:YYYY-MM-DD" */
static int seed(const char *spec)
{
    char code[16], number[20], donor[16], date[16];
    npg_uk_day_t issued;
    if (sscanf(spec, "%15[^:]:%19[^:]:%15[^:]:%15s", code, number, donor, date) != 4 ||
        !npg_uk_pac_format_ok(code) || !npg_is_digits(number) ||
        npg_uk_date_parse(date, &issued) != NPG_OK) {
        npg_log(LOG_ERR, "uksim", "--pac '%s': want PAC:NUMBER:DONOR:YYYY-MM-DD", spec);
        return NPG_EINVAL;
    }
    return add_pac(code, number, donor, issued);
}

int npg_uksim_run(const npg_conf_t *conf, const npg_uksim_options_t *opt)
{
    static npg_conf_t listen_conf;
    char msg[512];
    U.conf = conf;
    U.opt = opt;
    U.log = json_array();
    int rc = npg_uk_calendar_load(conf, &U.cal, msg, sizeof(msg));
    if (rc != NPG_OK) {
        npg_log(LOG_ERR, "uksim", "%s", msg);
        return rc;
    }
    for (size_t i = 0; i < opt->npacs && rc == NPG_OK; i++)
        rc = seed(opt->pacs[i]);
    for (size_t i = 0; i < opt->nunavailable && rc == NPG_OK && i < NPG_ARRAY_LEN(U.busy); i++) {
        rc = npg_uk_date_parse(opt->unavailable[i], &U.busy[U.nbusy]);
        if (rc == NPG_OK)
            U.nbusy++;
        else
            npg_log(LOG_ERR, "uksim", "--unavailable '%s' is not a date", opt->unavailable[i]);
    }
    if (rc != NPG_OK)
        return rc;
    listen_conf = *conf;
    npg_strlcpy(listen_conf.http.listen, opt->listen, sizeof(listen_conf.http.listen));
    listen_conf.http.port = opt->port;
    bool tls = npg_http_tls_listener(&listen_conf, opt->port, opt->tls_cert, opt->tls_key);
    npg_http_options_t hopt = {.tls_only = tls,
                               .conf = &listen_conf,
                               .handle = http,
                               .is_soap = is_soap,
                               .namespaces = namespaces,
                               .app = NULL};
    npg_ukm_set_handlers(&handlers);
    rc = npg_http_server_new(&hopt, &U.http);
    if (rc != NPG_OK)
        return rc;
    npg_log(LOG_NOTICE, "uksim", "UK porting platform on http%s://%s:%d/uk (%zu PACs)",
            tls ? "s" : "", opt->listen,
            tls ? npg_http_server_tls_port(U.http) : npg_http_server_port(U.http), U.npacs);
    if (pthread_create(&U.completer, NULL, completer_main, NULL) != 0)
        return NPG_EIO;
    rc = npg_http_server_run(U.http);
    pthread_mutex_lock(&U.lock);
    U.stopping = true;
    pthread_mutex_unlock(&U.lock);
    pthread_join(U.completer, NULL);
    npg_http_server_free(&U.http);
    json_decref(U.log);
    return rc;
}

void npg_uksim_stop(void)
{
    if (U.http)
        npg_http_server_stop(U.http);
}
