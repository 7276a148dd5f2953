/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/pxs/operations.h - PortingXS service operations: each binary registers the ones it
 * serves. */
#pragma once
#include "soapH.h"

/* Every PortingXS operation: X(operation, request struct, response struct). */
#define NPG_PXS_OPERATIONS(X)                                                                      \
    X(PortingRequest, _pxs__PortingRequest, _pxs__Acknowledgement)                                 \
    X(InstructionRequest, _pxs__InstructionRequest, _pxs__Acknowledgement)                         \
    X(AbortRequest, _pxs__AbortRequest, _pxs__Acknowledgement)                                     \
    X(AuthorisationAnswer, _pxs__AuthorisationAnswer, _pxs__Acknowledgement)                       \
    X(TerminationRequest, _pxs__TerminationRequest, _pxs__Acknowledgement)                         \
    X(NumberInformationRequest, _pxs__NumberInformationRequest, _pxs__NumberInformation)           \
    X(AuthorisationRequest, _pxs__AuthorisationRequest, _pxs__Acknowledgement)                     \
    X(AuthorisationResponse, _pxs__AuthorisationResponse, _pxs__Acknowledgement)                   \
    X(InstructionResponse, _pxs__InstructionResponse, _pxs__Acknowledgement)                       \
    X(Ported, _pxs__Ported, _pxs__Acknowledgement)                                                 \
    X(TimedOut, _pxs__TimedOut, _pxs__Acknowledgement)                                             \
    X(Terminated, _pxs__Terminated, _pxs__Acknowledgement)

/* Handlers a binary serves; an operation left NULL answers a fault naming it. */
typedef struct npg_pxs_handlers {
#define NPG_PXS_FIELD(op, req, resp) int (*op)(struct soap *, struct req *, struct resp *);
    NPG_PXS_OPERATIONS(NPG_PXS_FIELD)
#undef NPG_PXS_FIELD
} npg_pxs_handlers_t;

/* Install the process's handlers once, before the listener starts; h must outlive it. */
void npg_pxs_set_handlers(const npg_pxs_handlers_t *h);
