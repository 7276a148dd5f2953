/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/port_internal.h - what port.c, portin.c and portout.c share; not for other modules. */
#pragma once
#include <time.h>
#include "porting/port.h"
#include "xml/canon.h"

typedef struct port_row {
    npg_port_kind_t kind;
    uint64_t id;
    int state;
    char msgid[NPG_MSGID_LEN];
    char donor[11], recipient[11];
    char account_type[9], number_type[7]; /* account_type "" for a PAC port */
    char email[255], contact[21];
    char clearinghouse[17]; /* the adapter that carries the port's messages */
    char pac[10];           /* UK PAC port: the authorisation code, else "" */
    int override_cooloff;
    uint64_t original_id; /* 0: none */
    time_t port_time;
    uint64_t starts[NPG_PORT_MAX_RANGES], ends[NPG_PORT_MAX_RANGES];
    size_t nranges;
} port_row_t;

/* One step of a port's life, as the table will see it. */
typedef struct port_step {
    npg_port_event_t event;
    const char *msgtype;  /* event row's msgtype: wire element or local action */
    int direction;        /* 0 sent, 1 received, 2 local */
    const char *eventlog; /* human text for the event row */
    uint64_t xml_id;      /* archived message that caused it, 0 for none */
    int reject_code;      /* -1 none */
    const char *reason;
    time_t port_time;
} port_step_t;

#define PORT_DIR_SENT 0
#define PORT_DIR_RECEIVED 1
#define PORT_DIR_LOCAL 2

const char *port_kind_str(npg_port_kind_t kind);
int port_load(npg_db_t *db, npg_port_kind_t kind, const char *msgid, uint64_t id, bool lock,
              port_row_t *row);
/* Check the table, compare-and-set the state, write the event, carry out the actions. */
int port_apply(npg_db_t *db, const npg_conf_t *conf, port_row_t *row, const port_step_t *step,
               char *err, size_t errlen);
/* Record an event the state did not allow (own statement, outside the refused transaction). */
void port_record_refused(npg_db_t *db, const port_row_t *row, const port_step_t *step);
/* A transaction around fn(db, conf, arg, err): commits on NPG_OK, rolls back otherwise. */
int port_tx(npg_db_t *db, int (*fn)(npg_db_t *, const npg_conf_t *, void *, char *, size_t),
            const npg_conf_t *conf, void *arg, char *err, size_t errlen);

int port_archive(npg_db_t *db, const char *folder, const char *port_kind, uint64_t port_id,
                 const char *msgid, const char *msgtype, const char *message_id, const char *body,
                 size_t len, uint64_t *xml_id);
int port_new_msgidentifier(npg_db_t *db, const npg_conf_t *conf, char out[NPG_MSGID_LEN]);
void port_new_message_id(const npg_conf_t *conf, char out[65]);
int port_ranges_store(npg_db_t *db, const port_row_t *row);
/* Route every number of the row's ranges to operator code (its home owner: the row is removed). */
int port_route_ranges(npg_db_t *db, const port_row_t *row, const char *operator_code,
                      const char *source);
int port_local_step(npg_db_t *db, const npg_conf_t *conf, npg_port_kind_t kind, const char *msgid,
                    const port_step_t *step, char *err, size_t errlen);
int port_insert_in(npg_db_t *db, const npg_conf_t *conf, port_row_t *row, char *err,
                   size_t errlen);
