/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/uk/rules.h"

static npg_uk_day_t D(const char *s)
{
    npg_uk_day_t d = 0;
    assert_int_equal(npg_uk_date_parse(s, &d), NPG_OK);
    return d;
}

static time_t T(const char *date, int h, int m)
{
    return (time_t)D(date) * 86400 + h * 3600 + m * 60; /* UTC */
}

static void pac_format(void **state)
{
    (void)state;
    assert_true(npg_uk_pac_format_ok("ABC123456"));
    assert_false(npg_uk_pac_format_ok("abc123456")); /* capitals only */
    assert_false(npg_uk_pac_format_ok("AB1234567"));
    assert_false(npg_uk_pac_format_ok("ABC12345"));
    assert_false(npg_uk_pac_format_ok("ABC1234567"));
    assert_false(npg_uk_pac_format_ok("ABC12345X"));
    assert_false(npg_uk_pac_format_ok(""));
    assert_false(npg_uk_pac_format_ok(NULL));
}

static void pac_validity(void **state)
{
    (void)state;
    npg_uk_day_t issued = D("2026-03-02");
    assert_true(npg_uk_pac_valid_on(issued, issued));
    assert_true(npg_uk_pac_valid_on(issued, D("2026-04-01"))); /* day 30 */
    assert_false(npg_uk_pac_valid_on(issued, D("2026-04-02")));
    assert_false(npg_uk_pac_valid_on(issued, D("2026-03-01"))); /* before issue */
    char out[NPG_UK_DATE_LEN];
    npg_uk_date_format(npg_uk_pac_expiry(issued), out);
    assert_string_equal(out, "2026-04-01");
}

static void dates(void **state)
{
    (void)state;
    npg_uk_day_t d;
    char out[NPG_UK_DATE_LEN];
    assert_int_equal(D("1970-01-01"), 0);
    npg_uk_date_format(D("2028-02-29"), out);
    assert_string_equal(out, "2028-02-29");
    assert_int_equal(npg_uk_date_parse("2026-12-01Z", &d), NPG_OK);
    assert_int_equal(npg_uk_date_parse("2026-12-01+01:00", &d), NPG_OK);
    assert_int_equal(npg_uk_date_parse("2026-02-29", &d), NPG_EINVAL);
    assert_int_equal(npg_uk_date_parse("2026-13-01", &d), NPG_EINVAL);
    assert_int_equal(npg_uk_date_parse("2026-1-01", &d), NPG_EINVAL);
    assert_int_equal(npg_uk_date_parse("2026-12-01T10:00", &d), NPG_EINVAL);
    assert_int_equal(npg_uk_date_parse("tomorrow", &d), NPG_EINVAL);
    assert_int_equal(npg_uk_weekday(D("2026-11-23")), 0); /* a Monday */
    assert_int_equal(npg_uk_weekday(D("2026-11-29")), 6);
}

static void working_days(void **state)
{
    (void)state;
    npg_uk_calendar_t cal;
    char msg[128];
    assert_int_equal(npg_uk_calendar_init(&cal, "2026-12-25, 2026-12-28", 18, msg, sizeof(msg)),
                     NPG_OK);
    assert_int_equal(cal.nholidays, 2);
    assert_false(npg_uk_working_day(&cal, D("2026-12-25"))); /* Friday, holiday */
    assert_false(npg_uk_working_day(&cal, D("2026-12-26"))); /* Saturday */
    assert_false(npg_uk_working_day(&cal, D("2026-12-28"))); /* Monday, holiday */
    assert_true(npg_uk_working_day(&cal, D("2026-12-24")));
    assert_int_equal(npg_uk_next_working_day(&cal, D("2026-12-24")), D("2026-12-29"));
    assert_int_equal(npg_uk_working_day_from(&cal, D("2026-12-24")), D("2026-12-24"));
    assert_int_equal(npg_uk_calendar_init(&cal, "2026-12-25,Christmas", 18, msg, sizeof(msg)),
                     NPG_EINVAL);
    assert_non_null(strstr(msg, "Christmas"));
}

