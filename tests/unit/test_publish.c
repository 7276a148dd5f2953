/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/publish: the outbox payload and the [dns] settings (sending is covered by dns_publish.test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/conf.h"
#include "common/e164.h"
#include "enum/publish.h"
#include "enum/updmsg.h"

#include <ldns/ldns.h>

static void payload_parses(void **state)
{
    (void)state;
    npg_publish_job_t job;
    assert_int_equal(npg_publish_parse("in:42 15550000-15550999 15552000-15552000", &job), NPG_OK);
    assert_string_equal(job.port_kind, "in");
    assert_int_equal(job.port_id, 42);
    assert_int_equal(job.n, 2);
    assert_int_equal(job.firsts[0], 15550000);
    assert_int_equal(job.lasts[0], 15550999);
    assert_int_equal(job.firsts[1], 15552000);
    assert_int_equal(job.lasts[1], 15552000);
    npg_publish_job_clear(&job);
    assert_int_equal(npg_publish_parse("none:0", &job), NPG_OK);
    assert_string_equal(job.port_kind, "none");
    assert_int_equal(job.n, 0);
    npg_publish_job_clear(&job);
}

static void malformed_payloads_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "in",
        "port:1 15550000-15550001",
        "in:x 15550000-15550001",
        "in:1 15550001-15550000", /* backwards */
        "in:1 15550000-",
        "in:1 15550000 15550001",
        "in:1 15550000-15550001 ", /* trailing space */
        "in:1 15550000-15550001;DROP",
        "in:1 1234567890123456-1234567890123457", /* 16 digits is not E.164 */
        "in:1 99999999999999999999999-1",
        "outgoing:1 15550000-15550001",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        npg_publish_job_t job;
        int rc = npg_publish_parse(bad[i], &job);
        if (rc == NPG_OK)
            fail_msg("accepted '%s'", bad[i]);
        assert_null(job.firsts);
    }
}

/* npg_publish_new with [dns] settings given as key=value pairs; err gets the reason. */
static int try_conf(const char *const *kv, char *err, size_t errlen, size_t *nservers)
{
    static npg_conf_t conf;
    npg_conf_defaults(&conf);
    char msg[256];
    for (size_t i = 0; kv[i]; i += 2)
        assert_int_equal(npg_conf_set(&conf, "dns", kv[i], kv[i + 1], msg, sizeof(msg)), NPG_OK);
    npg_publish_t *p = NULL;
    err[0] = '\0';
    int rc = npg_publish_new(&conf, &p, err, errlen);
    if (nservers)
        *nservers = npg_publish_nservers(p);
    npg_publish_free(&p);
    assert_null(p);
    return rc;
}

