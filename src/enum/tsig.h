/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/tsig.h - TSIG (RFC 8945) for npenumd: one key read from a file, requests
 * checked (zone transfers, signed queries, NOTIFY answers), answers and NOTIFY
 * messages signed, including every message of a multi-message transfer. Works on
 * wire buffers only: no sockets, no allocation.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NPG_DNS_T_TSIG 250
#define NPG_DNS_C_ANY 255
#define NPG_TSIG_MAX_MAC 64 /* HMAC-SHA512 */

/* TSIG errors (the RR's Error field, RFC 8945 section 3) */
enum { NPG_TSIG_BADSIG = 16, NPG_TSIG_BADKEY = 17, NPG_TSIG_BADTIME = 18, NPG_TSIG_BADTRUNC = 22 };

typedef enum npg_tsig_alg { NPG_TSIG_SHA256, NPG_TSIG_SHA512 } npg_tsig_alg_t;

/* A key. The secret never leaves this struct (never logged, never printed). */
typedef struct npg_tsig_key {
    uint8_t name[256]; /* wire form, lower case */
    size_t name_len;
    char name_text[256]; /* dotted, for log lines */
    npg_tsig_alg_t alg;
    uint8_t secret[128];
    size_t secret_len;
} npg_tsig_key_t;

/*
 * "[hmac-sha256:|hmac-sha512:]name:base64" (the form kdig -y takes; hmac-sha256 when the
 * algorithm is left out) into key. Errors: NPG_EINVAL with the reason in err (which
 * never holds the secret).
 */
int npg_tsig_key_parse(const char *text, npg_tsig_key_t *key, char *err, size_t errlen);

/* The first line of path that is not blank or a '#' comment, as npg_tsig_key_parse reads it.
 * Errors: NPG_EIO (cannot read), NPG_EINVAL. */
int npg_tsig_key_load(const char *path, npg_tsig_key_t *key, char *err, size_t errlen);

/* What the TSIG record of a message says; mac points into the message. */
typedef struct npg_tsig_rr {
    bool present;
    size_t offset; /* where the TSIG RR starts: the message without it is [0, offset) */
    uint8_t name[256];
    size_t name_len;
    uint8_t alg[256];
    size_t alg_len;
    uint64_t time_signed;
    uint16_t fudge;
    const uint8_t *mac;
    size_t mac_len;
    uint16_t orig_id, error;
    const uint8_t *other;
    size_t other_len;
} npg_tsig_rr_t;

/*
 * Find the TSIG record of a message: the last record of the additional section, with
 * every section walked (compressed names followed within the packet, never looping).
 * Returns NPG_OK (present false when the message is not signed) or NPG_EINVAL for a
 * malformed message, a TSIG record that is not last or whose names are compressed.
 * pkt is untrusted: this is a fuzz target.
 */
int npg_tsig_find(const uint8_t *pkt, size_t len, npg_tsig_rr_t *out);

/*
 * Check a signed request (found by npg_tsig_find) with key at now. Returns 0 when it
 * verifies, else the TSIG error to answer with: BADKEY (another key or algorithm),
 * BADSIG (wrong MAC), BADTIME (outside the fudge), BADTRUNC (a truncated MAC).
 */
int npg_tsig_verify(const uint8_t *pkt, size_t len, const npg_tsig_rr_t *rr,
                    const npg_tsig_key_t *key, time_t now);

/*
 * Sign the message in buf[0, *len) (cap bytes available) with key: the TSIG record is
 * appended and ARCOUNT incremented. prior_mac: the request's MAC for an answer, the
 * previous message's MAC for the next message of a transfer (then timers_only: only
 * the time is signed along, RFC 8945 5.3.1), NULL for a request of ours (NOTIFY).
 * error: the TSIG error to send (0). The new MAC goes to mac_out (NPG_TSIG_MAX_MAC
 * bytes) and its length to *mac_len. Errors: NPG_ETOOBIG (no room), NPG_EIO.
 */
int npg_tsig_sign(uint8_t *buf, size_t *len, size_t cap, const npg_tsig_key_t *key,
                  const uint8_t *prior_mac, size_t prior_len, bool timers_only, time_t now,
                  uint16_t error, uint8_t *mac_out, size_t *mac_len);

/* The bytes a TSIG record of key adds to a message. */
size_t npg_tsig_size(const npg_tsig_key_t *key);

/*
 * An answer to a request whose TSIG did not verify (RFC 8945 5.2): NOTAUTH, the
 * question copied, an unsigned TSIG record carrying error (for BADTIME: signed, with
 * the server's time). Returns its length, 0 when it does not fit.
 */
size_t npg_tsig_refusal(const uint8_t *pkt, size_t qend, const npg_tsig_rr_t *rr,
                        const npg_tsig_key_t *key, int error, time_t now, uint8_t *out, size_t cap);
