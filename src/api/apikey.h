/* SPDX-License-Identifier: GPL-3.0-or-later */
/* api/apikey.h - API keys: random, shown once, stored as salted SHA-256; tiers admin, pxs,
 * read_only. */
#pragma once
#include <stdbool.h>
#include "db/db.h"

#define NPG_APIKEY_LEN 64 /* hex characters of a key */

typedef enum npg_tier {
    NPG_TIER_NONE = 0,
    NPG_TIER_READ_ONLY = 1 << 0,
    NPG_TIER_PXS = 1 << 1,
    NPG_TIER_ADMIN = 1 << 2,
} npg_tier_t;

/* "admin", "pxs", "read_only" -> tier; NPG_TIER_NONE for anything else. */
npg_tier_t npg_tier_parse(const char *name);
const char *npg_tier_name(npg_tier_t tier);

/* Create a key for a new user; key receives it (shown once, never stored). Errors: NPG_EEXIST,
 * NPG_EINVAL. */
int npg_apikey_create(npg_db_t *db, const char *user, npg_tier_t tier,
                      char key[NPG_APIKEY_LEN + 1]) NPG_WUR;
/* Check user:key; on success *tier is the user's tier. Errors: NPG_EAUTH (unknown, wrong or
 * revoked). */
int npg_apikey_verify(npg_db_t *db, const char *user, const char *key, npg_tier_t *tier) NPG_WUR;
/* Revoke a user's key. Errors: NPG_ENOTFOUND. */
int npg_apikey_revoke(npg_db_t *db, const char *user) NPG_WUR;

/* The request's HTTP Basic user and key checked with a connection of pool: NPG_EAUTH
 * (missing, unknown, wrong, revoked), NPG_EDBDOWN (no connection), NPG_OK with *tier. */
int npg_apikey_check(npg_db_pool_t *pool, const char *user, const char *key,
                     npg_tier_t *tier) NPG_WUR;

/* Every user (username, tier, created_at, last_used_at, revoked_at), by name; no keys. */
int npg_apikey_list(npg_db_t *db, npg_db_row_fn fn, void *arg) NPG_WUR;
