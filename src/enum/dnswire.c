/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/dnswire.h"

#include <string.h>

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* A name as a query carries it: no compression (nothing to point back to yet). */
static int parse_name(const uint8_t *pkt, size_t len, size_t *off, char *out, size_t *wire_len)
{
    size_t o = *off, n = 0, start = o;
    for (;;) {
        if (o >= len)
            return -1;
        uint8_t l = pkt[o++];
        if (l == 0)
            break;
        /* 255 octets at most on the wire (RFC 1035 2.3.4): 253 dotted, without the root */
        if (l > 63 || o + l > len || n + (n > 0) + l > 253)
            return -1; /* pointers (0xC0) land here too: not allowed in a question */
        if (n)
            out[n++] = '.';
        for (uint8_t i = 0; i < l; i++) {
            uint8_t c = pkt[o + i];
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        o += l;
    }
    out[n] = '\0';
    if (memchr(out, '\0', n))
        return -1; /* a NUL inside a label would cut the name short */
    *wire_len = o - start;
    *off = o;
    return 0;
}

int npg_dns_skip_name(const uint8_t *pkt, size_t len, size_t *off)
{
    size_t o = *off, total = 0;
    for (;;) {
        if (o >= len)
            return -1;
        uint8_t l = pkt[o];
        if (l == 0) {
            *off = o + 1;
            return 0;
        }
        if ((l & 0xC0) == 0xC0) {
            if (o + 2 > len || (size_t)(get16(pkt + o) & 0x3FFF) >= o)
                return -1;
            *off = o + 2;
            return 0;
        }
        if (l > 63 || (total += l + 1u) > 255)
            return -1;
        o += 1u + l;
    }
}

int npg_dns_parse_query(const uint8_t *pkt, size_t len, npg_dns_query_t *q)
{
    memset(q, 0, sizeof(*q));
    if (len < NPG_DNS_HDR)
        return -1;
    q->id = get16(pkt);
    q->flags = get16(pkt + 2);
    if (q->flags & 0x8000)
        return -1; /* a response: answering it could start a loop */
    uint16_t qd = get16(pkt + 4), an = get16(pkt + 6), ns = get16(pkt + 8), ar = get16(pkt + 10);
    size_t off = NPG_DNS_HDR;
    if (qd != 1)
        return NPG_DNS_FORMERR;
    if (parse_name(pkt, len, &off, q->qname, &q->qname_wire_len) != 0 || off + 4 > len)
        return NPG_DNS_FORMERR;
    q->qtype = get16(pkt + off);
    q->qclass = get16(pkt + off + 2);
    off += 4;
    q->question_end = off;
    if (((q->flags >> 11) & 0xF) != 0)
        return NPG_DNS_NOTIMP; /* only standard queries */
    if (an || ns || ar > 1)
        return NPG_DNS_FORMERR;
    if (ar == 1) { /* must be the OPT RR: root name, type 41 */
        if (off + 11 > len || pkt[off] != 0 || get16(pkt + off + 1) != NPG_DNS_T_OPT)
            return NPG_DNS_FORMERR;
        uint16_t rdlen = get16(pkt + off + 9);
        if (off + 11 + rdlen != len)
            return NPG_DNS_FORMERR;
        q->edns = true;
        q->edns_payload = get16(pkt + off + 3);
        q->edns_version = pkt[off + 6];
        q->edns_do = (pkt[off + 7] & 0x80) != 0;
        if (q->edns_version != 0)
            return NPG_DNS_BADVERS;
    } else if (off != len) {
        return NPG_DNS_FORMERR; /* trailing bytes */
    }
    return NPG_DNS_NOERROR;
}

void npg_dns_put_bytes(npg_dns_out_t *o, const void *p, size_t n)
{
    if (o->overflow || o->len + n > o->cap) {
        o->overflow = true;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

void npg_dns_put_u8(npg_dns_out_t *o, uint8_t v)
{
    npg_dns_put_bytes(o, &v, 1);
}

void npg_dns_put_u16(npg_dns_out_t *o, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    npg_dns_put_bytes(o, b, 2);
}

void npg_dns_put_u32(npg_dns_out_t *o, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    npg_dns_put_bytes(o, b, 4);
}

void npg_dns_put_cstr(npg_dns_out_t *o, const char *s)
{
    size_t n = strlen(s);
    if (n > 255) {
        o->overflow = true;
        return;
    }
    npg_dns_put_u8(o, (uint8_t)n);
    npg_dns_put_bytes(o, s, n);
}

void npg_dns_put_name(npg_dns_out_t *o, const char *dotted)
{
    const char *p = strcmp(dotted, ".") == 0 ? "" : dotted;
    while (*p) {
        size_t n = strcspn(p, ".");
        if (n == 0 || n > 63) {
            o->overflow = true;
            return;
        }
        npg_dns_put_u8(o, (uint8_t)n);
        npg_dns_put_bytes(o, p, n);
        p += n;
        if (*p == '.')
            p++;
    }
    npg_dns_put_u8(o, 0);
}

void npg_dns_begin(npg_dns_out_t *o, const uint8_t *pkt, const npg_dns_query_t *q, bool aa,
                   int rcode)
{
    o->len = 0;
    o->overflow = false;
    o->ancount = o->nscount = o->arcount = 0;
    npg_dns_put_u16(o, q->id);
    /* QR, opcode 0, AA as asked, RD copied, RCODE (low 4 bits; BADVERS goes in OPT) */
    uint16_t flags = 0x8000 | (aa ? 0x0400 : 0) | (q->flags & 0x0100) | (rcode & 0xF);
    npg_dns_put_u16(o, flags);
    bool question = q->question_end > 0;
    npg_dns_put_u16(o, question ? 1 : 0);
    npg_dns_put_u16(o, 0);
    npg_dns_put_u16(o, 0);
    npg_dns_put_u16(o, 0);
    if (question)
        npg_dns_put_bytes(o, pkt + NPG_DNS_HDR, q->question_end - NPG_DNS_HDR);
}

size_t npg_dns_rr_begin(npg_dns_out_t *o, uint16_t owner_ptr, uint16_t type, uint32_t ttl)
{
    npg_dns_put_u16(o, (uint16_t)(0xC000 | owner_ptr));
    npg_dns_put_u16(o, type);
    npg_dns_put_u16(o, NPG_DNS_C_IN);
    npg_dns_put_u32(o, ttl);
    size_t at = o->len;
    npg_dns_put_u16(o, 0);
    return at;
}

void npg_dns_rr_end(npg_dns_out_t *o, size_t rdlen_at)
{
    if (o->overflow)
        return;
    size_t rdlen = o->len - rdlen_at - 2;
    o->buf[rdlen_at] = (uint8_t)(rdlen >> 8);
    o->buf[rdlen_at + 1] = (uint8_t)rdlen;
}

void npg_dns_put_opt(npg_dns_out_t *o, uint16_t payload, int ext_rcode)
{
    npg_dns_put_u8(o, 0);
    npg_dns_put_u16(o, NPG_DNS_T_OPT);
    npg_dns_put_u16(o, payload);
    npg_dns_put_u8(o, (uint8_t)(ext_rcode >> 4));
    npg_dns_put_u8(o, 0);  /* version */
    npg_dns_put_u16(o, 0); /* flags: no DNSSEC here */
    npg_dns_put_u16(o, 0);
    o->arcount++;
}

size_t npg_dns_finish(npg_dns_out_t *o)
{
    if (o->len < NPG_DNS_HDR)
        return 0;
    uint16_t c[3] = {o->ancount, o->nscount, o->arcount};
    for (int i = 0; i < 3; i++) {
        o->buf[6 + 2 * i] = (uint8_t)(c[i] >> 8);
        o->buf[7 + 2 * i] = (uint8_t)c[i];
    }
    return o->len;
}
