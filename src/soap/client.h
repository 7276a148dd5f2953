/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soap/client.h - gSOAP client calls as npgw makes them: a strict context with timeouts,
 * limits and credentials, a tap that keeps the exact envelopes that crossed the wire (for
 * the archive), and gSOAP's errors as one line of text. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"

struct soap;

/* One request/answer exchange as it crossed the wire. Free with npg_xchg_clear. */
typedef struct npg_xchg {
    char op[32];         /* the wire element sent: PortingRequest, ClosePAC, ValidatePAC */
    char message_id[65]; /* the MessageId it carried */
    char *sent, *recv;   /* SOAP envelopes without HTTP headers (malloc'ed), NULL when none */
    size_t sent_len, recv_len;
} npg_xchg_t;
void npg_xchg_clear(npg_xchg_t *x);

typedef struct npg_soap_client_opts {
    const char *url;                 /* where the calls go; https:// gets TLS from tls_conf */
    const npg_conf_t *tls_conf;      /* its [tls] section: CAs and client certificate */
    int connect_timeout, io_timeout; /* seconds */
    const char *user, *password;     /* HTTP Basic; NULL or "": none */
    unsigned max_depth;              /* deepest XML nesting accepted in the answer */
    uint64_t max_bytes;              /* largest answer accepted */
} npg_soap_client_opts_t;

/*
 * A strict client context with the tap installed; finish it with npg_soap_client_done. For an
 * https url the server's certificate is checked (chain against [tls] ca_file, name against the
 * url's host) and [tls] cert_file is shown when set. NULL, with a log line, when that cannot
 * be set up.
 */
struct soap *npg_soap_client_new(const npg_soap_client_opts_t *opts);

/* The envelopes sent and received go into x (x->op set to op); s is freed. */
void npg_soap_client_done(struct soap *s, const char *op, npg_xchg_t *x);

/* gSOAP's own words for what went wrong ("Validation constraint violation: ..."), one line. */
void npg_soap_error_text(struct soap *s, char *err, size_t errlen);

/* The peer answered with a SOAP Client fault: the message itself was refused. */
bool npg_soap_client_fault(struct soap *s);
