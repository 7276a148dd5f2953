/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/server.h - the npgwd listener: one gSOAP HTTP socket, a pool of worker threads, limits. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "common/conf.h"
#include "common/error.h"

struct soap;
struct Namespace;

/* Sent with every 401 the listener replies, whichever handler or gSOAP path produced it. */
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
    void *app;
    void *ctx;  /* free for the handler layer (the REST API keeps its context here) */
    int status; /* the status replied, 0 before the reply */
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
    void *app; /* handed to handlers as req->app and soap->user's app */
} npg_http_options_t;

/* Bind the listener (fails with NPG_EIO and a log line when the port is taken). */
int npg_http_server_new(const npg_http_options_t *opt, npg_http_server_t **out) NPG_WUR;
/* Accept and serve until npg_http_server_stop; returns after the workers finished. */
int npg_http_server_run(npg_http_server_t *srv) NPG_WUR;
/* Safe from a signal handler: ask run() to return. */
void npg_http_server_stop(npg_http_server_t *srv);
void npg_http_server_free(npg_http_server_t **srv);
/* The port actually bound (useful with port 0). */
int npg_http_server_port(const npg_http_server_t *srv);

/* The application pointer of the server that serves this soap context. */
void *npg_http_app(struct soap *soap);

/* Send a whole reply. body may be NULL for an empty body. */
int npg_http_reply(npg_http_req_t *req, int status, const char *content_type, const char *body,
                   size_t len);
/* Send a JSON reply; takes ownership of (decrefs) json. */
int npg_http_reply_json(npg_http_req_t *req, int status, json_t *json);
/* {"result": result, "Reason": reason} with the given status. */
int npg_http_reply_error(npg_http_req_t *req, int status, const char *result, const char *reason);
