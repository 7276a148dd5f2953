/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hooks/hooks.h - the carrier's own systems, driven from the porting engine's hooks: the BSS
 * eligibility call-out, lifecycle webhooks (Standard Webhooks), the charging platform
 * (CGrateS) and the welcome SMS. Every effect is queued in the outbox inside the transaction
 * that causes it and delivered by npgwd's dispatcher (docs/integrations.md). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"
#include "db/db.h"
#include "outbox/outbox.h"
#include "porting/porting.h"

typedef struct npg_hooks npg_hooks_t;

/* A text message to one number; the SMS provider layer can take the sending over. */
typedef struct npg_sms {
    const char *to;   /* E.164 with '+' */
    const char *from; /* sender name or number */
    const char *text;
    const char *reference; /* the same on every attempt: the provider de-duplicates on it */
} npg_sms_t;

typedef struct npg_sms_sender {
    /* NPG_OK when the provider accepted it; NPG_EINVAL when it never will; else retried.
     * result: what the provider said (its message id). Runs outside any transaction. */
    int (*send)(void *arg, const npg_sms_t *sms, char *result, size_t len);
    void *arg;
} npg_sms_sender_t;

/*
 * A context for conf (which must outlive it). pool (may be NULL when nothing is delivered,
 * as in npgwctl) gives the deliveries their connections. Errors: NPG_ECONF with a log line
 * (a [webhooks] secret that is no whsec_ secret, an unknown event name), NPG_ENOMEM.
 */
int npg_hooks_new(const npg_conf_t *conf, npg_db_pool_t *pool, npg_hooks_t **out) NPG_WUR;
void npg_hooks_free(npg_hooks_t **h);

/* Plug the hooks into pt (before it is shared); the BSS answers decide through pt. */
void npg_hooks_install(npg_hooks_t *h, npg_porting_t *pt);

/* Replace the welcome SMS's configured HTTP endpoint by another sender (copied). */
void npg_hooks_set_sms_sender(npg_hooks_t *h, const npg_sms_sender_t *sender);

/* The outbox kinds the hooks deliver (webhook, bss, cgrates, sms), their ctx set: at most
 * max written to out, the number written returned. */
#define NPG_HOOKS_KINDS 4
size_t npg_hooks_handlers(npg_hooks_t *h, npg_outbox_handler_t *out, size_t max);

/* Periodic work: the alarm for port-outs left undecided ([bss] undecided_alarm_s). */
int npg_hooks_run_timers(npg_hooks_t *h, npg_db_t *db, int *changed) NPG_WUR;

/* --- for npgwctl hook ------------------------------------------------------------------- */
/* Every event type a subscription may name, NULL-ended. */
extern const char *const npg_hook_event_types[];
/* Is every comma-separated name in events an event type, a "prefix.*" or "*"? why says not. */
bool npg_hook_events_valid(const char *events, char *why, size_t len);
/* A new random secret "whsec_<base64 of 32 bytes>". */
int npg_webhook_secret_new(char out[64]) NPG_WUR;
/* Is every space-separated word of secrets a whsec_ secret (at least one)? why says not. */
bool npg_webhook_secrets_valid(const char *secrets, char *why, size_t len);
/*
 * The webhook-signature header value for id.timestamp.body under every secret of secrets:
 * "v1,<base64> v1,<base64>". NPG_EINVAL for a secret that is not one, NPG_ETOOBIG when out
 * is too small.
 */
int npg_webhook_sign(const char *secrets, const char *id, long long timestamp, const char *body,
                     size_t len, char *out, size_t outlen) NPG_WUR;
/* Parked deliveries (failed for good) back to pending, one (id) or all of them (id 0):
 * *count of them. Only the hooks' kinds. */
int npg_hooks_replay(npg_db_t *db, uint64_t id, int *count) NPG_WUR;

/* The CGrateS attribute profile of a number ported in to op: "npgw_ported_<op>_<e164>". */
void npg_charging_profile_id(const char *op, const char *e164_digits, char *out, size_t len);
