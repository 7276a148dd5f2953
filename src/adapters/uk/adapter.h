/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/adapter.h - the UK clearinghouse adapter: canonical <-> UK platform XML (xslt/uk/),
 * deliveries to the platform, its PortCompleted, the cut-off timer, the BSS PortIn service. */
#pragma once
#include <stddef.h>
#include "adapters/adapter.h"
#include "common/conf.h"
#include "db/db.h"
#include "adapters/uk/platform.h"
#include "xml/canon.h"

struct soap;

extern const npg_adapter_ops_t npg_adapter_uk;

/* A whole SOAP 1.1 envelope around what put writes, malloc'ed (NULL on failure). */
char *npg_uk_envelope(struct soap *s, int (*put)(struct soap *, const void *), const void *v);
/* The acknowledgement or a fault (ukm:MnpFault Code, Reason) as the platform's contract says. */
char *npg_uk_ack_envelope(const char *message_id, const char *status);
char *npg_uk_fault_envelope(bool client, const char *code, const char *reason);
