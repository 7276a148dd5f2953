/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gSOAP service functions for PortingXS. They only forward to the registered
 * handler, so npgwd (receiver side) and npsim (clearinghouse side) share one stub set. */
#include "adapters/pxs/operations.h"

#include "soap/fault.h"

static const npg_pxs_handlers_t *pxs_handlers;

void npg_pxs_set_handlers(const npg_pxs_handlers_t *h)
{
    pxs_handlers = h;
}

#define NPG_PXS_FORWARD(op, req, resp)                                                             \
    int __pxs__##op(struct soap *soap, struct req *in, struct resp *out)                           \
    {                                                                                              \
        if (!pxs_handlers || !pxs_handlers->op)                                                    \
            return npg_soap_fault(soap, NPG_ENOTSUP,                                               \
                                  "operation " #op " is not served at this endpoint");             \
        return pxs_handlers->op(soap, in, out);                                                    \
    }
NPG_PXS_OPERATIONS(NPG_PXS_FORWARD)
