/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * metrics/listener.h - GET /metrics on an address of its own ([metrics] listen, loopback by
 * default), served by one thread: scrapes need no API key and no database, and are answered
 * while the daemon's workers are all busy. Each connection gets one reply, then is closed; a
 * request must arrive whole (at most 4 KiB) within 2 seconds.
 */
#pragma once
#include "common/error.h"

typedef struct npg_metrics_listener npg_metrics_listener_t;

/*
 * Bind addr:port (an IP address) and serve from a new thread. port 0: nothing is served and
 * *out is NULL. Errors: NPG_EINVAL (not an address), NPG_EIO (bind, said in the log).
 */
int npg_metrics_listener_start(const char *addr, int port, npg_metrics_listener_t **out) NPG_WUR;
/* The port bound. */
int npg_metrics_listener_port(const npg_metrics_listener_t *l);
/* Stop the thread, close the socket, free; NULL is fine. */
void npg_metrics_listener_stop(npg_metrics_listener_t **l);