static void settings_are_checked(void **state)
{
    (void)state;
    char err[256];
    size_t n = 0;
    assert_int_equal(try_conf((const char *[]){NULL}, err, sizeof(err), &n), NPG_OK);
    assert_int_equal(n, 0);
    assert_int_equal(try_conf((const char *[]){"servers", " 127.0.0.1:5353, [::1]:53 ,10.0.0.1,::1",
                                               "zone", "1.E164.arpa.", "tsig_name", "k1",
                                               "tsig_secret", "c2VjcmV0c2VjcmV0", NULL},
                              err, sizeof(err), &n),
                     NPG_OK);
    assert_int_equal(n, 4);
    const char *const *const bad[] = {
        (const char *[]){"servers", "ns1.example:53", NULL},
        (const char *[]){"servers", "127.0.0.1:0", NULL},
        (const char *[]){"servers", "127.0.0.1:65536", NULL},
        (const char *[]){"servers", "127.0.0.1:", NULL},
        (const char *[]){"servers", "[::1", NULL},
        (const char *[]){"servers",
                         "127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,"
                         "127.0.0.8,127.0.0.9,127.0.0.10,127.0.0.11,127.0.0.12,"
                         "127.0.0.13,127.0.0.14,127.0.0.15,127.0.0.16,127.0.0.17",
                         NULL},
        (const char *[]){"tsig_name", "k1", NULL},
        (const char *[]){"tsig_name", "k1", "tsig_secret", "not base64!", NULL},
        (const char *[]){"tsig_secret", "c2VjcmV0c2VjcmV0", NULL},
        (const char *[]){"zone", "example.com", NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (try_conf(bad[i], err, sizeof(err), NULL) != NPG_ECONF)
            fail_msg("accepted %s = %s", bad[i][0], bad[i][1]);
        assert_true(strncmp(err, "dns.", 4) == 0);
        if (i == 5)
            assert_non_null(strstr(err, "more than 16"));
        assert_null(strstr(err, "c2VjcmV0")); /* the secret is never echoed */
    }
}

/* No servers: a publication succeeds at once and touches nothing (not even the database). */
static void no_servers_nothing_to_push(void **state)
{
    (void)state;
    npg_conf_t conf;
    npg_conf_defaults(&conf);
    npg_publish_t *p = NULL;
    char err[256], result[256];
    assert_int_equal(npg_publish_new(&conf, &p, err, sizeof(err)), NPG_OK);
    uint64_t a = 15550000, b = 15550999;
    assert_int_equal(npg_publish_ranges(p, NULL, &a, &b, 1, result, sizeof(result)), NPG_OK);
    assert_non_null(strstr(result, "no external DNS servers"));
    npg_publish_free(&p);
}

/* A message of ours, well past 16 KiB and signed, as ldns reads it: every record, a valid TSIG. */
static void updmsg_reads_back(void **state)
{
    (void)state;
    static npg_updmsg_t m;
    npg_tsig_key_t key;
    const char *secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
    assert_int_equal(npg_tsig_key_init(&key, "npgw-key.", "hmac-sha256", secret), NPG_OK);
    assert_int_equal(npg_tsig_key_init(&key, "npgw-key.", "hmac-md5", secret), NPG_EINVAL);
    assert_int_equal(npg_tsig_key_init(&key, "npgw-key.", "hmac-sha256.", secret), NPG_OK);
    assert_int_equal(npg_updmsg_start(&m, "1.e164.arpa."), NPG_OK);
    const uint8_t rdata[] = {0,   10,  0,   10,  1, 'u', 7,   'E', '2', 'U',
                             '+', 's', 'i', 'p', 4, '!', 'x', '!', '!', 0};
    size_t n = 0;
    int rc = NPG_OK;
    for (; rc == NPG_OK; n++) {
        char e164[32], name[64];
        snprintf(e164, sizeof(e164), "%llu", 15550000000ULL + 7 * n);
        assert_int_equal(npg_e164_enum_name(e164, "e164.arpa", name, sizeof(name)), NPG_OK);
        rc = npg_updmsg_replace(&m, name, LDNS_RR_TYPE_NAPTR, 300, n % 5 ? rdata : NULL,
                                sizeof(rdata), 60000);
    }
    n--; /* the last did not fit */
    assert_int_equal(rc, NPG_ETOOBIG);
    assert_true(m.len > 3 * 16384 && m.len <= 60000);
    assert_int_equal(npg_updmsg_replace(&m, "1.e164.example.", 35, 300, NULL, 0, 65000),
                     NPG_EINVAL);
    uint8_t mac[NPG_TSIG_MAC_MAX];
    size_t maclen = 0;
    assert_int_equal(npg_updmsg_sign(&m, 4242, &key, time(NULL), mac, &maclen), NPG_OK);
    assert_int_equal(maclen, 32);
    assert_int_equal(npg_updmsg_sign(&m, 4243, &key, time(NULL), mac, &maclen), NPG_OK);
    ldns_pkt *pkt = NULL;
    assert_int_equal(ldns_wire2pkt(&pkt, m.buf, m.wire_len), LDNS_STATUS_OK);
    assert_int_equal(ldns_pkt_id(pkt), 4243);
    assert_int_equal(ldns_pkt_get_opcode(pkt), LDNS_PACKET_UPDATE);
    assert_int_equal(ldns_pkt_qdcount(pkt), 1);
    ldns_rr_list *up = ldns_pkt_authority(pkt);
    assert_int_equal(ldns_rr_list_rr_count(up), n + (n - (n + 4) / 5));
    /* number 7: deleted, then added at the same owner, past and before the 16 KiB mark alike */
    for (size_t k = 0, rr = 0; k < n; k++) {
        char e164[32], name[64];
        snprintf(e164, sizeof(e164), "%llu", 15550000000ULL + 7 * k);
        assert_int_equal(npg_e164_enum_name(e164, "e164.arpa", name, sizeof(name)), NPG_OK);
        ldns_rdf *owner = ldns_dname_new_frm_str(name);
        ldns_rr *del = ldns_rr_list_rr(up, rr++);
        assert_int_equal(ldns_dname_compare(ldns_rr_owner(del), owner), 0);
        assert_int_equal(ldns_rr_get_class(del), LDNS_RR_CLASS_ANY);
        assert_int_equal(ldns_rr_get_type(del), LDNS_RR_TYPE_NAPTR);
        if (k % 5) {
            ldns_rr *add = ldns_rr_list_rr(up, rr++);
            assert_int_equal(ldns_dname_compare(ldns_rr_owner(add), owner), 0);
            assert_int_equal(ldns_rr_get_class(add), LDNS_RR_CLASS_IN);
            assert_int_equal(ldns_rr_ttl(add), 300);
            assert_int_equal(ldns_rr_rd_count(add), 6);
        }
        ldns_rdf_deep_free(owner);
    }
    assert_true(ldns_pkt_tsig_verify(pkt, m.buf, m.wire_len, "npgw-key.", secret, NULL));
    assert_false(ldns_pkt_tsig_verify(pkt, m.buf, m.wire_len, "npgw-key.",
                                      "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlciE=", NULL));
    ldns_pkt_free(pkt);
    /* unsigned, the owner the zone itself */
    assert_int_equal(npg_updmsg_start(&m, "1.e164.arpa."), NPG_OK);
    assert_int_equal(npg_updmsg_replace(&m, "1.e164.arpa.", 35, 300, NULL, 0, 65000), NPG_OK);
    assert_int_equal(npg_updmsg_sign(&m, 1, NULL, 0, mac, &maclen), NPG_OK);
    assert_int_equal(maclen, 0);
    assert_int_equal(ldns_wire2pkt(&pkt, m.buf, m.wire_len), LDNS_STATUS_OK);
    assert_null(ldns_pkt_tsig(pkt));
    assert_int_equal(ldns_rr_list_rr_count(ldns_pkt_authority(pkt)), 1);
    ldns_pkt_free(pkt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(payload_parses),       cmocka_unit_test(malformed_payloads_are_refused),
        cmocka_unit_test(settings_are_checked), cmocka_unit_test(no_servers_nothing_to_push),
        cmocka_unit_test(updmsg_reads_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
