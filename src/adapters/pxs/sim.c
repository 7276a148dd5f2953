/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim pxs: the clearinghouse side of PortingXS, scripted per number or port. */
#include "adapters/pxs/sim_internal.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "http/files.h"
#include "http/server.h"
#include "soap/fault.h"
#include "adapters/pxs/operations.h"
#include "soapH.h"

extern struct Namespace namespaces[];

typedef struct rule {
    char match[40];      /* "*", a number, "A-B", or a msgidentifier */
    int reject_code;     /* -1 authorise */
    int account_on_file; /* -1 any, else the pxs__AccountType the donor holds: others get 35 */
    bool silent, timeout, instruct_silent;
    int delay_ms;
    char home[11];   /* NumberInformation: the range holder when no port moved the number */
    char serves[11]; /* NumberInformation: this operator, whatever happened (to disagree) */
    bool info_only;  /* only home:/serves: - it does not change how ports are answered */
} rule_t;

#define SIM_MAX_RANGES 100

typedef struct port {
    struct port *next;
    char msgid[33], first[16], recipient[11], donor[11], gateway_op[11];
    rule_t rule;
    bool aborted, ported; /* ported: npsim sent Ported, so its numbers are the recipient's */
    size_t nranges;
    unsigned long long starts[SIM_MAX_RANGES], ends[SIM_MAX_RANGES];
} port_t;

typedef struct delivery {
    struct delivery *next;
    sim_msg_t msg;
    int64_t due_ms;
    int attempts;
    int64_t first_ms;
} delivery_t;

typedef struct log_entry {
    struct log_entry *next;
    char dir[10], type[32], message_id[65], msgidentifier[33], status[160];
    int count;
} log_entry_t;

struct npg_sim {
    npg_sim_options_t opt;
    const npg_conf_t *conf;
    npg_http_server_t *http;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t sender;
    bool stopping;
    rule_t rules[256];
    size_t nrules;
    port_t *ports;
    delivery_t *queue, *tail;
    log_entry_t *log, *log_tail;
    unsigned long counter;
};

static npg_sim_t *the_sim; /* gSOAP handlers have no user pointer of their own */

