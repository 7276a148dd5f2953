/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/updmsg.h - RFC 2136 UPDATE messages written straight to wire form, signed with TSIG. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/error.h"

/*
 * A bulk publication replaces one RRset per number. Building ldns objects and
 * letting ldns compress names through its tree costs far more than the rest of
 * the publisher, and ldns writes each message twice (to sign, then to send).
 * This writer appends records to a flat buffer: an owner is its labels below
 * the zone and a pointer to the zone's name in the zone section; the added
 * record points at the owner of the delete before it while that lies within
 * pointer reach (16 KiB). Sizes are exact as the message grows.
 */
#define NPG_UPDMSG_MAX 65535 /* a DNS message over TCP (RFC 1035 4.2.2) */
#define NPG_TSIG_MAC_MAX 64  /* HMAC-SHA512 */

/* A TSIG key (RFC 8945) ready for signing: names in wire form, the secret decoded. */
typedef struct npg_tsig_key {
    uint8_t name[256], alg[64];
    size_t name_len, alg_len;
    int md; /* which hash */
    uint8_t secret[128];
    size_t secret_len;
} npg_tsig_key_t;

/*
 * name: the key's name; algorithm: hmac-sha1, hmac-sha256 or hmac-sha512 (a
 * trailing dot allowed); secret: base64. Errors: NPG_EINVAL.
 */
int npg_tsig_key_init(npg_tsig_key_t *k, const char *name, const char *algorithm,
                      const char *secret_b64) NPG_WUR;

typedef struct npg_updmsg {
    uint8_t buf[NPG_UPDMSG_MAX + 1024]; /* room for the TSIG record past the limit check */
    size_t len;                         /* the message without TSIG */
    size_t wire_len;                    /* what goes out: with TSIG once signed */
    unsigned count;                     /* records in the update section */
    char zone[256];                     /* absolute, lower case */
    size_t zone_len;                    /* strlen(zone) */
} npg_updmsg_t;

/* Start a message for zone (absolute, lower case, no escapes). Errors: NPG_EINVAL. */
int npg_updmsg_start(npg_updmsg_t *m, const char *zone) NPG_WUR;

/*
 * Delete the RRset of type at owner (absolute, lower case, at or below the
 * zone), then, when rdata is not NULL, add one record of that type, class IN
 * and ttl. NPG_ETOOBIG, with the message unchanged, when it would grow past
 * limit bytes; NPG_EINVAL for an owner outside the zone or not a valid name.
 */
int npg_updmsg_replace(npg_updmsg_t *m, const char *owner, uint16_t type, uint32_t ttl,
                       const uint8_t *rdata, size_t rdlen, size_t limit) NPG_WUR;

/*
 * Give the message its id and sign it with key at time now (key NULL: no
 * TSIG), replacing an earlier signature: the bytes to send are then
 * buf[0, wire_len). The MAC goes to mac (NPG_TSIG_MAC_MAX bytes), its size to
 * *mac_len (0 unsigned). Errors: NPG_ETOOBIG (no room for TSIG), NPG_EIO (HMAC failed).
 */
int npg_updmsg_sign(npg_updmsg_t *m, uint16_t id, const npg_tsig_key_t *key, time_t now,
                    uint8_t *mac, size_t *mac_len) NPG_WUR;
