/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/service.h - the UK PortIn SOAP service for BSS clients (wsdl/portin.wsdl). */
#pragma once
#include <stddef.h>
#include <stdbool.h>
#include "adapters/adapter.h"

/*
 * Answer one SOAP request (the HTTP body, untrusted): secure XML parse, strict
 * deserialization against the contract, the UK rules (cal: npg_uk_calendar's), the
 * platform's checks (inline, bounded by [uk] timeouts), and one transaction for an accepted
 * request (nothing is stored for a refused one). *reply: a malloc'ed SOAP 1.1
 * envelope (the response or a fault with ukp:PortInFault Code and Reason) the
 * caller frees; *status: the HTTP status to send (200, or 500 for a fault).
 * Returns NPG_OK when *reply was produced, NPG_ENOMEM otherwise.
 */
int npg_uk_service_serve(void *state, const npg_adapter_env_t *env, const char *body, size_t len,
                         char **reply, int *status) NPG_WUR;

/* The service's fault (ukp:PortInFault Code and Reason), malloc'ed. */
char *npg_uk_service_fault(bool client, const char *code, const char *reason);
