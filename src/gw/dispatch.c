/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What npgwd's outbox delivers: each adapter's messages to its clearinghouse, and "dns". */
#include "gw/gw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "porting/archive.h"
#include "porting/port.h"
#include "xml/canon.h"

/* deliver() and done() of one row run on the same dispatcher thread, one after the other. */
static __thread npg_xchg_t sent;

static int adapter_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    gw_adapter_t *a = npg_gw_adapter(ctx, item->kind);
    npg_xchg_clear(&sent);
    if (!a) {
        snprintf(result, len, "no adapter delivers outbox kind %s", item->kind);
        return NPG_EINVAL;
    }
    return a->ops->send(a->state, item->payload, &sent, result, len);
}

/*
 * Archive what went out and what came back, linked to the port; an adapter whose
 * answer is itself an event (the UK platform's ConfirmPort acknowledgement) moves
 * the port on, in the same transaction.
 */
static int adapter_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    npg_gw_t *gw = ctx;
    gw_adapter_t *a = npg_gw_adapter(gw, item->kind);
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
            rc = npg_port_apply_answer(db, gw->pt, &ev, answer_id, NULL, err, sizeof(err));
        else if (r != NPG_ENOTFOUND)
            rc = r;
        if (rc != NPG_OK)
            npg_log(LOG_WARNING, a->ops->name, "answer to %s on %s: %s", sent.op,
                    port.msgidentifier, err);
    }
    npg_xchg_clear(&sent);
    return rc;
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
    npg_gw_t *gw = ctx;
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
    npg_gw_t *gw = ctx;
    if (strcmp(item->port_kind, "none") == 0)
        return NPG_OK; /* a manual route change: no port to tell */
    int rc = npg_port_note(db, item->port_kind, item->port_id, "DnsPublished", result);
    if (rc == NPG_OK)
        rc = npg_port_routing_done(db, gw->pt, item->port_kind, item->port_id);
    return rc;
}

void npg_gw_outbox_handlers(npg_gw_t *gw)
{
    gw->nhandlers = 0;
    for (size_t i = 0; i < gw->nadapters; i++)
        gw->handlers[gw->nhandlers++] = (npg_outbox_handler_t){
            gw->adapters[i].ops->name, adapter_deliver, adapter_done, delivery_failed};
    gw->handlers[gw->nhandlers++] =
        (npg_outbox_handler_t){"dns", dns_deliver, dns_done, delivery_failed};
}
