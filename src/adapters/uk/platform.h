/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/platform.h - npgwd as the client of the UK porting platform (wsdl/uk-mnp.wsdl). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "common/conf.h"
#include "soap/client.h"
#include "adapters/uk/rules.h"

struct soap;

typedef npg_xchg_t npg_uk_xchg_t;
#define npg_uk_xchg_clear npg_xchg_clear

/*
 * Every call below fills x (whatever came and went), and on failure code with
 * the platform's fault code (PAC_UNKNOWN, PAC_EXPIRED, PAC_NUMBER_MISMATCH,
 * DATE_NOT_AVAILABLE, REFUSED) or PLATFORM_UNAVAILABLE, and err with a sentence.
 * Returns NPG_OK, NPG_EINVAL (the platform refused), NPG_EPEER (unreachable,
 * timed out, not a SOAP answer: retrying may help).
 */
int npg_uk_validate_pac(const npg_conf_t *conf, const char *pac, const char *number, char donor[11],
                        npg_uk_day_t *issued, npg_uk_xchg_t *x, char *code, size_t codelen,
                        char *err, size_t errlen) NPG_WUR;
int npg_uk_request_port_date(const npg_conf_t *conf, const char *pac, const char *number,
                             npg_uk_day_t wanted, bool error_on_invalid, npg_uk_day_t *granted,
                             npg_uk_xchg_t *x, char *code, size_t codelen, char *err,
                             size_t errlen) NPG_WUR;
int npg_uk_create_pac(const npg_conf_t *conf, const char *number, char pac[10],
                      npg_uk_day_t *issued, npg_uk_day_t *expiry, npg_uk_xchg_t *x, char *code,
                      size_t codelen, char *err, size_t errlen) NPG_WUR;
/* A client context for the platform ([uk] URL, credentials, timeouts, limits), tapped. */
struct soap *npg_uk_call_open(const npg_conf_t *conf);
/* After the call: the exchange into x, a failure into code and err; frees s. Returns as above. */
int npg_uk_call_close(struct soap *s, const char *op, npg_uk_xchg_t *x, const npg_conf_t *conf,
                      char *code, size_t codelen, char *err, size_t errlen) NPG_WUR;
