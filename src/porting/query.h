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

/* The most recent ports first: limit (1..1000), offset, state filter (-1 for all). */
int npg_port_list_json(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, int limit,
                       int offset, int state, json_t **out) NPG_WUR;

/* Archived XML file names of a port: {"input_XML": [...], "output_XML": [...]}. NPG_ENOTFOUND: no
 * such port. */
int npg_port_xml_list_json(npg_db_t *db, npg_port_kind_t kind, const char *msgid,
                           json_t **out) NPG_WUR;
