/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/server.h - npenumd's sockets and threads: UDP workers, TCP clients, the change follower. */
#pragma once
#include "common/conf.h"

typedef struct npg_enum_server npg_enum_server_t;

/*
 * Load the index (retrying while the database is down), bind UDP and TCP on
 * [enum] listen:port and start serving. Errors: NPG_EIO (bind), NPG_EINVAL (zones).
 */
int npg_enum_server_start(const npg_conf_t *conf, npg_enum_server_t **out) NPG_WUR;
/* Ask it to stop (async-signal-safe). */
void npg_enum_server_stop(npg_enum_server_t *s);
/* Wait until stopped, then free everything. */
void npg_enum_server_wait(npg_enum_server_t **s);
