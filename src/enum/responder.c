/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/responder.h"

#include <ldns/ldns.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/dnswire.h"
#include "metrics/metrics.h"

#define MAX_ZONES 16
#define MAX_NS 8

/*
 * A served zone: the country digits as single-digit labels, reversed, then an
 * ENUM apex ("1.e164.arpa", "1.e164enum.net", "enum.carrier.example"). Kept in
 * wire form, so a query's name is matched as it arrived.
 */
typedef struct enum_zone {
    uint8_t wire[256]; /* lower case, ends with the root label */
    size_t wire_len;
    char name[256];  /* dotted, lower case, no trailing dot: for messages */
    char digits[16]; /* the country digits the zone stands for: "1"; "" at a bare apex */
} enum_zone_t;

struct npg_enum_responder {
    const npg_conf_t *conf;
    npg_enum_index_t *ix;
    enum_zone_t zones[MAX_ZONES];
    size_t nzones;
    char ns[MAX_NS][256];
    size_t nns;
    ldns_rr_list *statics; /* every record of the static zones */
    ldns_rr_list *static_soas;
    npg_tsig_key_t key; /* transfers, NOTIFY and signed queries */
    bool has_key;
};

/* A label as host names have it (RFC 1123): letters, digits, inner hyphens. */
static bool ldh_label(const char *l, size_t n)
{
    if (n == 0 || n > 63 || l[0] == '-' || l[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((l[i] >= 'a' && l[i] <= 'z') || (l[i] >= '0' && l[i] <= '9') || l[i] == '-'))
            return false;
    return true;
}

static bool all_digits(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] < '0' || l[i] > '9')
            return false;
    return true;
}

/* "4.4.e164enum.net" -> digits "44" (labels reversed) under the apex e164enum.net. */
static int zone_add(npg_enum_responder_t *r, const char *zone, char *err, size_t errlen)
{
    if (r->nzones == MAX_ZONES) {
        snprintf(err, errlen, "[enum] zones: more than %d zones (at '%s')", MAX_ZONES, zone);
        return NPG_EINVAL;
    }
    enum_zone_t *z = &r->zones[r->nzones];
    memset(z, 0, sizeof(*z));
    size_t n = strlen(zone);
    if (n && zone[n - 1] == '.')
        n--; /* one trailing dot: the name is absolute anyway */
    if (n == 0 || n > 253) {
        snprintf(err, errlen, "[enum] zones: '%s' is not a domain name", zone);
        return NPG_EINVAL;
    }
    for (size_t i = 0; i < n; i++)
        z->name[i] = (char)(zone[i] >= 'A' && zone[i] <= 'Z' ? zone[i] + 32 : zone[i]);
    z->name[n] = '\0';
    /* labels left to right: single digits until the first label with a non-digit */
    char rev[16];
    size_t nd = 0, w = 0;
    bool apex = false;
    for (const char *l = z->name; *l;) {
        size_t ln = strcspn(l, ".");
        if (!ldh_label(l, ln)) {
            snprintf(err, errlen,
                     "[enum] zones: '%s' is not a domain name (labels of 1 to 63 letters, digits"
                     " and inner hyphens)",
                     zone);
            return NPG_EINVAL;
        }
        if (!apex && !all_digits(l, ln))
            apex = true;
        if (!apex && (ln != 1 || nd == 15)) {
            snprintf(err, errlen,
                     "[enum] zones: '%s': the country digits before the apex must be single-digit"
                     " labels, at most 15 (4.4.e164.arpa for 44)",
                     zone);
            return NPG_EINVAL;
        }
        if (!apex)
            rev[nd++] = l[0];
        z->wire[w++] = (uint8_t)ln;
        memcpy(z->wire + w, l, ln);
        w += ln;
        l += ln + (l[ln] == '.');
    }
    if (!apex) {
        snprintf(err, errlen,
                 "[enum] zones: '%s' has no ENUM apex (such as e164.arpa or e164enum.net) after"
                 " its digit labels",
                 zone);
        return NPG_EINVAL;
    }
    z->wire[w++] = 0;
    z->wire_len = w;
    for (size_t i = 0; i < nd; i++)
        z->digits[i] = rev[nd - 1 - i];
    z->digits[nd] = '\0';
    for (size_t i = 0; i < r->nzones; i++)
        if (strcmp(r->zones[i].name, z->name) == 0) {
            snprintf(err, errlen, "[enum] zones: '%s' is listed twice", zone);
            return NPG_EINVAL;
        }
    r->nzones++;
    return NPG_OK;
}

