/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/pxs/sim.h - npsim's PortingXS clearinghouse: scripted answers, ordered deliveries with
 * retries. */
#pragma once
#include <stdbool.h>
#include "common/conf.h"

typedef struct npg_sim npg_sim_t;

typedef struct npg_sim_options {
    const char *listen;
    int port;
    const char *tls_cert, *tls_key; /* serve HTTPS (only) with these PEM files; NULL: HTTP */
    const char *gateway_url;        /* the gateway's receiver */
    const char *user, *key;         /* the gateway's credentials for us (tier pxs) */
    const char *operator_code;
    int default_delay_ms;
    int retry_max_s;
    int backoff_max_ms; /* longest pause between two tries of one delivery */
} npg_sim_options_t;

/* Add a rule "MATCH ACTION[,ACTION...]" (see docs/npsim.md). Errors: NPG_EINVAL with a message. */
int npg_sim_rule_add(npg_sim_t *sim, const char *line, char *err, size_t errlen) NPG_WUR;
/* Read rules from a scenario file, one per line, '#' comments. */
int npg_sim_rules_load(npg_sim_t *sim, const char *path, char *err, size_t errlen) NPG_WUR;

int npg_sim_new(const npg_conf_t *conf, const npg_sim_options_t *opt, npg_sim_t **out) NPG_WUR;
/* Serve until npg_sim_stop (signal-safe). */
int npg_sim_run(npg_sim_t *sim) NPG_WUR;
void npg_sim_stop(npg_sim_t *sim);
void npg_sim_free(npg_sim_t **sim);

/*
 * One-shot delivery of a receiver message to the gateway, retried until acknowledged or
 * retry_max_s passes. fields: NULL-terminated "name=value" list (msgidentifier, message_id,
 * decision, reject_code, reason, recipient, donor, from, to, number, number_type, account_type).
 * Prints the acknowledgement status. Returns NPG_OK on an acknowledgement.
 */
int npg_sim_deliver_once(const npg_conf_t *conf, const npg_sim_options_t *opt, const char *type,
                         const char *const *fields, char *status, size_t len) NPG_WUR;

/* npsim pxs ARGS: serve the clearinghouse, or deliver one message (see NPG_PXS_SIM_USAGE). */
int npg_pxs_simulate(const char *conf_path, int argc, char **argv);
#define NPG_PXS_SIM_USAGE                                                                          \
    "usage: npsim [-c FILE] pxs [options]                  serve the clearinghouse\n"              \
    "       npsim [-c FILE] pxs [options] deliver TYPE [field=value ...]\n"                        \
    "       npsim [-c FILE] pxs [options] send-authorisation-request field=value ...\n"            \
    "options: --listen ADDR --port N --gateway URL --key-file FILE (its 'pxs user:key' line)\n"    \
    "         --tls-cert PEM --tls-key PEM (serve HTTPS)\n"                                        \
    "         --operator CODE --delay MS --retry-max S --backoff-max MS\n"                         \
    "         --rule 'MATCH ACTIONS' --scenario F\n"                                               \
    "TYPE: AuthorisationResponse InstructionResponse Ported TimedOut Terminated\n"                 \
    "      AuthorisationRequest; fields: msgidentifier message_id recipient donor\n"               \
    "      account_type number_type from to reject_code reason receiver\n"
