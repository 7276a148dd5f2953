/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/tsig.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "common/util.h"
#include "enum/dnswire.h"

static const struct {
    const char *name; /* as a key file writes it */
    const uint8_t wire[13];
    size_t wire_len;
    const char *digest;
    size_t mac_len;
} algs[] = {
    [NPG_TSIG_SHA256] = {"hmac-sha256", "\x0bhmac-sha256", 13, "SHA256", 32},
    [NPG_TSIG_SHA512] = {"hmac-sha512", "\x0bhmac-sha512", 13, "SHA512", 64},
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put48(uint8_t *p, uint64_t v)
{
    for (int i = 5; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* "name" or "name." into lower-case wire form. */
static int name_to_wire(const char *text, uint8_t *out, size_t *out_len)
{
    size_t n = 0;
    const char *p = text;
    if (!*p || strcmp(p, ".") == 0)
        return NPG_EINVAL;
    while (*p) {
        size_t l = strcspn(p, ".");
        if (l == 0 || l > 63 || n + l + 2 > 255)
            return NPG_EINVAL;
        out[n++] = (uint8_t)l;
        for (size_t i = 0; i < l; i++) {
            char c = p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_'))
                return NPG_EINVAL;
            out[n++] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        p += l;
        if (*p == '.')
            p++;
    }
    out[n++] = 0;
    *out_len = n;
    return NPG_OK;
}

int npg_tsig_key_parse(const char *text, npg_tsig_key_t *key, char *err, size_t errlen)
{
    char buf[512];
    memset(key, 0, sizeof(*key));
    if (strlen(text) >= sizeof(buf)) {
        snprintf(err, errlen, "TSIG key: line too long");
        return NPG_EINVAL;
    }
    npg_strlcpy(buf, text, sizeof(buf));
    buf[strcspn(buf, "\r\n")] = '\0';
    char *name = buf + strspn(buf, " \t"), *secret = strrchr(name, ':');
    key->alg = NPG_TSIG_SHA256;
    char *colon = strchr(name, ':');
    if (colon && colon != secret) { /* alg:name:secret */
        *colon = '\0';
        size_t i;
        for (i = 0; i < NPG_ARRAY_LEN(algs); i++)
            if (strcmp(name, algs[i].name) == 0)
                break;
        if (i == NPG_ARRAY_LEN(algs)) {
            snprintf(err, errlen, "TSIG key: algorithm '%.32s' is not hmac-sha256 or hmac-sha512",
                     name);
            return NPG_EINVAL;
        }
        key->alg = (npg_tsig_alg_t)i;
        name = colon + 1;
    }
    if (!secret) {
        snprintf(err, errlen, "TSIG key: expected [algorithm:]name:secret");
        return NPG_EINVAL;
    }
    *secret++ = '\0';
    secret[strcspn(secret, " \t")] = '\0';
    if (name_to_wire(name, key->name, &key->name_len) != NPG_OK) {
        snprintf(err, errlen, "TSIG key: '%.64s' is not a key name", name);
        return NPG_EINVAL;
    }
    npg_strlcpy(key->name_text, name, sizeof(key->name_text));
    size_t slen = strlen(secret);
    uint8_t raw[sizeof(buf)];
    int n = slen && slen % 4 == 0 && slen / 4 * 3 <= sizeof(raw)
                ? EVP_DecodeBlock(raw, (const unsigned char *)secret, (int)slen)
                : -1;
    if (n > 0) /* EVP_DecodeBlock counts the padding as bytes */
        n -= (secret[slen - 1] == '=') + (slen > 1 && secret[slen - 2] == '=');
    if (n <= 0 || (size_t)n > sizeof(key->secret)) {
        snprintf(err, errlen, "TSIG key %s: the secret is not base64 (at most %zu bytes)",
                 key->name_text, sizeof(key->secret));
        OPENSSL_cleanse(raw, sizeof(raw));
        OPENSSL_cleanse(buf, sizeof(buf));
        return NPG_EINVAL;
    }
    memcpy(key->secret, raw, (size_t)n);
    key->secret_len = (size_t)n;
    OPENSSL_cleanse(raw, sizeof(raw));
    OPENSSL_cleanse(buf, sizeof(buf));
    return NPG_OK;
}

int npg_tsig_key_load(const char *path, npg_tsig_key_t *key, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read the TSIG key file %s", path);
        return NPG_EIO;
    }
    char line[600];
    int rc = NPG_EINVAL;
    snprintf(err, errlen, "%s holds no key line", path);
    while (fgets(line, sizeof(line), f)) {
        const char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
            continue;
        char why[300];
        rc = npg_tsig_key_parse(p, key, why, sizeof(why));
        if (rc != NPG_OK)
            snprintf(err, errlen, "%s: %s", path, why);
        break;
    }
    OPENSSL_cleanse(line, sizeof(line));
    fclose(f);
    return rc;
}

/* --- walking a message ----------------------------------------------------------------- */

/* An uncompressed name, lower-cased, into out (wire form). */
static int read_plain_name(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out,
                           size_t *out_len)
{
    size_t o = *off, n = 0;
    for (;;) {
        if (o >= len)
            return NPG_EINVAL;
        uint8_t l = pkt[o++];
        if (l > 63 || n + l + 1 > 255 || o + l > len)
            return NPG_EINVAL; /* pointers (0xC0) too: RFC 8945 names are never compressed */
        out[n++] = l;
        if (l == 0)
            break;
        for (uint8_t i = 0; i < l; i++) {
            uint8_t c = pkt[o + i];
            out[n++] = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        o += l;
    }
    *off = o;
    *out_len = n;
    return NPG_OK;
}

int npg_tsig_find(const uint8_t *pkt, size_t len, npg_tsig_rr_t *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 12)
        return NPG_EINVAL;
    size_t qd = get16(pkt + 4), rrs = (size_t)get16(pkt + 6) + get16(pkt + 8) + get16(pkt + 10);
    size_t off = 12, last = 0;
    uint16_t last_type = 0;
    for (size_t i = 0; i < qd; i++) {
        if (npg_dns_skip_name(pkt, len, &off) != 0 || off + 4 > len)
            return NPG_EINVAL;
        off += 4;
    }
    for (size_t i = 0; i < rrs; i++) {
        if (last_type == NPG_DNS_T_TSIG)
            return NPG_EINVAL; /* a TSIG record must be the last one */
        last = off;
        if (npg_dns_skip_name(pkt, len, &off) != 0 || off + 10 > len)
            return NPG_EINVAL;
        last_type = get16(pkt + off);
        size_t rdlen = get16(pkt + off + 8);
        off += 10;
        if (off + rdlen > len)
            return NPG_EINVAL;
        off += rdlen;
    }
    if (off != len)
        return NPG_EINVAL; /* trailing bytes */
    if (last_type != NPG_DNS_T_TSIG)
        return NPG_OK;
    if (get16(pkt + 10) == 0)
        return NPG_EINVAL; /* the TSIG record must be in the additional section */
    size_t o = last;
    if (read_plain_name(pkt, len, &o, out->name, &out->name_len) != NPG_OK || o + 10 > len ||
        get16(pkt + o + 2) != NPG_DNS_C_ANY)
        return NPG_EINVAL;
    size_t rdlen = get16(pkt + o + 8), rd = o + 10, end = rd + rdlen;
    o = rd;
    if (read_plain_name(pkt, end, &o, out->alg, &out->alg_len) != NPG_OK || o + 10 > end)
        return NPG_EINVAL;
    out->time_signed = 0;
    for (int i = 0; i < 6; i++)
        out->time_signed = out->time_signed << 8 | pkt[o + (size_t)i];
    out->fudge = get16(pkt + o + 6);
    out->mac_len = get16(pkt + o + 8);
    o += 10;
    if (o + out->mac_len + 6 > end)
        return NPG_EINVAL;
    out->mac = pkt + o;
    o += out->mac_len;
    out->orig_id = get16(pkt + o);
    out->error = get16(pkt + o + 2);
    out->other_len = get16(pkt + o + 4);
    o += 6;
    if (o + out->other_len != end)
        return NPG_EINVAL;
    out->other = pkt + o;
    out->present = true;
    out->offset = last;
    return NPG_OK;
}

/* --- MACs -------------------------------------------------------------------------------- */

typedef struct mac_ctx {
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
} mac_ctx_t;

static int mac_begin(mac_ctx_t *m, const npg_tsig_key_t *key)
{
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)algs[key->alg].digest, 0),
        OSSL_PARAM_construct_end()};
    m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
    if (!m->ctx || !EVP_MAC_init(m->ctx, key->secret, key->secret_len, params)) {
        EVP_MAC_CTX_free(m->ctx);
        EVP_MAC_free(m->mac);
        return NPG_EIO;
    }
    return NPG_OK;
}

