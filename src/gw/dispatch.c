/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What npgwd's outbox delivers, kind by kind. */
#include "gw/gw_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "porting/port.h"
#include "xml/canon.h"
#include "adapters/uk/adapter.h"
#include "adapters/uk/store.h"

/* deliver() and done() of one row run on the same dispatcher thread, one after the other. */
static __thread char *sent_xml;
static __thread size_t sent_len;

static int pxs_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_gw_t *gw = ctx;
    free(sent_xml);
    sent_xml = NULL;
    return npg_pxs_send(gw->pxs, item->payload, &sent_xml, &sent_len, result, len);
}

/* Archive the envelope exactly as it went out (output_XML), linked to its port. */
static int pxs_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    (void)ctx, (void)result;
    npg_canon_msg_t m;
    char err[256];
    int rc = npg_canon_parse(item->payload, strlen(item->payload), &m, err, sizeof(err));
    if (rc == NPG_OK && sent_xml) {
        char filename[160];
        snprintf(filename, sizeof(filename), "%s_%s_%s.xml", m.msgidentifier,
                 npg_pxs_element(m.type), m.message_id);
        rc = npg_db_exec(db,
                         "INSERT INTO xml_messages (folder, filename, port_kind, port_id, msgtype,"
                         " message_id, body) VALUES ('output_XML', ?, ?, ?, ?, ?, ?)",
                         NPG_DB_P(NPG_DB_S(filename), NPG_DB_S(item->port_kind),
                                  NPG_DB_U(item->port_id), NPG_DB_S(npg_pxs_element(m.type)),
                                  NPG_DB_S(m.message_id), NPG_DB_SN(sent_xml, sent_len)),
                         NULL, NULL);
        if (rc == NPG_EEXIST)
            rc = NPG_OK; /* delivered again after a crash: archived the first time */
    }
    free(sent_xml);
    sent_xml = NULL;
    return rc;
}

static int note_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error)
{
    (void)ctx;
    char text[700];
    snprintf(text, sizeof(text), "Delivery failed for good (%s): %s", item->kind, error);
    if (strcmp(item->port_kind, "none") == 0)
        return NPG_OK;
    return npg_port_note(db, item->port_kind, item->port_id, "DeliveryFailed", text);
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
        rc = npg_port_routing_done(db, gw->conf, item->port_kind, item->port_id);
    return rc;
}

/* UK: ClosePAC (porting_request), CancelPort (abort), ConfirmPort (instruction). */
static __thread npg_uk_xchg_t uk_sent;

static int uk_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_gw_t *gw = ctx;
    npg_uk_xchg_clear(&uk_sent);
    return npg_uk_send(gw->uk, item->payload, &uk_sent, result, len);
}

/* Archive both halves; the ConfirmPort acknowledgement moves the port on (same transaction). */
static int uk_done(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *result)
{
    npg_gw_t *gw = ctx;
    (void)result;
    npg_canon_msg_t port, ev;
    char err[400] = "";
    int rc = npg_uk_archive_xchg(db, item->port_id, &uk_sent, NULL);
    if (rc == NPG_OK &&
        npg_canon_parse(item->payload, strlen(item->payload), &port, err, sizeof(err)) == NPG_OK) {
        int r = npg_uk_answer_event(gw->uk, &uk_sent, port.msgidentifier, &ev, err, sizeof(err));
        if (r == NPG_OK)
            rc = npg_port_apply_answer(db, gw->conf, &ev, uk_sent.recv, uk_sent.recv_len, err,
                                       sizeof(err));
        else if (r != NPG_ENOTFOUND)
            rc = r;
        if (rc != NPG_OK)
            npg_log(LOG_WARNING, "uk", "answer to %s on %s: %s", uk_sent.op, port.msgidentifier,
                    err);
    }
    npg_uk_xchg_clear(&uk_sent);
    return rc;
}

const npg_outbox_handler_t npg_gw_outbox_handlers[] = {
    {"pxs", pxs_deliver, pxs_done, note_failed},
    {"uk", uk_deliver, uk_done, note_failed},
    {"dns", dns_deliver, dns_done, note_failed},
};
const size_t npg_gw_outbox_nhandlers = NPG_ARRAY_LEN(npg_gw_outbox_handlers);
