/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "http/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_SIZE, C_EXT, C_SIZE_LF, C_DATA, C_DATA_CR, C_DATA_LF, C_TRAILER, C_TRAILER_LF };

void npg_http_frame_init(npg_http_frame_t *f)
{
    memset(f, 0, sizeof(*f));
}

void npg_http_frame_clear(npg_http_frame_t *f)
{
    free(f->out);
    free(f->body);
    npg_http_frame_init(f);
}

static npg_http_frame_state_t refuse(npg_http_frame_t *f, int status, const char *reason)
{
    f->status = status;
    f->reason = reason;
    f->keep_alive = false;
    return f->state = NPG_FRAME_ERROR;
}

static bool append(npg_http_frame_t *f, const char *s, size_t n)
{
    if (f->out_len + n + 1 > f->out_cap) {
        size_t cap = f->out_cap ? f->out_cap : 1024;
        while (cap < f->out_len + n + 1)
            cap *= 2;
        char *p = realloc(f->out, cap);
        if (!p)
            return false;
        f->out = p;
        f->out_cap = cap;
    }
    memcpy(f->out + f->out_len, s, n);
    f->out_len += n;
    f->out[f->out_len] = '\0';
    return true;
}

/* RFC 9110 token characters */
static bool tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* Does the comma-separated value hold token word? */
static bool has_token(const char *v, size_t n, const char *word)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (is(v + s, e - s, word))
            return true;
    }
    return false;
}

/* Fields dropped from the rewritten request: the framing is ours now. */
static bool hop_field(const char *name, size_t n)
{
    return is(name, n, "Content-Length") || is(name, n, "Transfer-Encoding") ||
           is(name, n, "Expect") || is(name, n, "Connection") || is(name, n, "Keep-Alive") ||
           is(name, n, "Proxy-Connection");
}

