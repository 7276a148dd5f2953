/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/operations.h - the NPAC's SOA operations (npsim npac serves them): each binary
 * registers the ones it serves through soap_serve. */
#pragma once
#include "soapH.h"

/* X(operation, request struct, response struct) of service NpacSoa. */
#define NPG_NPAC_OPERATIONS(X)                                                                     \
    X(SvCreateRequest, _npac__SvCreateRequest, _npac__SvReply)                                     \
    X(SvReleaseRequest, _npac__SvReleaseRequest, _npac__SvReply)                                   \
    X(SvReleaseInConflictRequest, _npac__SvReleaseInConflictRequest, _npac__SvReply)               \
    X(SvRemoveFromConflictRequest, _npac__SvRemoveFromConflictRequest, _npac__SvReply)             \
    X(SvActivateRequest, _npac__SvActivateRequest, _npac__SvReply)                                 \
    X(SvCancelRequest, _npac__SvCancelRequest, _npac__SvReply)                                     \
    X(SvCancelAckRequest, _npac__SvCancelAckRequest, _npac__SvReply)                               \
    X(SvDisconnectRequest, _npac__SvDisconnectRequest, _npac__SvReply)                             \
    X(NotificationRecoveryRequest, _npac__NotificationRecoveryRequest,                             \
      _npac__NotificationRecoveryReply)                                                            \
    X(NotificationRecoveryComplete, _npac__NotificationRecoveryComplete, _npac__SvReply)

typedef struct npg_npac_handlers {
#define NPG_NPAC_FIELD(op, req, resp) int (*op)(struct soap *, struct req *, struct resp *);
    NPG_NPAC_OPERATIONS(NPG_NPAC_FIELD)
#undef NPG_NPAC_FIELD
} npg_npac_handlers_t;

/* Install the process's handlers once, before the listener starts; h must outlive it. */
void npg_npac_set_handlers(const npg_npac_handlers_t *h);
