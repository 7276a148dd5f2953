/* SPDX-License-Identifier: GPL-3.0-or-later */
/* db/migrate.h - apply the numbered SQL migrations in db/ once each, recorded in schema_version. */
#pragma once
#include "db/db.h"

/*
 * Apply every NNN_name.sql in dir whose number is not yet in schema_version,
 * in order. *applied (may be NULL) receives how many ran; *version the
 * schema version after the run. Idempotent: a second run applies nothing.
 */
int npg_db_migrate(npg_db_t *db, const char *dir, int *applied, int *version) NPG_WUR;

/* Highest applied version, 0 for an empty database. */
int npg_db_schema_version(npg_db_t *db, int *version) NPG_WUR;
