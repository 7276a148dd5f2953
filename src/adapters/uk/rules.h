/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/rules.h - UK porting rules: PAC format and validity, working days, port dates,
 * cut-off. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/error.h"

#define NPG_UK_PAC_DAYS 30 /* a PAC is valid this many days from its issue date */
#define NPG_UK_MAX_HOLIDAYS 128
#define NPG_UK_DATE_LEN 11 /* "YYYY-MM-DD" and its NUL */

/* A calendar day: days since 1970-01-01 (UK local dates, no time of day). */
typedef int32_t npg_uk_day_t;

/* The UK porting calendar: bank holidays and the cancellation cut-off hour (UK time). */
typedef struct npg_uk_calendar {
    npg_uk_day_t holidays[NPG_UK_MAX_HOLIDAYS];
    size_t nholidays;
    int cutoff_hour;
} npg_uk_calendar_t;

/* 3 capital letters then 6 digits (ABC123456). */
bool npg_uk_pac_format_ok(const char *pac);
/* A PAC issued on issued is still valid on today (through issued + NPG_UK_PAC_DAYS). */
bool npg_uk_pac_valid_on(npg_uk_day_t issued, npg_uk_day_t today);
npg_uk_day_t npg_uk_pac_expiry(npg_uk_day_t issued);

/* xs:date "YYYY-MM-DD" (an optional zone suffix Z or +hh:mm is accepted and ignored). */
int npg_uk_date_parse(const char *s, npg_uk_day_t *day) NPG_WUR;
void npg_uk_date_format(npg_uk_day_t day, char out[NPG_UK_DATE_LEN]);
/* 0 Monday .. 6 Sunday. */
int npg_uk_weekday(npg_uk_day_t day);

/*
 * Calendar from a comma- or space-separated list of YYYY-MM-DD bank holidays.
 * Errors: NPG_EINVAL (msg says which entry), NPG_ETOOBIG.
 */
int npg_uk_calendar_init(npg_uk_calendar_t *cal, const char *holidays, int cutoff_hour, char *msg,
                         size_t msglen) NPG_WUR;
/*
 * Add the bank holidays of a file to cal: one YYYY-MM-DD per line, '#' starts a comment,
 * blank lines are skipped. Errors: NPG_ECONF (msg: "FILE: cannot open: ..." or
 * "FILE:LINE: ..."), NPG_ETOOBIG (msg names the line).
 */
int npg_uk_calendar_add_file(npg_uk_calendar_t *cal, const char *path, char *msg,
                             size_t msglen) NPG_WUR;
/* Not a Saturday, Sunday or bank holiday. */
bool npg_uk_working_day(const npg_uk_calendar_t *cal, npg_uk_day_t day);
/* The first working day after day. */
npg_uk_day_t npg_uk_next_working_day(const npg_uk_calendar_t *cal, npg_uk_day_t day);
/* The first working day on or after day. */
npg_uk_day_t npg_uk_working_day_from(const npg_uk_calendar_t *cal, npg_uk_day_t day);

/* UK civil time: GMT, or BST (+1h) from 01:00 UTC on the last Sunday of March to 01:00 UTC
 * on the last Sunday of October. Returns the offset from UTC in seconds. */
int npg_uk_utc_offset(time_t utc);
/* The UK date at an instant. */
npg_uk_day_t npg_uk_today(time_t now);
/* The instant of hour:00 UK time on day. */
time_t npg_uk_instant(npg_uk_day_t day, int hour);

/* The earliest port date requested at now: the next working day after today. */
npg_uk_day_t npg_uk_earliest_port_date(const npg_uk_calendar_t *cal, time_t now);
/* The last moment a port on port_day may be cancelled: cut-off hour on the working day before. */
time_t npg_uk_cancel_deadline(const npg_uk_calendar_t *cal, npg_uk_day_t port_day);
bool npg_uk_cancellable(const npg_uk_calendar_t *cal, npg_uk_day_t port_day, time_t now);

/*
 * Now, for every UK rule: the real clock, or (tests only) the UTC instant
 * written in clock_file ("YYYY-MM-DDTHH:MM:SSZ" or seconds since the epoch)
 * when clock_file is not empty. An unreadable clock file falls back to time().
 */
time_t npg_uk_now(const char *clock_file);
