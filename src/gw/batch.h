/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gw/batch.h - group commit for the receivers: messages that arrive while others are being
 * applied wait, and are then applied together in one transaction (one commit, one log flush)
 * by one of their threads; each is acknowledged only once that transaction committed. */
#pragma once
#include <stddef.h>
#include "db/db.h"
#include "porting/port.h"

typedef struct gw_batch gw_batch_t;

/* At most max_groups transactions at once, of at most max_items messages each. */
int gw_batch_new(npg_db_pool_t *pool, npg_porting_t *pt, int max_groups, size_t max_items,
                 gw_batch_t **out) NPG_WUR;
/* Free b (no caller may be inside gw_batch_apply); NULL and *b == NULL are fine. */
void gw_batch_free(gw_batch_t **b);

/*
 * Apply item (msg, raw and rawlen set) with the others waiting, in one transaction taken
 * from the pool; returns when it committed or was refused, with item->rc, outcome and err
 * as npg_port_apply_inbound would have set them. Thread-safe.
 */
void gw_batch_apply(gw_batch_t *b, npg_inbound_item_t *item);
