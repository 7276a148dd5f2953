/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RFC 2136 UPDATE writer and RFC 8945 TSIG signer over a flat buffer. */
#include "enum/updmsg.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HEADER 12
#define PTR_REACH 16384 /* a compression pointer has 14 bits of offset */
#define T_SOA 6
#define T_TSIG 250
#define C_IN 1
#define C_ANY 255
#define OPCODE_UPDATE 5
#define FUDGE 300

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* The first n characters of a dotted name as labels, without the terminating zero. */
static size_t labels(const char *name, size_t n, uint8_t *out, size_t cap)
{
    size_t len = 0;
    while (n > 0) {
        const char *dot = memchr(name, '.', n);
        size_t l = dot ? (size_t)(dot - name) : n;
        if (l == 0 || l > 63 || len + 1 + l > cap)
            return 0;
        out[len] = (uint8_t)l;
        memcpy(out + len + 1, name, l);
        len += 1 + l;
        name += l + (dot ? 1 : 0);
        n -= l + (dot ? 1 : 0);
    }
    return len;
}

/* An absolute name ("a.b." or ".") in wire form, lower case; 0 when it is not a valid name. */
static size_t name_wire(const char *name, uint8_t *out, size_t cap)
{
    size_t n = strlen(name);
    if (n == 0 || name[n - 1] != '.' || cap == 0)
        return 0;
    size_t len = n == 1 ? 0 : labels(name, n - 1, out, cap - 1);
    if (n > 1 && len == 0)
        return 0;
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)((out[i] >= 'A' && out[i] <= 'Z') ? out[i] + 32 : out[i]);
    out[len++] = 0;
    return len <= 255 ? len : 0;
}

static const struct {
    const char *name;
    const EVP_MD *(*md)(void);
} algs[] = {{"hmac-sha1", EVP_sha1}, {"hmac-sha256", EVP_sha256}, {"hmac-sha512", EVP_sha512}};

int npg_tsig_key_init(npg_tsig_key_t *k, const char *name, const char *algorithm,
                      const char *secret_b64)
{
    memset(k, 0, sizeof(*k));
    size_t an = strlen(algorithm);
    if (an > 0 && algorithm[an - 1] == '.')
        an--;
    k->md = -1;
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
        if (strlen(algs[i].name) == an && strncasecmp(algs[i].name, algorithm, an) == 0)
            k->md = (int)i;
    char alg[64];
    size_t sn = strlen(secret_b64);
    if (k->md < 0 || sn == 0 || sn % 4 || sn / 4 * 3 > sizeof(k->secret))
        return NPG_EINVAL;
    snprintf(alg, sizeof(alg), "%s.", algs[k->md].name);
    k->alg_len = name_wire(alg, k->alg, sizeof(k->alg));
    k->name_len = name_wire(name, k->name, sizeof(k->name));
    int n = EVP_DecodeBlock(k->secret, (const unsigned char *)secret_b64, (int)sn);
    if (k->alg_len == 0 || k->name_len == 0 || n <= 0)
        return NPG_EINVAL;
    n -= secret_b64[sn - 1] == '=' ? (secret_b64[sn - 2] == '=' ? 2 : 1) : 0; /* padding */
    k->secret_len = (size_t)n;
    return NPG_OK;
}

int npg_updmsg_start(npg_updmsg_t *m, const char *zone)
{
    size_t n = strlen(zone);
    if (n >= sizeof(m->zone))
        return NPG_EINVAL;
    memcpy(m->zone, zone, n + 1);
    m->zone_len = n;
    memset(m->buf, 0, HEADER);
    put16(m->buf + 2, OPCODE_UPDATE << 11); /* RFC 2136 2.2: every other flag zero */
    put16(m->buf + 4, 1);                   /* the zone section: one entry */
    size_t z = name_wire(zone, m->buf + HEADER, 256);
    if (z == 0)
        return NPG_EINVAL;
    put16(m->buf + HEADER + z, T_SOA);
    put16(m->buf + HEADER + z + 2, C_IN);
    m->len = m->wire_len = HEADER + z + 4;
    m->count = 0;
    return NPG_OK;
}

