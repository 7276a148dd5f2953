/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/naptr.h"

#include <stdbool.h>
#include <string.h>

#include "common/error.h"

const char *npg_naptr_service(npg_naptr_form_t form)
{
    return form == NPG_NAPTR_TEL ? "E2U+pstn:tel" : "E2U+sip";
}

/* Length of s when it is 1..max decimal digits, else 0. */
static size_t digits(const char *s, size_t max)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9' || n == max)
            return 0;
    return n;
}

/* Length of s when it is a host name as DNS allows it, else 0; '!' would end the regexp,
 * so it must never get in. */
static size_t hostname(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (n == 253 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '-'))
            return 0;
    }
    return n;
}

/* Appends to a bounded buffer; every NAPTR of every answer is written here, so no printf. */
typedef struct out {
    char *p;
    size_t left;
} out_t;

static bool put(out_t *o, const char *s, size_t n)
{
    if (n >= o->left)
        return false;
    memcpy(o->p, s, n);
    o->p += n;
    o->left -= n;
    return true;
}
#define PUT_LIT(o, lit) put(o, lit, sizeof(lit) - 1)

int npg_naptr_regexp(const npg_naptr_route_t *r, char *buf, size_t len)
{
    bool ported = r->rn && r->rn[0];
    size_t ne = digits(r->e164, 15), nr = ported ? digits(r->rn, 15) : 0;
    size_t nd = r->form == NPG_NAPTR_TEL ? 0 : hostname(r->ims_domain);
    if (!ne || (ported && !nr) || (r->form != NPG_NAPTR_TEL && !nd))
        return -1;
    out_t o = {buf, len};
    bool ok = r->form == NPG_NAPTR_TEL ? PUT_LIT(&o, "!^.*$!tel:+") : PUT_LIT(&o, "!^.*$!sip:+");
    ok = ok && put(&o, r->e164, ne) && PUT_LIT(&o, ";npdi");
    if (ok && ported)
        ok = (r->rn_format == NPG_NAPTR_RN_BARE ? PUT_LIT(&o, ";rn=") : PUT_LIT(&o, ";rn=+")) &&
             put(&o, r->rn, nr);
    if (ok && r->form != NPG_NAPTR_TEL)
        ok = PUT_LIT(&o, "@") && put(&o, r->ims_domain, nd);
    ok = ok && PUT_LIT(&o, "!");
    if (!ok || o.left == 0)
        return -1;
    *o.p = '\0';
    return (int)(o.p - buf);
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