static void mac_add(mac_ctx_t *m, const void *p, size_t n)
{
    EVP_MAC_update(m->ctx, p, n);
}

static int mac_end(mac_ctx_t *m, uint8_t *out, size_t *out_len)
{
    int ok = EVP_MAC_final(m->ctx, out, out_len, NPG_TSIG_MAX_MAC);
    EVP_MAC_CTX_free(m->ctx);
    EVP_MAC_free(m->mac);
    return ok ? NPG_OK : NPG_EIO;
}

static void mac_add_prior(mac_ctx_t *m, const uint8_t *prior, size_t prior_len)
{
    uint8_t l[2];
    put16(l, (uint16_t)prior_len);
    mac_add(m, l, 2);
    mac_add(m, prior, prior_len);
}

/* The message as signed: ARCOUNT less the TSIG record, the original ID. */
static void mac_add_message(mac_ctx_t *m, const uint8_t *pkt, size_t len, uint16_t id,
                            bool drop_one)
{
    uint8_t hdr[12];
    memcpy(hdr, pkt, 12);
    put16(hdr, id);
    if (drop_one)
        put16(hdr + 10, (uint16_t)(get16(hdr + 10) - 1));
    mac_add(m, hdr, 12);
    mac_add(m, pkt + 12, len - 12);
}

