/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npenumd's [enum] zones: which names start up, and which zone answers a query (no database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/conf.h"
#include "common/error.h"
#include "enum/dnswire.h"
#include "enum/responder.h"

static npg_conf_t conf;
static npg_enum_index_t *ix;

static int setup(void **state)
{
    (void)state;
    npg_conf_defaults(&conf);
    snprintf(conf.general.country_code, sizeof(conf.general.country_code), "1");
    return npg_enum_index_new(&ix);
}

static int teardown(void **state)
{
    (void)state;
    npg_enum_index_free(&ix);
    return 0;
}

/* Start a responder on zones; returns the rc, err holds the message. */
static int start(const char *zones, npg_enum_responder_t **r, char *err, size_t errlen)
{
    snprintf(conf.enumd.zones, sizeof(conf.enumd.zones), "%s", zones);
    err[0] = '\0';
    return npg_enum_responder_new(&conf, ix, r, err, errlen);
}

static void refused_at_start(const char *zones, const char *named, const char *why)
{
    npg_enum_responder_t *r = NULL;
    char err[512];
    assert_int_equal(start(zones, &r, err, sizeof(err)), NPG_EINVAL);
    assert_null(r);
    if (!strstr(err, named) || !strstr(err, why))
        fail_msg("zones '%s': message '%s' should name '%s' and say '%s'", zones, err, named, why);
}

static void bad_zones_are_refused(void **state)
{
    (void)state;
    refused_at_start("1.e164..arpa", "'1.e164..arpa'", "not a domain name");
    refused_at_start("1.e164.arpa, 1.-carrier.example", "'1.-carrier.example'",
                     "not a domain name");
    refused_at_start("1.enum_carrier.example", "'1.enum_carrier.example'", "not a domain name");
    refused_at_start("1.e164.arpa, .", "'.'", "not a domain name");
    refused_at_start("1.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
                     "'1.aaaa", "not a domain name"); /* a 64-byte label */
    refused_at_start("4.4.1", "'4.4.1'", "no ENUM apex");
    refused_at_start("44.e164.arpa", "'44.e164.arpa'", "single-digit labels");
    refused_at_start("1.e164enum.net, 1.E164ENUM.NET.", "'1.E164ENUM.NET.'", "listed twice");
    refused_at_start("0.e164.arpa,1.e164.arpa,2.e164.arpa,3.e164.arpa,4.e164.arpa,5.e164.arpa,"
                     "6.e164.arpa,7.e164.arpa,8.e164.arpa,9.e164.arpa,0.e.x,1.e.x,2.e.x,3.e.x,"
                     "4.e.x,5.e.x,6.e.x",
                     "'6.e.x'", "more than 16 zones");
}

static void good_zones_start(void **state)
{
    (void)state;
    npg_enum_responder_t *r = NULL;
    char err[512];
    assert_int_equal(start("1.e164.arpa, 1.e164enum.net., 1.ENUM.carrier.example, e164enum.net,"
                           " 8.5.3.e164.arpa, enum.1.example",
                           &r, err, sizeof(err)),
                     NPG_OK);
    npg_enum_responder_free(&r);
    assert_null(r);
    assert_int_equal(start("", &r, err, sizeof(err)), NPG_OK); /* the country's zone */
    npg_enum_responder_free(&r);
}

/* A query for a name given as wire bytes; returns the packet length. */
static size_t query(uint8_t *pkt, const void *wire, size_t wlen, uint16_t qtype)
{
    static const uint8_t hdr[12] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    memcpy(pkt, hdr, sizeof(hdr));
    memcpy(pkt + 12, wire, wlen);
    pkt[12 + wlen] = (uint8_t)(qtype >> 8);
    pkt[13 + wlen] = (uint8_t)qtype;
    pkt[14 + wlen] = 0;
    pkt[15 + wlen] = 1;
    return 16 + wlen;
}

/* Dotted to wire ("" is the root); no escapes. */
static size_t wire_of(const char *dotted, uint8_t *out)
{
    size_t w = 0;
    for (const char *l = dotted; *l;) {
        size_t n = strcspn(l, ".");
        out[w++] = (uint8_t)n;
        memcpy(out + w, l, n);
        w += n;
        l += n + (l[n] == '.');
    }
    out[w++] = 0;
    return w;
}

typedef struct answer {
    int rcode;
    int an, ns;
    uint16_t owner; /* compression pointer target of the first RR's owner (0: none) */
    uint16_t type;  /* type of the first RR */
} answer_t;

static answer_t ask(npg_enum_responder_t *r, const void *wire, size_t wlen, uint16_t qtype)
{
    uint8_t pkt[512], out[1232];
    size_t len = query(pkt, wire, wlen, qtype);
    size_t n = npg_enum_respond(r, pkt, len, out, sizeof(out), true);
    answer_t a = {.rcode = -1};
    if (n < 12)
        return a;
    a.rcode = out[3] & 0xF;
    a.an = out[6] << 8 | out[7];
    a.ns = out[8] << 8 | out[9];
    if (a.an + a.ns > 0 && n >= len + 4 && (out[len] & 0xC0) == 0xC0) {
        a.owner = (uint16_t)((out[len] & 0x3F) << 8 | out[len + 1]);
        a.type = (uint16_t)(out[len + 2] << 8 | out[len + 3]);
    }
    return a;
}