int npg_sim_rule_add(npg_sim_t *sim, const char *line, char *err, size_t errlen)
{
    rule_t r = {.reject_code = -1, .account_on_file = -1, .delay_ms = sim->opt.default_delay_ms};
    char actions[256];
    if (sscanf(line, " %39s %255s", r.match, actions) != 2) {
        snprintf(err, errlen, "rule '%s': want MATCH ACTION[,ACTION...]", line);
        return NPG_EINVAL;
    }
    int porting = 0;
    for (char *save = NULL, *a = strtok_r(actions, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
        porting += strncmp(a, "home:", 5) != 0 && strncmp(a, "serves:", 7) != 0;
        if (strcmp(a, "authorise") == 0)
            r.reject_code = -1;
        else if (strncmp(a, "reject:", 7) == 0 && npg_is_digits(a + 7) && strlen(a + 7) <= 2)
            r.reject_code = atoi(a + 7);
        else if (strncmp(a, "delay:", 6) == 0 && npg_is_digits(a + 6) && strlen(a + 6) <= 7)
            r.delay_ms = atoi(a + 6);
        else if (strcmp(a, "account:Prepaid") == 0 || strcmp(a, "account:Postpaid") == 0)
            r.account_on_file = strcmp(a + 8, "Prepaid") == 0 ? pxs__AccountType__Prepaid
                                                              : pxs__AccountType__Postpaid;
        else if (strcmp(a, "silent") == 0)
            r.silent = true;
        else if (strcmp(a, "timeout") == 0)
            r.timeout = true;
        else if (strcmp(a, "instruct-silent") == 0)
            r.instruct_silent = true;
        else if ((strncmp(a, "home:", 5) == 0 || strncmp(a, "serves:", 7) == 0) &&
                 strlen(strchr(a, ':') + 1) >= 2 && strlen(strchr(a, ':') + 1) <= 10 &&
                 strspn(strchr(a, ':') + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
                     strlen(strchr(a, ':') + 1))
            npg_strlcpy(a[0] == 'h' ? r.home : r.serves, strchr(a, ':') + 1, sizeof(r.home));
        else {
            snprintf(err, errlen, "rule '%s': unknown action '%s'", line, a);
            return NPG_EINVAL;
        }
    }
    r.info_only = porting == 0;
    if (sim->nrules == NPG_ARRAY_LEN(sim->rules)) {
        snprintf(err, errlen, "too many rules");
        return NPG_ETOOBIG;
    }
    sim->rules[sim->nrules++] = r;
    return NPG_OK;
}

int npg_sim_rules_load(npg_sim_t *sim, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return NPG_EIO;
    }
    char line[512];
    int rc = NPG_OK, n = 0;
    while (rc == NPG_OK && fgets(line, sizeof(line), f)) {
        n++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        char why[300];
        rc = npg_sim_rule_add(sim, line, why, sizeof(why));
        if (rc != NPG_OK)
            snprintf(err, errlen, "%s:%d: %s", path, n, why);
    }
    fclose(f);
    return rc;
}

static bool rule_hits(const rule_t *rule, const char *msgid, const char *number)
{
    const char *m = rule->match, *dash = strchr(m, '-');
    bool hit = strcmp(m, "*") == 0 || strcmp(m, msgid) == 0 || strcmp(m, number) == 0;
    if (!hit && dash && npg_is_digits(number) && strlen(m) < 40 && m[0] >= '0' && m[0] <= '9') {
        unsigned long long a = strtoull(m, NULL, 10), b = strtoull(dash + 1, NULL, 10);
        unsigned long long n = strtoull(number, NULL, 10);
        hit = n >= a && n <= b;
    }
    return hit;
}

/* The last rule that matches wins, so a scenario file can refine a catch-all. */
static rule_t match_rule(npg_sim_t *sim, const char *msgid, const char *number)
{
    rule_t r = {.reject_code = -1, .account_on_file = -1, .delay_ms = sim->opt.default_delay_ms};
    for (size_t i = 0; i < sim->nrules; i++)
        if (!sim->rules[i].info_only && rule_hits(&sim->rules[i], msgid, number))
            r = sim->rules[i];
    return r;
}

static void log_add(npg_sim_t *sim, const char *dir, const char *type, const char *message_id,
                    const char *msgid, const char *status, bool *seen)
{
    for (log_entry_t *e = sim->log; e; e = e->next) {
        if (strcmp(e->dir, dir) == 0 && strcmp(e->message_id, message_id) == 0) {
            e->count++;
            npg_strlcpy(e->status, status, sizeof(e->status));
            if (seen)
                *seen = true;
            return;
        }
    }
    log_entry_t *e = calloc(1, sizeof(*e));
    if (!e)
        return;
    npg_strlcpy(e->dir, dir, sizeof(e->dir));
    npg_strlcpy(e->type, type, sizeof(e->type));
    npg_strlcpy(e->message_id, message_id, sizeof(e->message_id));
    npg_strlcpy(e->msgidentifier, msgid, sizeof(e->msgidentifier));
    npg_strlcpy(e->status, status, sizeof(e->status));
    e->count = 1;
    if (sim->log_tail)
        sim->log_tail->next = e;
    else
        sim->log = e;
    sim->log_tail = e;
    if (seen)
        *seen = false;
}

/* Queue a message for the gateway (caller holds the lock); delivered in order, with retries. */
static void enqueue(npg_sim_t *sim, const char *type, const port_t *p, int delay_ms,
                    sim_msg_t *fill)
{
    delivery_t *d = calloc(1, sizeof(*d));
    if (!d)
        return;
    d->msg = *fill;
    npg_strlcpy(d->msg.type, type, sizeof(d->msg.type));
    snprintf(d->msg.message_id, sizeof(d->msg.message_id), "SIM-%lld-%lu", (long long)time(NULL),
             ++sim->counter);
    npg_strlcpy(d->msg.msgidentifier, p->msgid, sizeof(d->msg.msgidentifier));
    npg_strlcpy(d->msg.sender, sim->opt.operator_code, sizeof(d->msg.sender));
    npg_strlcpy(d->msg.receiver, p->gateway_op, sizeof(d->msg.receiver));
    d->first_ms = npg_now_ms();
    d->due_ms = d->first_ms + delay_ms;
    if (sim->tail)
        sim->tail->next = d;
    else
        sim->queue = d;
    sim->tail = d;
    pthread_cond_signal(&sim->wake);
}

static void *sender_main(void *arg)
{
    npg_sim_t *sim = arg;
    pthread_mutex_lock(&sim->lock);
    while (!sim->stopping) {
        delivery_t *d = sim->queue;
        int64_t now = npg_now_ms();
        if (!d || d->due_ms > now) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t wait = d ? d->due_ms - now : 200;
            ts.tv_sec += wait / 1000;
            ts.tv_nsec += (wait % 1000) * 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&sim->wake, &sim->lock, &ts);
            continue;
        }
        sim_msg_t msg = d->msg;
        pthread_mutex_unlock(&sim->lock);
        char status[160];
        int rc = sim_send(sim->conf, &msg, sim->opt.gateway_url, sim->opt.user, sim->opt.key,
                          status, sizeof(status));
        pthread_mutex_lock(&sim->lock);
        d->attempts++;
        bool give_up = rc == SIM_CLIENT_FAULT ||
                       npg_now_ms() - d->first_ms > (int64_t)sim->opt.retry_max_s * 1000;
        if (rc == SOAP_OK || give_up) {
            npg_log(rc == SOAP_OK ? LOG_INFO : LOG_WARNING, "sim", "%s %s to gateway: %s", msg.type,
                    msg.msgidentifier, status);
            log_add(sim, "delivered", msg.type, msg.message_id, msg.msgidentifier, status, NULL);
            sim->queue = d->next;
            if (!sim->queue)
                sim->tail = NULL;
            free(d);
        } else { /* the gateway is away or failed: back off, keep the order */
            int64_t backoff = 200LL << (d->attempts < 5 ? d->attempts : 5);
            if (sim->opt.backoff_max_ms > 0 && backoff > sim->opt.backoff_max_ms)
                backoff = sim->opt.backoff_max_ms;
            d->due_ms = npg_now_ms() + backoff;
            npg_log(LOG_NOTICE, "sim", "%s %s: %s; retry in %lld ms", msg.type, msg.msgidentifier,
                    status, (long long)backoff);
        }
    }
    pthread_mutex_unlock(&sim->lock);
    return NULL;
}

