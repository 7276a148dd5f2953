/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/pxs/pxs.h - the PortingXS adapter: wire XML <-> canonical, through gSOAP and XSLT. */
#pragma once
#include <stddef.h>
#include <jansson.h>
#include "common/conf.h"
#include "xml/canon.h"

typedef struct npg_pxs npg_pxs_t;

/* Compile the adapter's stylesheets (from xslt_dir/pxs/). conf must outlive it. Thread-safe after. */
int npg_pxs_new(const npg_conf_t *conf, npg_pxs_t **out) NPG_WUR;
void npg_pxs_free(npg_pxs_t **pxs);

/*
 * An inbound SOAP envelope from the clearinghouse: parse it safely (no DTD,
 * entities or network; depth and size bounded), deserialize it with the
 * generated stubs in strict mode (the contract's types and required elements),
 * and map it to canonical form. Errors: NPG_EXML / NPG_EINVAL with err saying what.
 */
int npg_pxs_decode(npg_pxs_t *pxs, const char *body, size_t len, npg_canon_msg_t *out, char *err,
                   size_t errlen) NPG_WUR;

/* SOAP 1.1 envelopes for the receiver's answers; malloc'ed, the caller frees. */
char *npg_pxs_ack_envelope(const char *message_id, const char *status);
char *npg_pxs_fault_envelope(bool client_fault, const char *reason);

/*
 * Send one canonical outbound message to the clearinghouse with the generated
 * client stubs. *sent (malloc'ed, may be NULL on failure) receives the SOAP
 * envelope exactly as sent, for the archive. Returns NPG_OK on an accepted
 * acknowledgement, NPG_EINVAL when the clearinghouse refused the message (a
 * client fault: retrying will not help), NPG_EPEER/NPG_ETIMEOUT otherwise.
 */
int npg_pxs_send(npg_pxs_t *pxs, const char *canonical, char **sent, size_t *sentlen,
                 char *result, size_t len) NPG_WUR;

/*
 * Ask the clearinghouse who serves a number (local digits), synchronously.
 * *out: the NumberInformation answer as JSON (a new reference). Errors as npg_pxs_send.
 */
int npg_pxs_number_info(npg_pxs_t *pxs, const char *number, json_t **out, char *result,
                        size_t len) NPG_WUR;

/* The wire element name for a canonical type ("porting_request" -> "PortingRequest"). */
const char *npg_pxs_element(const char *canonical_type);