static int load_statics(npg_enum_responder_t *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "[enum] static_zones: cannot open %s", path);
        return NPG_EIO;
    }
    ldns_zone *z = NULL;
    int line = 0;
    ldns_status st = ldns_zone_new_frm_fp_l(&z, f, NULL, 3600, LDNS_RR_CLASS_IN, &line);
    fclose(f);
    if (st != LDNS_STATUS_OK) {
        snprintf(err, errlen, "%s:%d: %s", path, line, ldns_get_errorstr_by_id(st));
        return NPG_EINVAL;
    }
    r->statics = ldns_rr_list_new();
    r->static_soas = ldns_rr_list_new();
    if (ldns_zone_soa(z))
        ldns_rr_list_push_rr(r->static_soas, ldns_rr_clone(ldns_zone_soa(z)));
    ldns_rr_list *rrs = ldns_zone_rrs(z);
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
        ldns_rr *rr = ldns_rr_list_rr(rrs, i);
        ldns_rr_list_push_rr(ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA ? r->static_soas : r->statics,
                             ldns_rr_clone(rr));
    }
    ldns_zone_deep_free(z);
    if (ldns_rr_list_rr_count(r->statics) && !ldns_rr_list_rr_count(r->static_soas)) {
        snprintf(err, errlen, "%s: every static zone needs its SOA record", path);
        return NPG_EINVAL;
    }
    return NPG_OK;
}

int npg_enum_responder_new(const npg_conf_t *conf, npg_enum_index_t *ix, npg_enum_responder_t **out,
                           char *err, size_t errlen)
{
    npg_enum_responder_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NPG_ENOMEM;
    r->conf = conf;
    r->ix = ix;
    int rc = NPG_OK;
    char list[NPG_CONF_STRLEN];
    if (conf->enumd.zones[0]) {
        npg_strlcpy(list, conf->enumd.zones, sizeof(list));
    } else { /* the country's zone: 44 -> 4.4.e164.arpa */
        size_t n = strlen(conf->general.country_code), o = 0;
        for (size_t i = n; i-- > 0;)
            o += (size_t)snprintf(list + o, sizeof(list) - o, "%c.", conf->general.country_code[i]);
        snprintf(list + o, sizeof(list) - o, "e164.arpa");
    }
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t && rc == NPG_OK;
         t = strtok_r(NULL, ", ", &save))
        rc = zone_add(r, t, err, errlen);
    npg_strlcpy(list, conf->enumd.ns, sizeof(list));
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t && r->nns < MAX_NS;
         t = strtok_r(NULL, ", ", &save))
        npg_strlcpy(r->ns[r->nns++], t, sizeof(r->ns[0]));
    if (rc == NPG_OK && conf->enumd.static_zones[0])
        rc = load_statics(r, conf->enumd.static_zones, err, errlen);
    if (rc == NPG_OK && conf->enumd.tsig_key_file[0]) {
        rc = npg_tsig_key_load(conf->enumd.tsig_key_file, &r->key, err, errlen);
        r->has_key = rc == NPG_OK;
    }
    if (rc != NPG_OK) {
        npg_enum_responder_free(&r);
        return rc;
    }
    *out = r;
    return NPG_OK;
}

