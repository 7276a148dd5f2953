/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/pxs/sim_internal.h - npsim's parts: messages it sends and the sender. */
#pragma once
#include <stdint.h>
#include <time.h>
#include "adapters/pxs/sim.h"

#define SIM_CLIENT_FAULT (-2) /* the gateway refused the message: retrying will not help */

/* One receiver message, as npsim builds it; type is the wire element name. */
typedef struct sim_msg {
    char type[32];
    char message_id[65];
    char msgidentifier[33];
    char sender[11], receiver[11];
    char recipient[11], donor[11];
    char account_type[9], number_type[7];
    char from[16], to[16];
    int reject_code; /* -1: accept */
    char reason[256];
    time_t port_time;
} sim_msg_t;

int sim_send(const npg_conf_t *conf, const sim_msg_t *m, const char *url, const char *user,
             const char *key, char *status, size_t len);
