/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the REST API's JSON input, as POST /np_api/PortIn/create reads it: the body
 * parsed as npg_rest_handle does (npg_rest_body_parse), its fields read
 * (npg_rest_portin_fields), and the checks npg_port_in_create makes before it opens a
 * transaction (npg_port_in_check: e-mail, numbers, ranges). Properties: a field that passes
 * keeps its length limit; a request that passes every check has digit-only numbers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapter.h"
#include "api/input.h"
#include "fuzz.h"

static npg_conf_t conf;
static npg_porting_t *pt;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_fuzz_quiet();
    npg_conf_defaults(&conf);
    snprintf(conf.general.country_code, sizeof(conf.general.country_code), "1");
    snprintf(conf.general.operator_code, sizeof(conf.general.operator_code), "CARR");
    return npg_adapters_porting(&conf, &pt) != NPG_OK;
}

static void within(const char *s, size_t max, const char *name)
{
    if (s && strlen(s) > max)
        npg_fuzz_fail("field %s passed with %zu characters (limit %zu)", name, strlen(s), max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static npg_port_in_req_t in;
    char why[512], err[512];
    json_t *body = npg_rest_body_parse((const char *)data, size, why, sizeof(why));
    if (!body)
        return 0;
    if (!json_is_object(body))
        npg_fuzz_fail("a body that is not an object passed");
    if (npg_rest_portin_fields(body, &in, why, sizeof(why)) == NPG_OK) {
        within(in.email, 254, "email");
        within(in.contact_number, 20, "contacttelephonenumber");
        within(in.ranges[0].start, 15, "telephonenumberseriestart");
        within(in.ranges[0].end, 15, "telephonenumberserieend");
        within(in.donor, 10, "donornetworkoperator");
        if (in.nranges != 1 || !in.email || !in.number_type || !in.account_type)
            npg_fuzz_fail("a request passed without its required fields");
        if (npg_port_in_check(pt, &in, err, sizeof(err)) == NPG_OK &&
            (strspn(in.ranges[0].start, "0123456789") != strlen(in.ranges[0].start) ||
             strspn(in.ranges[0].end, "0123456789") != strlen(in.ranges[0].end)))
            npg_fuzz_fail("numbers '%s'-'%s' passed the checks", in.ranges[0].start,
                          in.ranges[0].end);
    }
    json_decref(body);
    return 0;
}
