/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/npac/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* The zones of [npac] timezone: standard offset and whether US daylight saving applies. */
static const struct {
    const char *name;
    int hours;
    bool dst;
} zones[] = {
    {"America/New_York", -5, true},
    {"America/Chicago", -6, true},
    {"America/Denver", -7, true},
    {"America/Los_Angeles", -8, true},
    {"UTC", 0, false},
};

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static npg_npac_day_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* 0 Sunday .. 6 Saturday (1970-01-01 was a Thursday). */
static int weekday(npg_npac_day_t day)
{
    int w = (int)((day + 4) % 7);
    return w < 0 ? w + 7 : w;
}

int npg_npac_date_parse(const char *s, npg_npac_day_t *day)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return NPG_EINVAL;
    npg_npac_day_t n = days_from_civil(y, m, d);
    /* 2026-02-30 would be March 2nd: refuse what does not come back the same */
    if (days_from_civil(y, m, 1) + d - 1 != n || (m < 12 && n >= days_from_civil(y, m + 1, 1)))
        return NPG_EINVAL;
    *day = n;
    return NPG_OK;
}

static int add_holiday(npg_npac_calendar_t *cal, const char *word, char *msg, size_t msglen)
{
    npg_npac_day_t day;
    if (npg_npac_date_parse(word, &day) != NPG_OK) {
        snprintf(msg, msglen, "'%s' is not a date (YYYY-MM-DD)", word);
        return NPG_EINVAL;
    }
    if (cal->nholidays == NPG_NPAC_MAX_HOLIDAYS) {
        snprintf(msg, msglen, "more than %d holidays", NPG_NPAC_MAX_HOLIDAYS);
        return NPG_ETOOBIG;
    }
    cal->holidays[cal->nholidays++] = day;
    return NPG_OK;
}

int npg_npac_calendar_init(npg_npac_calendar_t *cal, const char *zone, int start_hour, int end_hour,
                           const char *holidays, char *msg, size_t msglen)
{
    memset(cal, 0, sizeof(*cal));
    size_t z;
    for (z = 0; z < NPG_ARRAY_LEN(zones); z++)
        if (zone && strcmp(zones[z].name, zone) == 0)
            break;
    if (z == NPG_ARRAY_LEN(zones)) {
        snprintf(msg, msglen, "timezone '%s' is not one of the US zones", zone ? zone : "");
        return NPG_EINVAL;
    }
    if (start_hour < 0 || end_hour > 24 || start_hour >= end_hour) {
        snprintf(msg, msglen, "business hours %d-%d are not a span of one day", start_hour,
                 end_hour);
        return NPG_EINVAL;
    }
    cal->std_offset = zones[z].hours * 3600;
    cal->us_dst = zones[z].dst;
    cal->start_hour = start_hour;
    cal->end_hour = end_hour;
    char list[1024];
    npg_strlcpy(list, holidays ? holidays : "", sizeof(list));
    for (char *save = NULL, *w = strtok_r(list, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save))
        if (add_holiday(cal, w, msg, msglen) != NPG_OK)
            return NPG_EINVAL;
    return NPG_OK;
}

static int add_file(npg_npac_calendar_t *cal, const char *path, char *msg, size_t msglen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msglen, "%s: cannot open", path);
        return NPG_ECONF;
    }
    char line[256], why[128];
    int n = 0, rc = NPG_OK;
    while (rc == NPG_OK && fgets(line, sizeof(line), f)) {
        n++;
        line[strcspn(line, "#\r\n")] = '\0';
        char *w = line + strspn(line, " \t");
        w[strcspn(w, " \t")] = '\0';
        if (*w && (rc = add_holiday(cal, w, why, sizeof(why))) != NPG_OK)
            snprintf(msg, msglen, "%s:%d: %s", path, n, why);
    }
    fclose(f);
    return rc == NPG_ETOOBIG ? rc : rc != NPG_OK ? NPG_ECONF : NPG_OK;
}

