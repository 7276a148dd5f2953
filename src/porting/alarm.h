/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/alarm.h - alarms: conditions an operator must look at (npgw and a clearinghouse
 * disagree about a port, a message could not be delivered), kept until cleared. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"

typedef enum npg_alarm_severity {
    NPG_ALARM_CRITICAL, /* calls may be misrouted until someone acts */
    NPG_ALARM_MAJOR,    /* a port cannot proceed without someone */
    NPG_ALARM_WARNING,  /* npgw took the follow-up; look when convenient */
} npg_alarm_severity_t;

/*
 * Raise an alarm inside the caller's transaction (it commits with what found it) and
 * log it. port_kind "in", "out" or "none" (port_id 0).
 */
int npg_alarm_raise(npg_db_t *db, npg_alarm_severity_t severity, const char *source,
                    const char *port_kind, uint64_t port_id, const char *fmt, ...)
    NPG_PRINTF(6, 7) NPG_WUR;

/* Alarms newest first (open ones only when open_only), at most limit: a JSON array. */
int npg_alarm_list_json(npg_db_t *db, bool open_only, int limit, json_t **out) NPG_WUR;
/* Clear one alarm, naming who did. NPG_ENOTFOUND when no such open alarm. */
int npg_alarm_clear(npg_db_t *db, uint64_t id, const char *by) NPG_WUR;