/* The TSIG variables (RFC 8945 4.3.3), or the timers only. */
static void mac_add_vars(mac_ctx_t *m, const uint8_t *name, size_t name_len, const uint8_t *alg,
                         size_t alg_len, uint64_t time_signed, uint16_t fudge, uint16_t error,
                         const uint8_t *other, size_t other_len, bool timers_only)
{
    uint8_t b[10];
    if (!timers_only) {
        mac_add(m, name, name_len);
        put16(b, NPG_DNS_C_ANY);
        memset(b + 2, 0, 4); /* TTL */
        mac_add(m, b, 6);
        mac_add(m, alg, alg_len);
    }
    put48(b, time_signed);
    put16(b + 6, fudge);
    mac_add(m, b, 8);
    if (timers_only)
        return;
    put16(b, error);
    put16(b + 2, (uint16_t)other_len);
    mac_add(m, b, 4);
    if (other_len)
        mac_add(m, other, other_len);
}

int npg_tsig_verify(const uint8_t *pkt, size_t len, const npg_tsig_rr_t *rr,
                    const npg_tsig_key_t *key, time_t now)
{
    if (!rr->present || rr->name_len != key->name_len ||
        memcmp(rr->name, key->name, key->name_len) != 0 || rr->alg_len != algs[key->alg].wire_len ||
        memcmp(rr->alg, algs[key->alg].wire, rr->alg_len) != 0)
        return NPG_TSIG_BADKEY;
    size_t full = algs[key->alg].mac_len;
    if (rr->mac_len != full)
        return rr->mac_len < full && rr->mac_len ? NPG_TSIG_BADTRUNC : NPG_TSIG_BADSIG;
    mac_ctx_t m;
    uint8_t mac[NPG_TSIG_MAX_MAC];
    size_t mac_len = 0;
    if (mac_begin(&m, key) != NPG_OK)
        return NPG_TSIG_BADSIG;
    mac_add_message(&m, pkt, rr->offset, rr->orig_id, true);
    mac_add_vars(&m, rr->name, rr->name_len, rr->alg, rr->alg_len, rr->time_signed, rr->fudge,
                 rr->error, rr->other, rr->other_len, false);
    if (mac_end(&m, mac, &mac_len) != NPG_OK || mac_len != full ||
        CRYPTO_memcmp(mac, rr->mac, full) != 0)
        return NPG_TSIG_BADSIG;
    (void)len;
    int64_t skew = (int64_t)now - (int64_t)rr->time_signed;
    if (skew > rr->fudge || -skew > rr->fudge)
        return NPG_TSIG_BADTIME; /* checked after the MAC, so a forger learns nothing */
    return 0;
}

size_t npg_tsig_size(const npg_tsig_key_t *key)
{
    /* owner, type, class, TTL, rdlen; alg, time, fudge, mac size, mac, id, error, other (6) */
    return key->name_len + 10 + algs[key->alg].wire_len + 10 + algs[key->alg].mac_len + 6 + 6;
}

#define FUDGE 300

