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
#include "enum/dnswire.h"
#include "enum/index.h"
#include "enum/tsig.h"

typedef struct npg_enum_responder npg_enum_responder_t;

/*
 * Zones from conf [enum] (each: single-digit labels, then an apex domain); static
 * zones read from their file; the TSIG key from [enum] tsig_key_file. Errors: NPG_EINVAL (err names
 * the zone or line and what is wrong), NPG_EIO, NPG_ENOMEM.
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


/* A query signed with TSIG is verified with the key (NOTAUTH and the TSIG error when it
 * does not verify, or no key is configured) and its answer is signed. */

/* The SOA serial of a change-log position: its low 32 bits, never 0. */
uint32_t npg_enum_serial(uint64_t change_id);
/* The served zone whose apex is exactly this name (wire form, any case): its country
 * digits ("" at a bare apex), or NULL when it is not one of ours. */
const char *npg_enum_responder_apex(const npg_enum_responder_t *r, const uint8_t *wire, size_t len);
size_t npg_enum_responder_nzones(const npg_enum_responder_t *r);
/* Zone i's name, dotted, no trailing dot; NULL past the end. */
const char *npg_enum_responder_zone_name(const npg_enum_responder_t *r, size_t i);
/* The zones' SOA record (owner: a compression pointer) with this serial, and their NS
 * record i of npg_enum_responder_nns (nothing past the end); neither is counted. */
void npg_enum_responder_put_soa(const npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner,
                                uint32_t ttl, uint32_t serial);
void npg_enum_responder_put_ns(const npg_enum_responder_t *r, npg_dns_out_t *o, uint16_t owner,
                               size_t i);
size_t npg_enum_responder_nns(const npg_enum_responder_t *r);
/* The TSIG key, or NULL when none is configured (no transfers). Owned by the responder. */
const npg_tsig_key_t *npg_enum_responder_key(const npg_enum_responder_t *r);