static port_t *find_port(npg_sim_t *sim, const char *msgid)
{
    for (port_t *p = sim->ports; p; p = p->next)
        if (strcmp(p->msgid, msgid) == 0)
            return p;
    return NULL;
}

/* Common to every request: header present, log it, and tell whether it was seen before. */
static int received(struct soap *soap, struct pxs__MessageHeader *h, const char *type,
                    struct _pxs__Acknowledgement *ack, bool *seen)
{
    if (!h || !h->MessageId || !h->MessageIdentifier || !h->SenderOperator)
        return npg_soap_fault(soap, NPG_EINVAL,
                              "%s: Header with MessageId, MessageIdentifier"
                              " and SenderOperator is required",
                              type);
    log_add(the_sim, "received", type, h->MessageId, h->MessageIdentifier, "Accepted", seen);
    ack->MessageId = soap_strdup(soap, h->MessageId);
    ack->Status = *seen ? "Duplicate" : "Accepted";
    return SOAP_OK;
}

static int on_porting_request(struct soap *soap, struct _pxs__PortingRequest *in,
                              struct _pxs__Acknowledgement *ack)
{
    npg_sim_t *sim = the_sim;
    bool seen;
    pthread_mutex_lock(&sim->lock);
    int rc = received(soap, in->Header, "PortingRequest", ack, &seen);
    if (rc == SOAP_OK && !seen) {
        port_t *p = calloc(1, sizeof(*p));
        if (p) {
            npg_strlcpy(p->msgid, in->Header->MessageIdentifier, sizeof(p->msgid));
            npg_strlcpy(p->first, in->NumberRanges->NumberRange[0].Start, sizeof(p->first));
            npg_strlcpy(p->recipient, in->RecipientOperator, sizeof(p->recipient));
            npg_strlcpy(p->donor, in->DonorOperator, sizeof(p->donor));
            npg_strlcpy(p->gateway_op, in->Header->SenderOperator, sizeof(p->gateway_op));
            for (int i = 0; i < in->NumberRanges->__sizeNumberRange && i < SIM_MAX_RANGES; i++) {
                const struct pxs__NumberRange *nr = &in->NumberRanges->NumberRange[i];
                p->starts[p->nranges] = strtoull(nr->Start, NULL, 10);
                p->ends[p->nranges++] = strtoull(nr->End ? nr->End : nr->Start, NULL, 10);
            }
            p->rule = match_rule(sim, p->msgid, p->first);
            if (p->rule.account_on_file >= 0 && (int)in->AccountType != p->rule.account_on_file)
                p->rule.reject_code = 35; /* Incorrect Account Type */
            p->next = sim->ports;
            sim->ports = p;
            sim_msg_t m = {.reject_code = p->rule.reject_code};
            if (p->rule.timeout)
                enqueue(sim, "TimedOut", p, p->rule.delay_ms, &m);
            else if (!p->rule.silent) {
                if (p->rule.reject_code == 35 && p->rule.account_on_file >= 0)
                    snprintf(m.reason, sizeof(m.reason), "Incorrect Account Type: %s on file",
                             p->rule.account_on_file == pxs__AccountType__Prepaid ? "Prepaid"
                                                                                  : "Postpaid");
                else if (p->rule.reject_code >= 0)
                    snprintf(m.reason, sizeof(m.reason), "rejected by the donor (npsim rule %s)",
                             p->rule.match);
                enqueue(sim, "AuthorisationResponse", p, p->rule.delay_ms, &m);
            }
        }
    }
    pthread_mutex_unlock(&sim->lock);
    return rc;
}