int npg_npac_calendar_load(const npg_conf_t *conf, npg_npac_calendar_t *cal, char *msg,
                           size_t msglen)
{
    char why[400] = "";
    const char *key = "holidays";
    int rc = npg_npac_calendar_init(cal, conf->npac.timezone, conf->npac.day_start_hour,
                                    conf->npac.day_end_hour, conf->npac.holidays, why, sizeof(why));
    if (rc == NPG_OK && conf->npac.holidays_file[0]) {
        key = "holidays_file";
        rc = add_file(cal, conf->npac.holidays_file, why, sizeof(why));
    }
    if (rc != NPG_OK)
        snprintf(msg, msglen, "[npac] %s: %s", key, why);
    return rc;
}

/* The n-th Sunday (1-based) of a month. */
static npg_npac_day_t nth_sunday(int y, int m, int n)
{
    npg_npac_day_t first = days_from_civil(y, m, 1);
    return first + (7 - weekday(first)) % 7 + 7 * (n - 1);
}

/* The year of a day (civil_from_days, year only). */
static int year_of(npg_npac_day_t day)
{
    int z = day + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    return yoe + era * 400 + (mp >= 10);
}

int npg_npac_utc_offset(const npg_npac_calendar_t *cal, time_t utc)
{
    if (!cal->us_dst)
        return cal->std_offset;
    int y = year_of(
        (npg_npac_day_t)((utc + cal->std_offset) / 86400 - ((utc + cal->std_offset) % 86400 < 0)));
    /* 02:00 standard time on the second Sunday of March, 02:00 daylight time on the first
     * Sunday of November (01:00 standard) */
    time_t begin = (time_t)nth_sunday(y, 3, 2) * 86400 + 2 * 3600 - cal->std_offset;
    time_t end = (time_t)nth_sunday(y, 11, 1) * 86400 + 1 * 3600 - cal->std_offset;
    return utc >= begin && utc < end ? cal->std_offset + 3600 : cal->std_offset;
}

npg_npac_day_t npg_npac_local_day(const npg_npac_calendar_t *cal, time_t utc)
{
    time_t local = utc + npg_npac_utc_offset(cal, utc);
    return (npg_npac_day_t)(local / 86400 - (local % 86400 < 0));
}

time_t npg_npac_instant(const npg_npac_calendar_t *cal, npg_npac_day_t day, int hour)
{
    time_t guess = (time_t)day * 86400 + hour * 3600 - cal->std_offset;
    /* the offset at the guess is the offset at the answer, but within the hour DST moves */
    return (time_t)day * 86400 + hour * 3600 - npg_npac_utc_offset(cal, guess);
}

bool npg_npac_business_day(const npg_npac_calendar_t *cal, npg_npac_day_t day)
{
    int w = weekday(day);
    if (w == 0 || w == 6)
        return false;
    for (size_t i = 0; i < cal->nholidays; i++)
        if (cal->holidays[i] == day)
            return false;
    return true;
}

time_t npg_npac_add_business_hours(const npg_npac_calendar_t *cal, time_t from, int hours)
{
    long left = (long)hours * 3600;
    time_t t = from;
    /* a year of days is more than any window needs; stop there rather than loop for ever */
    for (int i = 0; i < 400 && left > 0; i++) {
        npg_npac_day_t d = npg_npac_local_day(cal, t);
        if (npg_npac_business_day(cal, d)) {
            time_t open = npg_npac_instant(cal, d, cal->start_hour);
            time_t close = npg_npac_instant(cal, d, cal->end_hour);
            if (t < open)
                t = open;
            if (t < close) {
                if (left <= close - t)
                    return t + left;
                left -= (long)(close - t);
            }
        }
        t = npg_npac_instant(cal, d + 1, 0);
    }
    return t;
}

time_t npg_npac_conflict_deadline(const npg_npac_calendar_t *cal, time_t due, int restriction_hour)
{
    npg_npac_day_t d = npg_npac_local_day(cal, due) - 1;
    for (int i = 0; i < 30 && !npg_npac_business_day(cal, d); i++)
        d--;
    return npg_npac_instant(cal, d, restriction_hour);
}

time_t npg_npac_now(const char *clock_file)
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
    time_t t;
    if (strlen(line) == 20 && line[19] == 'Z' && npg_time_parse(line, &t) == NPG_OK)
        return t;
    if (line[0] && npg_is_digits(line))
        return (time_t)strtoll(line, NULL, 10);
    return time(NULL);
}
