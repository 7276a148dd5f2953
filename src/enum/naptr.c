/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/naptr.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"

const char *npg_naptr_service(npg_naptr_form_t form)
{
    return form == NPG_NAPTR_TEL ? "E2U+pstn:tel" : "E2U+sip";
}

static bool digits(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

/* A host name as DNS allows it; '!' would end the regexp, so it must never get in. */
static bool hostname(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= 253 &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

int npg_naptr_regexp(const npg_naptr_route_t *r, char *buf, size_t len)
{
    bool ported = r->rn && r->rn[0];
    if (!digits(r->e164, 15) || (ported && !digits(r->rn, 15)))
        return -1;
    const char *rn = !ported ? "" : r->rn_format == NPG_NAPTR_RN_BARE ? ";rn=" : ";rn=+";
    int n;
    if (r->form == NPG_NAPTR_TEL)
        n = snprintf(buf, len, "!^.*$!tel:+%s;npdi%s%s!", r->e164, rn, ported ? r->rn : "");
    else if (hostname(r->ims_domain))
        n = snprintf(buf, len, "!^.*$!sip:+%s;npdi%s%s@%s!", r->e164, rn, ported ? r->rn : "",
                     r->ims_domain);
    else
        return -1;
    return n < 0 || (size_t)n >= len ? -1 : n;
}

int npg_naptr_form_parse(const char *s, npg_naptr_form_t *out)
{
    if (s && strcmp(s, "sip") == 0)
        *out = NPG_NAPTR_SIP;
    else if (s && strcmp(s, "tel") == 0)
        *out = NPG_NAPTR_TEL;
    else
        return NPG_EINVAL;
    return NPG_OK;
}

int npg_naptr_rn_format_parse(const char *s, npg_naptr_rn_format_t *out)
{
    if (s && strcmp(s, "global") == 0)
        *out = NPG_NAPTR_RN_GLOBAL;
    else if (s && strcmp(s, "bare") == 0)
        *out = NPG_NAPTR_RN_BARE;
    else
        return NPG_EINVAL;
    return NPG_OK;
}
