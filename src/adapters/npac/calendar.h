/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/calendar.h - the NPAC business-day calendar: business hours (Monday to Friday,
 * local time of a US zone with US daylight saving, holidays off), the arithmetic of the
 * concurrence timers and restriction windows in business hours, and the test clock. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/conf.h"
#include "common/error.h"

#define NPG_NPAC_MAX_HOLIDAYS 128

/* A local calendar day: days since 1970-01-01. */
typedef int32_t npg_npac_day_t;

typedef struct npg_npac_calendar {
    int std_offset; /* standard time, seconds east of UTC (Chicago: -6 h) */
    bool us_dst;    /* US daylight saving: second Sunday of March to first Sunday of November */
    int start_hour, end_hour; /* business hours [start, end), local */
    npg_npac_day_t holidays[NPG_NPAC_MAX_HOLIDAYS];
    size_t nholidays;
} npg_npac_calendar_t;

/*
 * The calendar of [npac]: timezone, day_start_hour, day_end_hour, holidays_file and holidays.
 * Errors: NPG_ECONF / NPG_EINVAL / NPG_ETOOBIG with msg naming the key (and file line).
 */
int npg_npac_calendar_load(const npg_conf_t *conf, npg_npac_calendar_t *cal, char *msg,
                           size_t msglen) NPG_WUR;
/* Calendar from its parts: a zone name of [npac] timezone and a comma or space separated list of
 * YYYY-MM-DD holidays. */
int npg_npac_calendar_init(npg_npac_calendar_t *cal, const char *zone, int start_hour, int end_hour,
                           const char *holidays, char *msg, size_t msglen) NPG_WUR;

/* "YYYY-MM-DD" -> day. */
int npg_npac_date_parse(const char *s, npg_npac_day_t *day) NPG_WUR;
/* Offset of local time from UTC at an instant, in seconds. */
int npg_npac_utc_offset(const npg_npac_calendar_t *cal, time_t utc);
/* The local day of an instant. */
npg_npac_day_t npg_npac_local_day(const npg_npac_calendar_t *cal, time_t utc);
/* The instant of local hour:00 on day. */
time_t npg_npac_instant(const npg_npac_calendar_t *cal, npg_npac_day_t day, int hour);
/* Monday to Friday and no holiday. */
bool npg_npac_business_day(const npg_npac_calendar_t *cal, npg_npac_day_t day);
/* The instant that lies hours business hours after from (time outside business hours does not
 * count; from itself may lie outside them). */
time_t npg_npac_add_business_hours(const npg_npac_calendar_t *cal, time_t from, int hours);
/* The last moment the old SP may put a version due at due into conflict: restriction_hour local
 * on the business day before the due date's local day (NANC 012). */
time_t npg_npac_conflict_deadline(const npg_npac_calendar_t *cal, time_t due, int restriction_hour);

/*
 * Now, for every NPAC rule: the real clock, or (tests only) the UTC instant written in
 * clock_file ("YYYY-MM-DDTHH:MM:SSZ" or seconds since the epoch) when clock_file is not empty.
 * An unreadable clock file falls back to time().
 */
time_t npg_npac_now(const char *clock_file);
