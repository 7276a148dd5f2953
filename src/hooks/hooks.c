/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The hooks' context: what each port transition and manual routing change queues, the
 * outbox kinds, timers and replays. */
#include "hooks/hooks_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "porting/port.h"

/* Which webhook event each applied transition is; transitions not listed send none. */
static const struct {
    npg_port_kind_t kind;
    npg_port_event_t event;
    const char *type;
} port_events[] = {
    {NPG_PORT_IN, NPG_EV_CREATE, "port_in.created"}, /* .resubmitted after code 35 */
    {NPG_PORT_IN, NPG_EV_AUTH_ACCEPT, "port_in.authorised"},
    {NPG_PORT_IN, NPG_EV_AUTH_REJECT, "port_in.rejected"},
    {NPG_PORT_IN, NPG_EV_INSTRUCT, "port_in.instructed"},
    {NPG_PORT_IN, NPG_EV_PORTED, "port_in.ported"},
    {NPG_PORT_IN, NPG_EV_ROUTING_DONE, "port_in.completed"},
    {NPG_PORT_IN, NPG_EV_ABORT, "port_in.aborted"},
    {NPG_PORT_IN, NPG_EV_TIMEDOUT, "port_in.timed_out"},
    {NPG_PORT_IN, NPG_EV_LOCAL_TIMEOUT, "port_in.timed_out"},
    {NPG_PORT_OUT, NPG_EV_AUTH_REQUEST, "port_out.requested"},
    {NPG_PORT_OUT, NPG_EV_AUTHORISE, "port_out.authorised"},
    {NPG_PORT_OUT, NPG_EV_REJECT, "port_out.rejected"},
    {NPG_PORT_OUT, NPG_EV_PORTED, "port_out.ported"},
    {NPG_PORT_OUT, NPG_EV_TERMINATION_DUE, "port_out.terminated"},
    {NPG_PORT_OUT, NPG_EV_TIMEDOUT, "port_out.timed_out"},
    {NPG_PORT_OUT, NPG_EV_LOCAL_TIMEOUT, "port_out.timed_out"},
};

const char *const npg_hook_event_types[] = {
    "port_in.created",    "port_in.authorised",  "port_in.rejected",    "port_in.resubmitted",
    "port_in.instructed", "port_in.ported",      "port_in.completed",   "port_in.aborted",
    "port_in.timed_out",  "port_out.requested",  "port_out.authorised", "port_out.rejected",
    "port_out.ported",    "port_out.terminated", "port_out.timed_out",  "routing.pushed",
    "routing.deleted",    "service.activate",    "service.deactivate",  NULL,
};

bool npg_hook_events_valid(const char *events, char *why, size_t len)
{
    char copy[1024];
    npg_strlcpy(copy, events, sizeof(copy));
    int n = 0;
    for (char *save = NULL, *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        bool ok = strcmp(w, "*") == 0;
        size_t wl = strlen(w);
        for (size_t i = 0; !ok && npg_hook_event_types[i]; i++)
            ok = strcmp(w, npg_hook_event_types[i]) == 0 ||
                 (wl > 2 && strcmp(w + wl - 2, ".*") == 0 &&
                  strncmp(w, npg_hook_event_types[i], wl - 1) == 0);
        if (!ok) {
            snprintf(why, len, "'%s' is no event type (port_in.completed, port_out.*, *...)", w);
            return false;
        }
        n++;
    }
    if (n == 0)
        snprintf(why, len, "no event named");
    return n > 0;
}

int hook_new_id(const char *prefix, char *out, size_t len)
{
    unsigned char b[12];
    char hex[25];
    int rc = npg_random_bytes(b, sizeof(b));
    if (rc != NPG_OK)
        return rc;
    npg_hex(b, sizeof(b), hex);
    snprintf(out, len, "%s_%s", prefix, hex);
    return NPG_OK;
}

void hook_now_iso(char *out, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, len, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
}

int hook_note(npg_db_t *db, const npg_outbox_item_t *item, const char *msgtype, const char *text)
{
    if (strcmp(item->port_kind, "none") == 0 || item->port_id == 0)
        return NPG_OK;
    return npg_port_note(db, item->port_kind, item->port_id, msgtype, text);
}

static json_t *ranges_json(const uint64_t *starts, const uint64_t *ends, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        char f[24], l[24];
        snprintf(f, sizeof(f), "%llu", (unsigned long long)starts[i]);
        snprintf(l, sizeof(l), "%llu", (unsigned long long)ends[i]);
        json_array_append_new(a, json_pack("{s:s, s:s}", "first", f, "last", l));
    }
    return a;
}

