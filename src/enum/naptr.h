/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/naptr.h - the NAPTR record of one number: npdi, and rn when ported (RFC 3761, 4694, 4769). */
#pragma once
#include <stddef.h>

#define NPG_NAPTR_ORDER 10
#define NPG_NAPTR_PREF 10

/* Per operator: an E2U+sip record to its IMS domain, or an E2U+pstn:tel record (RFC 4769). */
typedef enum { NPG_NAPTR_SIP, NPG_NAPTR_TEL } npg_naptr_form_t;

/*
 * Per operator: how rn is written. GLOBAL is the RFC 4694 global-rn ("+" and
 * the digits, country code first); BARE is the digits alone, as some older
 * networks expect, and only when the operator asks for it.
 */
typedef enum { NPG_NAPTR_RN_GLOBAL, NPG_NAPTR_RN_BARE } npg_naptr_rn_format_t;

typedef struct npg_naptr_route {
    const char *e164;       /* digits, no '+' */
    const char *rn;         /* serving operator's routing number (digits); NULL or "" = not ported: npdi only */
    const char *ims_domain; /* sip form: domain of the serving (or, unported, home) operator */
    npg_naptr_form_t form;  /* from operators.naptr_form ('sip'|'tel') */
    npg_naptr_rn_format_t rn_format; /* from operators.rn_format ('global'|'bare') */
} npg_naptr_route_t;

/* "E2U+sip" or "E2U+pstn:tel". */
const char *npg_naptr_service(npg_naptr_form_t form);

/*
 * The regexp field, NUL-terminated in buf:
 *   sip: !^.*$!sip:+<E164>;npdi[;rn=+<RN>]@<ims-domain>!
 *   tel: !^.*$!tel:+<E164>;npdi[;rn=+<RN>]!
 * with rn=<RN> (no '+') in both forms when rn_format is BARE.
 * Returns the length written, or -1 for bad input (not digits, no domain for
 * sip) or when it does not fit.
 */
int npg_naptr_regexp(const npg_naptr_route_t *r, char *buf, size_t len);

/* "sip" or "tel". Errors: NPG_EINVAL. */
int npg_naptr_form_parse(const char *s, npg_naptr_form_t *out);
/* "global" or "bare". Errors: NPG_EINVAL. */
int npg_naptr_rn_format_parse(const char *s, npg_naptr_rn_format_t *out);
