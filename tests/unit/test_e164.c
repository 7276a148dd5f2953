/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/e164.h"

static void normalise_local_and_international(void **state)
{
    (void)state;
    char out[NPG_E164_BUFLEN];
    assert_int_equal(npg_e164_normalise("5550100", "1", out), NPG_OK);
    assert_string_equal(out, "15550100");
    assert_int_equal(npg_e164_normalise("+1 (555) 010-0", "44", out), NPG_OK);
    assert_string_equal(out, "15550100");
    assert_int_equal(npg_e164_normalise("0044 7700 900123", "1", out), NPG_OK);
    assert_string_equal(out, "447700900123");
    assert_int_equal(npg_e164_normalise("07700900123", "44", out), NPG_OK);
    assert_string_equal(out, "447700900123");
}

static void normalise_rejects_bad_input(void **state)
{
    (void)state;
    char out[NPG_E164_BUFLEN];
    assert_int_equal(npg_e164_normalise("555O100", "1", out), NPG_EINVAL); /* letter O */
    assert_int_equal(npg_e164_normalise("abc", "1", out), NPG_EINVAL);
    assert_int_equal(npg_e164_normalise("", "1", out), NPG_EINVAL);
    assert_int_equal(npg_e164_normalise("+", "1", out), NPG_EINVAL);
    assert_int_equal(npg_e164_normalise("0", "1", out), NPG_EINVAL);
    assert_int_equal(npg_e164_normalise("+0123", "1", out), NPG_EINVAL); /* cc cannot start 0 */
    assert_int_equal(npg_e164_normalise("1234567890123456", "1", out), NPG_ETOOBIG);
    assert_int_equal(npg_e164_normalise("12345678901234", "44", out), NPG_ETOOBIG); /* 16 */
    assert_int_equal(npg_e164_normalise("5550100;drop", "1", out), NPG_EINVAL);
}

static void validate(void **state)
{
    (void)state;
    assert_int_equal(npg_e164_validate("15550100"), NPG_OK);
    assert_int_equal(npg_e164_validate("123456789012345"), NPG_OK);
    assert_int_equal(npg_e164_validate("1234567890123456"), NPG_ETOOBIG);
    assert_int_equal(npg_e164_validate("015550100"), NPG_EINVAL);
    assert_int_equal(npg_e164_validate("1555a100"), NPG_EINVAL);
    assert_int_equal(npg_e164_validate(""), NPG_EINVAL);
}

static void range_checks(void **state)
{
    (void)state;
    uint64_t a, b;
    long n;
    assert_int_equal(npg_e164_range("5550100", "5550199", "1", 10000, &a, &b, &n), NPG_OK);
    assert_true(a == 15550100ULL && b == 15550199ULL);
    assert_int_equal(n, 100);
    assert_int_equal(npg_e164_range("5550100", "5550100", "1", 1, &a, &b, &n), NPG_OK);
    assert_int_equal(n, 1);
    /* end before start */
    assert_int_equal(npg_e164_range("5550199", "5550100", "1", 10000, &a, &b, &n), NPG_EINVAL);
    /* over the configured maximum: 100 numbers, max 99 */
    assert_int_equal(npg_e164_range("5550100", "5550199", "1", 99, &a, &b, &n), NPG_ETOOBIG);
    /* different lengths */
    assert_int_equal(npg_e164_range("555010", "5550100", "1", 10000000, &a, &b, &n), NPG_EINVAL);
    /* letters */
    assert_int_equal(npg_e164_range("555x100", "5550100", "1", 10000, &a, &b, &n), NPG_EINVAL);
}

static int collect(uint64_t number, void *arg)
{
    uint64_t *acc = arg;
    acc[0] += number;
    acc[1]++;
    return acc[1] == 1000 ? 7 : 0;
}

static void range_expansion(void **state)
{
    (void)state;
    uint64_t acc[2] = {0, 0};
    assert_int_equal(npg_e164_range_each(15550100, 15550199, collect, acc), 0);
    assert_int_equal(acc[1], 100);
    assert_true(acc[0] == (15550100ULL + 15550199ULL) * 50);
    uint64_t stop[2] = {0, 0}; /* a non-zero return stops the walk and is passed back */
    assert_int_equal(npg_e164_range_each(10000000, 19999999, collect, stop), 7);
    assert_int_equal(stop[1], 1000);
}

static void enum_names(void **state)
{
    (void)state;
    char name[128], back[NPG_E164_BUFLEN];
    assert_int_equal(npg_e164_enum_name("15550100", "e164.arpa", name, sizeof(name)), NPG_OK);
    assert_string_equal(name, "0.0.1.0.5.5.5.1.e164.arpa.");
    assert_int_equal(npg_e164_enum_name("15550100", "e164enum.net.", name, sizeof(name)), NPG_OK);
    assert_string_equal(name, "0.0.1.0.5.5.5.1.e164enum.net.");
    assert_int_equal(npg_e164_enum_name("15550100", "e164.arpa", name, 10), NPG_ETOOBIG);
    assert_int_equal(npg_e164_enum_name("1555x", "e164.arpa", name, sizeof(name)), NPG_EINVAL);
    assert_int_equal(npg_e164_from_enum_name("0.0.1.0.5.5.5.1.E164.ARPA.", "e164.arpa", back),
                     NPG_OK);
    assert_string_equal(back, "15550100");
    assert_int_equal(npg_e164_from_enum_name("0.0.1.example.com.", "e164.arpa", back),
                     NPG_ENOTFOUND);
    assert_int_equal(npg_e164_from_enum_name("00.1.e164.arpa.", "e164.arpa", back), NPG_EINVAL);
    assert_int_equal(npg_e164_from_enum_name("a.1.e164.arpa.", "e164.arpa", back), NPG_EINVAL);
}

static void u64_round_trip(void **state)
{
    (void)state;
    uint64_t v;
    char out[NPG_E164_BUFLEN];
    assert_int_equal(npg_e164_to_u64("999999999999999", &v), NPG_OK);
    npg_e164_from_u64(v, out);
    assert_string_equal(out, "999999999999999");
    assert_string_equal(npg_e164_local_part("15550100", "1"), "5550100");
    assert_string_equal(npg_e164_local_part("447700900123", "1"), "447700900123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalise_local_and_international),
        cmocka_unit_test(normalise_rejects_bad_input),
        cmocka_unit_test(validate),
        cmocka_unit_test(range_checks),
        cmocka_unit_test(range_expansion),
        cmocka_unit_test(enum_names),
        cmocka_unit_test(u64_round_trip),
    };
    return cmocka_run_group_tests_name("e164", tests, NULL, NULL);
}
