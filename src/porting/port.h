/* SPDX-License-Identifier: GPL-3.0-or-later */
/* porting/port.h - port-in and port-out transactions: every step is one database transaction. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/conf.h"
#include "db/db.h"
#include "numbering/operator.h"
#include "porting/porting.h"
#include "porting/state.h"

#define NPG_MSGID_LEN 33
#define NPG_PORT_MAX_RANGES 100

struct npg_canon_msg;

typedef struct npg_port_range_in {
    const char *start, *end; /* local or E.164 digits, as the caller gave them */
} npg_port_range_in_t;

/* A port-in request as BSS, the CLI or the REST API submit it. */
typedef struct npg_port_in_req {
    const char *donor; /* NULL, "" or "Auto": the owner of the numbers' home range */
    const char *email;
    bool override_cooloff;
    const char *contact_number; /* NULL or "": the first number */
    const char *number_type;    /* "mobile" | "fixed" */
    const char *account_type;   /* "Prepaid" | "Postpaid" */
    npg_port_range_in_t ranges[NPG_PORT_MAX_RANGES];
    size_t nranges;
    const char *external_reference; /* optional, up to 69 characters */
    const char *clearinghouse;      /* NULL: [general] clearinghouse */
    /* A port authorised by a code (the UK PAC): no email or account type needed; the
     * adapter's synchronous checks are the authorisation, recorded as the event
     * authorised_msgtype ("RequestPortDate") with authorised_text. */
    const char *pac; /* NULL or "": an ordinary request */
    const char *authorised_msgtype, *authorised_text;
    time_t port_time; /* 0: none yet */
    /* Called inside the creating transaction once the port row exists (archive, links);
     * *auth_xml_id may be set to the archived answer that authorised a PAC port. */
    int (*in_tx)(npg_db_t *db, uint64_t port_id, void *arg, uint64_t *auth_xml_id, char *err,
                 size_t errlen);
    void *in_tx_arg;
} npg_port_in_req_t;

/*
 * Every function below returns NPG_OK or an error with a sentence in err that
 * says what was wrong (for REST "Reason", SOAP faults and the CLI). A refused
 * request changes nothing, except that an event the state does not allow is
 * recorded (applied = 0) on the port.
 */

/*
 * Validate, refuse numbers we already serve (NPG_EEXIST, naming them) or that another
 * port-in has under way (NPG_EEXIST), detect the donor (the operator serving the
 * numbers now), store the port in Waiting_for_Authorisation_Response, queue the request.
 */
int npg_port_in_create(npg_db_t *db, npg_porting_t *pt, const npg_port_in_req_t *req,
                       char msgid[NPG_MSGID_LEN], char *err, size_t errlen) NPG_WUR;
/* What npg_port_in_create checks before it opens a transaction (fields, numbers, ranges,
 * clearinghouse), without the database: NPG_OK, or NPG_EINVAL with err saying what. */
int npg_port_in_check(npg_porting_t *pt, const npg_port_in_req_t *req, char *err,
                      size_t errlen) NPG_WUR;
/* Only in Waiting_for_Instruction. Errors: NPG_ENOTFOUND, NPG_ESTATE. */
int npg_port_in_instruct(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err,
                         size_t errlen) NPG_WUR;
/* Only in Waiting_for_Authorisation_Response or Waiting_for_Instruction. */
int npg_port_in_abort(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err,
                      size_t errlen) NPG_WUR;
/* The active record's id and msgidentifier for msgid, following automatic resubmissions. */
int npg_port_in_resolve(npg_db_t *db, const char *msgid, uint64_t *id,
                        char active[NPG_MSGID_LEN]) NPG_WUR;

int npg_port_out_authorise(npg_db_t *db, npg_porting_t *pt, const char *msgid, char *err,
                           size_t errlen) NPG_WUR;
/* reason: a legitimate reason name or a rejection code (see npg_port_out_reject_code). */
int npg_port_out_reject(npg_db_t *db, npg_porting_t *pt, const char *msgid, const char *reason,
                        char *err, size_t errlen) NPG_WUR;

/* What became of an inbound message that was acknowledged. */
typedef enum npg_inbound_outcome {
    NPG_INBOUND_APPLIED,     /* the port moved on */
    NPG_INBOUND_DUPLICATE,   /* its message id was seen before: nothing changed */
    NPG_INBOUND_NOT_APPLIED, /* valid, but the port's state no longer allows it (it crossed
                              * one of ours): recorded on the port as not applied, with an
                              * alarm and the follow-up where npgw and the clearinghouse now
                              * disagree */
} npg_inbound_outcome_t;

/*
 * Apply one inbound clearinghouse message (already mapped to canonical form; its
 * clearinghouse attribute names the adapter) with its raw XML, in one transaction:
 * de-duplicate, archive, transition or record, queue effects. NPG_OK means
 * committed and to be acknowledged, whatever *outcome says. Anything else is a
 * refusal (err says why: unknown port, message a gateway never receives, bad
 * number) and nothing was stored.
 */
int npg_port_apply_inbound(npg_db_t *db, npg_porting_t *pt, const struct npg_canon_msg *msg,
                           const char *raw, size_t rawlen, npg_inbound_outcome_t *outcome,
                           char *err, size_t errlen) NPG_WUR;