static answer_t ask_name(npg_enum_responder_t *r, const char *dotted, uint16_t qtype)
{
    uint8_t w[256];
    size_t n = wire_of(dotted, w);
    return ask(r, w, n, qtype);
}

static void each_zone_answers_at_its_own_top(void **state)
{
    (void)state;
    npg_enum_responder_t *r = NULL;
    char err[512];
    assert_int_equal(start("1.e164.arpa, 1.e164enum.net, e164enum.net, 1.enum.carrier.example", &r,
                           err, sizeof(err)),
                     NPG_OK);
    const char *tops[] = {"1.e164.arpa", "1.e164enum.net", "e164enum.net",
                          "1.enum.carrier.example"};
    for (size_t i = 0; i < 4; i++) {
        answer_t a = ask_name(r, tops[i], NPG_DNS_T_SOA);
        assert_int_equal(a.rcode, NPG_DNS_NOERROR);
        assert_int_equal(a.an, 1);
        assert_int_equal(a.owner, NPG_DNS_HDR); /* the question's name: the zone itself */
        assert_int_equal(a.type, NPG_DNS_T_SOA);
        a = ask_name(r, tops[i], NPG_DNS_T_NS);
        assert_int_equal(a.an, 1);
        assert_int_equal(a.type, NPG_DNS_T_NS);
    }
    /* no number is served: NXDOMAIN with the SOA of the longest zone holding the name */
    answer_t a = ask_name(r, "0.0.1.0.5.5.5.1.e164enum.net", NPG_DNS_T_NAPTR);
    assert_int_equal(a.rcode, NPG_DNS_NXDOMAIN);
    assert_int_equal(a.an, 0);
    assert_int_equal(a.ns, 1);
    assert_int_equal(a.type, NPG_DNS_T_SOA);
    assert_int_equal(a.owner, NPG_DNS_HDR + 14); /* "1.e164enum.net", not "e164enum.net" */
    a = ask_name(r, "0.0.1.0.5.5.5.4.e164enum.net", NPG_DNS_T_NAPTR); /* only the bare apex */
    assert_int_equal(a.rcode, NPG_DNS_NXDOMAIN);
    assert_int_equal(a.owner, NPG_DNS_HDR + 16);
    a = ask_name(r, "0.0.1.0.5.5.5.1.enum.carrier.example", NPG_DNS_T_NAPTR);
    assert_int_equal(a.rcode, NPG_DNS_NXDOMAIN);
    assert_int_equal(a.owner, NPG_DNS_HDR + 14);
    /* case as sent (0x20) matches; the name is not ours outside the zones */
    a = ask_name(r, "1.E164ENUM.Net", NPG_DNS_T_SOA);
    assert_int_equal(a.rcode, NPG_DNS_NOERROR);
    assert_int_equal(a.an, 1);
    assert_int_equal(ask_name(r, "e164.arpa", NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    assert_int_equal(ask_name(r, "4.4.e164.arpa", NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    assert_int_equal(ask_name(r, "enum.carrier.example", NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    assert_int_equal(ask_name(r, "1.xe164enum.net", NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    assert_int_equal(ask_name(r, "", NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    npg_enum_responder_free(&r);
}

/* A '.' inside a label is a byte like any other: it neither joins a zone nor makes digits. */
static void dots_inside_labels(void **state)
{
    (void)state;
    npg_enum_responder_t *r = NULL;
    char err[512];
    assert_int_equal(start("1.e164.arpa", &r, err, sizeof(err)), NPG_OK);
    static const uint8_t not_ours[] = "\003x.1\004e164\004arpa"; /* "x\.1.e164.arpa" */
    assert_int_equal(ask(r, not_ours, sizeof(not_ours), NPG_DNS_T_SOA).rcode, NPG_DNS_REFUSED);
    static const uint8_t one_label[] = "\0031.2\0011\004e164\004arpa"; /* "1\.2.1.e164.arpa" */
    answer_t a = ask(r, one_label, sizeof(one_label), NPG_DNS_T_NAPTR);
    assert_int_equal(a.rcode, NPG_DNS_NXDOMAIN);
    assert_int_equal(a.owner, NPG_DNS_HDR + 4);
    npg_enum_responder_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_zones_are_refused),
        cmocka_unit_test(good_zones_start),
        cmocka_unit_test(each_zone_answers_at_its_own_top),
        cmocka_unit_test(dots_inside_labels),
    };
    return cmocka_run_group_tests_name("enum_zones", tests, setup, teardown);
}
