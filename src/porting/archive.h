/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/archive.h - the message archive: the exact XML of every message sent (output_XML)
 * and received (input_XML), each a "file" of its port (GET /np_api/PortIn/get_xml/...). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "db/db.h"
#include "soap/client.h"

typedef struct npg_archive_entry {
    const char *folder;        /* "input_XML" | "output_XML" */
    const char *port_kind;     /* "in" | "out" | "none" */
    uint64_t port_id;          /* 0: linked to no port */
    const char *msgidentifier; /* the port's identifier; NULL or "": "none" */
    const char *msgtype;       /* the wire element: "PortingRequest", "ClosePAC" */
    const char *message_id;    /* the message's own id; NULL or "": a random one is made up */
    const char *body;
    size_t len;
} npg_archive_entry_t;

/*
 * Archive one message inside the caller's transaction, as the file
 * "<msgidentifier>_<msgtype>_<message_id>.xml" (bytes outside [A-Za-z0-9._-]
 * become '_'). *xml_id (may be NULL) gets its row id. NPG_EEXIST: that file is
 * archived already (the same message delivered again after a crash).
 */
int npg_archive_put(npg_db_t *db, const npg_archive_entry_t *e, uint64_t *xml_id) NPG_WUR;

/*
 * Archive both halves of a client call: what we sent (output_XML, msgtype x->op) and
 * the answer (input_XML, msgtype x->op + "Response"), whichever crossed the wire.
 * *recv_id (may be NULL) gets the answer's row id. A half archived before (a repeated
 * delivery after a crash) is left as it is.
 */
int npg_archive_xchg(npg_db_t *db, const char *port_kind, uint64_t port_id,
                     const char *msgidentifier, const npg_xchg_t *x, uint64_t *recv_id) NPG_WUR;
