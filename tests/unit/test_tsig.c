/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TSIG and transfer requests (enum/tsig.h, enum/xfr.h) against ldns, a TSIG implementation
 * we did not write: what ldns signs we verify, what we sign ldns verifies (a multi-message
 * transfer included), and hostile packets are refused without reading past their end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/error.h"
#include "enum/dnswire.h"
#include "enum/tsig.h"
#include "enum/xfr.h"

#define SECRET "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ=="
#define KEYLINE "hmac-sha256:npgw-xfr:" SECRET

static npg_tsig_key_t key;

static int setup(void **state)
{
    (void)state;
    char err[200];
    return npg_tsig_key_parse(KEYLINE, &key, err, sizeof(err));
}

/* A query for zone (AXFR, or IXFR from serial) built and, with sign, signed by ldns. */
static uint8_t *ldns_query(ldns_rr_type type, uint32_t serial, bool sign, const char *keyname,
                           const char *secret, size_t *len, ldns_rdf **mac)
{
    ldns_rdf *zone = ldns_dname_new_frm_str("1.e164.arpa.");
    ldns_pkt *p = ldns_pkt_query_new(zone, type, LDNS_RR_CLASS_IN, 0);
    ldns_pkt_set_id(p, 4242);
    if (type == LDNS_RR_TYPE_IXFR) {
        char soa[200];
        snprintf(soa, sizeof(soa), "1.e164.arpa. 60 IN SOA ns1.npgw.invalid. hm.npgw.invalid. %u"
                 " 3600 600 604800 60", serial);
        ldns_rr *rr = NULL;
        assert_int_equal(ldns_rr_new_frm_str(&rr, soa, 0, NULL, NULL), LDNS_STATUS_OK);
        ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
    }
    if (sign)
        assert_int_equal(ldns_pkt_tsig_sign(p, keyname, secret, 300, "hmac-sha256.", NULL),
                         LDNS_STATUS_OK);
    uint8_t *wire = NULL;
    assert_int_equal(ldns_pkt2wire(&wire, p, len), LDNS_STATUS_OK);
    if (mac)
        *mac = sign ? ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3)) : NULL;
    ldns_pkt_free(p);
    return wire;
}

static void key_files(void **state)
{
    (void)state;
    npg_tsig_key_t k;
    char err[200];
    assert_int_equal(npg_tsig_key_parse("npgw-xfr:" SECRET, &k, err, sizeof(err)), NPG_OK);
    assert_int_equal(k.alg, NPG_TSIG_SHA256); /* the default algorithm */
    assert_string_equal(k.name_text, "npgw-xfr");
    assert_int_equal(k.secret_len, 28); /* "secret-secret-secret-secret!" */
    assert_int_equal(npg_tsig_key_parse("hmac-sha512:Big.Key.:" SECRET, &k, err, sizeof(err)),
                     NPG_OK);
    assert_int_equal(k.alg, NPG_TSIG_SHA512);
    assert_memory_equal(k.name, "\x03" "big\x03" "key\x00", 9); /* wire form, lower case */
    assert_int_equal(npg_tsig_key_parse("hmac-md5:k:" SECRET, &k, err, sizeof(err)), NPG_EINVAL);
    assert_non_null(strstr(err, "hmac-md5"));
    assert_int_equal(npg_tsig_key_parse("k:not base64!", &k, err, sizeof(err)), NPG_EINVAL);
    assert_null(strstr(err, "not base64!")); /* never the secret in a message */
    assert_int_equal(npg_tsig_key_parse("just-a-name", &k, err, sizeof(err)), NPG_EINVAL);
    assert_int_equal(npg_tsig_key_parse("bad..name:" SECRET, &k, err, sizeof(err)), NPG_EINVAL);
    assert_null(strstr(err, SECRET));
}

static void ldns_signed_requests_verify(void **state)
{
    (void)state;
    size_t len;
    uint8_t *wire = ldns_query(LDNS_RR_TYPE_IXFR, 7, true, "npgw-xfr.", SECRET, &len, NULL);
    npg_xfr_query_t q;
    assert_int_equal(npg_xfr_parse(wire, len, &q), NPG_DNS_NOERROR);
    assert_int_equal(q.qtype, NPG_DNS_T_IXFR);
    assert_true(q.has_serial);
    assert_int_equal(q.serial, 7);
    assert_true(q.tsig.present);
    assert_int_equal(npg_tsig_verify(wire, len, &q.tsig, &key, time(NULL)), 0);
    /* one bit changed anywhere before the MAC: BADSIG */
    wire[len / 3] ^= 1;
    npg_xfr_query_t q2;
    if (npg_xfr_parse(wire, len, &q2) == NPG_DNS_NOERROR)
        assert_int_equal(npg_tsig_verify(wire, len, &q2.tsig, &key, time(NULL)), NPG_TSIG_BADSIG);
    wire[len / 3] ^= 1;
    /* the clock too far off: BADTIME; another key: BADKEY */
    assert_int_equal(npg_tsig_verify(wire, len, &q.tsig, &key, time(NULL) + 3600),
                     NPG_TSIG_BADTIME);
    npg_tsig_key_t other;
    char err[100];
    assert_int_equal(npg_tsig_key_parse("other-key:" SECRET, &other, err, sizeof(err)), NPG_OK);
    assert_int_equal(npg_tsig_verify(wire, len, &q.tsig, &other, time(NULL)), NPG_TSIG_BADKEY);
    free(wire);
    /* signed with another secret under our key's name: BADSIG */
    wire = ldns_query(LDNS_RR_TYPE_AXFR, 0, true, "npgw-xfr.", "b3RoZXItc2VjcmV0", &len, NULL);
    assert_int_equal(npg_xfr_parse(wire, len, &q), NPG_DNS_NOERROR);
    assert_int_equal(npg_tsig_verify(wire, len, &q.tsig, &key, time(NULL)), NPG_TSIG_BADSIG);
    free(wire);
}