static npg_http_frame_state_t parse_head(npg_http_frame_t *f, const char *in, size_t head_len,
                                         const npg_http_limits_t *lim)
{
    const char *p = in, *end = in + head_len - 2; /* the blank line's CRLF */
    const char *eol = memchr(p, '\r', (size_t)(end - p));
    if (!eol || eol[1] != '\n')
        return refuse(f, 400, "malformed request line");
    /* METHOD SP target SP HTTP/x.y */
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    if (!sp1 || !sp2 || sp1 == p || sp2 == sp1 + 1 || (size_t)(sp1 - p) >= sizeof(f->method))
        return refuse(f, 400, "malformed request line");
    for (const char *c = p; c < sp1; c++)
        if (!tchar((unsigned char)*c))
            return refuse(f, 400, "malformed request method");
    for (const char *c = sp1 + 1; c < sp2; c++)
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
            return refuse(f, 400, "malformed request target");
    size_t vlen = (size_t)(eol - sp2 - 1);
    if (vlen != 8 || strncmp(sp2 + 1, "HTTP/", 5) != 0 || sp2[7] != '.')
        return refuse(f, 400, "malformed HTTP version");
    if (sp2[6] != '1' || (sp2[8] != '1' && sp2[8] != '0'))
        return refuse(f, 505, "only HTTP/1.0 and HTTP/1.1 are served");
    memcpy(f->method, p, (size_t)(sp1 - p));
    f->method[sp1 - p] = '\0';
    f->http10 = sp2[8] == '0';
    f->keep_alive = !f->http10;
    if (!append(f, p, (size_t)(sp2 - p)) || !append(f, " HTTP/1.1\r\n", 11))
        return refuse(f, 500, "out of memory");

    bool have_cl = false, have_te = false;
    size_t nfields = 0, nhost = 0;
    for (p = eol + 2; p < end; p = eol + 2) {
        eol = memchr(p, '\r', (size_t)(end - p));
        if (!eol || eol[1] != '\n')
            return refuse(f, 400, "malformed header line");
        if (++nfields > lim->max_fields)
            return refuse(f, 431, "too many header fields");
        if (*p == ' ' || *p == '\t')
            return refuse(f, 400, "folded header lines are not accepted");
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon || colon == p)
            return refuse(f, 400, "malformed header field");
        for (const char *c = p; c < colon; c++)
            if (!tchar((unsigned char)*c))
                return refuse(f, 400, "malformed header field name");
        const char *v = colon + 1, *ve = eol;
        for (const char *c = v; c < ve; c++)
            if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
                return refuse(f, 400, "control character in a header field");
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        size_t nlen = (size_t)(colon - p), vl = (size_t)(ve - v);
        if (is(p, nlen, "Content-Length")) {
            size_t n = 0;
            if (vl == 0 || vl > 15)
                return refuse(f, 400, "malformed Content-Length");
            for (size_t i = 0; i < vl; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return refuse(f, 400, "malformed Content-Length");
                n = n * 10 + (size_t)(v[i] - '0');
            }
            if (have_cl && n != f->content_length)
                return refuse(f, 400, "two different Content-Length headers");
            have_cl = true;
            f->content_length = n;
        } else if (is(p, nlen, "Transfer-Encoding")) {
            if (have_te)
                return refuse(f, 400, "more than one Transfer-Encoding header");
            have_te = true;
            if (!is(v, vl, "chunked"))
                return refuse(f, 501, "only the chunked transfer coding is supported");
            f->chunked = true;
        } else if (is(p, nlen, "Expect")) {
            if (is(v, vl, "100-continue"))
                f->expect_continue = true;
        } else if (is(p, nlen, "Connection")) {
            if (has_token(v, vl, "close"))
                f->keep_alive = false;
            else if (has_token(v, vl, "keep-alive"))
                f->keep_alive = true;
        } else if (is(p, nlen, "Host")) {
            nhost++;
        }
        if (!hop_field(p, nlen) && !append(f, p, (size_t)(eol + 2 - p)))
            return refuse(f, 500, "out of memory");
    }
    if (have_cl && have_te)
        return refuse(f, 400, "Content-Length together with Transfer-Encoding");
    if (have_te && f->http10)
        return refuse(f, 400, "Transfer-Encoding in an HTTP/1.0 request");
    if (nhost > 1 || (nhost == 0 && !f->http10))
        return refuse(f, 400, "an HTTP/1.1 request needs exactly one Host header");
    if (!f->chunked && f->content_length > lim->max_body)
        return refuse(f, 413, "request body too large");
    f->head_done = true;
    f->head_len = head_len;
    f->pos = head_len;
    f->cstate = C_SIZE;
    return f->state = NPG_FRAME_MORE;
}

