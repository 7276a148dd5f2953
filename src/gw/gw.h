/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gw/gw.h - the npgwd gateway: wires configuration, database pool, adapters, HTTP listener,
 * the outbox dispatcher and the timers. */
#pragma once
#include "common/conf.h"

typedef struct npg_gw npg_gw_t;

/* Build the gateway from conf (which must outlive it) and bind its listener. */
int npg_gw_new(const npg_conf_t *conf, npg_gw_t **out) NPG_WUR;
/* Serve until npg_gw_stop. */
int npg_gw_run(npg_gw_t *gw) NPG_WUR;
/* Async-signal-safe request to stop. */
void npg_gw_stop(npg_gw_t *gw);
void npg_gw_free(npg_gw_t **gw);
