/* SPDX-License-Identifier: GPL-3.0-or-later */
/* hooks/http.h - one outbound HTTP(S) POST with a JSON (or any) body, for the carrier's own
 * systems: libcurl, http and https only, no redirects, peers verified, time and size bounded. */
#pragma once
#include <stddef.h>
#include "common/conf.h"
#include "common/error.h"

#define NPG_HOOK_HTTP_MAX_HEADERS 8
#define NPG_HOOK_HTTP_MAX_ANSWER 65536 /* a longer answer fails the call (NPG_ETOOBIG) */

typedef struct npg_hook_http_req {
    const char *url;
    const char *content_type;                       /* NULL: application/json */
    const char *headers[NPG_HOOK_HTTP_MAX_HEADERS]; /* "Name: value" lines, NULL-ended */
    const char *bearer;                             /* "": none; never logged */
    const char *user, *password;                    /* HTTP Basic when user is non-empty */
    const char *body;
    size_t body_len;
    int timeout_ms;        /* the whole exchange */
    const npg_conf_t *tls; /* its [tls]: CAs for https and our client certificate; NULL: none */
} npg_hook_http_req_t;

typedef struct npg_hook_http_resp {
    long status; /* HTTP status, 0 when none came */
    char *body;  /* NUL-terminated, owned by the caller: free() it */
    size_t body_len;
    char error[256]; /* why it failed, when it did */
} npg_hook_http_resp_t;

/*
 * POST req->body to req->url. NPG_OK when an HTTP answer came (any status: resp->status);
 * NPG_ETIMEOUT when none came in time, NPG_EIO when the connection failed, NPG_ETOOBIG for
 * an answer over NPG_HOOK_HTTP_MAX_ANSWER, NPG_EINVAL for a URL that is not http(s).
 * resp->error says why. Thread-safe; each thread keeps its connections alive.
 */
int npg_hook_http_post(const npg_hook_http_req_t *req, npg_hook_http_resp_t *resp) NPG_WUR;
void npg_hook_http_resp_clear(npg_hook_http_resp_t *resp);