static int on_instruction(struct soap *soap, struct _pxs__InstructionRequest *in,
                          struct _pxs__Acknowledgement *ack)
{
    npg_sim_t *sim = the_sim;
    bool seen;
    pthread_mutex_lock(&sim->lock);
    int rc = received(soap, in->Header, "InstructionRequest", ack, &seen);
    port_t *p = rc == SOAP_OK ? find_port(sim, in->Header->MessageIdentifier) : NULL;
    if (rc == SOAP_OK && !p)
        rc = npg_soap_fault(soap, NPG_ENOTFOUND, "no porting request %s was received",
                            in->Header->MessageIdentifier);
    if (rc == SOAP_OK && !seen && !p->aborted && !p->rule.instruct_silent) {
        sim_msg_t m = {.reject_code = -1};
        npg_strlcpy(m.recipient, p->recipient, sizeof(m.recipient));
        enqueue(sim, "InstructionResponse", p, p->rule.delay_ms, &m);
        enqueue(sim, "Ported", p, p->rule.delay_ms, &m);
        p->ported = true;
    }
    pthread_mutex_unlock(&sim->lock);
    return rc;
}

static int on_abort(struct soap *soap, struct _pxs__AbortRequest *in,
                    struct _pxs__Acknowledgement *ack)
{
    npg_sim_t *sim = the_sim;
    bool seen;
    pthread_mutex_lock(&sim->lock);
    int rc = received(soap, in->Header, "AbortRequest", ack, &seen);
    port_t *p = rc == SOAP_OK ? find_port(sim, in->Header->MessageIdentifier) : NULL;
    if (p)
        p->aborted = true;
    pthread_mutex_unlock(&sim->lock);
    return rc;
}

