/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/uk/rules.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

bool npg_uk_pac_format_ok(const char *pac)
{
    if (!pac || strlen(pac) != 9)
        return false;
    for (int i = 0; i < 3; i++)
        if (pac[i] < 'A' || pac[i] > 'Z')
            return false;
    for (int i = 3; i < 9; i++)
        if (!isdigit((unsigned char)pac[i]))
            return false;
    return true;
}

npg_uk_day_t npg_uk_pac_expiry(npg_uk_day_t issued)
{
    return issued + NPG_UK_PAC_DAYS;
}

bool npg_uk_pac_valid_on(npg_uk_day_t issued, npg_uk_day_t today)
{
    return today >= issued && today <= npg_uk_pac_expiry(issued);
}

/* Days from the civil date (proleptic Gregorian), after H. Hinnant's days_from_civil. */
static npg_uk_day_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(npg_uk_day_t z, int *y, int *m, int *d)
{
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int month_days(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

int npg_uk_date_parse(const char *s, npg_uk_day_t *day)
{
    if (!s || strlen(s) < 10)
        return NPG_EINVAL;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return NPG_EINVAL;
    const char *tz = s + 10;
    bool tz_ok = !*tz || strcmp(tz, "Z") == 0 ||
                 (strlen(tz) == 6 && (tz[0] == '+' || tz[0] == '-') &&
                  isdigit((unsigned char)tz[1]) && isdigit((unsigned char)tz[2]) && tz[3] == ':' &&
                  isdigit((unsigned char)tz[4]) && isdigit((unsigned char)tz[5]));
    if (!tz_ok)
        return NPG_EINVAL;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return NPG_EINVAL;
    *day = days_from_civil(y, m, d);
    return NPG_OK;
}

void npg_uk_date_format(npg_uk_day_t day, char out[NPG_UK_DATE_LEN])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y % 10000, m, d);
    memcpy(out, buf, NPG_UK_DATE_LEN - 1);
    out[NPG_UK_DATE_LEN - 1] = '\0';
}

int npg_uk_weekday(npg_uk_day_t day)
{
    int w = (int)((day + 3) % 7); /* 1970-01-01 was a Thursday */
    return w < 0 ? w + 7 : w;
}

static int add_holiday(npg_uk_calendar_t *cal, npg_uk_day_t day, char *msg, size_t msglen)
{
    if (cal->nholidays == NPG_UK_MAX_HOLIDAYS) {
        snprintf(msg, msglen, "more than %d bank holidays", NPG_UK_MAX_HOLIDAYS);
        return NPG_ETOOBIG;
    }
    cal->holidays[cal->nholidays++] = day;
    return NPG_OK;
}

int npg_uk_calendar_init(npg_uk_calendar_t *cal, const char *holidays, int cutoff_hour, char *msg,
                         size_t msglen)
{
    memset(cal, 0, sizeof(*cal));
    cal->cutoff_hour = cutoff_hour;
    const char *p = holidays ? holidays : "";
    while (*p) {
        size_t skip = strspn(p, ", \t"), len;
        p += skip;
        len = strcspn(p, ", \t");
        if (!len)
            break;
        char one[32];
        npg_uk_day_t day;
        snprintf(one, sizeof(one), "%.*s", (int)(len < 31 ? len : 31), p);
        if (len > 10 || npg_uk_date_parse(one, &day) != NPG_OK) {
            snprintf(msg, msglen, "bank holiday '%s' is not a YYYY-MM-DD date", one);
            return NPG_EINVAL;
        }
        int rc = add_holiday(cal, day, msg, msglen);
        if (rc != NPG_OK)
            return rc;
        p += len;
    }
    return NPG_OK;
}