void npg_enum_responder_free(npg_enum_responder_t **rp)
{
    npg_enum_responder_t *r = *rp;
    if (!r)
        return;
    ldns_rr_list_deep_free(r->statics);
    ldns_rr_list_deep_free(r->static_soas);
    OPENSSL_cleanse(&r->key, sizeof(r->key));
    free(r);
    *rp = NULL;
}

/* --- ENUM zones ----------------------------------------------------------------------- */

/*
 * The longest served zone holding the query's name, walking its labels in the
 * packet left to right; *at gets the zone's offset in the name. Names in the
 * zones are lower case; the query's letters are folded as they are compared.
 */
static const enum_zone_t *find_zone(const npg_enum_responder_t *r, const uint8_t *pkt,
                                    const npg_dns_query_t *q, size_t *at)
{
    const uint8_t *name = pkt + NPG_DNS_HDR;
    size_t len = q->qname_wire_len;
    for (size_t off = 0; off < len; off += (size_t)name[off] + 1) {
        for (size_t i = 0; i < r->nzones; i++) {
            const enum_zone_t *z = &r->zones[i];
            if (z->wire_len != len - off)
                continue;
            size_t k = 0;
            for (; k < z->wire_len; k++) {
                uint8_t c = name[off + k];
                if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != z->wire[k])
                    break; /* length bytes (< 64) never fold */
            }
            if (k == z->wire_len) {
                *at = off;
                return z;
            }
        }
        if (name[off] == 0)
            break;
    }
    return NULL;
}

void npg_enum_responder_put_soa(const npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner,
                                uint32_t ttl, uint32_t serial)
{
    size_t at = npg_dns_rr_begin(o, owner, NPG_DNS_T_SOA, ttl);
    npg_dns_put_name(o, r->nns ? r->ns[0] : ".");
    npg_dns_put_name(o, r->conf->enumd.soa_rname);
    npg_dns_put_u32(o, serial);
    npg_dns_put_u32(o, 3600);
    npg_dns_put_u32(o, 600);
    npg_dns_put_u32(o, 604800);
    npg_dns_put_u32(o, (uint32_t)r->conf->enumd.negative_ttl);
    npg_dns_rr_end(o, at);
}

uint32_t npg_enum_serial(uint64_t change_id)
{
    return (uint32_t)(change_id ? change_id : 1); /* moves with routing; never 0 */
}

static void put_soa(npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner, uint32_t ttl)
{
    npg_enum_responder_put_soa(r, o, owner, ttl,
                               npg_enum_serial(npg_enum_index_last_change(r->ix)));
}

void npg_enum_responder_put_ns(const npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner,
                               size_t i)
{
    if (i >= r->nns)
        return;
    size_t at = npg_dns_rr_begin(o, owner, NPG_DNS_T_NS, 3600);
    npg_dns_put_name(o, r->ns[i]);
    npg_dns_rr_end(o, at);
}

size_t npg_enum_responder_nns(const npg_enum_responder_t *r)
{
    return r->nns;
}

const char *npg_enum_responder_apex(const npg_enum_responder_t *r, const uint8_t *wire, size_t len)
{
    for (size_t i = 0; i < r->nzones; i++) {
        const enum_zone_t *z = &r->zones[i];
        if (z->wire_len != len)
            continue;
        size_t k = 0;
        for (; k < len; k++) {
            uint8_t c = wire[k];
            if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != z->wire[k])
                break;
        }
        if (k == len)
            return z->digits;
    }
    return NULL;
}

size_t npg_enum_responder_nzones(const npg_enum_responder_t *r)
{
    return r->nzones;
}

const char *npg_enum_responder_zone_name(const npg_enum_responder_t *r, size_t i)
{
    return i < r->nzones ? r->zones[i].name : NULL;
}

const npg_tsig_key_t *npg_enum_responder_key(const npg_enum_responder_t *r)
{
    return r->has_key ? &r->key : NULL;
}

