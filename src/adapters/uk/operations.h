/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/operations.h - UK operations (BSS PortIn service, UK platform): each binary registers
 * the ones it serves through soap_serve (npsim uk serves the platform). */
#pragma once
#include "soapH.h"

/* X(operation, request struct, response struct) for the UK platform (uk-mnp.wsdl). */
#define NPG_UKM_OPERATIONS(X)                                                                      \
    X(ValidatePAC, _ukm__ValidatePAC, _ukm__ValidatePACResponse)                                   \
    X(RequestPortDate, _ukm__RequestPortDate, _ukm__RequestPortDateResponse)                       \
    X(ClosePAC, _ukm__ClosePAC, _ukm__Acknowledgement)                                             \
    X(CancelPort, _ukm__CancelPort, _ukm__Acknowledgement)                                         \
    X(CreatePAC, _ukm__CreatePAC, _ukm__CreatePACResponse)                                         \
    X(ConfirmPort, _ukm__ConfirmPort, _ukm__Acknowledgement)

typedef struct npg_ukm_handlers {
#define NPG_UKM_FIELD(op, req, resp) int (*op)(struct soap *, struct req *, struct resp *);
    NPG_UKM_OPERATIONS(NPG_UKM_FIELD)
#undef NPG_UKM_FIELD
} npg_ukm_handlers_t;

/* Install the process's handlers once, before the listener starts; h must outlive it. */
void npg_ukm_set_handlers(const npg_ukm_handlers_t *h);
