/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/uk/platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "soapH.h"

extern struct Namespace namespaces[];

void npg_uk_xchg_clear(npg_uk_xchg_t *x)
{
    free(x->sent);
    free(x->recv);
    memset(x, 0, sizeof(*x));
}

/* Bytes as they go out and come in, so the archive holds exactly what crossed the wire. */
typedef npg_uk_tap_t tap_t;

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
static char *body_of(char *raw, size_t len, size_t *blen)
{
    const char *b = raw ? strstr(raw, "\r\n\r\n") : NULL;
    if (!b)
        return NULL;
    b += 4;
    *blen = len - (size_t)(b - raw);
    char *out = malloc(*blen + 1);
    if (out)
        memcpy(out, b, *blen + 1);
    return out;
}

struct soap *npg_uk_call_open(const npg_conf_t *conf, tap_t *t)
{
    struct soap *s = soap_new1(SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!s)
        return NULL;
    soap_set_namespaces(s, namespaces);
    s->connect_timeout = conf->uk.connect_timeout;
    s->send_timeout = s->recv_timeout = conf->uk.io_timeout;
    s->maxlevel = (unsigned)conf->http.max_xml_depth;
    s->recv_maxlength = (ULONG64)conf->http.max_request_bytes;
    if (conf->uk.platform_user[0]) {
        s->userid = conf->uk.platform_user;
        s->passwd = conf->uk.platform_password;
    }
    memset(t, 0, sizeof(*t));
    t->orig_send = s->fsend;
    t->orig_recv = s->frecv;
    s->fsend = tap_send;
    s->frecv = tap_recv;
    s->user = t;
    return s;
}

/* After the call: the exchange into x, the outcome into code/err; frees s. */
int npg_uk_call_close(struct soap *s, tap_t *t, const char *op, npg_uk_xchg_t *x,
                      const npg_conf_t *conf, char *code, size_t codelen, char *err, size_t errlen)
{
    int rc = NPG_OK;
    npg_strlcpy(x->op, op, sizeof(x->op));
    x->sent = body_of(t->out, t->out_len, &x->sent_len);
    x->recv = body_of(t->in, t->in_len, &x->recv_len);
    free(t->out);
    free(t->in);
    if (s->error != SOAP_OK) {
        const struct SOAP_ENV__Detail *d = s->fault ? s->fault->detail : NULL;
        const struct _ukm__MnpFault *f = d ? d->ukm__MnpFault : NULL;
        if (f && f->Code) { /* the platform answered with a fault of the contract */
            snprintf(code, codelen, "%s", f->Code);
            snprintf(err, errlen, "%s", f->Reason ? f->Reason : f->Code);
            rc = NPG_EINVAL;
        } else {
            char why[300];
            soap_sprint_fault(s, why, sizeof(why));
            for (char *p = why; *p; p++)
                if (*p == '\n' || *p == '\r')
                    *p = ' ';
            snprintf(code, codelen, "PLATFORM_UNAVAILABLE");
            snprintf(err, errlen, "the UK porting platform did not answer %s (%s): %s", op,
                     conf->uk.platform_url, why);
            rc = NPG_EPEER;
        }
        npg_log(LOG_NOTICE, "uk", "%s refused or failed: %s", op, err);
    }
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return rc;
}

static void new_message_id(const npg_conf_t *conf, char out[65])
{
    unsigned char r[6] = {0};
    char hex[13];
    if (npg_random_bytes(r, sizeof(r)) != NPG_OK)
        npg_log(LOG_ERR, "uk", "no randomness for a message id");
    npg_hex(r, sizeof(r), hex);
    snprintf(out, 65, "%s-UK-%lld-%s", conf->general.operator_code, (long long)time(NULL), hex);
}

static int parse_date(const char *s, npg_uk_day_t *day, const char *what, char *code,
                      size_t codelen, char *err, size_t errlen)
{
    if (s && npg_uk_date_parse(s, day) == NPG_OK)
        return NPG_OK;
    snprintf(code, codelen, "PLATFORM_UNAVAILABLE");
    snprintf(err, errlen, "the platform's %s '%s' is not a date", what, s ? s : "");
    return NPG_EPEER;
}