static void put_ns(npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner)
{
    for (size_t i = 0; i < r->nns; i++) {
        npg_enum_responder_put_ns(r, o, owner, i);
        o->ancount++;
    }
}

static void negative(npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t apex_ptr)
{
    int t = r->conf->enumd.negative_ttl;
    put_soa(r, o, apex_ptr, (uint32_t)(t < r->conf->enumd.ttl ? t : r->conf->enumd.ttl));
    o->nscount++;
}

static void put_naptr(npg_enum_responder_t *r, npg_dns_out_t *o, const char *e164,
                      const npg_enum_answer_t *a)
{
    char regexp[256]; /* a <character-string>: a longer one never fits, not even over TCP */
    npg_naptr_route_t nr = {.e164 = e164,
                            .rn = a->kind == NPG_ENUM_PORTED ? a->op.rn : NULL,
                            .ims_domain = a->op.ims_domain,
                            .form = a->op.form,
                            .rn_format = a->op.rn_format};
    if (npg_naptr_regexp(&nr, regexp, sizeof(regexp)) < 0)
        return; /* an operator without a usable domain (or a too long one): no bad record */
    size_t at = npg_dns_rr_begin(o, NPG_DNS_HDR, NPG_DNS_T_NAPTR, (uint32_t)r->conf->enumd.ttl);
    npg_dns_put_u16(o, NPG_NAPTR_ORDER);
    npg_dns_put_u16(o, NPG_NAPTR_PREF);
    npg_dns_put_cstr(o, "u");
    npg_dns_put_cstr(o, npg_naptr_service(nr.form));
    npg_dns_put_cstr(o, regexp);
    npg_dns_put_u8(o, 0); /* replacement "." */
    npg_dns_rr_end(o, at);
    o->ancount++;
}

static void answer_enum(npg_enum_responder_t *r, const npg_dns_query_t *q, const enum_zone_t *z,
                        size_t at, npg_dns_out_t *o, const uint8_t *pkt)
{
    /* the zone's name in the question: owner of its SOA and NS */
    uint16_t apex_ptr = (uint16_t)(NPG_DNS_HDR + at);
    bool any = q->qtype == NPG_DNS_T_ANY;
    if (at == 0) {
        npg_dns_begin(o, pkt, q, true, NPG_DNS_NOERROR);
        if (q->qtype == NPG_DNS_T_SOA || any) {
            put_soa(r, o, apex_ptr, (uint32_t)r->conf->enumd.ttl);
            o->ancount++;
        }
        if (q->qtype == NPG_DNS_T_NS || any)
            put_ns(r, o, apex_ptr);
        if (o->ancount == 0)
            negative(r, o, apex_ptr);
        return;
    }
    /* 0.0.1.0.5.5.5 under 1.e164.arpa -> 1 5550100: one digit per label, reversed */
    const uint8_t *name = pkt + NPG_DNS_HDR;
    char e164[32];
    size_t nd = strlen(z->digits), labels = at / 2;
    memcpy(e164, z->digits, nd);
    bool digits = at % 2 == 0 && nd + labels <= 15;
    for (size_t i = labels; digits && i-- > 0;) {
        const uint8_t *l = name + 2 * i;
        digits = l[0] == 1 && l[1] >= '0' && l[1] <= '9';
        e164[nd++] = (char)l[1];
    }
    e164[digits ? nd : 0] = '\0';
    npg_enum_answer_t a = {.kind = NPG_ENUM_NONE};
    uint64_t number = digits ? strtoull(e164, NULL, 10) : 0;
    if (digits && e164[0] != '0')
        npg_enum_index_lookup(r->ix, number, &a);
    if (a.kind != NPG_ENUM_NONE) {
        npg_dns_begin(o, pkt, q, true, NPG_DNS_NOERROR);
        if (q->qtype == NPG_DNS_T_NAPTR || any)
            put_naptr(r, o, e164, &a);
        if (o->ancount == 0)
            negative(r, o, apex_ptr);
    } else if (digits && e164[0] != '0' && npg_enum_index_has_below(r->ix, number, (int)nd)) {
        npg_dns_begin(o, pkt, q, true, NPG_DNS_NOERROR); /* an empty non-terminal */
        negative(r, o, apex_ptr);
    } else {
        npg_dns_begin(o, pkt, q, true, NPG_DNS_NXDOMAIN);
        negative(r, o, apex_ptr);
    }
}

