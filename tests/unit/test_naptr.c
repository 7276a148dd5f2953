/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/error.h"
#include "enum/naptr.h"

/* RFC 4694 section 6: tel:+1-202-533-1234;npdi;rn=+1-202-544-0000 (without visual separators). */
static void tel_form_ported_matches_rfc4694(void **state)
{
    (void)state;
    char buf[256];
    npg_naptr_route_t r = {.e164 = "12025331234", .rn = "12025440000", .form = NPG_NAPTR_TEL};
    int n = npg_naptr_regexp(&r, buf, sizeof(buf));
    assert_string_equal(buf, "!^.*$!tel:+12025331234;npdi;rn=+12025440000!");
    assert_int_equal(n, (int)strlen(buf));
    assert_string_equal(npg_naptr_service(NPG_NAPTR_TEL), "E2U+pstn:tel");
}

/* RFC 4694: npdi alone says the dip was done and the number is not ported. */
static void tel_form_not_ported_has_npdi_only(void **state)
{
    (void)state;
    char buf[256];
    npg_naptr_route_t r = {.e164 = "12025331234", .rn = "", .form = NPG_NAPTR_TEL};
    assert_true(npg_naptr_regexp(&r, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "!^.*$!tel:+12025331234;npdi!");
    r.rn = NULL;
    assert_true(npg_naptr_regexp(&r, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "!^.*$!tel:+12025331234;npdi!");
}

/* The design's sip form: the serving operator's IMS domain carries the call; rn a global-rn. */
static void sip_form(void **state)
{
    (void)state;
    char buf[256];
    npg_naptr_route_t r = {.e164 = "15550100", .rn = "1990001", .ims_domain = "ims.carr.example",
                           .form = NPG_NAPTR_SIP};
    int n = npg_naptr_regexp(&r, buf, sizeof(buf));
    assert_string_equal(buf, "!^.*$!sip:+15550100;npdi;rn=+1990001@ims.carr.example!");
    assert_int_equal(n, (int)strlen(buf));
    r.rn = NULL;
    assert_true(npg_naptr_regexp(&r, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "!^.*$!sip:+15550100;npdi@ims.carr.example!");
    assert_string_equal(npg_naptr_service(NPG_NAPTR_SIP), "E2U+sip");
}

/* rn_format bare, only when an operator asks for it: the digits without '+', in both forms. */
static void bare_rn_format(void **state)
{
    (void)state;
    char buf[256];
    npg_naptr_route_t r = {.e164 = "15550100",
                           .rn = "1990001",
                           .ims_domain = "ims.carr.example",
                           .form = NPG_NAPTR_SIP,
                           .rn_format = NPG_NAPTR_RN_BARE};
    int n = npg_naptr_regexp(&r, buf, sizeof(buf));
    assert_string_equal(buf, "!^.*$!sip:+15550100;npdi;rn=1990001@ims.carr.example!");
    assert_int_equal(n, (int)strlen(buf));
    r.form = NPG_NAPTR_TEL;
    n = npg_naptr_regexp(&r, buf, sizeof(buf));
    assert_string_equal(buf, "!^.*$!tel:+15550100;npdi;rn=1990001!");
    assert_int_equal(n, (int)strlen(buf));
    /* not ported: npdi alone, whatever the format */
    r.rn = "";
    assert_true(npg_naptr_regexp(&r, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "!^.*$!tel:+15550100;npdi!");
    r.form = NPG_NAPTR_SIP;
    assert_true(npg_naptr_regexp(&r, buf, sizeof(buf)) > 0);
    assert_string_equal(buf, "!^.*$!sip:+15550100;npdi@ims.carr.example!");
    /* the same checks as the global format */
    r.rn = "1990O01";
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.rn = "1990001";
    r.ims_domain = "a!b";
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.ims_domain = "ims.carr.example";
    assert_int_equal(npg_naptr_regexp(&r, buf, 53), -1); /* no room for the NUL */
    assert_int_equal(npg_naptr_regexp(&r, buf, 54), 53);
}

static void bad_input_is_refused(void **state)
{
    (void)state;
    char buf[256];
    npg_naptr_route_t r = {.e164 = "1555O100", .ims_domain = "ims.example", .form = NPG_NAPTR_SIP};
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.e164 = "15550100";
    r.rn = "19a";
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.rn = NULL;
    r.ims_domain = "evil!domain";     /* would end the regexp early */
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.ims_domain = "";                /* sip needs a domain */
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.e164 = "1234567890123456";      /* 16 digits */
    r.form = NPG_NAPTR_TEL;
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.e164 = "15550100";
    assert_int_equal(npg_naptr_regexp(&r, buf, 10), -1); /* does not fit */
    r.rn = "1234567890123456";                           /* 16 digits */
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
    r.rn = "+1990001"; /* stored as digits: the '+' is ours to add */
    assert_int_equal(npg_naptr_regexp(&r, buf, sizeof(buf)), -1);
}

static void form_parse(void **state)
{
    (void)state;
    npg_naptr_form_t f;
    assert_int_equal(npg_naptr_form_parse("tel", &f), NPG_OK);
    assert_int_equal(f, NPG_NAPTR_TEL);
    assert_int_equal(npg_naptr_form_parse("sip", &f), NPG_OK);
    assert_int_equal(f, NPG_NAPTR_SIP);
    assert_int_equal(npg_naptr_form_parse("SIP", &f), NPG_EINVAL);
    assert_int_equal(npg_naptr_form_parse(NULL, &f), NPG_EINVAL);
}

static void rn_format_parse(void **state)
{
    (void)state;
    npg_naptr_rn_format_t f;
    assert_int_equal(npg_naptr_rn_format_parse("global", &f), NPG_OK);
    assert_int_equal(f, NPG_NAPTR_RN_GLOBAL);
    assert_int_equal(npg_naptr_rn_format_parse("bare", &f), NPG_OK);
    assert_int_equal(f, NPG_NAPTR_RN_BARE);
    assert_int_equal(npg_naptr_rn_format_parse("Bare", &f), NPG_EINVAL);
    assert_int_equal(npg_naptr_rn_format_parse("", &f), NPG_EINVAL);
    assert_int_equal(npg_naptr_rn_format_parse(NULL, &f), NPG_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tel_form_ported_matches_rfc4694),
        cmocka_unit_test(tel_form_not_ported_has_npdi_only),
        cmocka_unit_test(sip_form),
        cmocka_unit_test(bare_rn_format),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(form_parse),
        cmocka_unit_test(rn_format_parse),
    };
    return cmocka_run_group_tests_name("naptr", tests, NULL, NULL);
}
