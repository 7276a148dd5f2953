/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/engine.h - the engine shared by the porting commands, inbound messages and timers:
 * port rows, steps, the table-driven apply; not for other modules. */
#pragma once
#include <time.h>
#include "numbering/operator.h"
#include "porting/port.h"
#include "porting/porting.h"
#include "xml/canon.h"

struct npg_porting {
    const npg_conf_t *conf;
    npg_porting_ch_t *chs;
    size_t nchs;
    const npg_porting_ch_t *default_ch; /* [general] clearinghouse */
    npg_porting_hooks_t hooks;
};

typedef struct port_row {
    npg_port_kind_t kind;
    uint64_t id;
    int state;
    char msgid[NPG_MSGID_LEN];
    char donor[NPG_OPERATOR_CODE_LEN], recipient[NPG_OPERATOR_CODE_LEN];
    char account_type[9], number_type[7]; /* account_type "" for a PAC port */
    char email[255], contact[21];
    char clearinghouse[17]; /* the adapter that carries the port's messages */
    char pac[10];           /* a port authorised by a code (UK PAC), else "" */
    int override_cooloff;
    uint64_t original_id; /* 0: none */
    time_t port_time;
    uint64_t starts[NPG_PORT_MAX_RANGES], ends[NPG_PORT_MAX_RANGES];
    size_t nranges;
    /* Inserted by this transaction already in born_state, the state its first step enters
     * (port_insert_born): that step's compare-and-set is skipped. */
    bool born;
    int born_state;
} port_row_t;

/* One step of a port's life, as the table will see it. */
typedef struct port_step {
    npg_port_event_t event;
    const char *type;     /* canonical type of the message it is (names the event row), or */
    const char *msgtype;  /* the event row's name when it is no message ("LocalTimeout") */
    int direction;        /* 0 sent, 1 received, 2 local */
    const char *eventlog; /* human text for the event row */
    uint64_t xml_id;      /* archived message that caused it, 0 for none */
    int reject_code;      /* -1 none */
    const char *reason;
    time_t port_time;
    const char *routing_number; /* the numbers' own routing number (NPAC LRN), or NULL */
} port_step_t;

#define PORT_DIR_SENT 0
#define PORT_DIR_RECEIVED 1
#define PORT_DIR_LOCAL 2

/* --- store.c: rows, events, transactions, identifiers ---------------------------------- */
const char *port_kind_str(npg_port_kind_t kind);
npg_port_kind_t port_kind_parse(const char *s); /* "out" -> NPG_PORT_OUT, else NPG_PORT_IN */
int port_load(npg_db_t *db, npg_port_kind_t kind, const char *msgid, uint64_t id, bool lock,
              port_row_t *row);
/* Insert the row (state NoPort) and its ranges; row->id is set. */
int port_insert(npg_db_t *db, port_row_t *row) NPG_WUR;
/*
 * As port_insert, for a row whose first step is event: when that step changes nothing but
 * the state (no deadline, no failure), the row is stored in the state it enters, and
 * port_apply of the step writes only its event (one statement less). row->state stays
 * NoPort for the table.
 */
int port_insert_born(npg_db_t *db, port_row_t *row, npg_port_event_t event) NPG_WUR;
/*
 * A transaction around fn(db, pt, arg, err): commits on NPG_OK, rolls back otherwise.
 * A lost race (NPG_ECONFLICT: deadlock, cluster certification, a compare-and-set that
 * missed) runs fn again, a few times, from the start.
 */
int port_tx(npg_db_t *db, int (*fn)(npg_db_t *, npg_porting_t *, void *, char *, size_t),
            npg_porting_t *pt, void *arg, char *err, size_t errlen);
/* The event row of step on row, entering to (applied) or not (to = row's state). */
int port_event(npg_db_t *db, npg_porting_t *pt, const port_row_t *row, const port_step_t *step,
               int to, bool applied, const char *text) NPG_WUR;
/* Record an event the state did not allow (own statement, outside the refused transaction). */
void port_record_refused(npg_db_t *db, npg_porting_t *pt, const port_row_t *row,
                         const port_step_t *step);
int port_new_msgidentifier(npg_db_t *db, const npg_conf_t *conf, char out[NPG_MSGID_LEN]);
void port_new_message_id(const npg_conf_t *conf, char out[65]);
/* The clearinghouse called name, or NULL. */
const npg_porting_ch_t *port_ch(const npg_porting_t *pt, const char *name);
/* The event row's name of step on a port carried by clearinghouse ch. */
const char *port_step_name(const npg_porting_t *pt, const char *ch, const port_step_t *step);

/* --- messages.c: canonical messages queued for the port's adapter ---------------------- */
int port_queue_message(npg_db_t *db, npg_porting_t *pt, const port_row_t *row, const char *type,
                       const port_step_t *step) NPG_WUR;
/* The outbox ordering key of a port's messages: one port's messages go out in order. */
void port_outbox_key(const port_row_t *row, char *out, size_t len);

/* --- engine.c: the table ------------------------------------------------------------- */
/* Check the table, compare-and-set the state, write the event, run the actions' handlers. */
int port_apply(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const port_step_t *step, char *err,
               size_t errlen);
/* Insert a port-in row with a new identifier and take it through "create" (request queued). */
int port_submit_in(npg_db_t *db, npg_porting_t *pt, port_row_t *row, const char *text, char *err,
                   size_t errlen);
/* A local step on a port named by its identifier, in its own transaction; a step the
 * state does not allow is refused (NPG_ESTATE) and recorded. */
int port_local_step(npg_db_t *db, npg_porting_t *pt, npg_port_kind_t kind, const char *msgid,
                    const port_step_t *step, char *err, size_t errlen);

/* --- portout.c: a port-out request arrives --------------------------------------------- */
/* Check an authorisation_request and insert its port-out row (NoPort). */
int port_out_arrive(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, port_row_t *row,
                    char *err, size_t errlen) NPG_WUR;
/*
 * Service validation of a port-out now in Waiting_for_Authorisation_Response: numbers we
 * do not serve, or that are leaving already, are rejected at once (99, with the reason);
 * then the eligibility hook may authorise or reject it, or leave it to people.
 */
int port_out_validate(npg_db_t *db, npg_porting_t *pt, port_row_t *row, char *err,
                      size_t errlen) NPG_WUR;
