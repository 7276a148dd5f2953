/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soap/fault.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stdsoap2.h"

int npg_soap_fault(struct soap *soap, int err, const char *fmt, ...)
{
    char reason[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    const char *r = soap_strdup(soap, reason);
    char detail[64];
    snprintf(detail, sizeof(detail), "npgw error %d: %s", err, npg_strerror(err));
    const char *d = soap_strdup(soap, detail);
    if (strcmp(npg_err_soap_fault(err), "Client") == 0)
        return soap_sender_fault(soap, r, d);
    return soap_receiver_fault(soap, r, d);
}
