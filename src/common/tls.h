/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * http/tls.h - TLS for the HTTP front and for npgw's own https calls: OpenSSL contexts built
 * from the configuration (TLS 1.2 and 1.3 only, forward-secret AEAD ciphers), a non-blocking
 * server connection the front drives from epoll, and the check of a server's certificate
 * (chain and name) for outbound calls.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "common/conf.h"
#include "common/error.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

/*
 * The server context of [http] tls_*: certificate chain and key (which must match), the
 * client CAs when tls_client_ca_file is set (a client certificate is then asked for and,
 * when shown, must verify; whether one is required is decided per path by the caller).
 * NPG_ECONF with err saying which file and why. The caller owns *out (SSL_CTX_free).
 */
int npg_tls_server_ctx(const npg_conf_t *conf, SSL_CTX **out, char *err, size_t errlen) NPG_WUR;

/* What the non-blocking calls below ask the caller to wait for. */
typedef enum npg_tls_io {
    NPG_TLS_OK,         /* done (bytes moved, or the handshake finished) */
    NPG_TLS_WANT_READ,  /* wait until the socket is readable, then call again */
    NPG_TLS_WANT_WRITE, /* wait until the socket is writable, then call again */
    NPG_TLS_CLOSED,     /* the peer closed the session */
    NPG_TLS_FAILED,     /* a protocol or certificate error: close the connection */
} npg_tls_io_t;

/* A server-side session on a connected non-blocking socket (NULL when out of memory). */
SSL *npg_tls_accept_new(SSL_CTX *ctx, int fd);
/* Advance the handshake. On NPG_TLS_FAILED, why says what went wrong (for the log). */
npg_tls_io_t npg_tls_handshake(SSL *ssl, char *why, size_t whylen);
/* Whether the client showed a certificate that verified against tls_client_ca_file. */
bool npg_tls_client_verified(SSL *ssl);
/* Read up to len bytes; *n is set on NPG_TLS_OK. */
npg_tls_io_t npg_tls_read(SSL *ssl, void *buf, size_t len, size_t *n);
/* Write up to len bytes (a partial write is NPG_TLS_OK with *n < len). */
npg_tls_io_t npg_tls_write(SSL *ssl, const void *buf, size_t len, size_t *n);
/* Bytes already decrypted and waiting in the session (epoll will not announce them). */
bool npg_tls_pending(SSL *ssl);
/* Send close_notify if the socket takes it now, and free the session (NULL is fine). */
void npg_tls_close(SSL **ssl);

/*
 * For an outbound TLS connection on ctx: TLS 1.2 at least, the server's certificate checked
 * against ca_file (the system's store when empty) and its name against host (a DNS name or an
 * IP literal), and cert_file/key_file shown when cert_file is set (key_file empty: the key is
 * in cert_file). NPG_ECONF with err when a file is unusable.
 */
int npg_tls_client_setup(SSL_CTX *ctx, const char *ca_file, const char *cert_file,
                         const char *key_file, const char *host, char *err, size_t errlen) NPG_WUR;

/* The host of an http(s) URL into host (brackets of an IPv6 literal removed). */
int npg_tls_url_host(const char *url, char *host, size_t len) NPG_WUR;

/* OpenSSL's error queue as one line (and the queue emptied). */
const char *npg_tls_errors(char *buf, size_t len);
