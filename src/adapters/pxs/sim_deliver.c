/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim's side of the PortingXSReceiver contract: build and send one message with the generated
 * stubs. */
#include "adapters/pxs/sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "soap/client.h"
#include "soapH.h"

extern struct Namespace namespaces[];

static struct pxs__NumberRanges *ranges(struct soap *s, const sim_msg_t *m)
{
    struct pxs__NumberRanges *r = soap_malloc(s, sizeof(*r));
    struct pxs__NumberRange *one = soap_malloc(s, sizeof(*one));
    one->Start = soap_strdup(s, m->from);
    one->End = soap_strdup(s, m->to[0] ? m->to : m->from);
    r->__sizeNumberRange = 1;
    r->NumberRange = one;
    return r;
}

/* A strict client with npsim's timeouts and the gateway's credentials. */
static struct soap *sim_client(const npg_conf_t *conf, const char *url, const char *user,
                               const char *key)
{
    npg_soap_client_opts_t o = {.url = url,
                                .tls_conf = conf,
                                .connect_timeout = 5,
                                .io_timeout = 10,
                                .user = user,
                                .password = key,
                                .max_depth = 32,
                                .max_bytes = 1 << 20};
    return npg_soap_client_new(&o);
}

/* Send m to url; *status gets the acknowledgement's Status. Returns the gSOAP error code. */
int sim_send(const npg_conf_t *conf, const sim_msg_t *m, const char *url, const char *user,
             const char *key, char *status, size_t len)
{
    struct soap *s = sim_client(conf, url, user, key);
    if (!s)
        return SOAP_EOM;
    struct pxs__MessageHeader h = {
        .MessageId = (char *)m->message_id,
        .MessageIdentifier = (char *)m->msgidentifier,
        .Timestamp = time(NULL),
        .SenderOperator = (char *)m->sender,
        .ReceiverOperator = (char *)m->receiver,
    };
    struct _pxs__Acknowledgement ack = {0};
    enum pxs__Decision accept = pxs__Decision__Accept, reject = pxs__Decision__Reject;
    time_t now = time(NULL);
    int code = m->reject_code;
    enum pxs__NumberType nt =
        strcmp(m->number_type, "fixed") == 0 ? pxs__NumberType__fixed : pxs__NumberType__mobile;
    int rc;
    const char *t = m->type;
    if (strcmp(t, "AuthorisationResponse") == 0) {
        struct _pxs__AuthorisationResponse r = {.Header = &h,
                                                .Decision = m->reject_code >= 0 ? reject : accept,
                                                .RejectCode = m->reject_code >= 0 ? &code : NULL,
                                                .Reason = m->reason[0] ? (char *)m->reason : NULL};
        rc = soap_call___pxs__AuthorisationResponse(s, url, NULL, &r, &ack);
    } else if (strcmp(t, "InstructionResponse") == 0) {
        struct _pxs__InstructionResponse r = {.Header = &h, .PortTime = &now};
        rc = soap_call___pxs__InstructionResponse(s, url, NULL, &r, &ack);
    } else if (strcmp(t, "Ported") == 0) {
        struct _pxs__Ported r = {.Header = &h,
                                 .RecipientOperator = (char *)m->recipient,
                                 .PortTime = m->port_time ? m->port_time : now};
        rc = soap_call___pxs__Ported(s, url, NULL, &r, &ack);
    } else if (strcmp(t, "TimedOut") == 0) {
        struct _pxs__TimedOut r = {.Header = &h, .Reason = m->reason[0] ? (char *)m->reason : NULL};
        rc = soap_call___pxs__TimedOut(s, url, NULL, &r, &ack);
    } else if (strcmp(t, "Terminated") == 0) {
        struct _pxs__Terminated r = {.Header = &h, .Number = (char *)m->from, .NumberType = &nt};
        rc = soap_call___pxs__Terminated(s, url, NULL, &r, &ack);
    } else if (strcmp(t, "AuthorisationRequest") == 0) {
        struct _pxs__AuthorisationRequest r = {
            .Header = &h,
            .RecipientOperator = (char *)m->recipient,
            .DonorOperator = (char *)m->donor,
            .AccountType = strcmp(m->account_type, "Postpaid") == 0 ? pxs__AccountType__Postpaid
                                                                    : pxs__AccountType__Prepaid,
            .NumberType = nt,
            .NumberRanges = ranges(s, m),
            .PortTime = m->port_time ? (time_t *)&m->port_time : NULL};
        rc = soap_call___pxs__AuthorisationRequest(s, url, NULL, &r, &ack);
    } else {
        rc = SOAP_TYPE;
    }
    if (rc == SOAP_OK) {
        npg_strlcpy(status, ack.Status ? ack.Status : "", len);
    } else {
        char why[400];
        npg_soap_error_text(s, why, sizeof(why));
        const char **fc = soap_faultcode(s);
        snprintf(status, len, "%s: %s", fc && *fc ? *fc : "error", why);
        if (npg_soap_client_fault(s))
            rc = SIM_CLIENT_FAULT;
    }
    npg_soap_client_done(s, m->type, NULL);
    return rc;
}
