/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xml/canon.h - the canonical message np:message (xslt/canonical.xsd) in C: parse, check, write. */
#pragma once
#include <libxml/tree.h>
#include <stddef.h>
#include <time.h>
#include "common/error.h"

#define NPG_CANON_NS "urn:npgw:canonical:1"
#define NPG_CANON_MAX_RANGES 100

typedef struct npg_canon_range {
    char start[16]; /* digits */
    char end[16];
} npg_canon_range_t;

/* Empty strings, -1 and 0 (times) mark absent optional fields; see npg_canon_init. */
typedef struct npg_canon_msg {
    char type[40];          /* porting_request, instruction, ... (see canonical.xsd) */
    char direction[4];      /* "in": from the clearinghouse, "out": to it */
    char clearinghouse[16]; /* adapter name, e.g. "pxs" */
    char message_id[65];    /* unique per message */
    char msgidentifier[33]; /* port id XX202501-CARR-00001 */
    time_t timestamp;
    char sender[11], receiver[11], donor[11], recipient[11]; /* operator codes */
    char account_type[9];                                    /* Prepaid|Postpaid */
    char number_type[7];                                     /* mobile|fixed */
    char contact_number[21];
    char email[255];
    int override_cooloff; /* -1 absent, 0, 1 */
    npg_canon_range_t ranges[NPG_CANON_MAX_RANGES];
    size_t nranges;
    char decision[7]; /* accept|reject */
    int reject_code;  /* -1 absent, 0..99 */
    char reason[256];
    time_t port_time; /* 0 absent */
    char number[16];
    char current_operator[11], original_operator[11];
    int ported; /* -1 absent, 0, 1 */
    time_t last_port_time;
    char pac[10]; /* UK porting authorisation code, "" absent */
    /* The clearinghouse's own reference for the port and its own status word (NPAC: the
     * subscription version id and status), "" absent. */
    char ch_ref[33];
    char ch_status[25];
    char routing_number[16]; /* the numbers' own routing number (NPAC LRN, E.164), "" absent */
    char sequence[19];       /* its place in the clearinghouse's numbered stream, "" absent */
} npg_canon_msg_t;

/* Clear msg and set every absent marker. */
void npg_canon_init(npg_canon_msg_t *msg);

/*
 * Parse a canonical document (len bytes; parsed as untrusted XML) into *out
 * and validate it (npg_canon_validate). Elements must be in schema order,
 * at most once each; unknown elements are refused. Errors: NPG_EXML (not
 * XML, not an np:message, unknown or misplaced element), NPG_ETOOBIG,
 * NPG_EINVAL (a field is malformed, too long, out of its enumeration or
 * missing); err (may be NULL when errlen is 0) names the field. Thread-safe.
 */
int npg_canon_parse(const char *xml, size_t len, npg_canon_msg_t *out, char *err,
                    size_t errlen) NPG_WUR;

/*
 * As npg_canon_parse, for a document already in memory (a stylesheet's result: no
 * serialising and parsing again). The caller still owns doc. Refused as the parse would
 * refuse its serialised form: more than one root element or text beside it, elements
 * nested deeper than np:message/np:ranges/np:range.
 */
int npg_canon_from_doc(xmlDocPtr doc, npg_canon_msg_t *out, char *err, size_t errlen) NPG_WUR;

/*
 * Check every present field's syntax (lengths, digits, operator codes,
 * enumerations, times) and that the fields the type needs are present
 * (e.g. porting_request needs donor, recipient, ..., ranges).
 * Returns NPG_OK or NPG_EINVAL with err naming the field.
 */
int npg_canon_validate(const npg_canon_msg_t *msg, char *err, size_t errlen) NPG_WUR;

/*
 * Serialise msg as an np:message document, omitting absent fields. msg should
 * have passed npg_canon_validate. On success *xml is malloc'ed and
 * NUL-terminated (*len bytes); the caller frees it with free().
 * Errors: NPG_EINVAL (no type), NPG_ENOMEM.
 */
int npg_canon_write(const npg_canon_msg_t *msg, char **xml, size_t *len) NPG_WUR;
