/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soap/client.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/tls.h"
#include "metrics/metrics.h"
#include "soapH.h"

extern struct Namespace namespaces[];

void npg_xchg_clear(npg_xchg_t *x)
{
    free(x->sent);
    free(x->recv);
    memset(x, 0, sizeof(*x));
}

/* Bytes as they go out and come in, so the archive holds exactly what crossed the wire. */
typedef struct tap {
    int (*orig_send)(struct soap *, const char *, size_t);
    size_t (*orig_recv)(struct soap *, char *, size_t);
    char *out, *in;
    size_t out_len, in_len;
} tap_t;

static void append(char **buf, size_t *len, const char *data, size_t n)
{
    char *nb = realloc(*buf, *len + n + 1);
    if (!nb)
        return; /* the archive copy is best effort; the call itself goes on */
    memcpy(nb + *len, data, n);
    *len += n;
    nb[*len] = '\0';
    *buf = nb;
}

static int tap_send(struct soap *s, const char *data, size_t n)
{
    tap_t *t = s->user;
    append(&t->out, &t->out_len, data, n);
    return t->orig_send(s, data, n);
}

static size_t tap_recv(struct soap *s, char *data, size_t n)
{
    tap_t *t = s->user;
    size_t got = t->orig_recv(s, data, n);
    if (got > 0)
        append(&t->in, &t->in_len, data, got);
    return got;
}

/* Keep the envelope, not the HTTP header lines in front of it. */
static char *body_of(const char *raw, size_t len, size_t *blen)
{
    const char *b = raw ? strstr(raw, "\r\n\r\n") : NULL;
    *blen = 0;
    if (!b)
        return NULL;
    b += 4;
    *blen = len - (size_t)(b - raw);
    char *out = malloc(*blen + 1);
    if (out)
        memcpy(out, b, *blen + 1);
    return out;
}

static pthread_once_t ssl_once = PTHREAD_ONCE_INIT;
static void ssl_init(void)
{
    soap_ssl_init();
}

/* TLS for an https url: gSOAP makes the context, OpenSSL checks chain and name. */
static int tls_setup(struct soap *s, const npg_soap_client_opts_t *o)
{
    char host[256], err[512];
    if (!o->tls_conf || npg_tls_url_host(o->url, host, sizeof(host)) != NPG_OK) {
        npg_log(LOG_ERR, "tls", "%s: no host to check the certificate against", o->url);
        return NPG_EINVAL;
    }
    pthread_once(&ssl_once, ssl_init);
    /* gSOAP's own host check does not know IP addresses: OpenSSL's (set below) does both */
    if (soap_ssl_client_context(s,
                                SOAP_SSL_REQUIRE_SERVER_AUTHENTICATION | SOAP_SSL_SKIP_HOST_CHECK,
                                NULL, NULL, NULL, NULL, NULL) != SOAP_OK ||
        !s->ctx) {
        npg_soap_error_text(s, err, sizeof(err));
        npg_log(LOG_ERR, "tls", "%s: %s", o->url, err);
        return NPG_EIO;
    }
    const npg_conf_t *c = o->tls_conf;
    if (npg_tls_client_setup(s->ctx, c->tls.ca_file, c->tls.cert_file, c->tls.key_file, host, err,
                             sizeof(err)) != NPG_OK) {
        npg_log(LOG_ERR, "tls", "%s: %s", o->url, err);
        return NPG_ECONF;
    }
    return NPG_OK;
}

struct soap *npg_soap_client_new(const npg_soap_client_opts_t *o)
{
    tap_t *t = calloc(1, sizeof(*t));
    struct soap *s = t ? soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING) : NULL;
    if (!s) {
        free(t);
        return NULL;
    }
    soap_set_namespaces(s, namespaces);
    s->connect_timeout = o->connect_timeout;
    s->send_timeout = s->recv_timeout = o->io_timeout;
    s->maxlevel = o->max_depth;
    s->recv_maxlength = (ULONG64)o->max_bytes;
    if (o->user && o->user[0]) {
        s->userid = o->user;
        s->passwd = o->password;
    }
    if (o->url && strncasecmp(o->url, "https://", 8) == 0 && tls_setup(s, o) != NPG_OK) {
        soap_free(s);
        free(t);
        return NULL;
    }
    t->orig_send = s->fsend;
    t->orig_recv = s->frecv;
    s->fsend = tap_send;
    s->frecv = tap_recv;
    s->user = t;
    return s;
}

static npg_metric_t calls = {
    .name = "npgw_soap_client_calls_total",
    .help = "SOAP calls npgw made (to clearinghouses, the UK platform), by operation and result:"
            " ok, client_fault, server_fault, or error (no answer, transport, contract).",
    .type = NPG_METRIC_COUNTER,
    .labels = {"operation", "result"},
};

void npg_soap_client_done(struct soap *s, const char *op, npg_xchg_t *x)
{
    tap_t *t = s->user;
    const char *result = s->error == SOAP_OK ? "ok"
                         : s->error == SOAP_FAULT || s->error == SOAP_CLI_FAULT ||
                                 s->error == SOAP_SVR_FAULT
                             ? (npg_soap_client_fault(s) ? "client_fault" : "server_fault")
                             : "error";
    npg_metric_add(&calls, NPG_METRIC_V(op, result), 1);
    if (x) {
        snprintf(x->op, sizeof(x->op), "%s", op);
        x->sent = body_of(t->out, t->out_len, &x->sent_len);
        x->recv = body_of(t->in, t->in_len, &x->recv_len);
    }
    free(t->out);
    free(t->in);
    free(t);
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
}

void npg_soap_error_text(struct soap *s, char *err, size_t errlen)
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

bool npg_soap_client_fault(struct soap *s)
{
    /* gSOAP reports a received SOAP 1.1 Client fault as SOAP_CLI_FAULT, not SOAP_FAULT */
    if (s->error != SOAP_FAULT && s->error != SOAP_CLI_FAULT)
        return false;
    soap_set_fault(s);
    const char **code = soap_faultcode(s);
    return code && *code && strstr(*code, "Client");
}