/* The gateway's answer to a port-out; on Accept the port completes after the delay. */
static int on_answer(struct soap *soap, struct _pxs__AuthorisationAnswer *in,
                     struct _pxs__Acknowledgement *ack)
{
    npg_sim_t *sim = the_sim;
    bool seen;
    pthread_mutex_lock(&sim->lock);
    int rc = received(soap, in->Header, "AuthorisationAnswer", ack, &seen);
    if (rc == SOAP_OK && !seen && in->Decision == pxs__Decision__Accept) {
        port_t p = {0};
        npg_strlcpy(p.msgid, in->Header->MessageIdentifier, sizeof(p.msgid));
        npg_strlcpy(p.gateway_op, in->Header->SenderOperator, sizeof(p.gateway_op));
        sim_msg_t m = {.reject_code = -1};
        /* The answer is addressed to the gaining operator: it is the recipient. */
        npg_strlcpy(m.recipient, in->Header->ReceiverOperator, sizeof(m.recipient));
        enqueue(sim, "Ported", &p, sim->opt.default_delay_ms, &m);
    }
    pthread_mutex_unlock(&sim->lock);
    return rc;
}

static int on_termination(struct soap *soap, struct _pxs__TerminationRequest *in,
                          struct _pxs__Acknowledgement *ack)
{
    npg_sim_t *sim = the_sim;
    bool seen;
    pthread_mutex_lock(&sim->lock);
    int rc = received(soap, in->Header, "TerminationRequest", ack, &seen);
    if (rc == SOAP_OK && !seen) {
        port_t p = {0};
        npg_strlcpy(p.msgid, in->Header->MessageIdentifier, sizeof(p.msgid));
        npg_strlcpy(p.gateway_op, in->Header->SenderOperator, sizeof(p.gateway_op));
        sim_msg_t m = {.reject_code = -1};
        npg_strlcpy(m.from, in->Number, sizeof(m.from));
        npg_strlcpy(m.number_type, in->NumberType == pxs__NumberType__fixed ? "fixed" : "mobile",
                    sizeof(m.number_type));
        enqueue(sim, "Terminated", &p, sim->opt.default_delay_ms, &m);
    }
    pthread_mutex_unlock(&sim->lock);
    return rc;
}

/*
 * Who serves a number: a serves: rule (scripted disagreement) wins; else the recipient of
 * the last port of it npsim ported; else its home: rule; else --operator.
 */
static int on_info(struct soap *soap, struct _pxs__NumberInformationRequest *in,
                   struct _pxs__NumberInformation *out)
{
    npg_sim_t *sim = the_sim;
    if (!in->Header || !in->Number)
        return npg_soap_fault(soap, NPG_EINVAL, "Header and Number are required");
    pthread_mutex_lock(&sim->lock);
    const char *current = sim->opt.operator_code, *original = sim->opt.operator_code;
    const char *home = NULL, *serves = NULL, *ported_to = NULL, *ported_from = NULL;
    for (size_t i = 0; i < sim->nrules; i++) {
        const rule_t *r = &sim->rules[i];
        if ((r->home[0] || r->serves[0]) && rule_hits(r, "", in->Number)) {
            home = r->home[0] ? r->home : home;
            serves = r->serves[0] ? r->serves : serves;
        }
    }
    unsigned long long n = npg_is_digits(in->Number) ? strtoull(in->Number, NULL, 10) : 0;
    for (port_t *p = sim->ports; p && !ported_to; p = p->next) /* newest first */
        for (size_t i = 0; p->ported && i < p->nranges; i++)
            if (n >= p->starts[i] && n <= p->ends[i]) {
                ported_to = p->recipient;
                ported_from = p->donor;
                break;
            }
    if (home)
        current = original = home;
    if (ported_to)
        current = ported_to, original = home ? home : ported_from;
    if (serves)
        current = serves;
    out->Number = soap_strdup(soap, in->Number);
    out->CurrentOperator = soap_strdup(soap, current);
    out->OriginalOperator = soap_strdup(soap, original);
    out->Ported = strcmp(current, original) != 0 ? xsd__boolean__true_ : xsd__boolean__false_;
    pthread_mutex_unlock(&sim->lock);
    return SOAP_OK;
}

