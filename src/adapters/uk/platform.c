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

struct soap *npg_uk_call_open(const npg_conf_t *conf)
{
    npg_soap_client_opts_t o = {.url = conf->uk.platform_url,
                                .tls_conf = conf,
                                .connect_timeout = conf->uk.connect_timeout,
                                .io_timeout = conf->uk.io_timeout,
                                .user = conf->uk.platform_user,
                                .password = conf->uk.platform_password,
                                .max_depth = (unsigned)conf->http.max_xml_depth,
                                .max_bytes = (uint64_t)conf->http.max_request_bytes};
    return npg_soap_client_new(&o);
}

/* After the call: the exchange into x, the outcome into code/err; frees s. */
int npg_uk_call_close(struct soap *s, const char *op, npg_uk_xchg_t *x, const npg_conf_t *conf,
                      char *code, size_t codelen, char *err, size_t errlen)
{
    int rc = NPG_OK;
    if (s->error != SOAP_OK) {
        const struct SOAP_ENV__Detail *d = s->fault ? s->fault->detail : NULL;
        const struct _ukm__MnpFault *f = d ? d->ukm__MnpFault : NULL;
        if (f && f->Code) { /* the platform answered with a fault of the contract */
            snprintf(code, codelen, "%s", f->Code);
            snprintf(err, errlen, "%s", f->Reason ? f->Reason : f->Code);
            rc = NPG_EINVAL;
        } else {
            char why[300];
            npg_soap_error_text(s, why, sizeof(why));
            snprintf(code, codelen, "PLATFORM_UNAVAILABLE");
            snprintf(err, errlen, "the UK porting platform did not answer %s (%s): %s", op,
                     conf->uk.platform_url, why);
            rc = NPG_EPEER;
        }
        npg_log(LOG_NOTICE, "uk", "%s refused or failed: %s", op, err);
    }
    npg_soap_client_done(s, op, x);
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
    struct soap *s = npg_uk_call_open(conf);
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
    int rc = npg_uk_call_close(s, "ValidatePAC", x, conf, code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(issued_s, issued, "IssueDate", code, codelen, err, errlen);
    return rc;
}

int npg_uk_request_port_date(const npg_conf_t *conf, const char *pac, const char *number,
                             npg_uk_day_t wanted, bool error_on_invalid, npg_uk_day_t *granted,
                             npg_uk_xchg_t *x, char *code, size_t codelen, char *err, size_t errlen)
{
    struct soap *s = npg_uk_call_open(conf);
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
    int rc = npg_uk_call_close(s, "RequestPortDate", x, conf, code, codelen, err, errlen);
    if (rc == NPG_OK)
        rc = parse_date(got, granted, "PortDate", code, codelen, err, errlen);
    return rc;
}

int npg_uk_create_pac(const npg_conf_t *conf, const char *number, char pac[10],
                      npg_uk_day_t *issued, npg_uk_day_t *expiry, npg_uk_xchg_t *x, char *code,
                      size_t codelen, char *err, size_t errlen)
{
    struct soap *s = npg_uk_call_open(conf);
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
    int rc = npg_uk_call_close(s, "CreatePAC", x, conf, code, codelen, err, errlen);
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
