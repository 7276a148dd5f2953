/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gw/dispatch.h - what npgwd's outbox delivers: each adapter's messages to its clearinghouse
 * (archived, answers applied) and "dns" (publication to the external DNS servers). */
#pragma once
#include "adapters/adapter.h"
#include "db/db.h"
#include "enum/publish.h"
#include "hooks/hooks.h"
#include "outbox/outbox.h"
#include "porting/porting.h"

/* One adapter of this build, running. */
typedef struct gw_adapter {
    const npg_adapter_ops_t *ops;
    void *state;
} gw_adapter_t;

/* What the deliveries need; the gateway owns it all, and it must outlive the outbox. */
typedef struct gw_dispatch {
    npg_porting_t *pt;
    npg_db_pool_t *pool;
    npg_publish_t *publish;
    gw_adapter_t *adapters;
    size_t nadapters;
    npg_hooks_t *hooks; /* the carrier's own systems, NULL: none */
} gw_dispatch_t;

/* The outbox handlers, one per adapter (kind = its name), "dns" and the hooks' kinds;
 * returns how many were written to out (at most max). Give d as the outbox's ctx. */
size_t gw_dispatch_handlers(const gw_dispatch_t *d, npg_outbox_handler_t *out, size_t max);