/* --- static zones (ldns: small, read-only, not on the hot path) --------------------------- */

static const ldns_rr *static_soa_for(const npg_enum_responder_t *r, const ldns_rdf *qname)
{
    const ldns_rr *best = NULL;
    for (size_t i = 0; r->static_soas && i < ldns_rr_list_rr_count(r->static_soas); i++) {
        const ldns_rr *soa = ldns_rr_list_rr(r->static_soas, i);
        const ldns_rdf *apex = ldns_rr_owner(soa);
        if ((ldns_dname_compare(qname, apex) == 0 || ldns_dname_is_subdomain(qname, apex)) &&
            (!best || ldns_dname_label_count(apex) > ldns_dname_label_count(ldns_rr_owner(best))))
            best = soa;
    }
    return best;
}

static size_t answer_static(npg_enum_responder_t *r, const npg_dns_query_t *q, const ldns_rr *soa,
                            const ldns_rdf *qname, uint8_t *out, size_t cap)
{
    ldns_pkt *p = ldns_pkt_new();
    ldns_pkt_set_id(p, q->id);
    ldns_pkt_set_qr(p, true);
    ldns_pkt_set_aa(p, true);
    ldns_pkt_set_rd(p, (q->flags & 0x0100) != 0);
    ldns_rr *question = ldns_rr_new();
    ldns_rr_set_owner(question, ldns_rdf_clone(qname));
    ldns_rr_set_type(question, (ldns_rr_type)q->qtype);
    ldns_rr_set_class(question, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(question, true);
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, question);
    bool exists = ldns_dname_compare(qname, ldns_rr_owner(soa)) == 0;
    if (q->qtype == NPG_DNS_T_SOA && exists)
        ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, ldns_rr_clone(soa));
    for (size_t i = 0; i < ldns_rr_list_rr_count(r->statics); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(r->statics, i);
        const ldns_rdf *owner = ldns_rr_owner(rr);
        if (ldns_dname_compare(owner, qname) == 0) {
            exists = true;
            if ((uint16_t)ldns_rr_get_type(rr) == q->qtype || q->qtype == NPG_DNS_T_ANY)
                ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
        } else if (ldns_dname_is_subdomain(owner, qname)) {
            exists = true; /* an empty non-terminal */
        }
    }
    if (!exists)
        ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
    if (ldns_pkt_ancount(p) == 0)
        ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, ldns_rr_clone(soa));
    if (q->edns)
        ldns_pkt_set_edns_udp_size(p, (uint16_t)r->conf->enumd.max_udp_payload);
    uint8_t *wire = NULL;
    size_t len = 0;
    if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK || len > cap)
        len = 0; /* the caller answers with TC */
    else
        memcpy(out, wire, len);
    free(wire);
    ldns_pkt_free(p);
    return len;
}

/* --- dispatch ------------------------------------------------------------------------ */

static size_t truncated(npg_enum_responder_t *r, const npg_dns_query_t *q, npg_dns_out_t *o,
                        const uint8_t *pkt, bool aa, int rcode)
{
    npg_dns_begin(o, pkt, q, aa, rcode);
    o->buf[2] |= 0x02; /* TC: ask again over TCP */
    if (q->edns)
        npg_dns_put_opt(o, (uint16_t)r->conf->enumd.max_udp_payload, 0);
    return npg_dns_finish(o);
}

