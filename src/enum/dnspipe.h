/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/dnspipe.h - one TCP connection to a DNS server carrying many messages in flight. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"

/*
 * RFC 7766 6.2.1.1: a client may send several queries on one connection
 * without waiting for the answers. Knot DNS queues the UPDATEs it reads and
 * applies every queued one in a single zone transaction, so keeping a few
 * messages in flight lets it commit once for many. Messages go out with their
 * two-byte length in the same write (TCP_NODELAY: no wait for an ACK); the
 * answers are read as they come and handed back whole, in arrival order.
 */
typedef struct npg_dnspipe npg_dnspipe_t; /* opaque */

/*
 * Connect to host (an IPv4 or IPv6 literal) and port. timeout_s bounds the
 * connect and, later, every wait in which nothing moves. Errors: NPG_EIO with
 * errno set (ECONNREFUSED, ETIMEDOUT, ...), NPG_ENOMEM.
 */
int npg_dnspipe_open(const char *host, unsigned port, int timeout_s, npg_dnspipe_t **out) NPG_WUR;
void npg_dnspipe_close(npg_dnspipe_t **p);

/*
 * Write one message (without its length prefix; at most 65535 bytes). Answers
 * arriving meanwhile are kept for npg_dnspipe_recv. Errors: NPG_EIO (errno set).
 */
int npg_dnspipe_send(npg_dnspipe_t *p, const uint8_t *msg, size_t len) NPG_WUR;

/*
 * The next answer, waiting for it if needed: *msg points into the pipe's
 * buffer and stays valid until the next call. Errors: NPG_EIO (errno set;
 * ECONNRESET when the server closed the connection, ETIMEDOUT).
 */
int npg_dnspipe_recv(npg_dnspipe_t *p, const uint8_t **msg, size_t *len) NPG_WUR;
