/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the HTTP request reader (npg_http_frame_feed), which every byte a client
 * sends meets before anything else. The input is what arrived on one connection; it is fed
 * whole, then again in pieces cut where a hash of the input says (as reads return them).
 * Properties: both ways give the same verdict and the same rewritten request; a rewritten
 * request has one Content-Length, no Transfer-Encoding, and frames again to itself
 * (what a worker sees is exactly what was framed: no smuggling through the rewrite).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "http/request.h"

/* small, so that inputs reach every limit */
static const npg_http_limits_t limits = {.max_head = 2048, .max_body = 8192, .max_fields = 24};

static uint64_t hash(const uint8_t *d, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 1099511628211ULL;
    return h;
}

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Feed data in pieces (each call sees everything so far, as the listener's buffer). */
static npg_http_frame_state_t feed(npg_http_frame_t *f, const uint8_t *data, size_t size,
                                   uint64_t seed, const npg_http_limits_t *lim)
{
    npg_http_frame_state_t st = NPG_FRAME_MORE;
    size_t have = 0;
    do {
        size_t step = seed ? 1 + next(&seed) % 64 : size;
        have = size - have < step ? size : have + step;
        st = npg_http_frame_feed(f, (const char *)data, have, lim);
    } while (st == NPG_FRAME_MORE && have < size);
    return st;
}

static void same(const npg_http_frame_t *a, const npg_http_frame_t *b, const char *what)
{
    if (a->state != b->state || a->status != b->status || a->keep_alive != b->keep_alive)
        npg_fuzz_fail("%s: state %d/%d status %d/%d keep-alive %d/%d", what, a->state, b->state,
                      a->status, b->status, a->keep_alive, b->keep_alive);
    if (a->state != NPG_FRAME_DONE)
        return;
    if (a->out_len != b->out_len || memcmp(a->out, b->out, a->out_len) != 0 ||
        a->consumed != b->consumed || a->body_len != b->body_len)
        npg_fuzz_fail("%s: different requests", what);
}

/* The rewritten head: exactly one Content-Length, no Transfer-Encoding. */
static void plain_head(const npg_http_frame_t *f)
{
    const char *p = f->out, *end = f->out + f->out_len - f->body_len;
    int cl = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            npg_fuzz_fail("rewritten head has an unterminated line");
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            cl++;
        if (strncasecmp(p, "Transfer-Encoding:", 18) == 0)
            npg_fuzz_fail("rewritten head keeps Transfer-Encoding");
        p = eol + 1;
    }
    if (cl != 1)
        npg_fuzz_fail("rewritten head has %d Content-Length fields", cl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npg_http_frame_t whole, parts, again;
    uint64_t seed = hash(data, size) | 1;
    npg_http_limits_t lim = limits;
    lim.close = seed & 2;
    npg_http_frame_init(&whole);
    npg_http_frame_init(&parts);
    feed(&whole, data, size, 0, &lim);
    feed(&parts, data, size, seed, &lim);
    if (whole.state == NPG_FRAME_MORE && parts.state != NPG_FRAME_MORE)
        npg_fuzz_fail("whole input needs more, pieces gave %d", parts.state);
    if (whole.state != NPG_FRAME_MORE)
        same(&whole, &parts, "whole vs pieces");
    if (whole.state == NPG_FRAME_ERROR && (whole.status < 400 || !whole.reason))
        npg_fuzz_fail("refused without a 4xx/5xx status and a reason");
    if (whole.state == NPG_FRAME_DONE) {
        if (whole.consumed > size || whole.body_len > lim.max_body)
            npg_fuzz_fail("consumed %zu of %zu, body %zu", whole.consumed, size, whole.body_len);
        if (whole.out[whole.out_len] != '\0')
            npg_fuzz_fail("rewritten request is not NUL-terminated");
        plain_head(&whole);
        /* an HTTP/1.0 request without Host becomes an HTTP/1.1 one that needs it */
        if (!whole.http10) {
            npg_http_limits_t relim = {.max_head = lim.max_head + 128,
                                       .max_body = lim.max_body,
                                       .max_fields = lim.max_fields + 2,
                                       .close = !whole.keep_alive};
            npg_http_frame_init(&again);
            npg_http_frame_feed(&again, whole.out, whole.out_len, &relim);
            if (again.state != NPG_FRAME_DONE || again.consumed != whole.out_len ||
                again.out_len != whole.out_len || memcmp(again.out, whole.out, whole.out_len))
                npg_fuzz_fail("rewritten request does not frame to itself (state %d, %s)",
                              again.state, again.reason ? again.reason : "-");
            npg_http_frame_clear(&again);
        }
    }
    npg_http_frame_clear(&whole);
    npg_http_frame_clear(&parts);
    return 0;
}