/* One message of npg_port_apply_inbound_group: what it is, and what became of it. */
typedef struct npg_inbound_item {
    const struct npg_canon_msg *msg;
    const char *raw;
    size_t rawlen;
    int rc; /* as npg_port_apply_inbound's */
    npg_inbound_outcome_t outcome;
    char err[512];
} npg_inbound_item_t;

/*
 * Group commit: apply n messages, in order, in one transaction, each as
 * npg_port_apply_inbound would (seeing the ones before it). A message that is refused is
 * left out and the others applied again without it; a lost race runs them all again. Each
 * item's rc says whether it committed (NPG_OK: acknowledge it) or was refused.
 */
void npg_port_apply_inbound_group(npg_db_t *db, npg_porting_t *pt, npg_inbound_item_t *const *items,
                                  size_t n);

/*
 * The same inside the caller's open transaction, for an adapter whose synchronous answer
 * to a delivered message is the event (the UK platform's ConfirmPort acknowledgement);
 * the caller archived the answer already, as row xml_id.
 */
int npg_port_apply_answer(npg_db_t *db, npg_porting_t *pt, const struct npg_canon_msg *msg,
                          uint64_t xml_id, npg_inbound_outcome_t *outcome, char *err,
                          size_t errlen) NPG_WUR;

/* A port's routing was published everywhere: Number_Ported -> Number_Ported_Complete (port-in). */
int npg_port_routing_done(npg_db_t *db, npg_porting_t *pt, const char *port_kind,
                          uint64_t port_id) NPG_WUR;

/* Local timers: answers overdue -> TimeOut; ported-out numbers due -> complete. *changed counts. */
int npg_port_run_timers(npg_db_t *db, npg_porting_t *pt, int *changed) NPG_WUR;

/*
 * A number we serve leaves service: queue a TerminationRequest to the clearinghouse,
 * remove its routing record and publish the removal, in one transaction. e164: full
 * number. NPG_ESTATE (err names who serves it) when we do not serve it.
 */
int npg_port_terminate(npg_db_t *db, npg_porting_t *pt, const char *e164, const char *number_type,
                       char msgid[NPG_MSGID_LEN], char *err, size_t errlen) NPG_WUR;
/*
 * The same with an effective date (0: now). A future one travels with the termination
 * (NPAC: the effective release date) and the routing record stays until the clearinghouse
 * reports the number terminated (its disconnect broadcast on that date).
 */
int npg_port_terminate_at(npg_db_t *db, npg_porting_t *pt, const char *e164,
                          const char *number_type, time_t effective, char msgid[NPG_MSGID_LEN],
                          char *err, size_t errlen) NPG_WUR;

/*
 * A port-in in Waiting_for_Authorisation_Response is authorised by the clearinghouse's rules
 * without a message from the donor (NPAC: the final concurrence window ran out, silence is
 * consent): -> Waiting_for_Instruction, recorded as event msgtype with text. Own transaction.
 * NPG_ESTATE (recorded) when the state does not allow it.
 */
int npg_port_in_authorised(npg_db_t *db, npg_porting_t *pt, const char *msgid, const char *msgtype,
                           const char *text, char *err, size_t errlen) NPG_WUR;

/*
 * Queue a canonical message of type (conflict_resolve, cancel_ack, ...) for a port to its
 * clearinghouse, inside the caller's open transaction, with an event row msgtype/text (the
 * port's state does not change). reject_code -1 and reason NULL when none. For an adapter's
 * own follow-ups. NPG_ENOTFOUND when there is no such port.
 */
int npg_port_queue(npg_db_t *db, npg_porting_t *pt, npg_port_kind_t kind, uint64_t port_id,
                   const char *type, int reject_code, const char *reason, const char *text) NPG_WUR;

/* A new port identifier (<iso><YYYYMM>-<operator>-<5 digits>), for a port the clearinghouse
 * does not name itself (an NPAC port-out). Errors: NPG_ETOOBIG when the month's are used up. */
int npg_port_new_msgidentifier(npg_db_t *db, const npg_conf_t *conf,
                               char out[NPG_MSGID_LEN]) NPG_WUR;

/*
 * A routing record pushed (op) or removed (op NULL) by hand, with its DNS publication and
 * the hooks' on_route_change, in one transaction (npg_routing_change with the hooks).
 */
int npg_port_route_change(npg_db_t *db, const npg_porting_t *pt, uint64_t number,
                          const npg_operator_t *op, const char *number_type,
                          const char *source) NPG_WUR;

/*
 * A port-out's answer decided by a machine (the BSS eligibility call-out), inside the
 * caller's open transaction (an outbox delivery's closing one): authorise (accept) or
 * reject with reject_code and reason; eventlog names who decided. NPG_ESTATE (nothing
 * changed) when the port is no longer waiting for an answer: people decided first.
 */
int npg_port_out_decide(npg_db_t *db, npg_porting_t *pt, uint64_t port_id, bool accept,
                        int reject_code, const char *reason, const char *eventlog, char *err,
                        size_t errlen) NPG_WUR;

/* Record a note on a port (an event that changes nothing): deliveries, publications. */
int npg_port_note(npg_db_t *db, const char *port_kind, uint64_t port_id, const char *msgtype,
                  const char *text) NPG_WUR;

/* A delivery to the clearinghouse failed for good: note it on the port and raise an alarm. */
int npg_port_delivery_failed(npg_db_t *db, const char *port_kind, uint64_t port_id,
                             const char *kind, const char *error) NPG_WUR;
