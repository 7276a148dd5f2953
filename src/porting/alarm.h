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

/*
 * A named alarm: a condition npgwd checks (clearinghouse_connectivity, enum_provisioning,
 * crm_sync, charging, rejection_rate, delivery) about source (the adapter or outbox kind).
 * Brings its row in line with active, in its own statement: raised (a new open row, logged
 * as started) when active and not open, its text and severity kept current while open,
 * cleared by "npgwd" (logged as ended) when no longer active. Several npgwd may check at
 * once: there is one open row per name and source (migration 013). *changed (may be NULL)
 * tells whether this call started or ended it.
 */
int npg_alarm_set(npg_db_t *db, const char *name, const char *source,
                  npg_alarm_severity_t severity, bool active, const char *text,
                  bool *changed) NPG_WUR;
/* "critical", "major", "warning". */
const char *npg_alarm_severity_name(npg_alarm_severity_t severity);

/* One open alarm, as /health and the metrics show it (no text: that stays with people). */
typedef struct npg_alarm_open {
    uint64_t id;
    char name[49];     /* "" for an alarm about a port (it has none) */
    char source[33];
    char severity[9];
    char raised_at[21]; /* 2026-01-15T10:30:00Z */
} npg_alarm_open_t;

/* The open alarms, oldest first: at most max in out, *total of them in all. */
int npg_alarm_open(npg_db_t *db, npg_alarm_open_t *out, size_t max, size_t *n,
                   size_t *total) NPG_WUR;

/* Alarms newest first (open ones only when open_only), at most limit: a JSON array. */
int npg_alarm_list_json(npg_db_t *db, bool open_only, int limit, json_t **out) NPG_WUR;
/* Clear one alarm, naming who did. NPG_ENOTFOUND when no such open alarm. */
int npg_alarm_clear(npg_db_t *db, uint64_t id, const char *by) NPG_WUR;
