/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The number-keyed hash table behind the routing indexes' overlays: entries kept across
 * growth, packed entries, number 0 never stored, clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/numtab.h"

typedef struct __attribute__((packed)) entry {
    uint64_t number;
    uint16_t op; /* packed: 10 bytes, keys at unaligned places */
} entry_t;

static void entries_survive_growth(void **state)
{
    (void)state;
    npg_numtab_t t = NPG_NUMTAB_INIT(entry_t, 16);
    for (uint64_t n = 1; n <= 100000; n++) {
        entry_t *e = npg_numtab_put(&t, 15550000000ULL + n * 7);
        assert_non_null(e);
        assert_int_equal(e->op, 0); /* new entries come zeroed */
        e->op = (uint16_t)(n % 4000);
    }
    assert_int_equal(t.used, 100000);
    assert_true(t.cap >= 200000); /* at most half full */
    for (uint64_t n = 1; n <= 100000; n++) {
        entry_t *e = npg_numtab_get(&t, 15550000000ULL + n * 7);
        assert_non_null(e);
        assert_int_equal(e->op, n % 4000);
    }
    assert_null(npg_numtab_get(&t, 15550000001ULL));
    entry_t *again = npg_numtab_put(&t, 15550000007ULL); /* present: the same entry */
    assert_int_equal(again->op, 1);
    assert_int_equal(t.used, 100000);
    size_t seen = 0;
    for (size_t i = 0; i < t.cap; i++)
        seen += npg_numtab_at(&t, i) != NULL;
    assert_int_equal(seen, 100000);
    assert_int_equal(npg_numtab_bytes(&t), t.cap * sizeof(entry_t));
    npg_numtab_clear(&t);
    assert_int_equal(t.used, 0);
    assert_null(npg_numtab_get(&t, 15550000007ULL));
}

static void number_zero_is_never_stored(void **state)
{
    (void)state;
    npg_numtab_t t = NPG_NUMTAB_INIT(entry_t, 16);
    assert_null(npg_numtab_put(&t, 0));
    assert_null(npg_numtab_get(&t, 0));
    assert_int_equal(t.used, 0);
    npg_numtab_clear(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_survive_growth),
        cmocka_unit_test(number_zero_is_never_stored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