json_t *hook_port_json(npg_db_t *db, const npg_port_view_t *p, int from, int to)
{
    uint64_t count = 0;
    for (size_t i = 0; i < p->nranges; i++)
        count += p->ends[i] - p->starts[i] + 1;
    json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:I}",
                          "port_kind", p->kind == NPG_PORT_IN ? "in" : "out", "msgidentifier",
                          p->msgidentifier, "clearinghouse", p->clearinghouse, "state", to,
                          "state_name", npg_port_state_name(to), "previous_state", from,
                          "previous_state_name", npg_port_state_name(from), "donor", p->donor,
                          "recipient", p->recipient, "number_type", p->number_type, "ranges",
                          ranges_json(p->starts, p->ends, p->nranges), "count", (json_int_t)count);
    if (!j)
        return NULL;
    if (p->account_type && p->account_type[0])
        json_object_set_new(j, "account_type", json_string(p->account_type));
    if (p->port_time) {
        char t[32];
        npg_time_iso(p->port_time, true, t, sizeof(t));
        json_object_set_new(j, "port_time", json_string(t));
    }
    if (p->reject_code >= 0 && npg_port_state_is(p->kind, to, NPG_SF_FAILURE)) {
        json_object_set_new(j, "reject_code", json_integer(p->reject_code));
        const char *text = npg_reject_reason(p->reject_code);
        json_object_set_new(j, "reject_text", json_string(text ? text : "Unknown"));
    }
    if (p->reason && p->reason[0] && npg_port_state_is(p->kind, to, NPG_SF_FAILURE))
        json_object_set_new(j, "reason", json_string(p->reason));
    if (p->original_id) {
        npg_db_rows_t *rows = NULL;
        if (npg_db_query(db, "SELECT msgidentifier FROM port_in WHERE id = ?",
                         NPG_DB_P(NPG_DB_U(p->original_id)), &rows) == NPG_OK &&
            npg_db_rows_count(rows) == 1)
            json_object_set_new(j, "original_msgidentifier",
                                json_string(npg_db_rows_get(rows, 0, 0)));
        npg_db_rows_free(&rows);
    }
    return j;
}

static const char *port_event_type(const npg_port_view_t *p, npg_port_event_t event)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(port_events); i++)
        if (port_events[i].kind == p->kind && port_events[i].event == event)
            return event == NPG_EV_CREATE && p->original_id ? "port_in.resubmitted"
                                                            : port_events[i].type;
    return NULL;
}

/* The engine's on_transition: the webhook, and what completions and terminations cause. */
static int on_transition(void *arg, npg_db_t *db, const npg_port_view_t *p, int from, int to,
                         npg_port_event_t event)
{
    npg_hooks_t *h = arg;
    const char *type = port_event_type(p, event);
    if (!type)
        return NPG_OK;
    const char *kind = p->kind == NPG_PORT_IN ? "in" : "out";
    char ref[32];
    snprintf(ref, sizeof(ref), "%s:%llu", kind, (unsigned long long)p->id);
    json_t *data = hook_port_json(db, p, from, to);
    if (!data)
        return NPG_ENOMEM;
    int rc = webhook_queue(h, db, type, kind, p->id, ref, data);
    bool activate = p->kind == NPG_PORT_IN && event == NPG_EV_ROUTING_DONE;
    bool deactivate = p->kind == NPG_PORT_OUT && event == NPG_EV_TERMINATION_DUE;
    if (rc == NPG_OK && (activate || deactivate)) {
        /* The CRM's service activation / deactivation: a lifecycle delivery like the others. */
        if (deactivate) {
            json_object_set_new(data, "reason_code", json_string("ported_out"));
            json_object_set_new(data, "reason",
                                json_string("Number ported out to the recipient operator"));
        }
        rc = webhook_queue(h, db, activate ? "service.activate" : "service.deactivate", kind, p->id,
                           ref, data);
        if (rc == NPG_OK && h->charging_on)
            rc = charging_queue(h, db, p, activate);
    }
    if (rc == NPG_OK && h->welcome_on && p->kind == NPG_PORT_IN && event == NPG_EV_PORTED)
        rc = welcome_queue(h, db, p);
    json_decref(data);
    return rc;
}

static int on_route_change(void *arg, npg_db_t *db, uint64_t number, const char *op,
                           const char *number_type, const char *source, uint64_t change_id)
{
    npg_hooks_t *h = arg;
    char e164[24], ref[40];
    snprintf(e164, sizeof(e164), "%llu", (unsigned long long)number);
    snprintf(ref, sizeof(ref), "route:%s", e164);
    json_t *data = json_pack("{s:s, s:s, s:I}", "number", e164, "source", source, "change_id",
                             (json_int_t)change_id);
    if (!data)
        return NPG_ENOMEM;
    if (op) /* a removal routes nowhere: the number falls back to its home operator */
        json_object_set_new(data, "operator", json_string(op));
    if (op && number_type)
        json_object_set_new(data, "number_type", json_string(number_type));
    int rc = webhook_queue(h, db, op ? "routing.pushed" : "routing.deleted", "none", 0, ref, data);
    json_decref(data);
    return rc;
}

