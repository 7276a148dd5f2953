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

#include "common/conf.h"
#include "common/e164.h"
#include "enum/publish.h"
#include "enum/wiresize.h"

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

/* An UPDATE-like message as ldns writes it, against the size model, well past 16 KiB. */
static void wiresize_matches_ldns(void **state)
{
    (void)state;
    npg_wiresize_t *w = NULL;
    assert_int_equal(npg_wiresize_new(&w), NPG_OK);
    ldns_pkt *pkt = ldns_pkt_query_new(ldns_dname_new_frm_str("1.e164.arpa."), LDNS_RR_TYPE_SOA,
                                       LDNS_RR_CLASS_IN, 0);
    assert_non_null(pkt);
    npg_wiresize_name(w, "1.e164.arpa.");
    npg_wiresize_skip(w, 4);
    /* runs of neighbours, jumps, a repeat and a name of another tree */
    uint64_t numbers[1400];
    for (size_t i = 0; i < 1400; i++)
        numbers[i] = i < 600 ? 15550000 + i : i < 900 ? 15559990 + 37 * i : 447700900000 + 11 * i;
    numbers[1000] = numbers[10];
    size_t checked = 0;
    for (size_t i = 0; i < 1400; i++) {
        char name[64], text[256];
        snprintf(text, sizeof(text), "%llu", (unsigned long long)numbers[i]);
        assert_int_equal(
            npg_e164_enum_name(text, i == 700 ? "e164.example" : "e164.arpa", name, sizeof(name)),
            NPG_OK);
        snprintf(text, sizeof(text),
                 "%s 300 IN NAPTR 10 10 \"u\" \"E2U+sip\" \"!^.*$!sip:+%llu;npdi@ims.example!\" .",
                 name, (unsigned long long)numbers[i]);
        ldns_rr *rr = NULL;
        assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
        size_t rdlen = 0;
        for (size_t k = 0; k < ldns_rr_rd_count(rr); k++)
            rdlen += ldns_rdf_size(ldns_rr_rdf(rr, k));
        ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, rr);
        assert_true(npg_wiresize_name(w, name) > 0);
        npg_wiresize_skip(w, 10 + rdlen);
        if (i % 50 == 0 || i == 1399) {
            uint8_t *wire = NULL;
            size_t size = 0;
            assert_int_equal(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
            free(wire);
            assert_int_equal(npg_wiresize_pos(w), size);
            checked = size;
        }
    }
    assert_true(checked > 3 * 16384); /* the 16 KiB rule was exercised */
    npg_wiresize_reset(w);
    assert_int_equal(npg_wiresize_pos(w), 12);
    assert_int_equal(npg_wiresize_name(w, "."), 1);
    assert_int_equal(npg_wiresize_name(w, "a.b."), 5);
    assert_int_equal(npg_wiresize_name(w, "c.a.b."), 4);
    ldns_pkt_free(pkt);
    npg_wiresize_free(&w);
    assert_null(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(payload_parses),        cmocka_unit_test(malformed_payloads_are_refused),
        cmocka_unit_test(settings_are_checked),  cmocka_unit_test(no_servers_nothing_to_push),
        cmocka_unit_test(wiresize_matches_ldns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