static const npg_pxs_handlers_t sim_handlers = {
    .PortingRequest = on_porting_request,
    .InstructionRequest = on_instruction,
    .AbortRequest = on_abort,
    .AuthorisationAnswer = on_answer,
    .TerminationRequest = on_termination,
    .NumberInformationRequest = on_info,
};

static int sim_http(npg_http_req_t *req)
{
    npg_sim_t *sim = req->app;
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/pxs") == 0 &&
        strcmp(req->query, "wsdl") == 0)
        return npg_http_send_file(
            req, sim->conf->http.wsdl_dir[0] ? sim->conf->http.wsdl_dir : NPGW_DATADIR "/wsdl",
            "pxs/portingxs.wsdl");
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/health") == 0)
        return npg_http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
    if (req->method != NPG_HTTP_GET || strcmp(req->path, "/pxs/log") != 0)
        return npg_http_reply_error(req, 404, "error", "npsim serves POST /pxs and GET /pxs/log");
    json_t *list = json_array();
    pthread_mutex_lock(&sim->lock);
    for (log_entry_t *e = sim->log; e; e = e->next)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "direction", e->dir,
                                              "type", e->type, "MessageId", e->message_id,
                                              "MessageIdentifier", e->msgidentifier, "status",
                                              e->status, "count", e->count));
    size_t pending = 0;
    for (delivery_t *d = sim->queue; d; d = d->next)
        pending++;
    pthread_mutex_unlock(&sim->lock);
    return npg_http_reply_json(req, 200,
                               json_pack("{s:o, s:i}", "messages", list, "pending", (int)pending));
}

static bool sim_is_soap(const char *path, void *app)
{
    (void)app;
    return strcmp(path, "/pxs") == 0 || strcmp(path, "/pxs/") == 0;
}

int npg_sim_new(const npg_conf_t *conf, const npg_sim_options_t *opt, npg_sim_t **out)
{
    npg_sim_t *sim = calloc(1, sizeof(*sim));
    if (!sim)
        return NPG_ENOMEM;
    sim->opt = *opt;
    sim->conf = conf;
    pthread_mutex_init(&sim->lock, NULL);
    pthread_cond_init(&sim->wake, NULL);
    *out = sim;
    return NPG_OK;
}

int npg_sim_run(npg_sim_t *sim)
{
    static npg_conf_t listen_conf; /* the listener's settings with npsim's address */
    listen_conf = *sim->conf;
    npg_strlcpy(listen_conf.http.listen, sim->opt.listen, sizeof(listen_conf.http.listen));
    listen_conf.http.port = sim->opt.port;
    bool tls =
        npg_http_tls_listener(&listen_conf, sim->opt.port, sim->opt.tls_cert, sim->opt.tls_key);
    npg_http_options_t hopt = {.tls_only = tls,
                               .conf = &listen_conf,
                               .handle = sim_http,
                               .is_soap = sim_is_soap,
                               .namespaces = namespaces,
                               .app = sim};
    the_sim = sim;
    npg_pxs_set_handlers(&sim_handlers);
    int rc = npg_http_server_new(&hopt, &sim->http);
    if (rc != NPG_OK)
        return rc;
    if (pthread_create(&sim->sender, NULL, sender_main, sim) != 0)
        return NPG_EIO;
    npg_log(LOG_NOTICE, "sim", "PortingXS clearinghouse on http%s://%s:%d/pxs, delivering to %s",
            tls ? "s" : "", sim->opt.listen,
            tls ? npg_http_server_tls_port(sim->http) : npg_http_server_port(sim->http),
            sim->opt.gateway_url);
    rc = npg_http_server_run(sim->http);
    pthread_mutex_lock(&sim->lock);
    sim->stopping = true;
    pthread_cond_broadcast(&sim->wake);
    pthread_mutex_unlock(&sim->lock);
    pthread_join(sim->sender, NULL);
    return rc;
}