/* Our answers, and the messages after them in a transfer, verify in ldns. */
static void our_signatures_verify_in_ldns(void **state)
{
    (void)state;
    size_t qlen;
    ldns_rdf *qmac = NULL;
    uint8_t *query = ldns_query(LDNS_RR_TYPE_AXFR, 0, true, "npgw-xfr.", SECRET, &qlen, &qmac);
    npg_xfr_query_t q;
    assert_int_equal(npg_xfr_parse(query, qlen, &q), NPG_DNS_NOERROR);
    uint8_t msg[2][1024], mac[NPG_TSIG_MAX_MAC];
    size_t len[2], mac_len = 0;
    for (int i = 0; i < 2; i++) { /* an answer: the question and one SOA */
        npg_dns_query_t dq = {.id = q.id, .flags = q.flags, .question_end = q.question_end};
        npg_dns_out_t o = {.buf = msg[i], .cap = sizeof(msg[i])};
        npg_dns_begin(&o, query, &dq, true, 0);
        size_t at = npg_dns_rr_begin(&o, NPG_DNS_HDR, NPG_DNS_T_SOA, 60);
        npg_dns_put_name(&o, "ns1.npgw.invalid");
        npg_dns_put_name(&o, "hm.npgw.invalid");
        for (int k = 0; k < 5; k++)
            npg_dns_put_u32(&o, (uint32_t)(i + k + 1));
        npg_dns_rr_end(&o, at);
        o.ancount = 1;
        len[i] = npg_dns_finish(&o);
        assert_int_equal(npg_tsig_sign(msg[i], &len[i], sizeof(msg[i]), &key,
                                       i ? mac : q.tsig.mac, i ? mac_len : q.tsig.mac_len, i > 0,
                                       time(NULL), 0, mac, &mac_len),
                         NPG_OK);
    }
    ldns_pkt *p = NULL;
    assert_int_equal(ldns_wire2pkt(&p, msg[0], len[0]), LDNS_STATUS_OK);
    assert_true(ldns_pkt_tsig_verify(p, msg[0], len[0], "npgw-xfr.", SECRET, qmac));
    ldns_rdf *mac1 = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(p), 3));
    ldns_pkt_free(p);
    assert_int_equal(ldns_wire2pkt(&p, msg[1], len[1]), LDNS_STATUS_OK);
    assert_true(ldns_pkt_tsig_verify_next(p, msg[1], len[1], "npgw-xfr.", SECRET, mac1, 1));
    ldns_pkt_free(p);
    /* and our own check agrees with itself on a message we signed as a request */
    uint8_t notify[512];
    size_t nlen = 0;
    npg_dns_out_t o = {.buf = notify, .cap = sizeof(notify)};
    npg_dns_put_u16(&o, 99);
    npg_dns_put_u16(&o, NPG_DNS_OP_NOTIFY << 11);
    npg_dns_put_u16(&o, 1);
    for (int k = 0; k < 3; k++)
        npg_dns_put_u16(&o, 0);
    npg_dns_put_name(&o, "1.e164.arpa");
    npg_dns_put_u16(&o, NPG_DNS_T_SOA);
    npg_dns_put_u16(&o, NPG_DNS_C_IN);
    nlen = npg_dns_finish(&o);
    assert_int_equal(npg_tsig_sign(notify, &nlen, sizeof(notify), &key, NULL, 0, false,
                                   time(NULL), 0, mac, &mac_len),
                     NPG_OK);
    npg_tsig_rr_t rr;
    assert_int_equal(npg_tsig_find(notify, nlen, &rr), NPG_OK);
    assert_true(rr.present);
    assert_int_equal(npg_tsig_verify(notify, nlen, &rr, &key, time(NULL)), 0);
    assert_int_equal(ldns_wire2pkt(&p, notify, nlen), LDNS_STATUS_OK);
    assert_true(ldns_pkt_tsig_verify(p, notify, nlen, "npgw-xfr.", SECRET, NULL));
    ldns_pkt_free(p);
    ldns_rdf_deep_free(mac1);
    ldns_rdf_deep_free(qmac);
    free(query);
}

