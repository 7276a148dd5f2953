/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/adapter.h - the UK clearinghouse adapter: canonical <-> UK platform XML (xslt/uk/),
 * deliveries to the platform, its PortCompleted, the cut-off timer, the BSS PortIn service. */
#pragma once
#include <stddef.h>
#include "adapters/adapter.h"
#include "common/conf.h"
#include "db/db.h"
#include "adapters/uk/platform.h"
#include "adapters/uk/rules.h"
#include "xml/canon.h"

struct soap;

extern const npg_adapter_ops_t npg_adapter_uk;

/*
 * The UK calendar of a configuration, the one every UK rule uses (npgwd's service and cut-off
 * timer, npsim uk): [uk] bank_holidays_file, plus the dates of [uk] bank_holidays, and
 * cutoff_hour. Errors: NPG_ECONF, NPG_EINVAL, NPG_ETOOBIG; msg names the key, file and line.
 */
int npg_uk_calendar_load(const npg_conf_t *conf, npg_uk_calendar_t *cal, char *msg,
                         size_t msglen) NPG_WUR;
/* The calendar of the adapter's instance (state from npg_adapter_uk.create): built once. */
const npg_uk_calendar_t *npg_uk_calendar(const void *state);

/*
 * The adapter's decode in its two halves, around the look-up of the port in the database
 * (split so that the fuzzer reaches both without one). read: the untrusted body (NUL-terminated,
 * len bytes) parsed safely, then read strictly as a PortCompleted of wsdl/uk-mnp.wsdl for its
 * PAC and number; *doc is the caller's to xmlFreeDoc (NULL on failure). map: that document
 * as the canonical event of the port msgid (state from npg_adapter_uk.create).
 * Errors: NPG_EXML, NPG_ETOOBIG, NPG_EINVAL, NPG_ENOMEM, NPG_EXSLT; err says what.
 */
int npg_uk_notify_read(const npg_conf_t *conf, const char *body, size_t len, xmlDocPtr *doc,
                       char pac[10], char number[16], char *err, size_t errlen) NPG_WUR;
int npg_uk_notify_map(void *state, xmlDocPtr doc, const char *msgid, npg_canon_msg_t *out,
                      char *err, size_t errlen) NPG_WUR;

/* The acknowledgement or a fault (ukm:MnpFault Code, Reason) as the platform's contract says. */
char *npg_uk_ack_envelope(const char *message_id, const char *status);
char *npg_uk_fault_envelope(bool client, const char *code, const char *reason);
