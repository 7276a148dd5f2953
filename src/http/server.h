/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/server.h - the npgwd listener: HTTP and HTTPS, a pool of worker threads, limits. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "common/conf.h"
#include "common/error.h"

struct soap;
struct Namespace;

/* Sent with every 401 the listener replies, whichever handler or gSOAP path produced it, except
 * to a request with an X-Requested-With header: a page's script asking (the ops UI) handles the
 * 401 itself, and the challenge would make the browser open its own login dialog. */
#define NPG_HTTP_CHALLENGE "Basic realm=\"npgw\""

typedef struct npg_http_server npg_http_server_t;

typedef enum npg_http_method {
    NPG_HTTP_GET,
    NPG_HTTP_POST,
    NPG_HTTP_PUT,
    NPG_HTTP_DELETE,
    NPG_HTTP_HEAD,
    NPG_HTTP_PATCH,
} npg_http_method_t;

/* One non-SOAP request. Strings live in the request's gSOAP arena. */
typedef struct npg_http_req {
    struct soap *soap;
    npg_http_method_t method;
    const char *path;  /* without the query string */
    const char *query; /* after '?', "" when none */
    const char *body;  /* NUL-terminated; "" when none */
    size_t body_len;
    const char *user;     /* HTTP Basic user, NULL when absent */
    const char *password; /* HTTP Basic password, NULL when absent */
    bool tls;             /* it came over HTTPS */
    bool client_verified; /* with a client certificate that verified */
    void *app;
    void *ctx;  /* free for the handler layer (the REST API keeps its context here) */
    int status; /* the status replied, 0 before the reply */
    /* Extra reply headers, "Name: value" lines joined by CRLF (no trailing one), or NULL;
     * the handler sets them before it replies. Must live until the reply is sent. */
    const char *headers;
    const char *route; /* the route template matched (http/router.h), NULL before: metrics */
} npg_http_req_t;

/* Handles a request and sends its reply with npg_http_reply*; returns NPG_OK once replied. */
typedef int (*npg_http_handler_fn)(npg_http_req_t *req);
/* Decides whether a POST to this path carries SOAP (handed to soap_serve_request). */
typedef bool (*npg_http_is_soap_fn)(const char *path, void *app);

typedef struct npg_http_options {
    const npg_conf_t *conf;
    npg_http_handler_fn handle;  /* every request that is not a SOAP POST */
    npg_http_is_soap_fn is_soap; /* NULL: no path carries SOAP */
    const struct Namespace *namespaces;
    void *app;     /* handed to handlers as req->app and soap->user's app */
    bool tls_only; /* HTTPS on conf->http.tls_port and no plain listener (npsim --tls) */
} npg_http_options_t;

/*
 * Bind the listeners: plain HTTP on http.port (only on a loopback address unless
 * http.plain_http = yes) and HTTPS on http.tls_port when set. Fails with NPG_EIO and a log line
 * when a port is taken or a certificate cannot be used.
 */
int npg_http_server_new(const npg_http_options_t *opt, npg_http_server_t **out) NPG_WUR;
/* Accept and serve until npg_http_server_stop; returns after the workers finished. */
int npg_http_server_run(npg_http_server_t *srv) NPG_WUR;
/* Safe from a signal handler: ask run() to return. */
void npg_http_server_stop(npg_http_server_t *srv);
void npg_http_server_free(npg_http_server_t **srv);
/*
 * For a listener of its own (npsim): HTTPS only on port with cert/key when cert is set (the
 * caller then sets options.tls_only), conf's other TLS settings cleared. Returns whether TLS.
 */
bool npg_http_tls_listener(npg_conf_t *conf, int port, const char *cert, const char *key);
/* Read the certificate files again (SIGHUP; any thread): new connections use them, open ones
 * keep theirs. On an error (a sentence in err) the old certificate stays. */
int npg_http_server_reload(npg_http_server_t *srv, char *err, size_t errlen) NPG_WUR;
/* The ports actually bound (useful with port 0); 0 for a listener that is not open. */
int npg_http_server_port(const npg_http_server_t *srv);
int npg_http_server_tls_port(const npg_http_server_t *srv);

/* The application pointer of the server that serves this soap context. */
void *npg_http_app(struct soap *soap);

/* Send a whole reply. body may be NULL for an empty body. */
int npg_http_reply(npg_http_req_t *req, int status, const char *content_type, const char *body,
                   size_t len);
/* Send a JSON reply; takes ownership of (decrefs) json. */
int npg_http_reply_json(npg_http_req_t *req, int status, json_t *json);
/* {"result": result, "Reason": reason} with the given status. */
int npg_http_reply_error(npg_http_req_t *req, int status, const char *result, const char *reason);
