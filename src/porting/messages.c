/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The canonical messages a port sends, queued in the outbox for the port's adapter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/util.h"
#include "outbox/outbox.h"
#include "porting/engine.h"

/* A range bound as the clearinghouse writes it: local digits. */
static void local_number(const npg_conf_t *conf, uint64_t n, char *out, size_t len)
{
    char e164[NPG_E164_BUFLEN];
    npg_e164_from_u64(n, e164);
    npg_strlcpy(out, npg_e164_local_part(e164, conf->general.country_code), len);
}

static void fill_request(const npg_conf_t *conf, const port_row_t *row, npg_canon_msg_t *m)
{
    npg_strlcpy(m->donor, row->donor, sizeof(m->donor));
    npg_strlcpy(m->recipient, row->recipient, sizeof(m->recipient));
    npg_strlcpy(m->account_type, row->account_type, sizeof(m->account_type));
    npg_strlcpy(m->number_type, row->number_type, sizeof(m->number_type));
    npg_strlcpy(m->contact_number, row->contact, sizeof(m->contact_number));
    npg_strlcpy(m->email, row->email, sizeof(m->email));
    m->override_cooloff = row->pac[0] ? -1 : row->override_cooloff;
    for (size_t i = 0; i < row->nranges; i++) {
        local_number(conf, row->starts[i], m->ranges[i].start, sizeof(m->ranges[i].start));
        local_number(conf, row->ends[i], m->ranges[i].end, sizeof(m->ranges[i].end));
    }
    m->nranges = row->nranges;
}

void port_outbox_key(const port_row_t *row, char *out, size_t len)
{
    snprintf(out, len, "%s:%s:%llu", row->clearinghouse, port_kind_str(row->kind),
             (unsigned long long)row->id);
}

int port_queue_message(npg_db_t *db, npg_porting_t *pt, const port_row_t *row, const char *type,
                       const port_step_t *step)
{
    const npg_conf_t *conf = pt->conf;
    npg_canon_msg_t m;
    npg_canon_init(&m);
    npg_strlcpy(m.type, type, sizeof(m.type));
    npg_strlcpy(m.direction, "out", sizeof(m.direction));
    npg_strlcpy(m.clearinghouse, row->clearinghouse, sizeof(m.clearinghouse));
    port_new_message_id(conf, m.message_id);
    npg_strlcpy(m.msgidentifier, row->msgid, sizeof(m.msgidentifier));
    m.timestamp = time(NULL);
    npg_strlcpy(m.sender, conf->general.operator_code, sizeof(m.sender));
    npg_strlcpy(m.receiver, row->kind == NPG_PORT_IN ? row->donor : row->recipient,
                sizeof(m.receiver));
    if (strcmp(type, "porting_request") == 0) {
        fill_request(conf, row, &m);
    } else if (strcmp(type, "authorisation_answer") == 0) {
        bool accept = step->reject_code < 0;
        npg_strlcpy(m.decision, accept ? "accept" : "reject", sizeof(m.decision));
        if (!accept) {
            m.reject_code = step->reject_code;
            npg_strlcpy(m.reason, step->reason ? step->reason : npg_reject_reason(m.reject_code),
                        sizeof(m.reason));
        }
    } else if (step->reason) { /* abort, conflict_resolve, cancel_ack */
        npg_strlcpy(m.reason, step->reason, sizeof(m.reason));
    }
    if (!m.port_time && row->port_time && !row->pac[0])
        m.port_time = row->port_time; /* the due date (NPAC), when the port has one */
    if (strcmp(type, "porting_request") != 0 && row->nranges) /* who it is about, for NPAC */
        local_number(conf, row->starts[0], m.number, sizeof(m.number));
    if (row->pac[0] && row->nranges) { /* authorised by a code: every message names it */
        local_number(conf, row->starts[0], m.number, sizeof(m.number));
        npg_strlcpy(m.pac, row->pac, sizeof(m.pac));
        m.port_time = row->port_time;
    }
    char *xml = NULL;
    size_t len = 0;
    int rc = npg_canon_write(&m, &xml, &len);
    if (rc != NPG_OK)
        return rc;
    char key[80], idem[128];
    /* The outbox kind is the port's adapter; one port's messages go out in order. */
    port_outbox_key(row, key, sizeof(key));
    snprintf(idem, sizeof(idem), "%s:%s:%s", row->clearinghouse, type, m.message_id);
    rc = npg_outbox_put(db, row->clearinghouse, key, idem, port_kind_str(row->kind), row->id, xml);
    free(xml);
    return rc;
}

int npg_port_queue(npg_db_t *db, npg_porting_t *pt, npg_port_kind_t kind, uint64_t port_id,
                   const char *type, int reject_code, const char *reason, const char *text)
{
    port_row_t row;
    int rc = port_load(db, kind, NULL, port_id, true, &row);
    if (rc != NPG_OK)
        return rc;
    port_step_t step = {.type = type,
                        .direction = PORT_DIR_SENT,
                        .eventlog = text,
                        .reject_code = reject_code,
                        .reason = reason};
    rc = port_queue_message(db, pt, &row, type, &step);
    if (rc == NPG_OK)
        rc = port_event(db, pt, &row, &step, row.state, false, text ? text : "");
    return rc;
}
