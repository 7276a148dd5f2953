/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/xfr.h - zone transfers of the ENUM zones from npenumd to standard DNS
 * secondaries: AXFR (RFC 5936) from the in-memory index, IXFR (RFC 1995) from the
 * routing change log, every message signed with TSIG (RFC 8945); and NOTIFY
 * (RFC 1996) to the secondaries when the zones change.
 *
 * The SOA serial is the change-log position (routing_changes id, low 32 bits), the
 * same on every npenumd instance, so a secondary may transfer from any of them.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"
#include "enum/index.h"
#include "enum/responder.h"
#include "enum/tsig.h"

/* A transfer request as parsed; offsets point into the packet. */
typedef struct npg_xfr_query {
    uint16_t id, flags, qtype, qclass;
    size_t qname_len;    /* the question's name at offset 12, wire form, uncompressed */
    size_t question_end; /* offset just past the question */
    bool has_serial;     /* IXFR: the client's SOA serial */
    uint32_t serial;
    npg_tsig_rr_t tsig; /* its TSIG record, if signed */
} npg_xfr_query_t;

/*
 * True when pkt is a query for a zone transfer (opcode QUERY, one question of type
 * AXFR or IXFR): cheap, it reads the question only.
 */
bool npg_xfr_is_request(const uint8_t *pkt, size_t len);

/*
 * Parse a transfer request: header, the question, for IXFR the authority section's
 * SOA (the client's serial), an OPT and a TSIG record in the additional section.
 * Returns NPG_DNS_NOERROR, an RCODE to answer with (FORMERR, NOTIMP), or -1 for a
 * packet that gets no answer (under 12 bytes, a response). pkt is untrusted: this is
 * a fuzz target.
 */
int npg_xfr_parse(const uint8_t *pkt, size_t len, npg_xfr_query_t *q);

typedef struct npg_enum_xfr npg_enum_xfr_t;

/* The transfer side of one npenumd; conf, ix and r must outlive it. */
int npg_enum_xfr_new(const npg_conf_t *conf, npg_enum_index_t *ix, npg_enum_responder_t *r,
                     npg_enum_xfr_t **out) NPG_WUR;
void npg_enum_xfr_free(npg_enum_xfr_t **x);

/* Where the messages of one answer go (a TCP connection); non-zero stops the transfer. */
typedef int (*npg_xfr_send_fn)(const uint8_t *msg, size_t len, void *arg);

/*
 * Answer one transfer request (TCP). Refused (REFUSED) without a key or a signature,
 * NOTAUTH with the TSIG error when the signature does not verify, NOTAUTH for a zone
 * not served. AXFR: the whole zone (SOA, NS, one NAPTR per number, SOA). IXFR from
 * serial S: only the SOA when S is current, the changes since S (the records they
 * deleted and added) when the change log still holds them, else the whole zone.
 * Returns NPG_OK, or the send function's error. *what gets a line for the log.
 */
int npg_enum_xfr_serve(npg_enum_xfr_t *x, const uint8_t *pkt, size_t len, npg_xfr_send_fn send,
                       void *arg, char *what, size_t whatlen);

/*
 * NOTIFY: a thread that tells every [enum] notify secondary, for every zone, when the
 * serial moved (signed with the key, retried until answered, up to 5 times 2 s apart).
 */
typedef struct npg_enum_notify npg_enum_notify_t;
int npg_enum_notify_start(const npg_conf_t *conf, npg_enum_responder_t *r,
                          npg_enum_notify_t **out) NPG_WUR;
/* The zones are now at serial: notify (coalesced, never blocks). */
void npg_enum_notify_changed(npg_enum_notify_t *n, uint64_t change_id);
void npg_enum_notify_stop(npg_enum_notify_t **n);

/* One unsigned NOTIFY for zone (dotted) with its SOA at serial in the answer section, into
 * buf; returns its length (0: no room). */
size_t npg_xfr_notify_message(const npg_enum_responder_t *r, const char *zone, uint16_t id,
                              uint32_t serial, uint8_t *buf, size_t cap);

/*
 * Everything npenumd does with untrusted transfer requests and signed queries, with no
 * socket or database: npg_xfr_parse, npg_tsig_find, npg_tsig_verify with a fixed key and
 * npg_tsig_refusal. For fuzzing (an LLVMFuzzerTestOneInput calls it) and its replay in
 * the unit tests; returns 0.
 */
int npg_xfr_fuzz_input(const uint8_t *data, size_t size);