static size_t respond_plain(npg_enum_responder_t *r, const uint8_t *pkt, size_t len, uint8_t *out,
                            size_t cap, bool udp, size_t reserve, uint16_t *qtype, int *parse_rc)
{
    npg_dns_query_t q;
    int rc = npg_dns_parse_query(pkt, len, &q);
    *parse_rc = rc;
    if (rc < 0)
        return 0;
    *qtype = q.qtype;
    size_t limit = cap;
    if (udp) {
        size_t want = q.edns ? q.edns_payload : 512, max = (size_t)r->conf->enumd.max_udp_payload;
        limit = want < 512 ? 512 : want > max ? max : want;
        limit = limit < cap ? limit : cap;
    }
    limit -= reserve < limit - 12 ? reserve : 0; /* room for the TSIG record of a signed query */
    npg_dns_out_t o = {.buf = out, .cap = limit};
    if (rc != NPG_DNS_NOERROR) {
        npg_dns_begin(&o, pkt, &q, false, rc & 0xF);
        if (q.edns || rc == NPG_DNS_BADVERS)
            npg_dns_put_opt(&o, (uint16_t)r->conf->enumd.max_udp_payload, rc);
        return npg_dns_finish(&o);
    }
    size_t at = 0;
    const enum_zone_t *z = q.qclass == NPG_DNS_C_IN ? find_zone(r, pkt, &q, &at) : NULL;
    if (z) {
        answer_enum(r, &q, z, at, &o, pkt);
        if (q.edns)
            npg_dns_put_opt(&o, (uint16_t)r->conf->enumd.max_udp_payload, 0);
        return o.overflow ? truncated(r, &q, &o, pkt, true, NPG_DNS_NOERROR) : npg_dns_finish(&o);
    }
    ldns_rdf *qname = NULL;
    const ldns_rr *soa = NULL;
    size_t qpos = NPG_DNS_HDR; /* the name as it came, labels intact: "a.b" is one label */
    if (q.qclass == NPG_DNS_C_IN && r->static_soas &&
        ldns_wire2dname(&qname, pkt, len, &qpos) == LDNS_STATUS_OK)
        soa = static_soa_for(r, qname);
    size_t n = soa ? answer_static(r, &q, soa, qname, out, limit) : 0;
    ldns_rdf_deep_free(qname);
    if (soa)
        return n ? n : truncated(r, &q, &o, pkt, true, NPG_DNS_NOERROR);
    npg_dns_begin(&o, pkt, &q, false, NPG_DNS_REFUSED); /* not ours */
    if (q.edns)
        npg_dns_put_opt(&o, (uint16_t)r->conf->enumd.max_udp_payload, 0);
    return npg_dns_finish(&o);
}

/* Queries by type, answer code and transport: counted per thread, on the hottest path. */
static const char *const qtypes[] = {"NAPTR", "SOA", "NS", "ANY", "A", "AAAA", "SRV", "other"};
static const char *const rcodes[] = {"NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN",
                                     "NOTIMP",  "REFUSED",  "BADVERS",  "other"};
static const char *const protos[] = {"udp", "tcp"};
static npg_metric_t queries = {
    .name = "npenumd_queries_total",
    .help = "DNS queries answered, by query type, response code and transport.",
    .type = NPG_METRIC_COUNTER,
    .labels = {"qtype", "rcode", "proto"},
    .grid = {qtypes, rcodes, protos},
    .grid_n = {NPG_ARRAY_LEN(qtypes), NPG_ARRAY_LEN(rcodes), NPG_ARRAY_LEN(protos)},
};
static npg_metric_t dropped = {
    .name = "npenumd_queries_dropped_total",
    .help = "Packets that got no answer (responses, shorter than a header).",
    .type = NPG_METRIC_COUNTER,
};

