/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "http/router.h"

#include <string.h>

#include "stdsoap2.h"

/* Percent-decode one path segment into the request arena; NULL on bad escapes or NUL bytes. */
static const char *decode_segment(struct soap *soap, const char *s, size_t len)
{
    char *out = soap_malloc(soap, len + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            static const char hex[] = "0123456789abcdef0123456789ABCDEF";
            if (i + 2 >= len)
                return NULL;
            const char *h1 = memchr(hex, s[i + 1], 32);
            const char *h2 = memchr(hex, s[i + 2], 32);
            if (!h1 || !h2)
                return NULL;
            int v = (int)((h1 - hex) % 16) * 16 + (int)((h2 - hex) % 16);
            if (v == 0)
                return NULL;
            out[o++] = (char)v;
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* Score a match: 2 per literal segment, 1 per parameter; -1 for no match. */
static int match(const char *pattern, const char *path, struct soap *soap, npg_route_match_t *m)
{
    int score = 0;
    m->nparams = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return -1;
        p++;
        s++;
        const char *pend = strchr(p, '/');
        const char *send = strchr(s, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        size_t slen = send ? (size_t)(send - s) : strlen(s);
        if (plen == 1 && p[0] == '*')
            return score; /* rest of the path, whatever it is */
        if (plen >= 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (slen == 0 || m->nparams == NPG_ROUTE_MAX_PARAMS)
                return -1;
            const char *v = decode_segment(soap, s, slen);
            if (!v)
                return -1;
            m->params[m->nparams++] = v;
            score += 1;
        } else {
            if (plen != slen || strncmp(p, s, plen) != 0)
                return -1;
            score += 2;
        }
        p += plen;
        s += slen;
    }
    /* A trailing slash on the request is tolerated: /recv and /recv/ are one route. */
    if (*p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0')))
        return score;
    if (p[0] == '/' && p[1] == '\0' && *s == '\0')
        return score;
    return -1;
}

int npg_route_find(const npg_route_t *routes, size_t n, npg_http_req_t *req,
                   npg_route_match_t *m)
{
    int best = -1;
    bool path_seen = false;
    npg_route_match_t cur;
    for (size_t i = 0; i < n; i++) {
        int score = match(routes[i].pattern, req->path, req->soap, &cur);
        if (score < 0)
            continue;
        path_seen = true;
        bool same_method = routes[i].method == req->method ||
                           (req->method == NPG_HTTP_HEAD && routes[i].method == NPG_HTTP_GET);
        if (same_method && score > best) {
            best = score;
            *m = cur;
            m->route = &routes[i];
        }
    }
    if (best >= 0) {
        req->route = m->route->pattern;
        return NPG_OK;
    }
    return path_seen ? NPG_ENOTSUP : NPG_ENOTFOUND;
}