/* The head is in out; the body goes after the framing headers we write. */
static npg_http_frame_state_t finish(npg_http_frame_t *f, const char *body, size_t body_len,
                                     bool keep_alive, size_t consumed)
{
    char line[96];
    snprintf(line, sizeof(line), "Content-Length: %zu\r\nConnection: %s\r\n\r\n", body_len,
             keep_alive ? "keep-alive" : "close");
    f->keep_alive = keep_alive;
    if (!append(f, line, strlen(line)) || (body_len && !append(f, body, body_len)))
        return refuse(f, 500, "out of memory");
    f->body_len = body_len;
    f->consumed = consumed;
    return f->state = NPG_FRAME_DONE;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* De-chunk from f->pos on into f->body; NPG_FRAME_DONE at the end of the trailers. */
static npg_http_frame_state_t dechunk(npg_http_frame_t *f, const char *in, size_t len,
                                      const npg_http_limits_t *lim)
{
    while (f->pos < len) {
        char c = in[f->pos];
        switch (f->cstate) {
        case C_SIZE:
            if (hexval(c) >= 0) {
                if (f->chunk > (SIZE_MAX >> 4) || f->chunk > lim->max_body)
                    return refuse(f, 413, "request body too large");
                f->chunk = (f->chunk << 4) | (size_t)hexval(c);
                f->digits++;
                f->pos++;
            } else if (f->digits == 0) {
                return refuse(f, 400, "malformed chunk size");
            } else if (c == ';') {
                f->cstate = C_EXT, f->pos++;
            } else if (c == '\r') {
                f->cstate = C_SIZE_LF, f->pos++;
            } else {
                return refuse(f, 400, "malformed chunk size");
            }
            break;
        case C_EXT: /* chunk extensions are ignored */
            if (c == '\r')
                f->cstate = C_SIZE_LF;
            else if ((unsigned char)c < 0x20 && c != '\t')
                return refuse(f, 400, "malformed chunk extension");
            f->pos++;
            break;
        case C_SIZE_LF:
            if (c != '\n')
                return refuse(f, 400, "malformed chunk size line");
            f->pos++;
            f->digits = 0;
            if (f->body_fill + f->chunk > lim->max_body)
                return refuse(f, 413, "request body too large");
            f->cstate = f->chunk ? C_DATA : C_TRAILER;
            break;
        case C_DATA: {
            size_t n = len - f->pos < f->chunk ? len - f->pos : f->chunk;
            if (f->body_fill + n > f->body_cap) {
                size_t cap = f->body_cap ? f->body_cap * 2 : 4096;
                while (cap < f->body_fill + n)
                    cap *= 2;
                char *np = realloc(f->body, cap);
                if (!np)
                    return refuse(f, 500, "out of memory");
                f->body = np, f->body_cap = cap;
            }
            memcpy(f->body + f->body_fill, in + f->pos, n);
            f->body_fill += n, f->pos += n, f->chunk -= n;
            if (!f->chunk)
                f->cstate = C_DATA_CR;
            break;
        }
        case C_DATA_CR:
            if (c != '\r')
                return refuse(f, 400, "chunk data longer than its size");
            f->cstate = C_DATA_LF, f->pos++;
            break;
        case C_DATA_LF:
            if (c != '\n')
                return refuse(f, 400, "malformed chunk end");
            f->cstate = C_SIZE, f->pos++;
            break;
        case C_TRAILER: /* trailer fields until an empty line; they are dropped */
            if (c == '\r') {
                f->cstate = C_TRAILER_LF, f->pos++;
            } else {
                const char *nl = memchr(in + f->pos, '\n', len - f->pos);
                if (!nl)
                    return f->state = NPG_FRAME_MORE;
                if (nl == in + f->pos || nl[-1] != '\r')
                    return refuse(f, 400, "malformed trailer");
                f->pos = (size_t)(nl - in) + 1;
            }
            break;
        case C_TRAILER_LF:
            if (c != '\n')
                return refuse(f, 400, "malformed end of chunked body");
            f->pos++;
            return NPG_FRAME_DONE; /* the caller finishes */
        }
    }
    return f->state = NPG_FRAME_MORE;
}

npg_http_frame_state_t npg_http_frame_feed(npg_http_frame_t *f, const char *in, size_t len,
                                           const npg_http_limits_t *lim)
{
    if (f->state != NPG_FRAME_MORE)
        return f->state;
    if (!f->head_done) {
        size_t scan = len < lim->max_head ? len : lim->max_head;
        const char *blank = NULL;
        for (size_t i = f->scanned > 3 ? f->scanned : 3; i < scan && !blank; i++)
            if (in[i] == '\n' && in[i - 1] == '\r' && in[i - 2] == '\n' && in[i - 3] == '\r')
                blank = in + i + 1;
        f->scanned = scan;
        if (!blank)
            return len >= lim->max_head ? refuse(f, 431, "request head too large")
                                        : (f->state = NPG_FRAME_MORE);
        if (parse_head(f, in, (size_t)(blank - in), lim) != NPG_FRAME_MORE)
            return f->state;
    }
    if (!f->chunked) {
        if (len - f->head_len < f->content_length)
            return f->state = NPG_FRAME_MORE;
        return finish(f, in + f->head_len, f->content_length, f->keep_alive && !lim->close,
                      f->head_len + f->content_length);
    }
    npg_http_frame_state_t st = dechunk(f, in, len, lim);
    if (st != NPG_FRAME_DONE)
        return st;
    return finish(f, f->body, f->body_fill, f->keep_alive && !lim->close, f->pos);
}
