/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The REST routing index's rows: what goes in comes back, removals, LRNs, port references
 * shared, growth past every table's first size, and when it must send a read elsewhere. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "routing/rindex.h"

static npg_rindex_row_t row(uint32_t op, const char *type, const char *source, const char *ref,
                            const char *lrn)
{
    npg_rindex_row_t r = {.operator_id = op};
    snprintf(r.number_type, sizeof(r.number_type), "%s", type);
    snprintf(r.source, sizeof(r.source), "%s", source);
    snprintf(r.port_ref, sizeof(r.port_ref), "%s", ref);
    snprintf(r.lrn, sizeof(r.lrn), "%s", lrn);
    return r;
}

static void rows_come_back_as_written(void **state)
{
    (void)state;
    npg_rindex_t *ix = NULL;
    assert_int_equal(npg_rindex_new_empty(&ix), NPG_OK);
    npg_rindex_row_t in = row(3, "fixed", "port_in", "XX202611-CARR-00001", "14155550009"), out;
    assert_int_equal(npg_rindex_apply(ix, 1, 15551234, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 15551234, &out), NPG_OK);
    assert_int_equal(out.operator_id, 3);
    assert_string_equal(out.number_type, "fixed");
    assert_string_equal(out.source, "port_in");
    assert_string_equal(out.port_ref, "XX202611-CARR-00001");
    assert_string_equal(out.lrn, "14155550009");
    assert_int_equal(strlen(out.updated_at), 19); /* YYYY-MM-DD HH:MM:SS */
    assert_int_equal(npg_rindex_get(ix, 15551235, &out), NPG_ENOTFOUND);
    /* moved again: a new operator, no LRN of its own, no port reference */
    in = row(4, "mobile", "manual", "", "");
    assert_int_equal(npg_rindex_apply(ix, 2, 15551234, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 15551234, &out), NPG_OK);
    assert_int_equal(out.operator_id, 4);
    assert_string_equal(out.number_type, "mobile");
    assert_string_equal(out.source, "manual");
    assert_string_equal(out.port_ref, "");
    assert_string_equal(out.lrn, "");
    /* removed (routed home): no row */
    in = row(0, "", "", "", "");
    assert_int_equal(npg_rindex_apply(ix, 3, 15551234, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 15551234, &out), NPG_ENOTFOUND);
    npg_rindex_stop(&ix);
    assert_null(ix);
}

static void every_source_an_unknown_one_and_a_bad_operator(void **state)
{
    (void)state;
    npg_rindex_t *ix = NULL;
    assert_int_equal(npg_rindex_new_empty(&ix), NPG_OK);
    const char *sources[] = {"port_in", "port_out", "manual", "import", "reconcile"};
    npg_rindex_row_t in, out;
    for (unsigned i = 0; i < 5; i++) {
        in = row(1 + i, "mobile", sources[i], "", "");
        assert_int_equal(npg_rindex_apply(ix, i + 1, 100 + i, &in), NPG_OK);
        assert_int_equal(npg_rindex_get(ix, 100 + i, &out), NPG_OK);
        assert_string_equal(out.source, sources[i]);
    }
    in = row(1, "mobile", "carrier_pigeon", "", ""); /* newer than the index: kept, no name */
    assert_int_equal(npg_rindex_apply(ix, 9, 200, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 200, &out), NPG_OK);
    assert_string_equal(out.source, "");
    assert_int_equal(out.operator_id, 1);
    in = row(70000, "mobile", "manual", "", ""); /* operator ids are kept in 16 bits */
    assert_int_equal(npg_rindex_apply(ix, 10, 201, &in), NPG_EINVAL);
    npg_rindex_stop(&ix);
}

/* 5,000 numbers over 700 port references: every table grows past its first size. */
static void growth_keeps_every_row(void **state)
{
    (void)state;
    npg_rindex_t *ix = NULL;
    assert_int_equal(npg_rindex_new_empty(&ix), NPG_OK);
    char ref[33], lrn[16];
    for (uint64_t i = 0; i < 5000; i++) {
        snprintf(ref, sizeof(ref), "XX202611-CARR-%05u", (unsigned)(i % 700));
        snprintf(lrn, sizeof(lrn), "%llu", (unsigned long long)(i % 3 ? 0 : 14155550000ULL + i));
        npg_rindex_row_t in = row(1 + i % 9, i % 2 ? "fixed" : "mobile", "port_out", ref,
                                  i % 3 ? "" : lrn);
        assert_int_equal(npg_rindex_apply(ix, i + 1, 44700000000ULL + i, &in), NPG_OK);
    }
    for (uint64_t i = 0; i < 5000; i++) {
        npg_rindex_row_t out;
        assert_int_equal(npg_rindex_get(ix, 44700000000ULL + i, &out), NPG_OK);
        snprintf(ref, sizeof(ref), "XX202611-CARR-%05u", (unsigned)(i % 700));
        assert_string_equal(out.port_ref, ref);
        assert_int_equal(out.operator_id, 1 + i % 9);
        assert_string_equal(out.number_type, i % 2 ? "fixed" : "mobile");
        if (i % 3) {
            assert_string_equal(out.lrn, "");
        } else {
            snprintf(lrn, sizeof(lrn), "%llu", (unsigned long long)(14155550000ULL + i));
            assert_string_equal(out.lrn, lrn);
        }
    }
    npg_rindex_stats_t st;
    npg_rindex_stats(ix, &st);
    assert_int_equal(st.overlay, 5000);
    assert_int_equal(st.applied, 5000);
    npg_rindex_stop(&ix);
}

/* This process wrote a change the index has not applied: it sends the read to the database.
 * (Last: the mark it leaves is the process's own.) */
static void behind_our_own_write_it_says_ask_the_database(void **state)
{
    (void)state;
    npg_rindex_t *ix = NULL;
    assert_int_equal(npg_rindex_new_empty(&ix), NPG_OK);
    npg_rindex_row_t in = row(2, "mobile", "manual", "", ""), out;
    assert_int_equal(npg_rindex_apply(ix, 1000000, 15550001, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 15550001, &out), NPG_OK);
    npg_rindex_wrote(1000001);
    assert_int_equal(npg_rindex_get(ix, 15550001, &out), NPG_EUNAVAIL);
    assert_int_equal(npg_rindex_apply(ix, 1000001, 15550002, &in), NPG_OK);
    assert_int_equal(npg_rindex_get(ix, 15550001, &out), NPG_OK);
    npg_rindex_wrote(5); /* an older one changes nothing */
    assert_int_equal(npg_rindex_get(ix, 15550002, &out), NPG_OK);
    assert_int_equal(npg_rindex_get(NULL, 15550002, &out), NPG_EUNAVAIL);
    npg_rindex_stop(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_come_back_as_written),
        cmocka_unit_test(every_source_an_unknown_one_and_a_bad_operator),
        cmocka_unit_test(growth_keeps_every_row),
        cmocka_unit_test(behind_our_own_write_it_says_ask_the_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
