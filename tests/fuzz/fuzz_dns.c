/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: npenumd's answers (npg_enum_respond) to any packet, over an index filled in
 * memory (operators, home ranges, ported numbers) and a static 3GPP zone, as over UDP and
 * as over TCP. Properties: an answer fits the size it may take (UDP: the client's EDNS0
 * payload within max_udp_payload, 512 without), parses as DNS (ldns), keeps the query's id,
 * is a response, and is never truncated over TCP.
 */
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "enum/responder.h"
#include "fuzz.h"

static npg_conf_t conf;
static npg_enum_index_t *ix;
static npg_enum_responder_t *responder;

static const char static_zone[] =
    "$ORIGIN epc.mnc001.mcc001.3gppnetwork.org.\n"
    "$TTL 300\n"
    "@ IN SOA ns1.npgw.invalid. hostmaster.npgw.invalid. 1 3600 600 604800 60\n"
    "@ IN NS ns1.npgw.invalid.\n"
    "@ IN NAPTR 10 10 \"s\" \"aaa+ap16777251:x-s6a\" \"\" _diameter._sctp.hss\n"
    "_diameter._sctp.hss IN SRV 10 10 3868 hss1\n"
    "hss1 IN A 127.0.0.10\n"
    "big IN TXT \"" /* answers that only fit over TCP */
    "...................................................................................."
    "...................................................................................."
    "\"\n"
    "big IN TXT \"another ...................................................................."
    "....................................................................................."
    "\"\n"
    "big IN TXT \"a third ...................................................................."
    "....................................................................................."
    "\"\n";

static int fill_index(void)
{
    static npg_enum_op_t ops[6];
    ops[1] =
        (npg_enum_op_t){"CARR", "1990001", "ims.carr.example", NPG_NAPTR_SIP, NPG_NAPTR_RN_GLOBAL};
    ops[2] =
        (npg_enum_op_t){"DONOR", "1990002", "ims.donor.example", NPG_NAPTR_SIP, NPG_NAPTR_RN_BARE};
    ops[3] = (npg_enum_op_t){"OTHER", "1990003", "", NPG_NAPTR_TEL, NPG_NAPTR_RN_GLOBAL};
    ops[4] = (npg_enum_op_t){"NODOM", "1990004", "", NPG_NAPTR_SIP, NPG_NAPTR_RN_GLOBAL};
    /* a long domain: the longest regexp there is */
    ops[5] = (npg_enum_op_t){"LONG", "999999999999999", "", NPG_NAPTR_SIP, NPG_NAPTR_RN_GLOBAL};
    memset(ops[5].ims_domain, 'a', 250);
    for (int i = 63; i < 250; i += 64)
        ops[5].ims_domain[i] = '.';
    static const npg_enum_row_t ranges[] = {
        {15550000, 15550999, 2},
        {15551000, 15551999, 1},
        {15552000, 15552999, 3},
        {15553000, 15553999, 4},
        {155540, 155549, 5},
        {4420000000, 4429999999, 1},
        {999999999999990, 999999999999999, 5},
    };
    static const npg_enum_row_t ported[] = {
        {155400, 0, 5},   {15550100, 0, 1},   {15551234, 0, 3},        {15552001, 0, 2},
        {15553001, 0, 1}, {4420000001, 0, 3}, {123456789012345, 0, 5},
    };
    /* the ranges sorted by start, as the loader reads them */
    static npg_enum_row_t sorted[sizeof(ranges) / sizeof(ranges[0])];
    size_t n = sizeof(ranges) / sizeof(ranges[0]);
    memcpy(sorted, ranges, sizeof(ranges));
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && sorted[j].start < sorted[j - 1].start; j--) {
            npg_enum_row_t t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    return npg_enum_index_fill(ix, ops, 6, sorted, n, ported, sizeof(ported) / sizeof(ported[0]));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_fuzz_quiet();
    npg_conf_defaults(&conf);
    snprintf(conf.general.country_code, sizeof(conf.general.country_code), "1");
    snprintf(conf.enumd.zones, sizeof(conf.enumd.zones), "%s",
             "1.e164.arpa, 1.e164enum.net, 4.4.e164.arpa, e164enum.net, enum.carrier.example");
    snprintf(conf.enumd.ns, sizeof(conf.enumd.ns), "%s", "ns1.npgw.invalid., ns2.npgw.invalid.");
    char path[] = "/tmp/npgw-fuzz-zone-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, static_zone, sizeof(static_zone) - 1) != sizeof(static_zone) - 1)
        return 1;
    close(fd);
    snprintf(conf.enumd.static_zones, sizeof(conf.enumd.static_zones), "%s", path);
    char err[512];
    int rc = npg_enum_index_new(&ix);
    if (rc == NPG_OK)
        rc = fill_index();
    if (rc == NPG_OK)
        rc = npg_enum_responder_new(&conf, ix, &responder, err, sizeof(err));
    unlink(path); /* read once, at start */
    if (rc != NPG_OK)
        fprintf(stderr, "fuzz_dns: cannot start: %s\n", rc == NPG_OK ? "" : err);
    return rc != NPG_OK;
}

static void check(const uint8_t *q, size_t qlen, const uint8_t *a, size_t n, size_t limit, bool tcp)
{
    if (n == 0)
        return;
    if (n > limit)
        npg_fuzz_fail("answer of %zu bytes over its limit of %zu", n, limit);
    ldns_pkt *p = NULL;
    ldns_status st = ldns_wire2pkt(&p, a, n);
    if (st != LDNS_STATUS_OK)
        npg_fuzz_fail("answer does not parse: %s", ldns_get_errorstr_by_id(st));
    if (qlen < 2 || ldns_pkt_id(p) != (uint16_t)(q[0] << 8 | q[1]) || !ldns_pkt_qr(p))
        npg_fuzz_fail("answer has another id, or is not a response");
    if (tcp && ldns_pkt_tc(p)) /* the client would ask again, and again */
        npg_fuzz_fail("answer over TCP is truncated");
    ldns_pkt_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[65535];
    size_t max = (size_t)conf.enumd.max_udp_payload;
    size_t n = npg_enum_respond(responder, data, size, out, sizeof(out), true);
    check(data, size, out, n, max > 512 ? max : 512, false);
    n = npg_enum_respond(responder, data, size, out, 512, true); /* a small buffer */
    check(data, size, out, n, 512, false);
    n = npg_enum_respond(responder, data, size, out, sizeof(out), false);
    check(data, size, out, n, sizeof(out), true);
    return 0;
}