static void earliest_date(void **state)
{
    (void)state;
    npg_uk_calendar_t cal;
    char msg[64];
    assert_int_equal(npg_uk_calendar_init(&cal, "2026-12-28", 18, msg, sizeof(msg)), NPG_OK);
    /* Thursday: Friday is next; Friday: Monday is a holiday, so Tuesday */
    assert_int_equal(npg_uk_earliest_port_date(&cal, T("2026-12-24", 10, 0)), D("2026-12-25"));
    assert_int_equal(npg_uk_earliest_port_date(&cal, T("2026-12-25", 10, 0)), D("2026-12-29"));
    /* 23:30 UTC on 30 June is already 1 July in London (BST) */
    assert_int_equal(npg_uk_today(T("2026-06-30", 23, 30)), D("2026-07-01"));
    assert_int_equal(npg_uk_today(T("2026-12-30", 23, 30)), D("2026-12-30"));
}

static void summer_time(void **state)
{
    (void)state;
    /* 2026: BST from 29 March 01:00 UTC to 25 October 01:00 UTC */
    assert_int_equal(npg_uk_utc_offset(T("2026-03-29", 0, 59)), 0);
    assert_int_equal(npg_uk_utc_offset(T("2026-03-29", 1, 0)), 3600);
    assert_int_equal(npg_uk_utc_offset(T("2026-10-25", 0, 59)), 3600);
    assert_int_equal(npg_uk_utc_offset(T("2026-10-25", 1, 0)), 0);
    assert_int_equal(npg_uk_instant(D("2026-07-01"), 18), T("2026-07-01", 17, 0));
    assert_int_equal(npg_uk_instant(D("2026-12-01"), 18), T("2026-12-01", 18, 0));
}

static void cancel_cutoff(void **state)
{
    (void)state;
    npg_uk_calendar_t cal;
    char msg[64];
    assert_int_equal(npg_uk_calendar_init(&cal, "", 18, msg, sizeof(msg)), NPG_OK);
    /* port on Monday 7 December: the cut-off is Friday 4 December 18:00 (GMT) */
    npg_uk_day_t port = D("2026-12-07");
    assert_int_equal(npg_uk_cancel_deadline(&cal, port), T("2026-12-04", 18, 0));
    assert_true(npg_uk_cancellable(&cal, port, T("2026-12-04", 17, 59)));
    assert_false(npg_uk_cancellable(&cal, port, T("2026-12-04", 18, 0)));
    assert_false(npg_uk_cancellable(&cal, port, T("2026-12-05", 9, 0)));
    /* in summer the same 18:00 is 17:00 UTC */
    assert_true(npg_uk_cancellable(&cal, D("2026-07-02"), T("2026-07-01", 16, 59)));
    assert_false(npg_uk_cancellable(&cal, D("2026-07-02"), T("2026-07-01", 17, 0)));
}

static void test_clock(void **state)
{
    (void)state;
    char path[] = "/tmp/npgw-uk-clock-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("2026-12-04T17:59:00Z\n", f);
    fclose(f);
    assert_int_equal(npg_uk_now(path), T("2026-12-04", 17, 59));
    f = fopen(path, "w");
    fputs("1000\n", f);
    fclose(f);
    assert_int_equal(npg_uk_now(path), 1000);
    unlink(path);
    time_t before = time(NULL);
    assert_true(npg_uk_now("") >= before);
    assert_true(npg_uk_now(path) >= before); /* gone: the real clock */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pac_format),    cmocka_unit_test(pac_validity),
        cmocka_unit_test(dates),         cmocka_unit_test(working_days),
        cmocka_unit_test(earliest_date), cmocka_unit_test(summer_time),
        cmocka_unit_test(cancel_cutoff), cmocka_unit_test(test_clock),
    };
    return cmocka_run_group_tests_name("uk_rules", tests, NULL, NULL);
}
