/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gSOAP service functions of the UK contracts. The platform's operations forward to the
 * registered handlers (npsim uk). The BSS PortIn operations are never reached through
 * soap_serve: npgwd routes /np_api/uk/portin to uk/service.c, which parses and answers itself,
 * so these only refuse. */
#include "adapters/uk/operations.h"

#include "soap/fault.h"

static const npg_ukm_handlers_t *ukm_handlers;

void npg_ukm_set_handlers(const npg_ukm_handlers_t *h)
{
    ukm_handlers = h;
}

#define NPG_UKM_FORWARD(op, req, resp)                                                             \
    int __ukm__##op(struct soap *soap, struct req *in, struct resp *out)                           \
    {                                                                                              \
        if (!ukm_handlers || !ukm_handlers->op)                                                    \
            return npg_soap_fault(soap, NPG_ENOTSUP,                                               \
                                  "operation " #op " is not served at this endpoint");             \
        return ukm_handlers->op(soap, in, out);                                                    \
    }
NPG_UKM_OPERATIONS(NPG_UKM_FORWARD)

#define NPG_UKP_REFUSE(op, req, resp)                                                              \
    int __ukp__##op(struct soap *soap, struct req *in, struct resp *out)                           \
    {                                                                                              \
        (void)in, (void)out;                                                                       \
        return npg_soap_fault(soap, NPG_ENOTSUP, #op " is served at /np_api/uk/portin");           \
    }
NPG_UKP_REFUSE(PortIn, _ukp__PortIn, _ukp__PortInResponse)
NPG_UKP_REFUSE(CancelPortIn, _ukp__CancelPortIn, _ukp__CancelPortInResponse)
NPG_UKP_REFUSE(PortInStatus, _ukp__PortInStatus, _ukp__PortInStatusResponse)
NPG_UKP_REFUSE(CreatePAC, _ukp__CreatePAC, _ukp__CreatePACResponse)
/* npgwd reads PortCompleted itself at /np_api/uk/notify (gw/uk.c). */
int __ukm__PortCompleted(struct soap *soap, struct _ukm__PortCompleted *in,
                         struct _ukm__Acknowledgement *out)
{
    (void)in, (void)out;
    return npg_soap_fault(soap, NPG_ENOTSUP, "PortCompleted is served at /np_api/uk/notify");
}