/* Append the TSIG RR (mac may be empty) and bump ARCOUNT. */
static int append_rr(uint8_t *buf, size_t *len, size_t cap, const npg_tsig_key_t *key,
                     uint64_t time_signed, const uint8_t *mac, size_t mac_len, uint16_t id,
                     uint16_t error, const uint8_t *other, size_t other_len)
{
    size_t alen = algs[key->alg].wire_len;
    size_t rdlen = alen + 10 + mac_len + 6 + other_len, need = key->name_len + 10 + rdlen;
    if (*len + need > cap || *len < 12)
        return NPG_ETOOBIG;
    uint8_t *p = buf + *len;
    memcpy(p, key->name, key->name_len);
    p += key->name_len;
    put16(p, NPG_DNS_T_TSIG);
    put16(p + 2, NPG_DNS_C_ANY);
    memset(p + 4, 0, 4);
    put16(p + 8, (uint16_t)rdlen);
    p += 10;
    memcpy(p, algs[key->alg].wire, alen);
    p += alen;
    put48(p, time_signed);
    put16(p + 6, FUDGE);
    put16(p + 8, (uint16_t)mac_len);
    p += 10;
    if (mac_len)
        memcpy(p, mac, mac_len);
    p += mac_len;
    put16(p, id);
    put16(p + 2, error);
    put16(p + 4, (uint16_t)other_len);
    p += 6;
    if (other_len)
        memcpy(p, other, other_len);
    *len += need;
    put16(buf + 10, (uint16_t)(get16(buf + 10) + 1));
    return NPG_OK;
}

int npg_tsig_sign(uint8_t *buf, size_t *len, size_t cap, const npg_tsig_key_t *key,
                  const uint8_t *prior_mac, size_t prior_len, bool timers_only, time_t now,
                  uint16_t error, uint8_t *mac_out, size_t *mac_len)
{
    if (*len < 12 || *len + npg_tsig_size(key) > cap)
        return NPG_ETOOBIG;
    mac_ctx_t m;
    if (mac_begin(&m, key) != NPG_OK)
        return NPG_EIO;
    if (prior_mac)
        mac_add_prior(&m, prior_mac, prior_len);
    mac_add_message(&m, buf, *len, get16(buf), false);
    mac_add_vars(&m, key->name, key->name_len, algs[key->alg].wire, algs[key->alg].wire_len,
                 (uint64_t)now, FUDGE, error, NULL, 0, prior_mac && timers_only);
    if (mac_end(&m, mac_out, mac_len) != NPG_OK)
        return NPG_EIO;
    return append_rr(buf, len, cap, key, (uint64_t)now, mac_out, *mac_len, get16(buf), error, NULL,
                     0);
}

size_t npg_tsig_refusal(const uint8_t *pkt, size_t qend, const npg_tsig_rr_t *rr,
                        const npg_tsig_key_t *key, int error, time_t now, uint8_t *out, size_t cap)
{
    if (qend < 12 || qend > cap)
        return 0;
    memcpy(out, pkt, qend);
    /* QR, opcode as asked, RCODE NOTAUTH (9); one question at most, nothing else */
    uint16_t flags = (uint16_t)(0x8000 | (get16(pkt + 2) & 0x7800) | 9);
    put16(out + 2, flags);
    put16(out + 4, qend > 12 ? 1 : 0);
    memset(out + 6, 0, 6);
    size_t len = qend;
    npg_tsig_key_t named = *key; /* the record names the key the client used */
    if (rr->name_len <= sizeof(named.name)) {
        memcpy(named.name, rr->name, rr->name_len);
        named.name_len = rr->name_len;
    }
    if (error == NPG_TSIG_BADTIME) { /* signed, with our time as other data (RFC 8945 5.2.3) */
        uint8_t t[6], mac[NPG_TSIG_MAX_MAC];
        size_t mac_len = 0;
        put48(t, (uint64_t)now);
        mac_ctx_t m;
        if (mac_begin(&m, key) != NPG_OK)
            return 0;
        mac_add_prior(&m, rr->mac, rr->mac_len);
        mac_add_message(&m, out, len, get16(out), false);
        mac_add_vars(&m, key->name, key->name_len, algs[key->alg].wire, algs[key->alg].wire_len,
                     rr->time_signed, FUDGE, (uint16_t)error, t, 6, false);
        if (mac_end(&m, mac, &mac_len) != NPG_OK ||
            append_rr(out, &len, cap, key, rr->time_signed, mac, mac_len, get16(out),
                      (uint16_t)error, t, 6) != NPG_OK)
            return 0;
        return len;
    }
    return append_rr(out, &len, cap, &named, rr->time_signed, NULL, 0, get16(out), (uint16_t)error,
                     NULL, 0) == NPG_OK
               ? len
               : 0;
}
