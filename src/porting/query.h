/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/query.h - ports as JSON in the shapes of the /np_api/ reference (port-in, port-out,
 * lists). */
#pragma once
#include <jansson.h>
#include "common/conf.h"
#include "db/db.h"
#include "porting/state.h"

/*
 * One port with its ranges and events. A port-in identifier that was
 * resubmitted resolves to the active record. Errors: NPG_ENOTFOUND.
 * *out is a new reference the caller owns.
 */
int npg_port_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, const char *msgid,
                  json_t **out) NPG_WUR;

/* Which ports a list shows: a state (-1: any) and a search text (NULL or "": none) that
 * matches part of the msgidentifier, or a number (local or E.164 digits) in one of the ranges. */
#define NPG_PORT_SEARCH_MAX 32
typedef struct npg_port_filter {
    int state;
    const char *search;
} npg_port_filter_t;

/* The most recent ports first that pass f: limit (1..1000), offset. NPG_EINVAL: search longer
 * than NPG_PORT_SEARCH_MAX. *out is a new reference the caller owns. */
int npg_port_search_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind,
                         const npg_port_filter_t *f, int limit, int offset, json_t **out) NPG_WUR;
/* How many ports pass f (for paging). NPG_EINVAL as above. */
int npg_port_count(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind,
                   const npg_port_filter_t *f, int64_t *out) NPG_WUR;

/* The most recent ports first: limit (1..1000), offset, state filter (-1 for all). */
int npg_port_list_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, int limit,
                       int offset, int state, json_t **out) NPG_WUR;

/* Archived XML file names of a port: {"input_XML": [...], "output_XML": [...]}. NPG_ENOTFOUND: no
 * such port. */
int npg_port_xml_list_json(npg_db_t *db, npg_port_kind_t kind, const char *msgid,
                           json_t **out) NPG_WUR;

/*
 * The morning review (GET /np_api/stats): ports waiting for our action, ports past a timer
 * that should have moved them, today's completions, ports per day and rejections by code
 * over the last 30 days, open alarms. *out is a new reference the caller owns.
 */
int npg_port_stats_json(npg_db_t *db, json_t **out) NPG_WUR;
