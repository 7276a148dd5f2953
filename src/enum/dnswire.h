/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/dnswire.h - DNS messages on the wire (RFC 1035, EDNS0 RFC 6891): a query in, an answer out. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPG_DNS_HDR 12
#define NPG_DNS_T_A 1
#define NPG_DNS_T_NS 2
#define NPG_DNS_T_SOA 6
#define NPG_DNS_T_NAPTR 35
#define NPG_DNS_T_OPT 41
#define NPG_DNS_T_IXFR 251
#define NPG_DNS_T_AXFR 252
#define NPG_DNS_T_ANY 255
#define NPG_DNS_C_IN 1

enum {
    NPG_DNS_NOERROR = 0,
    NPG_DNS_FORMERR = 1,
    NPG_DNS_SERVFAIL = 2,
    NPG_DNS_NXDOMAIN = 3,
    NPG_DNS_NOTIMP = 4,
    NPG_DNS_REFUSED = 5,
    NPG_DNS_NOTAUTH = 9,
    NPG_DNS_BADVERS = 16
};
#define NPG_DNS_OP_NOTIFY 4

/* A parsed query. qname is lower case, dotted, no trailing dot ("" for the root). */
typedef struct npg_dns_query {
    uint16_t id, flags, qtype, qclass;
    char qname[256];
    size_t qname_wire_len;   /* bytes of the name in the packet (for copying the question) */
    size_t question_end;     /* offset just past the question */
    bool edns;
    uint16_t edns_payload;
    uint8_t edns_version;
    bool edns_do;
} npg_dns_query_t;

/*
 * Parse a query. Returns NPG_DNS_NOERROR, an RCODE to answer with (FORMERR,
 * NOTIMP, BADVERS: header and, when it parsed, the question are usable), or -1
 * for a packet that gets no answer at all (under 12 bytes, or a response).
 */
int npg_dns_parse_query(const uint8_t *pkt, size_t len, npg_dns_query_t *q);

/*
 * Step over a name at *off that may end in a compression pointer (which must point
 * back), at most 255 bytes of labels. NPG_OK (0) with *off past it, -1 when malformed.
 */
int npg_dns_skip_name(const uint8_t *pkt, size_t len, size_t *off);

/* An answer being written; all writers stop (and set overflow) at cap. */
typedef struct npg_dns_out {
    uint8_t *buf;
    size_t len, cap;
    bool overflow;
    uint16_t ancount, nscount, arcount;
} npg_dns_out_t;

/* Header and the query's question (copied as sent, so 0x20 case survives). */
void npg_dns_begin(npg_dns_out_t *o, const uint8_t *pkt, const npg_dns_query_t *q, bool aa,
                   int rcode);
void npg_dns_put_u8(npg_dns_out_t *o, uint8_t v);
void npg_dns_put_u16(npg_dns_out_t *o, uint16_t v);
void npg_dns_put_u32(npg_dns_out_t *o, uint32_t v);
void npg_dns_put_bytes(npg_dns_out_t *o, const void *p, size_t n);
/* A <character-string>: length byte and up to 255 bytes. */
void npg_dns_put_cstr(npg_dns_out_t *o, const char *s);
/* A dotted name in full (no compression). */
void npg_dns_put_name(npg_dns_out_t *o, const char *dotted);
/* The start of an RR whose owner is a compression pointer; returns the RDLENGTH offset. */
size_t npg_dns_rr_begin(npg_dns_out_t *o, uint16_t owner_ptr, uint16_t type, uint32_t ttl);
void npg_dns_rr_end(npg_dns_out_t *o, size_t rdlen_at);
/* The OPT pseudo-RR of an EDNS answer. */
void npg_dns_put_opt(npg_dns_out_t *o, uint16_t payload, int ext_rcode);
/* Write the section counts into the header. Returns the length. */
size_t npg_dns_finish(npg_dns_out_t *o);