static size_t qtype_index(uint16_t t)
{
    switch (t) {
    case NPG_DNS_T_NAPTR:
        return 0;
    case NPG_DNS_T_SOA:
        return 1;
    case NPG_DNS_T_NS:
        return 2;
    case NPG_DNS_T_ANY:
        return 3;
    case NPG_DNS_T_A:
        return 4;
    case 28: /* AAAA */
        return 5;
    case 33: /* SRV */
        return 6;
    default:
        return 7;
    }
}

void npg_enum_register_metrics(void)
{
    npg_metric_register(&queries);
    npg_metric_register(&dropped);
}

/*
 * A query signed with TSIG (a secondary's SOA check before a transfer): verified with
 * our key, answered as if unsigned, and the answer signed with the query's MAC.
 */
static size_t respond_signed(npg_enum_responder_t *r, const uint8_t *pkt, size_t len,
                             const npg_tsig_rr_t *rr, uint8_t *out, size_t cap, bool udp,
                             uint16_t *qtype, int *parse_rc)
{
    size_t qend = NPG_DNS_HDR;
    uint16_t qd = (uint16_t)(pkt[4] << 8 | pkt[5]);
    if (qd == 1 && (npg_dns_skip_name(pkt, rr->offset, &qend) != 0 || qend + 4 > rr->offset))
        return 0;
    qend += qd == 1 ? 4 : 0;
    time_t now = time(NULL);
    int terr = r->has_key ? npg_tsig_verify(pkt, len, rr, &r->key, now) : NPG_TSIG_BADKEY;
    if (terr) {
        npg_log_debug("enum", "signed query refused: TSIG error %d", terr);
        return r->has_key || terr != NPG_TSIG_BADKEY
                   ? npg_tsig_refusal(pkt, qend, rr, &r->key, terr, now, out, cap)
                   : npg_tsig_refusal(pkt, qend, rr, &(npg_tsig_key_t){0}, terr, now, out, cap);
    }
    uint8_t plain[65535];
    memcpy(plain, pkt, rr->offset); /* the query without its TSIG record */
    uint16_t ar = (uint16_t)((pkt[10] << 8 | pkt[11]) - 1);
    plain[10] = (uint8_t)(ar >> 8), plain[11] = (uint8_t)ar;
    size_t reserve = npg_tsig_size(&r->key);
    size_t n = respond_plain(r, plain, rr->offset, out, cap, udp, reserve, qtype, parse_rc);
    uint8_t mac[NPG_TSIG_MAX_MAC];
    size_t mac_len = 0;
    size_t limit = udp ? n + reserve : cap;
    if (n && npg_tsig_sign(out, &n, limit < cap ? limit : cap, &r->key, rr->mac, rr->mac_len, false,
                           now, 0, mac, &mac_len) != NPG_OK)
        return 0;
    return n;
}

size_t npg_enum_respond(npg_enum_responder_t *r, const uint8_t *pkt, size_t len, uint8_t *out,
                        size_t cap, bool udp)
{
    uint16_t qtype = 0;
    int parse_rc = 0;
    size_t n;
    npg_tsig_rr_t rr;
    /* only a query with an additional record can be signed: the usual one costs nothing more */
    if (len >= NPG_DNS_HDR && !(pkt[2] & 0x80) && (pkt[10] || pkt[11]) &&
        npg_tsig_find(pkt, len, &rr) == NPG_OK && rr.present)
        n = respond_signed(r, pkt, len, &rr, out, cap, udp, &qtype, &parse_rc);
    else
        n = respond_plain(r, pkt, len, out, cap, udp, 0, &qtype, &parse_rc);
    if (!n) {
        npg_metric_add(&dropped, NULL, 1);
        return 0;
    }
    int rcode = parse_rc == NPG_DNS_BADVERS ? 6 : out[3] & 0x0F;
    size_t ri = rcode <= NPG_DNS_REFUSED || rcode == 6 ? (size_t)rcode : 7;
    npg_metric_grid_inc(&queries, (qtype_index(qtype) * NPG_ARRAY_LEN(rcodes) + ri) * 2 + !udp);
    return n;
}