void npg_sim_stop(npg_sim_t *sim)
{
    if (sim && sim->http)
        npg_http_server_stop(sim->http);
}

void npg_sim_free(npg_sim_t **simp)
{
    npg_sim_t *sim = simp ? *simp : NULL;
    if (!sim)
        return;
    npg_http_server_free(&sim->http);
    while (sim->ports) {
        port_t *p = sim->ports;
        sim->ports = p->next;
        free(p);
    }
    while (sim->queue) {
        delivery_t *d = sim->queue;
        sim->queue = d->next;
        free(d);
    }
    while (sim->log) {
        log_entry_t *e = sim->log;
        sim->log = e->next;
        free(e);
    }
    pthread_mutex_destroy(&sim->lock);
    pthread_cond_destroy(&sim->wake);
    free(sim);
    *simp = NULL;
}

int npg_sim_deliver_once(const npg_conf_t *conf, const npg_sim_options_t *opt, const char *type,
                         const char *const *fields, char *status, size_t len)
{
    (void)conf;
    sim_msg_t m = {.reject_code = -1};
    npg_strlcpy(m.type, type, sizeof(m.type));
    npg_strlcpy(m.sender, opt->operator_code, sizeof(m.sender));
    npg_strlcpy(m.receiver, "CARR", sizeof(m.receiver));
    npg_strlcpy(m.account_type, "Prepaid", sizeof(m.account_type));
    npg_strlcpy(m.number_type, "mobile", sizeof(m.number_type));
    snprintf(m.message_id, sizeof(m.message_id), "SIM-%lld-%d", (long long)time(NULL),
             (int)getpid());
    static const struct {
        const char *name;
        size_t off, size;
    } names[] = {
#define FLD(n) {#n, offsetof(sim_msg_t, n), sizeof(((sim_msg_t *)0)->n)}
        FLD(message_id),  FLD(msgidentifier), FLD(recipient), FLD(donor),  FLD(account_type),
        FLD(number_type), FLD(from),          FLD(to),        FLD(reason), FLD(receiver),
#undef FLD
    };
    for (size_t i = 0; fields && fields[i]; i++) {
        const char *eq = strchr(fields[i], '=');
        if (!eq)
            return NPG_EINVAL;
        size_t klen = (size_t)(eq - fields[i]);
        if (klen == 11 && strncmp(fields[i], "reject_code", 11) == 0) {
            m.reject_code = atoi(eq + 1);
            continue;
        }
        size_t j;
        for (j = 0; j < NPG_ARRAY_LEN(names); j++)
            if (strlen(names[j].name) == klen && strncmp(names[j].name, fields[i], klen) == 0) {
                npg_strlcpy((char *)&m + names[j].off, eq + 1, names[j].size);
                break;
            }
        if (j == NPG_ARRAY_LEN(names)) {
            snprintf(status, len, "unknown field '%.*s'", (int)klen, fields[i]);
            return NPG_EINVAL;
        }
    }
    int64_t start = npg_now_ms();
    for (int attempt = 0;; attempt++) {
        int rc = sim_send(conf, &m, opt->gateway_url, opt->user, opt->key, status, len);
        if (rc == SOAP_OK)
            return NPG_OK;
        if (rc == SIM_CLIENT_FAULT || npg_now_ms() - start > (int64_t)opt->retry_max_s * 1000)
            return rc == SIM_CLIENT_FAULT ? NPG_EINVAL : NPG_EPEER;
        usleep((useconds_t)(200000 << (attempt < 4 ? attempt : 4)));
    }
}
