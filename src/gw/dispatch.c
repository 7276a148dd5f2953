/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What npgwd's outbox delivers: each adapter's messages to its clearinghouse, and "dns". */
#include "gw/dispatch.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "porting/archive.h"
#include "porting/port.h"
#include "xml/canon.h"

static gw_adapter_t *adapter_of(const gw_dispatch_t *d, const char *kind)
{
    for (size_t i = 0; i < d->nadapters; i++)
        if (strcmp(d->adapters[i].ops->name, kind) == 0)
            return &d->adapters[i];
    return NULL;
}

/* deliver(), done() and settled() of one row run on the same dispatcher thread, one after the
 * other; done() may run several times (its transaction is run again after a conflict), so the
 * exchange is kept until settled(). */
static __thread npg_xchg_t sent;

/* A thread that exits with an exchange still held (done() never ran: its transaction
 * failed) frees it through this key's destructor. */
static pthread_key_t sent_key;
static pthread_once_t sent_once = PTHREAD_ONCE_INIT;
static void sent_free(void *x)
{
    npg_xchg_clear(x);
}
static void sent_key_init(void)
{
    (void)!pthread_key_create(&sent_key, sent_free);
}

static int adapter_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    gw_adapter_t *a = adapter_of(ctx, item->kind);
    pthread_once(&sent_once, sent_key_init);
    if (!pthread_getspecific(sent_key))
        (void)!pthread_setspecific(sent_key, &sent);
    npg_xchg_clear(&sent);
    if (!a) {
        snprintf(result, len, "no adapter delivers outbox kind %s", item->kind);
        return NPG_EINVAL;
    }
    int rc = a->ops->send(a->state, item->payload, &sent, result, len);
    if (rc != NPG_OK) /* no done() follows: free the envelopes now, not at the next delivery */
        npg_xchg_clear(&sent);
    return rc;
}

/*
 * Archive what went out and what came back, linked to the port; an adapter whose
 * answer is itself an event (the UK platform's ConfirmPort acknowledgement) moves
 * the port on, in the same transaction.
 */
static int adapter_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    const gw_dispatch_t *d = ctx;
    gw_adapter_t *a = adapter_of(d, item->kind);
    npg_canon_msg_t port, ev;
    char err[400] = "";
    uint64_t answer_id = 0;
    (void)result;
    int rc = npg_canon_parse(item->payload, strlen(item->payload), &port, err, sizeof(err));
    if (rc == NPG_OK)
        rc = npg_archive_xchg(db, item->port_kind, item->port_id, port.msgidentifier, &sent,
                              &answer_id);
    if (rc == NPG_OK && a && a->ops->answer) {
        int r = a->ops->answer(a->state, &sent, port.msgidentifier, &ev, err, sizeof(err));
        if (r == NPG_OK)
            rc = npg_port_apply_answer(db, d->pt, &ev, answer_id, NULL, err, sizeof(err));
        else if (r != NPG_ENOTFOUND)
            rc = r;
        if (rc != NPG_OK && rc != NPG_ECONFLICT) /* a conflict runs the transaction again */
            npg_log(LOG_WARNING, a->ops->name, "answer to %s on %s: %s", sent.op,
                    port.msgidentifier, err);
    }
    return rc;
}

static void adapter_settled(void *ctx, const npg_outbox_item_t *item)
{
    (void)ctx;
    (void)item;
    npg_xchg_clear(&sent);
}

static int delivery_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item,
                           const char *error)
{
    (void)ctx;
    return npg_port_delivery_failed(db, item->port_kind, item->port_id, item->kind, error);
}

/*
 * DNS publication: the current routing of the row's ranges goes to every
 * configured server (enum/publish.h). Outside any transaction, on a connection
 * of its own; a failure is retried with back-off, and the "dns" ordering key
 * holds later publications back until this one went through.
 */
static int dns_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    const gw_dispatch_t *gw = ctx;
    npg_publish_job_t job;
    if (npg_publish_parse(item->payload, &job) != NPG_OK) {
        snprintf(result, len, "malformed dns payload: %.200s", item->payload);
        return NPG_EINVAL;
    }
    npg_db_t *db = NULL;
    int rc = NPG_OK;
    if (npg_publish_nservers(gw->publish) > 0)
        rc = npg_db_pool_get(gw->pool, 5000, &db);
    if (rc == NPG_OK)
        rc = npg_publish_ranges(gw->publish, db, job.firsts, job.lasts, job.n, result, len);
    else
        snprintf(result, len, "no database connection to read the routing: %s", npg_strerror(rc));
    if (db)
        npg_db_pool_put(gw->pool, &db);
    npg_publish_job_clear(&job);
    return rc;
}

/* The port records what was published, then moves on (a port-in completes). */
static int dns_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    const gw_dispatch_t *gw = ctx;
    if (strcmp(item->port_kind, "none") == 0)
        return NPG_OK; /* a manual route change: no port to tell */
    int rc = npg_port_note(db, item->port_kind, item->port_id, "DnsPublished", result);
    if (rc == NPG_OK)
        rc = npg_port_routing_done(db, gw->pt, item->port_kind, item->port_id);
    return rc;
}

size_t gw_dispatch_handlers(const gw_dispatch_t *d, npg_outbox_handler_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nadapters && n + 1 < max; i++)
        out[n++] = (npg_outbox_handler_t){.kind = d->adapters[i].ops->name,
                                          .deliver = adapter_deliver,
                                          .done = adapter_done,
                                          .failed = delivery_failed,
                                          .settled = adapter_settled};
    if (n < max)
        out[n++] = (npg_outbox_handler_t){
            .kind = "dns", .deliver = dns_deliver, .done = dns_done, .failed = delivery_failed};
    if (d->hooks) /* webhooks, BSS, charging, SMS: they carry their own ctx */
        n += npg_hooks_handlers(d->hooks, out + n, max - n);
    return n;
}