/* Plain http leaves answers and bodies readable on the way: fine on loopback only. */
static void warn_plain(const char *section, const char *url)
{
    if (strncasecmp(url, "http://", 7) == 0 && strncmp(url + 7, "127.", 4) != 0 &&
        strncmp(url + 7, "localhost", 9) != 0 && strncmp(url + 7, "[::1]", 5) != 0)
        npg_log(LOG_WARNING, "hooks", "[%s] url is plain http to another host: use https", section);
}

int npg_hooks_new(const npg_conf_t *conf, npg_db_pool_t *pool, npg_hooks_t **out)
{
    char why[256];
    if (conf->webhooks.url[0] &&
        !npg_webhook_secrets_valid(conf->webhooks.secrets, why, sizeof(why))) {
        npg_log(LOG_ERR, "hooks", "[webhooks] secrets: %s", why);
        return NPG_ECONF;
    }
    if (conf->webhooks.url[0] && !npg_hook_events_valid(conf->webhooks.events, why, sizeof(why))) {
        npg_log(LOG_ERR, "hooks", "[webhooks] events: %s", why);
        return NPG_ECONF;
    }
    if (strcmp(conf->bss.mode, "off") != 0 && !conf->bss.url[0]) {
        npg_log(LOG_ERR, "hooks", "[bss] mode %s needs [bss] url", conf->bss.mode);
        return NPG_ECONF;
    }
    const char *urls[][2] = {{"bss", conf->bss.url},
                             {"webhooks", conf->webhooks.url},
                             {"charging", conf->charging.url},
                             {"welcome", conf->welcome.url}};
    for (size_t i = 0; i < NPG_ARRAY_LEN(urls); i++)
        warn_plain(urls[i][0], urls[i][1]);
    npg_hooks_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NPG_ENOMEM;
    h->conf = conf;
    h->pool = pool;
    h->bss_on = strcmp(conf->bss.mode, "off") != 0;
    h->charging_on = conf->charging.url[0] != '\0';
    h->welcome_on = conf->welcome.url[0] != '\0';
    h->sms = (npg_sms_sender_t){.send = welcome_http_send, .arg = h};
    *out = h;
    return NPG_OK;
}

void npg_hooks_free(npg_hooks_t **hp)
{
    if (hp && *hp) {
        free(*hp);
        *hp = NULL;
    }
}

void npg_hooks_install(npg_hooks_t *h, npg_porting_t *pt)
{
    h->pt = pt;
    npg_porting_hooks_t hooks = {.port_out_eligibility = h->bss_on ? bss_eligibility : NULL,
                                 .on_transition = on_transition,
                                 .on_route_change = on_route_change,
                                 .arg = h};
    npg_porting_set_hooks(pt, &hooks);
}

void npg_hooks_set_sms_sender(npg_hooks_t *h, const npg_sms_sender_t *sender)
{
    h->sms = *sender;
}

size_t npg_hooks_handlers(npg_hooks_t *h, npg_outbox_handler_t *out, size_t max)
{
    const npg_outbox_handler_t *all[NPG_HOOKS_KINDS] = {&webhook_handler, &bss_handler,
                                                        &charging_handler, &welcome_handler};
    size_t n = 0;
    for (size_t i = 0; i < NPG_HOOKS_KINDS && n < max; i++) {
        out[n] = *all[i];
        out[n].ctx = h;
        if (all[i] == &webhook_handler)
            out[n].max_attempts = h->conf->webhooks.max_attempts;
        n++;
    }
    return n;
}

int npg_hooks_run_timers(npg_hooks_t *h, npg_db_t *db, int *changed)
{
    return bss_run_timers(h, db, changed);
}

int npg_hooks_replay(npg_db_t *db, uint64_t id, int *count)
{
    uint64_t n = 0;
    int rc = npg_db_exec(db,
                         "UPDATE outbox SET state = 'pending', attempts = 0, lease_until = NULL,"
                         " next_attempt_at = NOW(3) WHERE state = 'failed'"
                         " AND kind IN ('" HOOK_KIND_WEBHOOK "', '" HOOK_KIND_CHARGING
                         "', '" HOOK_KIND_SMS "') AND (? = 0 OR id = ?)",
                         NPG_DB_P(NPG_DB_U(id), NPG_DB_U(id)), &n, NULL);
    *count = (int)n;
    return rc == NPG_OK && id && n == 0 ? NPG_ENOTFOUND : rc;
}