static void refusals(void **state)
{
    (void)state;
    size_t len;
    uint8_t *wire = ldns_query(LDNS_RR_TYPE_AXFR, 0, true, "npgw-xfr.", "b3RoZXItc2VjcmV0", &len,
                               NULL);
    npg_xfr_query_t q;
    assert_int_equal(npg_xfr_parse(wire, len, &q), NPG_DNS_NOERROR);
    uint8_t out[1024];
    size_t n = npg_tsig_refusal(wire, q.question_end, &q.tsig, &key, NPG_TSIG_BADSIG, time(NULL),
                                out, sizeof(out));
    ldns_pkt *p = NULL;
    assert_int_equal(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
    assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOTAUTH);
    assert_non_null(ldns_pkt_tsig(p));
    assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(ldns_pkt_tsig(p), 5)), NPG_TSIG_BADSIG);
    ldns_pkt_free(p);
    free(wire);
}

/* Requests a transfer parser must refuse. */
static void malformed_requests(void **state)
{
    (void)state;
    npg_xfr_query_t q;
    size_t len;
    uint8_t *wire = ldns_query(LDNS_RR_TYPE_AXFR, 0, false, NULL, NULL, &len, NULL);
    assert_true(npg_xfr_is_request(wire, len));
    assert_int_equal(npg_xfr_parse(wire, len, &q), NPG_DNS_NOERROR);
    assert_false(q.tsig.present);
    uint8_t buf[600];
    memcpy(buf, wire, len);
    buf[len] = 0; /* a trailing byte */
    assert_int_equal(npg_xfr_parse(buf, len + 1, &q), NPG_DNS_FORMERR);
    buf[2] |= 0x80; /* a response gets no answer */
    assert_int_equal(npg_xfr_parse(buf, len, &q), -1);
    assert_false(npg_xfr_is_request(buf, len));
    memcpy(buf, wire, len);
    buf[9] = 1; /* an authority record that is not there */
    assert_int_equal(npg_xfr_parse(buf, len, &q), NPG_DNS_FORMERR);
    free(wire);
    /* IXFR without its SOA */
    wire = ldns_query(LDNS_RR_TYPE_IXFR, 5, false, NULL, NULL, &len, NULL);
    memcpy(buf, wire, len);
    buf[9] = 0;
    assert_int_equal(npg_xfr_parse(buf, 12 + 17, &q), NPG_DNS_FORMERR);
    /* a compression pointer that points forward (or at itself) in the SOA */
    size_t soa = 12 + 13 + 4; /* header, question name and type/class */
    memcpy(buf, wire, len);
    buf[soa] = 0xC0, buf[soa + 1] = (uint8_t)soa;
    assert_int_equal(npg_xfr_parse(buf, len, &q), NPG_DNS_FORMERR);
    /* every truncation of a valid signed IXFR is refused, never read past */
    free(wire);
    wire = ldns_query(LDNS_RR_TYPE_IXFR, 5, true, "npgw-xfr.", SECRET, &len, NULL);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
        memcpy(copy, wire, cut);
        int rc = npg_xfr_parse(copy, cut, &q);
        assert_true(rc == -1 || rc == NPG_DNS_FORMERR);
        npg_tsig_rr_t rr;
        assert_int_equal(npg_tsig_find(copy, cut, &rr) == NPG_OK && rr.present, false);
        npg_xfr_fuzz_input(copy, cut);
        free(copy);
    }
    free(wire);
}

/* The fuzz entry point over mutations of valid requests and random bytes: no crash, no leak. */
static void mutations(void **state)
{
    (void)state;
    size_t len;
    uint8_t *wire = ldns_query(LDNS_RR_TYPE_IXFR, 9, true, "npgw-xfr.", SECRET, &len, NULL);
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, wire, len);
        for (int k = 0; k < 1 + i % 4; k++) {
            seed = seed * 1103515245u + 12345u;
            copy[(seed >> 8) % len] = (uint8_t)(seed >> 16);
        }
        npg_xfr_fuzz_input(copy, len);
        free(copy);
    }
    for (int i = 0; i < 5000; i++) {
        uint8_t junk[300];
        size_t n = (size_t)(i % (int)sizeof(junk));
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            junk[k] = (uint8_t)(seed >> 16);
        }
        if (n > 5)
            junk[4] = 0, junk[5] = 1; /* one question, so the parser gets further */
        npg_xfr_fuzz_input(junk, n);
    }
    free(wire);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(key_files),
        cmocka_unit_test(ldns_signed_requests_verify),
        cmocka_unit_test(our_signatures_verify_in_ldns),
        cmocka_unit_test(refusals),
        cmocka_unit_test(malformed_requests),
        cmocka_unit_test(mutations),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
