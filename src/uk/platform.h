/* SPDX-License-Identifier: GPL-3.0-or-later */
/* uk/platform.h - npgwd as the client of the UK porting platform (wsdl/uk-mnp.wsdl). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "common/conf.h"
#include "uk/rules.h"

/* One request/answer exchange as it crossed the wire, for the archive. free with _clear. */
typedef struct npg_uk_xchg {
    char op[24];          /* ValidatePAC, RequestPortDate, ... */
    char message_id[65];  /* the MessageId we sent */
    char *sent, *recv;    /* SOAP envelopes (no HTTP headers), NULL when none */
    size_t sent_len, recv_len;
} npg_uk_xchg_t;
void npg_uk_xchg_clear(npg_uk_xchg_t *x);

/*
 * Every call below fills x (whatever came and went), and on failure code with
 * the platform's fault code (PAC_UNKNOWN, PAC_EXPIRED, PAC_NUMBER_MISMATCH,
 * DATE_NOT_AVAILABLE, REFUSED) or PLATFORM_UNAVAILABLE, and err with a sentence.
 * Returns NPG_OK, NPG_EINVAL (the platform refused), NPG_EPEER (unreachable,
 * timed out, not a SOAP answer: retrying may help).
 */
int npg_uk_validate_pac(const npg_conf_t *conf, const char *pac, const char *number,
                        char donor[11], npg_uk_day_t *issued, npg_uk_xchg_t *x, char *code,
                        size_t codelen, char *err, size_t errlen) NPG_WUR;
int npg_uk_request_port_date(const npg_conf_t *conf, const char *pac, const char *number,
                             npg_uk_day_t wanted, bool error_on_invalid, npg_uk_day_t *granted,
                             npg_uk_xchg_t *x, char *code, size_t codelen, char *err,
                             size_t errlen) NPG_WUR;
int npg_uk_create_pac(const npg_conf_t *conf, const char *number, char pac[10],
                      npg_uk_day_t *issued, npg_uk_day_t *expiry, npg_uk_xchg_t *x, char *code,
                      size_t codelen, char *err, size_t errlen) NPG_WUR;
/* ClosePAC / CancelPort: what the outbox delivers for a UK port (acknowledged or refused). */
int npg_uk_close_pac(const npg_conf_t *conf, const char *message_id, const char *pac,
                     const char *number, npg_uk_day_t port_day, npg_uk_xchg_t *x, char *err,
                     size_t errlen) NPG_WUR;
int npg_uk_cancel_port(const npg_conf_t *conf, const char *message_id, const char *pac,
                       const char *number, npg_uk_xchg_t *x, char *err, size_t errlen) NPG_WUR;
