/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "api/rest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "api/input.h"
#include "api/rest_routes.h"
#include "common/log.h"
#include "common/util.h"

const char *npg_rest_route_name(const npg_route_t *r)
{
    return r->pattern + strlen("/np_api/");
}

int npg_rest_ok(npg_rest_ctx_t *c, json_t *json)
{
    return npg_http_reply_json(c->req, 200, json);
}

int npg_rest_error(npg_rest_ctx_t *c, int status, const char *fmt, ...)
{
    char reason[768], result[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    snprintf(result, sizeof(result), "Exception raised in %s",
             c->m && c->m->route ? npg_rest_route_name(c->m->route) : c->req->path);
    snprintf(c->audit_detail, sizeof(c->audit_detail), "%d %.480s", status, reason);
    return npg_http_reply_error(c->req, status, result, reason);
}

int npg_rest_msisdn(npg_rest_ctx_t *c, const char *in, char out[NPG_E164_BUFLEN])
{
    if (!npg_is_digits(in) || npg_e164_validate(in) != NPG_OK) {
        npg_rest_error(c, 400,
                       "msisdn '%s' must be a full E.164 number: up to 15 digits, no '+',"
                       " no leading 0",
                       in);
        return NPG_EINVAL;
    }
    npg_strlcpy(out, in, NPG_E164_BUFLEN);
    return NPG_OK;
}

static int hexval(char ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

int npg_rest_query(const npg_rest_ctx_t *c, const char *name, char *out, size_t len)
{
    size_t nlen = strlen(name);
    for (const char *p = c->req->query; p && *p;) {
        const char *end = strchr(p, '&');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        if (plen > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            size_t o = 0;
            for (size_t i = nlen + 1; i < plen; i++) {
                int ch = (unsigned char)p[i];
                if (ch == '+')
                    ch = ' ';
                else if (ch == '%') {
                    int hi = i + 2 < plen ? hexval(p[i + 1]) : -1;
                    int lo = hi >= 0 ? hexval(p[i + 2]) : -1;
                    if (lo < 0 || (hi == 0 && lo == 0))
                        return NPG_EINVAL;
                    ch = hi * 16 + lo;
                    i += 2;
                }
                if (o + 1 >= len)
                    return NPG_EINVAL;
                out[o++] = (char)ch;
            }
            out[o] = '\0';
            return NPG_OK;
        }
        p = end ? end + 1 : NULL;
    }
    return NPG_ENOTFOUND;
}

int npg_rest_fail(npg_rest_ctx_t *c, int err, const char *reason)
{
    return npg_rest_error(c, npg_err_http_status(err), "%s",
                          reason && reason[0] ? reason : npg_strerror(err));
}

json_t *npg_rest_body_parse(const char *body, size_t len, char *why, size_t whylen)
{
    json_error_t jerr;
    json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (j && json_is_object(j))
        return j;
    snprintf(why, whylen, "request body is not a JSON object: %s (line %d, column %d)",
             j ? "not an object" : jerr.text, jerr.line, jerr.column);
    json_decref(j);
    return NULL;
}

/* Who did what, when, with what result: every mutating call, refused ones included. */
static void audit(npg_rest_ctx_t *c, int status)
{
    char action[96];
    snprintf(action, sizeof(action), "%s %s",
             c->req->method == NPG_HTTP_POST     ? "POST"
             : c->req->method == NPG_HTTP_DELETE ? "DELETE"
                                                 : "PUT",
             c->m->route ? npg_rest_route_name(c->m->route) : c->req->path);
    char result[16];
    snprintf(result, sizeof(result), "%d", status);
    if (!c->audit_target[0] && c->m->nparams)
        snprintf(c->audit_target, sizeof(c->audit_target), "%s", c->m->params[0]);
    int rc = npg_db_exec(c->db,
                         "INSERT INTO audit_log (actor, action, target, result, detail)"
                         " VALUES (?, ?, ?, ?, ?)",
                         NPG_DB_P(NPG_DB_S(c->user ? c->user : "-"), NPG_DB_S(action),
                                  NPG_DB_S(c->audit_target), NPG_DB_S(result),
                                  NPG_DB_S(c->audit_detail)),
                         NULL, NULL);
    if (rc != NPG_OK)
        npg_log(LOG_ERR, "audit", "could not record %s by %s", action, c->user);
}

/* 401 asks for credentials again; failed attempts go to the log, not the audit table. */
static int deny(npg_rest_ctx_t *c, const char *reason)
{
    npg_log(LOG_NOTICE, "rest", "401 %s for user '%s': %s", c->req->path,
            c->req->user ? c->req->user : "-", reason);
    return npg_rest_error(c, 401, "Authentication failed: %s", reason);
}

int npg_rest_handle(npg_http_req_t *req, const npg_rest_env_t *env)
{
    npg_route_match_t m = {0};
    npg_rest_ctx_t c = {.req = req, .m = &m, .env = env, .conf = env->conf, .pt = env->pt};
    size_t n;
    const npg_route_t *routes = npg_rest_routes(&n);
    int rc = npg_route_find(routes, n, req, &m);
    if (rc == NPG_ENOTSUP)
        return npg_rest_error(&c, 405, "method not allowed on %s", req->path);
    if (rc != NPG_OK)
        return npg_rest_error(&c, 404, "no such endpoint: %s", req->path);
    unsigned tiers = m.route->flags & NPG_REST_TIERS;
    if (tiers) { /* public routes (the API document) have no tiers */
        if (!req->user || !req->password)
            return deny(&c, "HTTP Basic credentials (user and API key) are required");
        rc = npg_apikey_check(env->pool, req->user, req->password, &c.tier);
        if (rc == NPG_EDBDOWN)
            return npg_rest_error(&c, 503, "database unavailable");
        if (rc != NPG_OK)
            return deny(&c, "unknown user or wrong API key");
        c.user = req->user;
    }
    if (npg_db_pool_get(env->pool, 5000, &c.db) != NPG_OK)
        return npg_rest_error(&c, 503, "database unavailable");
    req->ctx = &c;
    rc = NPG_OK;
    if (tiers && !(c.tier & tiers))
        npg_rest_error(&c, 403, "Forbidden: the %s tier may not use this endpoint",
                       npg_tier_name(c.tier));
    else if (req->body_len > 0 && !(m.route->flags & NPG_REST_RAW_BODY)) {
        char why[256];
        if (!(c.body = npg_rest_body_parse(req->body, req->body_len, why, sizeof(why))))
            npg_rest_error(&c, 400, "%s", why);
    }
    if (req->status == 0)
        rc = m.route->fn(req, &m); /* refused requests (403, bad JSON) never reach the handler */
    if (rc != NPG_OK && req->status == 0)
        npg_rest_fail(&c, rc, NULL);
    if (m.route->flags & NPG_REST_MUTATING)
        audit(&c, req->status);
    json_decref(c.body);
    npg_db_pool_put(env->pool, &c.db);
    return NPG_OK;
}