int npg_uk_validate_pac(const npg_conf_t *conf, const char *pac, const char *number, char donor[11],
                        npg_uk_day_t *issued, npg_uk_xchg_t *x, char *code, size_t codelen,
                        char *err, size_t errlen)
{
    tap_t t;
    struct soap *s = npg_uk_call_open(conf, &t);
    if (!s)
        return NPG_ENOMEM;
    new_message_id(conf, x->message_id);
    struct _ukm__ValidatePAC req = {
        .MessageId = x->message_id, .PACCode = (char *)pac, .Number = (char *)number};
    struct _ukm__ValidatePACResponse resp;
    soap_call___ukm__ValidatePAC(s, conf->uk.platform_url, "urn:npgw:uk:mnp:1#ValidatePAC", &req,
                                 &resp);
    char issued_s[NPG_UK_DATE_LEN] = "";
    if (s->error == SOAP_OK) {
        npg_strlcpy(donor, resp.DonorOperator ? resp.DonorOperator : "", 11);
        npg_strlcpy(issued_s, resp.IssueDate ? resp.IssueDate : "", sizeof(issued_s));
    }
    int rc = npg_uk_call_close(s, &t, "ValidatePAC", x, conf, code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(issued_s, issued, "IssueDate", code, codelen, err, errlen);
    return rc;
}

int npg_uk_request_port_date(const npg_conf_t *conf, const char *pac, const char *number,
                             npg_uk_day_t wanted, bool error_on_invalid, npg_uk_day_t *granted,
                             npg_uk_xchg_t *x, char *code, size_t codelen, char *err, size_t errlen)
{
    tap_t t;
    struct soap *s = npg_uk_call_open(conf, &t);
    if (!s)
        return NPG_ENOMEM;
    char date[NPG_UK_DATE_LEN], got[NPG_UK_DATE_LEN] = "";
    npg_uk_date_format(wanted, date);
    new_message_id(conf, x->message_id);
    struct _ukm__RequestPortDate req = {
        .MessageId = x->message_id,
        .PACCode = (char *)pac,
        .Number = (char *)number,
        .PortDate = date,
        .ErrorOnInvalidPortDate = error_on_invalid ? xsd__boolean__true_ : xsd__boolean__false_};
    struct _ukm__RequestPortDateResponse resp;
    soap_call___ukm__RequestPortDate(s, conf->uk.platform_url, "urn:npgw:uk:mnp:1#RequestPortDate",
                                     &req, &resp);
    if (s->error == SOAP_OK)
        npg_strlcpy(got, resp.PortDate ? resp.PortDate : "", sizeof(got));
    int rc = npg_uk_call_close(s, &t, "RequestPortDate", x, conf, code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(got, granted, "PortDate", code, codelen, err, errlen);
    return rc;
}

int npg_uk_create_pac(const npg_conf_t *conf, const char *number, char pac[10],
                      npg_uk_day_t *issued, npg_uk_day_t *expiry, npg_uk_xchg_t *x, char *code,
                      size_t codelen, char *err, size_t errlen)
{
    tap_t t;
    struct soap *s = npg_uk_call_open(conf, &t);
    if (!s)
        return NPG_ENOMEM;
    new_message_id(conf, x->message_id);
    struct _ukm__CreatePAC req = {.MessageId = x->message_id,
                                  .Number = (char *)number,
                                  .DonorOperator = (char *)conf->general.operator_code};
    struct _ukm__CreatePACResponse resp;
    soap_call___ukm__CreatePAC(s, conf->uk.platform_url, "urn:npgw:uk:mnp:1#CreatePAC", &req,
                               &resp);
    char is[NPG_UK_DATE_LEN] = "", ex[NPG_UK_DATE_LEN] = "";
    if (s->error == SOAP_OK) {
        npg_strlcpy(pac, resp.PACCode ? resp.PACCode : "", 10);
        npg_strlcpy(is, resp.IssueDate ? resp.IssueDate : "", sizeof(is));
        npg_strlcpy(ex, resp.ExpiryDate ? resp.ExpiryDate : "", sizeof(ex));
    }
    int rc = npg_uk_call_close(s, &t, "CreatePAC", x, conf, code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(is, issued, "IssueDate", code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(ex, expiry, "ExpiryDate", code, codelen, err, errlen);
    if (rc == NPG_OK && !npg_uk_pac_format_ok(pac)) {
        snprintf(code, codelen, "PLATFORM_UNAVAILABLE");
        snprintf(err, errlen, "the platform issued '%s', which is not a PAC", pac);
        rc = NPG_EPEER;
    }
    return rc;
}
