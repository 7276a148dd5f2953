/* SPDX-License-Identifier: GPL-3.0-or-later */
/* How reconciliation names the difference between our routing and the clearinghouse's view. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "adapters/reconcile.h"

static void kinds(void **state)
{
    (void)state;
    assert_int_equal(npg_drift_of("CARR", "CARR", "CARR"), NPG_DRIFT_NONE);
    assert_int_equal(npg_drift_of("DONOR", "DONOR", "CARR"), NPG_DRIFT_NONE);
    assert_int_equal(npg_drift_of("", "", "CARR"), NPG_DRIFT_NONE); /* nobody knows it */
    assert_int_equal(npg_drift_of("DONOR", "CARR", "CARR"), NPG_DRIFT_OURS_NOT_ROUTED);
    assert_int_equal(npg_drift_of("", "CARR", "CARR"), NPG_DRIFT_OURS_NOT_ROUTED);
    assert_int_equal(npg_drift_of("CARR", "OTHER", "CARR"), NPG_DRIFT_ROUTED_NOT_OURS);
    assert_int_equal(npg_drift_of("DONOR", "OTHER", "CARR"), NPG_DRIFT_ROUTED_DIFFERENTLY);
    assert_int_equal(npg_drift_of("", "OTHER", "CARR"), NPG_DRIFT_ROUTED_DIFFERENTLY);
    assert_int_equal(npg_drift_of("CARR", "", "CARR"), NPG_DRIFT_UNKNOWN_THERE);
    assert_int_equal(npg_drift_of("DONOR", "", "CARR"), NPG_DRIFT_UNKNOWN_THERE);
    assert_string_equal(npg_drift_name(NPG_DRIFT_OURS_NOT_ROUTED), "ours_not_routed");
    assert_string_equal(npg_drift_name(NPG_DRIFT_KINDS_), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(kinds)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
