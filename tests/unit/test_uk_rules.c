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

#include "adapters/uk/adapter.h"
#include "adapters/uk/rules.h"
#include "common/conf.h"

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

static const char *shipped_file(void)
{
    static char path[1024];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof(path), "%s/conf/uk-bank-holidays.txt", top ? top : ".");
    return path;
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/npgw-holidays-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void shipped_holidays(void **state)
{
    (void)state;
    npg_uk_calendar_t cal;
    char msg[512] = "";
    assert_int_equal(npg_uk_calendar_init(&cal, "", 18, msg, sizeof(msg)), NPG_OK);
    assert_int_equal(npg_uk_calendar_add_file(&cal, shipped_file(), msg, sizeof(msg)), NPG_OK);
    assert_int_equal(cal.nholidays, 6 * 8);                  /* 2025..2030, eight a year */
    assert_false(npg_uk_working_day(&cal, D("2026-12-25"))); /* Christmas Day, Friday */
    assert_false(npg_uk_working_day(&cal, D("2026-12-28"))); /* Boxing Day's substitute */
    assert_false(npg_uk_working_day(&cal, D("2027-03-26"))); /* Good Friday */
    assert_false(npg_uk_working_day(&cal, D("2027-03-29"))); /* Easter Monday */
    assert_false(npg_uk_working_day(&cal, D("2027-12-27"))); /* both Christmas days at a weekend */
    assert_false(npg_uk_working_day(&cal, D("2027-12-28")));
    assert_false(npg_uk_working_day(&cal, D("2028-01-03"))); /* New Year's Day, a Saturday */
    assert_true(npg_uk_working_day(&cal, D("2026-11-24")));  /* a Tuesday */
    assert_true(npg_uk_working_day(&cal, D("2026-12-29")));
    assert_int_equal(npg_uk_next_working_day(&cal, D("2026-12-24")), D("2026-12-29"));
    for (size_t i = 0; i < cal.nholidays; i++) /* substitutes moved every one off the weekend */
        assert_true(npg_uk_weekday(cal.holidays[i]) < 5);
}

static void holiday_file_errors(void **state)
{
    (void)state;
    npg_uk_calendar_t cal;
    char msg[512] = "";
    assert_int_equal(npg_uk_calendar_init(&cal, "", 18, msg, sizeof(msg)), NPG_OK);
    char *path = write_tmp("# comment\n  2026-12-25\t# Christmas Day\r\n\n   \n2026-12-28\n");
    assert_int_equal(npg_uk_calendar_add_file(&cal, path, msg, sizeof(msg)), NPG_OK);
    assert_int_equal(cal.nholidays, 2);
    unlink(path);

    static const struct {
        const char *text;
        const char *want;
    } bad[] = {
        {"2026-12-25\n# fine\n25/12/2026 # Christmas\n",
         ":3: '25/12/2026' is not a YYYY-MM-DD date"},
        {"2026-12-25 2026-12-28\n", ":1: '2026-12-25 2026-12-28' is not"},
        {"2026-12-25Z\n", ":1: '2026-12-25Z' is not"},
        {"\n\n2026-02-29\n", ":3: '2026-02-29' is not"},
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(bad); i++) {
        path = write_tmp(bad[i].text);
        assert_int_equal(npg_uk_calendar_add_file(&cal, path, msg, sizeof(msg)), NPG_ECONF);
        assert_non_null(strstr(msg, path));
        assert_non_null(strstr(msg, bad[i].want));
        unlink(path);
    }
    assert_int_equal(npg_uk_calendar_add_file(&cal, "/nonexistent/holidays", msg, sizeof(msg)),
                     NPG_ECONF);
    assert_string_equal(msg, "/nonexistent/holidays: cannot open: No such file or directory");
    assert_int_equal(npg_uk_calendar_add_file(&cal, "/tmp", msg, sizeof(msg)), NPG_ECONF);
    assert_non_null(strstr(msg, "/tmp: cannot read"));
}

/* What every UK caller builds: the file of [uk] bank_holidays_file plus [uk] bank_holidays. */
static void calendar_from_conf(void **state)
{
    (void)state;
    npg_conf_t conf;
    npg_uk_calendar_t cal;
    char msg[512] = "";
    npg_conf_defaults(&conf);
    assert_int_equal(
        npg_conf_set(&conf, "uk", "bank_holidays_file", shipped_file(), msg, sizeof(msg)), NPG_OK);
    assert_int_equal(npg_conf_set(&conf, "uk", "bank_holidays", "2026-11-24", msg, sizeof(msg)),
                     NPG_OK);
    assert_int_equal(npg_uk_calendar_load(&conf, &cal, msg, sizeof(msg)), NPG_OK);
    assert_false(npg_uk_working_day(&cal, D("2026-12-25")));
    assert_false(npg_uk_working_day(&cal, D("2026-11-24")));
    assert_int_equal(cal.cutoff_hour, 18);
    /* empty: no file, only the list */
    assert_int_equal(npg_conf_set(&conf, "uk", "bank_holidays_file", "", msg, sizeof(msg)), NPG_OK);
    assert_int_equal(npg_uk_calendar_load(&conf, &cal, msg, sizeof(msg)), NPG_OK);
    assert_true(npg_uk_working_day(&cal, D("2026-12-25")));
    assert_false(npg_uk_working_day(&cal, D("2026-11-24")));
    assert_int_equal(
        npg_conf_set(&conf, "uk", "bank_holidays_file", "/nonexistent/h.txt", msg, sizeof(msg)),
        NPG_OK);
    assert_int_equal(npg_uk_calendar_load(&conf, &cal, msg, sizeof(msg)), NPG_ECONF);
    assert_string_equal(msg, "[uk] bank_holidays_file: /nonexistent/h.txt: cannot open: No such"
                             " file or directory");
    /* the default is the installed file */
    npg_conf_defaults(&conf);
    assert_string_equal(conf.uk.bank_holidays_file, NPGW_DATADIR "/uk-bank-holidays.txt");
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
        cmocka_unit_test(pac_format),
        cmocka_unit_test(pac_validity),
        cmocka_unit_test(dates),
        cmocka_unit_test(working_days),
        cmocka_unit_test(earliest_date),
        cmocka_unit_test(summer_time),
        cmocka_unit_test(cancel_cutoff),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(shipped_holidays),
        cmocka_unit_test(holiday_file_errors),
        cmocka_unit_test(calendar_from_conf),
    };
    return cmocka_run_group_tests_name("uk_rules", tests, NULL, NULL);
}
