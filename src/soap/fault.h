/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soap/fault.h - SOAP faults from npgw errors: a code and a reason a person can read. */
#pragma once
#include "common/error.h"
struct soap;

/* Set a fault on soap for err with a printf-style reason; returns the gSOAP error to return. */
int npg_soap_fault(struct soap *soap, int err, const char *fmt, ...) NPG_PRINTF(3, 4);
