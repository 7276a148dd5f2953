/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/archive.h"

#include <stdio.h>
#include <string.h>

#include "common/util.h"

int npg_archive_put(npg_db_t *db, const npg_archive_entry_t *e, uint64_t *xml_id)
{
    char filename[128], made_up[17] = ""; /* the column's width */
    const char *id = e->message_id;
    if (!id || !id[0]) { /* a BSS request has no id of its own */
        unsigned char r[8] = {0};
        if (npg_random_bytes(r, sizeof(r)) != NPG_OK)
            return NPG_EIO;
        npg_hex(r, sizeof(r), made_up);
        id = made_up;
    }
    snprintf(filename, sizeof(filename), "%s_%s_%s.xml",
             e->msgidentifier && e->msgidentifier[0] ? e->msgidentifier : "none", e->msgtype, id);
    for (char *p = filename; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
    return npg_db_exec(db,
                       "INSERT INTO xml_messages (folder, filename, port_kind, port_id, msgtype,"
                       " message_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_S(e->folder), NPG_DB_S(filename), NPG_DB_S(e->port_kind),
                                e->port_id ? NPG_DB_U(e->port_id) : NPG_DB_NUL,
                                NPG_DB_S(e->msgtype), NPG_DB_S(id), NPG_DB_SN(e->body, e->len)),
                       NULL, xml_id);
}

int npg_archive_xchg(npg_db_t *db, const char *port_kind, uint64_t port_id,
                     const char *msgidentifier, const npg_xchg_t *x, uint64_t *recv_id)
{
    char answer[48];
    int rc = NPG_OK;
    npg_archive_entry_t e = {.port_kind = port_id ? port_kind : "none",
                             .port_id = port_id,
                             .msgidentifier = msgidentifier,
                             .message_id = x->message_id};
    if (x->sent) {
        e.folder = "output_XML", e.msgtype = x->op, e.body = x->sent, e.len = x->sent_len;
        if ((rc = npg_archive_put(db, &e, NULL)) == NPG_EEXIST)
            rc = NPG_OK;
    }
    snprintf(answer, sizeof(answer), "%sResponse", x->op);
    if (rc == NPG_OK && x->recv) {
        e.folder = "input_XML", e.msgtype = answer, e.body = x->recv, e.len = x->recv_len;
        if ((rc = npg_archive_put(db, &e, recv_id)) == NPG_EEXIST)
            rc = NPG_OK;
    }
    return rc;
}
