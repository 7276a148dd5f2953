/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/adapter.h - the UK clearinghouse adapter: canonical <-> UK platform XML (xslt/uk/),
 * the outbox's deliveries, the platform's PortCompleted, and the cut-off timer. */
#pragma once
#include <stddef.h>
#include "common/conf.h"
#include "db/db.h"
#include "adapters/uk/platform.h"
#include "adapters/uk/rules.h"
#include "xml/canon.h"

struct soap;
typedef struct npg_uk npg_uk_t;

/*
 * Compile the stylesheets in xslt_dir/uk/ and build the calendar (npg_uk_calendar_load);
 * either failing is logged and refuses the start. conf must outlive it. Thread-safe after.
 */
int npg_uk_new(const npg_conf_t *conf, npg_uk_t **out) NPG_WUR;
void npg_uk_free(npg_uk_t **uk);

/*
 * The UK calendar of a configuration, the one every UK rule uses (npgwd's service and cut-off
 * timer, npsim uk): [uk] bank_holidays_file, plus the dates of [uk] bank_holidays, and
 * cutoff_hour. Errors: NPG_ECONF, NPG_EINVAL, NPG_ETOOBIG; msg names the key, file and line.
 */
int npg_uk_calendar_load(const npg_conf_t *conf, npg_uk_calendar_t *cal, char *msg,
                         size_t msglen) NPG_WUR;
/* The calendar npg_uk_new built; lives as long as uk. */
const npg_uk_calendar_t *npg_uk_calendar(const npg_uk_t *uk);

/*
 * Deliver one canonical outbound message (porting_request, abort, instruction of a
 * UK port): XSLT to the platform's element, strict check by the generated reader,
 * the call. x gets the exchange. Errors as npg_pxs_send: NPG_EINVAL refused (do
 * not retry), NPG_EPEER unreachable.
 */
int npg_uk_send(npg_uk_t *uk, const char *canonical, npg_uk_xchg_t *x, char *result,
                size_t len) NPG_WUR;

/*
 * The canonical event a platform answer stands for (ConfirmPort's acknowledgement:
 * instruction_response), for the port msgidentifier. NPG_ENOTFOUND: the answer
 * changes nothing (ClosePAC, CancelPort).
 */
int npg_uk_answer_event(npg_uk_t *uk, const npg_uk_xchg_t *x, const char *msgidentifier,
                        npg_canon_msg_t *out, char *err, size_t errlen) NPG_WUR;

/*
 * A PortCompleted the platform delivered (untrusted body): safe parse, strict
 * check, the port it belongs to (by PAC and number, in db), XSLT to canonical
 * "ported". Errors: NPG_EXML/NPG_EINVAL (err says what), NPG_ENOTFOUND (no such port).
 */
int npg_uk_decode_notify(npg_uk_t *uk, npg_db_t *db, const char *body, size_t len,
                         npg_canon_msg_t *out, char *err, size_t errlen) NPG_WUR;

/* Instruct the UK ports whose cancellation cut-off has passed (ConfirmPort goes out). */
int npg_uk_run_timers(npg_uk_t *uk, npg_db_t *db, int *changed) NPG_WUR;

/* A whole SOAP 1.1 envelope around what put writes, malloc'ed (NULL on failure). */
char *npg_uk_envelope(struct soap *s, int (*put)(struct soap *, const void *), const void *v);
/* The acknowledgement or a fault (ukm:MnpFault Code, Reason) as the platform's contract says. */
char *npg_uk_ack_envelope(const char *message_id, const char *status);
char *npg_uk_fault_envelope(bool client, const char *code, const char *reason);
