/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/npac.h - the NPAC clearinghouse adapter (US): canonical <-> the NPAC's SOA
 * interface (wsdl/npac/, xslt/npac/), its notifications at /np_api/npac/notify, the US
 * concurrence timers in business hours, recovery of missed notifications, npsim npac. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "adapters/adapter.h"

extern const npg_adapter_ops_t npg_adapter_npac;

/* The acknowledgement of a notification, and a fault (plain SOAP 1.1, faultstring reason). */
char *npg_npac_ack_envelope(const char *message_id, const char *status);
char *npg_npac_fault_envelope(bool client, const char *code, const char *reason);
/* The SPIDs of a list ("A, B") hold spid. */
bool npg_npac_spid_listed(const char *list, const char *spid);

/* Its lines of `npgwctl -h`. */
#define NPG_NPAC_CTL_USAGE                                                                         \
    "  npac resolve MSGIDENTIFIER (ask the NPAC to take the port's version out of conflict)\n"     \
    "  npac show MSGIDENTIFIER (the port's subscription version: status, timers, conflict)\n"
