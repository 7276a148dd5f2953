/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/responder.h - the answers of npenumd: NAPTR with npdi (and rn when
 * ported) for every number of the served ENUM zones (under e164.arpa,
 * e164enum.net or a private apex), SOA and NS at each zone's top, and the
 * static 3GPP zones of the configuration. No sockets here.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"
#include "enum/index.h"

typedef struct npg_enum_responder npg_enum_responder_t;

/*
 * Zones from conf [enum] (each: single-digit labels, then an apex domain); static
 * zones read from their file. Errors: NPG_EINVAL (err names the zone or line and
 * what is wrong), NPG_EIO, NPG_ENOMEM.
 */
int npg_enum_responder_new(const npg_conf_t *conf, npg_enum_index_t *ix,
                           npg_enum_responder_t **out, char *err, size_t errlen) NPG_WUR;
void npg_enum_responder_free(npg_enum_responder_t **r);

/*
 * Answer one query into out (cap bytes, at least 512). udp: cap the answer at
 * the client's EDNS0 payload (512 without EDNS0, never more than
 * max_udp_payload) and set TC when it does not fit. Returns the answer's
 * length, or 0 when the packet gets no answer.
 */
size_t npg_enum_respond(npg_enum_responder_t *r, const uint8_t *pkt, size_t len, uint8_t *out,
                        size_t cap, bool udp);
/* Show the query counters before the first query (npenumd_queries_total and its kin). */
void npg_enum_register_metrics(void);
