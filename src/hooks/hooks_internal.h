/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hooks/hooks_internal.h - what the parts of src/hooks/ share; not for other modules. */
#pragma once
#include <jansson.h>
#include "hooks/hooks.h"
#include "hooks/http.h"

struct npg_hooks {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    npg_porting_t *pt;
    npg_sms_sender_t sms;
    bool bss_on, charging_on, welcome_on;
};

/* The outbox kinds. */
#define HOOK_KIND_WEBHOOK "webhook"
#define HOOK_KIND_BSS "bss"
#define HOOK_KIND_CHARGING "cgrates"
#define HOOK_KIND_SMS "sms"

/* hooks.c: a port as JSON (the webhook payloads' "data", the charging and SMS jobs). */
json_t *hook_port_json(npg_db_t *db, const npg_port_view_t *p, int from, int to);
/* "wh_<24 hex>", unique */
int hook_new_id(const char *prefix, char *out, size_t len) NPG_WUR;
/* "2026-11-30T10:00:00.123Z", now */
void hook_now_iso(char *out, size_t len);
/* Note a delivery's result on its port (none for port_kind "none"). */
int hook_note(npg_db_t *db, const npg_outbox_item_t *item, const char *msgtype, const char *text);

/* webhook.c */
int webhook_queue(npg_hooks_t *h, npg_db_t *db, const char *type, const char *port_kind,
                  uint64_t port_id, const char *order_ref, json_t *data) NPG_WUR;
bool webhook_event_matches(const char *filter, const char *type);
extern const npg_outbox_handler_t webhook_handler;

/* bss.c */
int bss_eligibility(void *arg, npg_db_t *db, const npg_port_out_view_t *port,
                    npg_eligibility_t *out);
int bss_run_timers(npg_hooks_t *h, npg_db_t *db, int *changed) NPG_WUR;
extern const npg_outbox_handler_t bss_handler;

/* charging.c: queue activation (port-in completed) or deactivation (port-out terminated) */
int charging_queue(npg_hooks_t *h, npg_db_t *db, const npg_port_view_t *p, bool activate) NPG_WUR;
extern const npg_outbox_handler_t charging_handler;

/* welcome.c */
int welcome_queue(npg_hooks_t *h, npg_db_t *db, const npg_port_view_t *p) NPG_WUR;
int welcome_http_send(void *arg, const npg_sms_t *sms, char *result, size_t len);
extern const npg_outbox_handler_t welcome_handler;
