/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/sim.h - npsim uk: the UK porting platform (PAC registry, port calendar, scripted
 * refusals). */
#pragma once
#include "common/conf.h"

typedef struct npg_uksim_options {
    const char *listen;
    int port;
    const char *tls_cert, *tls_key; /* serve HTTPS (only) with these PEM files; NULL: HTTP */
    const char *pacs[64];           /* "PAC:NUMBER:DONOR:ISSUED" (issued YYYY-MM-DD) */
    size_t npacs;
    const char *unavailable[64]; /* YYYY-MM-DD dates the calendar has no room on */
    size_t nunavailable;
    const char *refuse[16]; /* "OPERATION" or "OPERATION:NUMBER": answer REFUSED */
    size_t nrefuse;
    const char *clock_file;  /* "today" from this file, as npgwd's test clock; NULL: real */
    const char *gateway_url; /* where PortCompleted goes (npgwd's /np_api/uk/notify) */
    const char *user, *key;  /* the gateway's credentials for us (tier pxs) */
} npg_uksim_options_t;

/* Serve wsdl/uk-mnp.wsdl at /uk until SIGTERM/SIGINT; the calendar is npgwd's
 * (npg_uk_calendar_load). A confirmed port (ConfirmPort) is completed on its port date:
 * PortCompleted to gateway_url, retried until acknowledged. */
int npg_uksim_run(const npg_conf_t *conf, const npg_uksim_options_t *opt) NPG_WUR;
/* Async-signal-safe. */
void npg_uksim_stop(void);

/* npsim uk ARGS: serve the UK platform (see NPG_UK_SIM_USAGE). */
int npg_uk_simulate(const char *conf_path, int argc, char **argv);
#define NPG_UK_SIM_USAGE                                                                           \
    "usage: npsim [-c FILE] uk [--listen ADDR] [--port N] [--pac PAC:NUMBER:DONOR:ISSUED]...\n"    \
    "                 [--unavailable YYYY-MM-DD]... [--refuse OP[:NUMBER]]... [--clock-file F]\n"  \
    "                 [--gateway URL --key-file FILE]   (PortCompleted on the port date)\n"        \
    "                 [--tls-cert PEM --tls-key PEM]     (serve HTTPS)\n"
