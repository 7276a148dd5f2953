/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/sim.h - npsim npac: the NPAC and the other service provider of every port, in
 * memory. It serves the SOA interface at /npac, delivers its notifications to one gateway in
 * order with a sequence number, holds them when that gateway is away until it recovers them, and
 * runs the concurrence windows by the calendar of [npac] and the test clock. */
#pragma once
#include <stddef.h>
#include "common/conf.h"

typedef struct npg_npacsim_options {
    const char *listen;
    int port;
    const char *gateway_url; /* the gateway's notification receiver (/np_api/npac/notify) */
    const char *user, *key;  /* the gateway's credentials for us (tier pxs) */
    const char *spid;        /* the gateway's SPID (default: [general] operator_code) */
    const char *rules[64];   /* "MATCH ACTION[,ACTION...]": the old SP of the gateway's port-ins */
    size_t nrules;
    int delay_ms;           /* before the other SP acts and a broadcast ends */
    int retry_max_s;        /* a notification not taken for this long: the gateway counts as lost */
    const char *clock_file; /* "now" from this file, as npgwd's [npac] test_clock_file */
} npg_npacsim_options_t;

/* Serve until SIGTERM/SIGINT (npg_npacsim_stop). */
int npg_npacsim_run(const npg_conf_t *conf, const npg_npacsim_options_t *opt) NPG_WUR;
/* Async-signal-safe. */
void npg_npacsim_stop(void);

/* npsim npac ARGS: serve the NPAC (see NPG_NPAC_SIM_USAGE). */
int npg_npac_simulate(const char *conf_path, int argc, char **argv);
#define NPG_NPAC_SIM_USAGE                                                                         \
    "usage: npsim [-c FILE] npac [--listen ADDR] [--port N] [--gateway URL]\n"                     \
    "                   [--key-file FILE] [--spid SPID] [--delay MS] [--retry-max S]\n"            \
    "                   [--clock-file F] [--rule 'MATCH ACTION[,ACTION...]']...\n"                 \
    "  MATCH: *, a TN, A-B; ACTION (the old SP of a port-in): concur conflict:CAUSE silent\n"      \
    "  resolve reconflict:CAUSE cancel no-cancel-ack fail-broadcast partial:SPID[+SPID]\n"         \
    "  delay:MS; control: POST /npac/control/{create,activate,cancel,resolve,disconnect,link}\n"
