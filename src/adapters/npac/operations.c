/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gSOAP service functions of the NPAC contract. The SOA operations forward to the handlers
 * a binary registered (npsim npac). The notifications are never reached through soap_serve:
 * npgwd reads them itself at /np_api/npac/notify (decode), so these only refuse. */
#include "adapters/npac/operations.h"

#include "soap/fault.h"

static const npg_npac_handlers_t *npac_handlers;

void npg_npac_set_handlers(const npg_npac_handlers_t *h)
{
    npac_handlers = h;
}

#define NPG_NPAC_FORWARD(op, req, resp)                                                            \
    int __npac__##op(struct soap *soap, struct req *in, struct resp *out)                          \
    {                                                                                              \
        if (!npac_handlers || !npac_handlers->op)                                                  \
            return npg_soap_fault(soap, NPG_ENOTSUP,                                               \
                                  "operation " #op " is not served at this endpoint");             \
        return npac_handlers->op(soap, in, out);                                                   \
    }
NPG_NPAC_OPERATIONS(NPG_NPAC_FORWARD)

#define NPG_NPAC_REFUSE(op)                                                                        \
    int __npac__##op(struct soap *soap, struct _npac__##op *in,                                    \
                     struct _npac__NotificationAck *out)                                           \
    {                                                                                              \
        (void)in, (void)out;                                                                       \
        return npg_soap_fault(soap, NPG_ENOTSUP, #op " is served at /np_api/npac/notify");         \
    }
NPG_NPAC_REFUSE(SvNewSpCreateNotification)
NPG_NPAC_REFUSE(SvStatusNotification)
NPG_NPAC_REFUSE(SvConcurrenceWindowNotification)
NPG_NPAC_REFUSE(SvDisconnectNotification)
