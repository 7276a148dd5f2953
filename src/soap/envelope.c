/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soap/envelope.h"

#include <stdlib.h>
#include <string.h>

#include "soapH.h"

extern struct Namespace namespaces[];

char *npg_soap_envelope(struct soap *s, npg_soap_put_fn put, const void *v)
{
    const char *out = NULL;
    s->os = &out;
    s->omode = (s->omode & ~SOAP_IO) | SOAP_IO_BUFFER;
    int rc = soap_begin_send(s) || soap_envelope_begin_out(s) || soap_body_begin_out(s) ||
             put(s, v) || soap_body_end_out(s) || soap_envelope_end_out(s) || soap_end_send(s);
    s->os = NULL;
    return rc || !out ? NULL : strdup(out);
}

struct soap *npg_soap_writer(void)
{
    struct soap *s = soap_new1(SOAP_C_UTFSTRING);
    if (s)
        soap_set_namespaces(s, namespaces);
    return s;
}

char *npg_soap_writer_done(struct soap *s, char *out)
{
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
    return out;
}

int npg_soap_put_fault(struct soap *s, const void *fault)
{
    return soap_put_SOAP_ENV__Fault(s, fault, "SOAP-ENV:Fault", "");
}