int npg_updmsg_replace(npg_updmsg_t *m, const char *owner, uint16_t type, uint32_t ttl,
                       const uint8_t *rdata, size_t rdlen, size_t limit)
{
    size_t n = strlen(owner);
    bool root = strcmp(m->zone, ".") == 0;
    /* owner is the zone, or "<labels>.<zone>" */
    if (n < m->zone_len || strcmp(owner + n - m->zone_len, m->zone) != 0 ||
        (n > m->zone_len && !root && owner[n - m->zone_len - 1] != '.'))
        return NPG_EINVAL;
    size_t below = n == m->zone_len ? 0 : root ? n - 1 : n - m->zone_len - 1;
    uint8_t prefix[256];
    size_t plen = below ? labels(owner, below, prefix, sizeof(prefix)) : 0;
    size_t zone_wire = root ? 1 : m->zone_len + 1;
    if ((below && plen == 0) || plen + zone_wire > 255 || rdlen > 65535)
        return NPG_EINVAL;
    size_t at = m->len;
    bool point_back = at < PTR_REACH; /* the added record can point at this owner */
    size_t need = plen + 2 + 10 + (rdata ? (point_back ? 2 : plen + 2) + 10 + rdlen : 0);
    if (at + need > limit || at + need > NPG_UPDMSG_MAX)
        return NPG_ETOOBIG;
    uint8_t *p = m->buf + at;
    /* RFC 2136 2.5.2: class ANY, TTL 0, no RDATA deletes the RRset */
    memcpy(p, prefix, plen);
    put16(p + plen, 0xc000 | HEADER); /* the zone's name */
    p += plen + 2;
    put16(p, type);
    put16(p + 2, C_ANY);
    put32(p + 4, 0);
    put16(p + 8, 0);
    p += 10;
    if (rdata) {
        if (point_back) {
            put16(p, 0xc000 | (unsigned)at);
            p += 2;
        } else {
            memcpy(p, prefix, plen);
            put16(p + plen, 0xc000 | HEADER);
            p += plen + 2;
        }
        put16(p, type);
        put16(p + 2, C_IN);
        put32(p + 4, ttl);
        put16(p + 8, (unsigned)rdlen);
        memcpy(p + 10, rdata, rdlen);
        p += 10 + rdlen;
    }
    m->len = m->wire_len = (size_t)(p - m->buf);
    m->count += rdata ? 2 : 1;
    put16(m->buf + 8, m->count);
    put16(m->buf + 10, 0); /* no TSIG until signed */
    return NPG_OK;
}

int npg_updmsg_sign(npg_updmsg_t *m, uint16_t id, const npg_tsig_key_t *key, time_t now,
                    uint8_t *mac, size_t *mac_len)
{
    put16(m->buf, id);
    put16(m->buf + 10, 0);
    m->wire_len = m->len;
    *mac_len = 0;
    if (!key)
        return NPG_OK;
    size_t room = sizeof(m->buf) - m->len;
    size_t rr = key->name_len + 10 + key->alg_len + 16 + NPG_TSIG_MAC_MAX;
    if (rr > room ||
        m->len + rr - NPG_TSIG_MAC_MAX + (size_t)EVP_MD_size(algs[key->md].md()) > NPG_UPDMSG_MAX)
        return NPG_ETOOBIG;
    uint64_t t = (uint64_t)now;
    uint8_t *v = m->buf + m->len;
    /* RFC 8945 4.3.3: the message, then the TSIG variables */
    size_t o = 0;
    memcpy(v, key->name, key->name_len);
    o += key->name_len;
    put16(v + o, C_ANY);
    put32(v + o + 2, 0);
    o += 6;
    memcpy(v + o, key->alg, key->alg_len);
    o += key->alg_len;
    put16(v + o, (unsigned)(t >> 32));
    put32(v + o + 2, (uint32_t)t);
    put16(v + o + 6, FUDGE);
    put16(v + o + 8, 0);  /* error */
    put16(v + o + 10, 0); /* other len */
    o += 12;
    unsigned int n = 0;
    if (!HMAC(algs[key->md].md(), key->secret, (int)key->secret_len, m->buf, m->len + o, mac, &n))
        return NPG_EIO;
    /* the TSIG record itself, over the variables just hashed */
    o = 0;
    memcpy(v, key->name, key->name_len);
    o += key->name_len;
    put16(v + o, T_TSIG);
    put16(v + o + 2, C_ANY);
    put32(v + o + 4, 0);
    size_t rdlen_at = o + 8;
    o += 10;
    size_t rd = o;
    memcpy(v + o, key->alg, key->alg_len);
    o += key->alg_len;
    put16(v + o, (unsigned)(t >> 32));
    put32(v + o + 2, (uint32_t)t);
    put16(v + o + 6, FUDGE);
    put16(v + o + 8, n);
    memcpy(v + o + 10, mac, n);
    o += 10 + n;
    put16(v + o, id); /* original id */
    put16(v + o + 2, 0);
    put16(v + o + 4, 0);
    o += 6;
    put16(v + rdlen_at, (unsigned)(o - rd));
    put16(m->buf + 10, 1);
    m->wire_len = m->len + o;
    *mac_len = n;
    return NPG_OK;
}
