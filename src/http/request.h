/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/request.h - HTTP/1.1 request framing, before any worker sees a request: the head
 * checked, the body read by its Content-Length or de-chunked, smuggling refused, and the
 * request rewritten in one plain form (Content-Length, no Transfer-Encoding). Pure code on
 * buffers: the listener feeds it what arrived, it never reads a socket. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

typedef struct npg_http_limits {
    size_t max_head;   /* request line and headers, bytes */
    size_t max_body;   /* body after de-chunking, bytes */
    size_t max_fields; /* header fields */
    bool close;        /* the server will close after this request (Connection: close) */
} npg_http_limits_t;

typedef enum npg_http_frame_state {
    NPG_FRAME_MORE,  /* not complete yet: feed more bytes */
    NPG_FRAME_DONE,  /* a whole request: out/out_len, consumed */
    NPG_FRAME_ERROR, /* refused: status and reason say why; the connection is closed after */
} npg_http_frame_state_t;

/* One request being framed. Zero it (npg_http_frame_init) before the first byte. */
typedef struct npg_http_frame {
    npg_http_frame_state_t state;
    size_t scanned; /* head bytes already searched for the blank line */
    /* after the head */
    bool head_done;
    size_t head_len; /* bytes of request line + headers, blank line included */
    bool chunked;
    size_t content_length; /* when not chunked */
    bool expect_continue;  /* the client waits for "100 Continue" before sending the body */
    bool keep_alive;       /* the client wants the connection kept (HTTP/1.1 default) */
    bool http10;
    char method[16];
    /* chunked decoding */
    size_t pos;    /* next undecoded byte of the input */
    size_t chunk;  /* bytes left in the current chunk */
    size_t digits; /* hex digits of the current chunk-size line */
    int cstate;    /* decoder state */
    char *body;    /* the decoded body so far (malloc'ed) */
    size_t body_fill, body_cap;
    /* results */
    char *out; /* the rewritten request (malloc'ed; npg_http_frame_clear frees it) */
    size_t out_len, out_cap;
    size_t body_len; /* body bytes in out */
    size_t consumed; /* input bytes this request took (the rest is the next request) */
    int status;      /* on error: 400, 413, 431, 501, 505 */
    const char *reason;
} npg_http_frame_t;

void npg_http_frame_init(npg_http_frame_t *f);
void npg_http_frame_clear(npg_http_frame_t *f);

/*
 * Look at the len bytes received so far for this request (in, always from its first byte:
 * the caller keeps them in one buffer) and return the state. Call again with more bytes
 * after NPG_FRAME_MORE; the work already done is not repeated. On NPG_FRAME_DONE, out holds
 * "METHOD target HTTP/1.1", the client's headers without Content-Length,
 * Transfer-Encoding, Expect, Connection and Keep-Alive, then "Content-Length: N" and
 * "Connection: keep-alive|close" (keep-alive unless the client or lim->close says close), the
 * blank line and the body. Refused: a head over max_head (431) or over max_fields (431),
 * a malformed request line or header (400), an HTTP version other than 1.0/1.1 (505),
 * Content-Length with Transfer-Encoding, two different Content-Lengths, a bad length or
 * chunk size (400), a Transfer-Encoding other than chunked (501), a body over max_body
 * (413), a body on GET/HEAD is allowed and passed on.
 */
npg_http_frame_state_t npg_http_frame_feed(npg_http_frame_t *f, const char *in, size_t len,
                                           const npg_http_limits_t *lim);