int npg_uk_calendar_add_file(npg_uk_calendar_t *cal, const char *path, char *msg, size_t msglen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msglen, "%s: cannot open: %s", path, strerror(errno));
        return NPG_ECONF;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = NPG_OK;
    for (int n = 1; rc == NPG_OK && getline(&line, &cap, f) >= 0; n++) {
        line[strcspn(line, "#\r\n")] = '\0';
        char *s = line + strspn(line, " \t");
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
            s[--len] = '\0';
        npg_uk_day_t day;
        if (!len)
            continue;
        if (len != 10 || npg_uk_date_parse(s, &day) != NPG_OK) {
            snprintf(msg, msglen, "%s:%d: '%.40s' is not a YYYY-MM-DD date", path, n, s);
            rc = NPG_ECONF;
        } else if ((rc = add_holiday(cal, day, msg, msglen)) != NPG_OK) {
            char why[64];
            npg_strlcpy(why, msg, sizeof(why));
            snprintf(msg, msglen, "%s:%d: %s", path, n, why);
        }
    }
    if (rc == NPG_OK && ferror(f)) { /* a directory, an I/O error */
        snprintf(msg, msglen, "%s: cannot read: %s", path, strerror(errno));
        rc = NPG_ECONF;
    }
    free(line);
    fclose(f);
    return rc;
}

bool npg_uk_working_day(const npg_uk_calendar_t *cal, npg_uk_day_t day)
{
    if (npg_uk_weekday(day) >= 5)
        return false;
    for (size_t i = 0; i < cal->nholidays; i++)
        if (cal->holidays[i] == day)
            return false;
    return true;
}

npg_uk_day_t npg_uk_working_day_from(const npg_uk_calendar_t *cal, npg_uk_day_t day)
{
    /* At most NPG_UK_MAX_HOLIDAYS holidays and two weekend days a week: this ends. */
    while (!npg_uk_working_day(cal, day))
        day++;
    return day;
}

npg_uk_day_t npg_uk_next_working_day(const npg_uk_calendar_t *cal, npg_uk_day_t day)
{
    return npg_uk_working_day_from(cal, day + 1);
}

/* 01:00 UTC on the last Sunday of a month. */
static time_t last_sunday_1am(int y, int m)
{
    npg_uk_day_t last = days_from_civil(y, m, month_days(y, m));
    last -= (npg_uk_weekday(last) + 1) % 7; /* back to Sunday (weekday 6) */
    return (time_t)last * 86400 + 3600;
}

int npg_uk_utc_offset(time_t utc)
{
    int y, m, d;
    civil_from_days((npg_uk_day_t)(utc >= 0 ? utc / 86400 : (utc - 86399) / 86400), &y, &m, &d);
    return utc >= last_sunday_1am(y, 3) && utc < last_sunday_1am(y, 10) ? 3600 : 0;
}

npg_uk_day_t npg_uk_today(time_t now)
{
    time_t local = now + npg_uk_utc_offset(now);
    return (npg_uk_day_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

time_t npg_uk_instant(npg_uk_day_t day, int hour)
{
    time_t guess = (time_t)day * 86400 + hour * 3600; /* as if GMT */
    return guess - npg_uk_utc_offset(guess - 3600);
}

npg_uk_day_t npg_uk_earliest_port_date(const npg_uk_calendar_t *cal, time_t now)
{
    return npg_uk_next_working_day(cal, npg_uk_today(now));
}

time_t npg_uk_cancel_deadline(const npg_uk_calendar_t *cal, npg_uk_day_t port_day)
{
    npg_uk_day_t before = port_day - 1;
    while (!npg_uk_working_day(cal, before))
        before--;
    return npg_uk_instant(before, cal->cutoff_hour);
}

bool npg_uk_cancellable(const npg_uk_calendar_t *cal, npg_uk_day_t port_day, time_t now)
{
    return now < npg_uk_cancel_deadline(cal, port_day);
}

time_t npg_uk_now(const char *clock_file)
{
    if (!clock_file || !clock_file[0])
        return time(NULL);
    FILE *f = fopen(clock_file, "r");
    char line[64] = "";
    if (!f)
        return time(NULL);
    if (!fgets(line, sizeof(line), f))
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\r\n ")] = '\0';
    npg_uk_day_t day;
    int hh, mm, ss;
    char date[11];
    if (strlen(line) == 20 && line[10] == 'T' && line[19] == 'Z' &&
        sscanf(line + 11, "%2d:%2d:%2d", &hh, &mm, &ss) == 3) {
        memcpy(date, line, 10);
        date[10] = '\0';
        if (npg_uk_date_parse(date, &day) == NPG_OK)
            return (time_t)day * 86400 + hh * 3600 + mm * 60 + ss;
    }
    if (line[0] && npg_is_digits(line))
        return (time_t)strtoll(line, NULL, 10);
    return time(NULL);
}
