/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * gw/monitor.h - npgwd's checks, every [alarms] interval on a thread of their own: the outbox
 * by kind, the ports under way, the port-in rejection rate and the open alarms are read; the
 * named alarms are raised and cleared from them (porting/alarm.h); what was read feeds
 * /metrics. Alarms are kept in the database, so several npgwd share them.
 */
#pragma once
#include <stddef.h>
#include "common/conf.h"
#include "db/db.h"

typedef struct gw_monitor gw_monitor_t;

/*
 * Start the checks. adapters (their names: a kind of each is a clearinghouse's outbox) must
 * outlive the monitor, as must conf and pool. Registers its metrics collector and a reload
 * hook for [alarms].
 */
int gw_monitor_start(const npg_conf_t *conf, npg_db_pool_t *pool, const char *const *adapters,
                     size_t nadapters, gw_monitor_t **out) NPG_WUR;
/* Stop the thread and free; NULL is fine. */
void gw_monitor_stop(gw_monitor_t **m);
