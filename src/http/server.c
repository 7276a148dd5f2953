/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stdsoap2.h"
#include "soapH.h"
#include "common/log.h"
#include "soap/client.h"

#define QUEUE_LEN 1024

struct npg_http_server {
    npg_http_options_t opt;
    struct soap *master;
    pthread_t *workers;
    int nworkers;
    volatile sig_atomic_t stopping;
    pthread_mutex_t lock;
    pthread_cond_t more, room;
    SOAP_SOCKET queue[QUEUE_LEN];
    int head, count;
    int (*orig_fparse)(struct soap *);
    int (*orig_fposthdr)(struct soap *, const char *, const char *);
    int (*orig_fparsehdr)(struct soap *, const char *, const char *);
};

/* The request this worker thread parses and answers asked for no Basic challenge on a 401;
 * a DELETE's Content-Length (see on_parsehdr). */
static __thread bool no_challenge;
static __thread ULONG64 delete_length;

void *npg_http_app(struct soap *soap)
{
    npg_http_server_t *srv = soap->user;
    return srv ? srv->opt.app : NULL;
}

int npg_http_server_port(const npg_http_server_t *srv)
{
    /* gSOAP keeps the port asked for; with 0 only the socket knows the one bound. */
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    if (getsockname(srv->master->master, (struct sockaddr *)&sa, &len) != 0)
        return srv->master->port;
    if (sa.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&sa)->sin6_port);
    return ntohs(((struct sockaddr_in *)&sa)->sin_port);
}

int npg_http_reply(npg_http_req_t *req, int status, const char *content_type, const char *body,
                   size_t len)
{
    struct soap *soap = req->soap;
    req->status = status;
    soap->http_content = content_type;
    soap->http_extra_header = req->headers; /* gSOAP sends it once, then clears it */
    if (!body)
        len = 0;
    /* Length known up front: no chunking, so keep-alive clients see a clean frame. */
    soap->length = len;
    soap->omode = (soap->omode & ~SOAP_IO) | SOAP_IO_BUFFER;
    soap->mode = (soap->mode & ~SOAP_IO) | SOAP_IO_BUFFER;
    if (soap_response(soap, SOAP_FILE + status) != SOAP_OK ||
        (len && req->method != NPG_HTTP_HEAD && soap_send_raw(soap, body, len) != SOAP_OK) ||
        soap_end_send(soap) != SOAP_OK) {
        soap_closesock(soap);
        return NPG_EIO;
    }
    return NPG_OK;
}

int npg_http_reply_json(npg_http_req_t *req, int status, json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(json);
    if (!text)
        return npg_http_reply(req, 500, "application/json",
                              "{\"result\":\"error\",\"Reason\":\"out of memory\"}", 43);
    int rc = npg_http_reply(req, status, "application/json", text, strlen(text));
    free(text);
    return rc;
}

int npg_http_reply_error(npg_http_req_t *req, int status, const char *result, const char *reason)
{
    return npg_http_reply_json(req, status,
                               json_pack("{s:s, s:s}", "result", result, "Reason", reason));
}

static int dispatch(struct soap *soap, npg_http_method_t method)
{
    npg_http_server_t *srv = soap->user;
    npg_http_req_t req = {.soap = soap, .method = method, .app = srv->opt.app, .body = ""};
    char *path = soap_strdup(soap, soap->path[0] ? soap->path : "/");
    char *q = strchr(path, '?');
    req.query = "";
    if (q) {
        *q = '\0';
        req.query = q + 1;
    }
    req.path = path;
    req.user = soap->userid;
    req.password = soap->passwd;
    if (method == NPG_HTTP_POST || method == NPG_HTTP_PUT || method == NPG_HTTP_PATCH ||
        method == NPG_HTTP_DELETE) {
        ULONG64 max = (ULONG64)srv->opt.conf->http.max_request_bytes;
        if (method == NPG_HTTP_DELETE)
            soap->length = delete_length; /* hidden from gSOAP: see on_parsehdr */
        if (soap->length > max)
            return npg_http_reply_error(&req, 413, "error", "request body too large");
        size_t len = 0;
        char *body = NULL;
        soap->error = SOAP_OK; /* SOAP_STOP from on_parse only routed the request here */
        if (soap->length > 0 || (soap->imode & SOAP_IO) == SOAP_IO_CHUNK)
            body = soap_http_get_body(soap, &len);
        if (soap->error) {
            soap->keep_alive = 0;
            return npg_http_reply_error(&req, soap->error == SOAP_EOM ? 413 : 400, "error",
                                        "could not read the request body");
        }
        req.body = body ? body : "";
        req.body_len = len;
    }
    int rc = srv->opt.handle(&req);
    if (rc != NPG_OK)
        npg_log_debug("http", "handler for %s returned %s", req.path, npg_strerror(rc));
    return SOAP_OK;
}

static int on_get(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_GET);
}
static int on_put(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_PUT);
}
static int on_patch(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_PATCH);
}
static int on_delete(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_DELETE);
}
static int on_head(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_HEAD);
}
static int on_post_form(struct soap *soap)
{
    return dispatch(soap, NPG_HTTP_POST);
}

/* After the header is parsed: a POST to a path that is not SOAP goes to the REST handler. */
static int on_parse(struct soap *soap)
{
    npg_http_server_t *srv = soap->user;
    soap->fform = NULL;
    no_challenge = false;
    delete_length = 0;
    int rc = srv->orig_fparse(soap);
    if (rc != SOAP_OK)
        return rc;
    if (soap->status == SOAP_POST || soap->status == 0) {
        const char *path = soap->path[0] ? soap->path : "/";
        if (!srv->opt.is_soap || !srv->opt.is_soap(path, srv->opt.app)) {
            soap->fform = on_post_form;
            return soap->error = SOAP_STOP;
        }
    }
    return SOAP_OK;
}

/*
 * Every 401 challenges for Basic credentials in our realm, whoever produced it. gSOAP writes
 * WWW-Authenticate only for a bare 401 status, not for the SOAP_FILE + 401 that carries our own
 * body and content type, and then with its default realm unless authrealm was set; so its header
 * is dropped and ours follows the status line.
 */
static int on_posthdr(struct soap *soap, const char *key, const char *val)
{
    npg_http_server_t *srv = soap->user;
    if (key && val && strcasecmp(key, "WWW-Authenticate") == 0)
        return SOAP_OK;
    int rc = srv->orig_fposthdr(soap, key, val);
    /* The status line comes as a key without value: "HTTP/1.1 401 ..." or CGI "Status: 401 ..." */
    const char *sp = key && !val ? strchr(key, ' ') : NULL;
    if (rc == SOAP_OK && sp && strncmp(sp, " 401 ", 5) == 0 && !no_challenge)
        rc = srv->orig_fposthdr(soap, "WWW-Authenticate", NPG_HTTP_CHALLENGE);
    return rc;
}

static int on_parsehdr(struct soap *soap, const char *key, const char *val)
{
    npg_http_server_t *srv = soap->user;
    if (key && val && strcasecmp(key, "X-Requested-With") == 0)
        no_challenge = true;
    /*
     * gSOAP skips a DELETE's body and forgets its length before calling fdel; a port-out
     * rejection carries its reason there. So gSOAP does not see that length and dispatch()
     * reads the body as for a POST. The method is not known yet while headers are parsed:
     * the request line is at the start of the buffer (a request pipelined behind another
     * is not, and keeps gSOAP's behaviour).
     */
    if (key && val && strcasecmp(key, "Content-Length") == 0 && soap->buflen > 7 &&
        strncmp(soap->buf, "DELETE ", 7) == 0) {
        delete_length = strtoull(val, NULL, 10);
        return SOAP_OK;
    }
    return srv->orig_fparsehdr(soap, key, val);
}

static void apply_limits(npg_http_server_t *srv, struct soap *soap)
{
    const npg_conf_t *c = srv->opt.conf;
    soap->recv_timeout = c->http.recv_timeout;
    soap->send_timeout = c->http.send_timeout;
    soap->transfer_timeout = c->http.transfer_timeout;
    soap->recv_maxlength = (ULONG64)c->http.max_request_bytes;
    soap->maxlevel = (unsigned)c->http.max_xml_depth;
    soap->maxoccurs = 10000;
    soap->max_keep_alive = c->http.keepalive_max;
    soap->bind_flags = SO_REUSEADDR;
    soap->accept_timeout = 1; /* wake up each second to notice stop() */
    soap->user = srv;
    soap->fget = on_get;
    soap->fput = on_put;
    soap->fpatch = on_patch;
    soap->fdel = on_delete;
    soap->fhead = on_head;
}

static void *worker_main(void *arg)
{
    struct soap *soap = arg;
    npg_http_server_t *srv = soap->user;
    for (;;) {
        pthread_mutex_lock(&srv->lock);
        while (srv->count == 0 && !srv->stopping)
            pthread_cond_wait(&srv->more, &srv->lock);
        if (srv->count == 0 && srv->stopping) {
            pthread_mutex_unlock(&srv->lock);
            break;
        }
        soap->socket = srv->queue[srv->head];
        srv->head = (srv->head + 1) % QUEUE_LEN;
        srv->count--;
        pthread_cond_signal(&srv->room);
        pthread_mutex_unlock(&srv->lock);

        soap_serve(soap); /* generated: loops over keep-alive requests */
        soap_destroy(soap);
        soap_end(soap);
        soap_force_closesock(soap);
    }
    soap_free(soap);
    return NULL;
}

int npg_http_server_new(const npg_http_options_t *opt, npg_http_server_t **out)
{
    npg_http_server_t *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return NPG_ENOMEM;
    srv->opt = *opt;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->more, NULL);
    pthread_cond_init(&srv->room, NULL);
    srv->master = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!srv->master) {
        free(srv);
        return NPG_ENOMEM;
    }
    if (opt->namespaces)
        soap_set_namespaces(srv->master, opt->namespaces);
    apply_limits(srv, srv->master);
    srv->orig_fparse = srv->master->fparse;
    srv->master->fparse = on_parse;
    srv->orig_fposthdr = srv->master->fposthdr;
    srv->master->fposthdr = on_posthdr;
    srv->orig_fparsehdr = srv->master->fparsehdr;
    srv->master->fparsehdr = on_parsehdr;
    const npg_conf_t *c = opt->conf;
    if (!soap_valid_socket(soap_bind(srv->master, c->http.listen, c->http.port, c->http.backlog))) {
        char msg[256];
        npg_soap_error_text(srv->master, msg, sizeof(msg));
        npg_log(LOG_ERR, "http", "cannot listen on %s:%d: %s", c->http.listen, c->http.port, msg);
        soap_free(srv->master);
        free(srv);
        return NPG_EIO;
    }
    npg_log(LOG_NOTICE, "http", "listening on http://%s:%d/", c->http.listen,
            npg_http_server_port(srv));
    *out = srv;
    return NPG_OK;
}

int npg_http_server_run(npg_http_server_t *srv)
{
    int n = srv->opt.conf->http.threads;
    srv->workers = calloc((size_t)n, sizeof(*srv->workers));
    if (!srv->workers)
        return NPG_ENOMEM;
    for (int i = 0; i < n; i++) {
        struct soap *copy = soap_copy(srv->master);
        if (!copy || pthread_create(&srv->workers[i], NULL, worker_main, copy) != 0) {
            npg_log(LOG_ERR, "http", "cannot start worker %d", i);
            if (copy)
                soap_free(copy);
            break;
        }
        srv->nworkers++;
    }
    while (!srv->stopping) {
        SOAP_SOCKET s = soap_accept(srv->master);
        if (!soap_valid_socket(s)) {
            if (srv->master->errnum && !srv->stopping)
                npg_log(LOG_WARNING, "http", "accept failed (errno %d)", srv->master->errnum);
            continue; /* timeout or transient error */
        }
        pthread_mutex_lock(&srv->lock);
        while (srv->count == QUEUE_LEN && !srv->stopping)
            pthread_cond_wait(&srv->room, &srv->lock);
        if (srv->stopping) {
            pthread_mutex_unlock(&srv->lock);
            soap_closesocket(s);
            break;
        }
        srv->queue[(srv->head + srv->count) % QUEUE_LEN] = s;
        srv->count++;
        pthread_cond_signal(&srv->more);
        pthread_mutex_unlock(&srv->lock);
    }
    pthread_mutex_lock(&srv->lock);
    srv->stopping = 1;
    pthread_cond_broadcast(&srv->more);
    pthread_cond_broadcast(&srv->room);
    pthread_mutex_unlock(&srv->lock);
    for (int i = 0; i < srv->nworkers; i++)
        pthread_join(srv->workers[i], NULL);
    npg_log(LOG_NOTICE, "http", "listener stopped");
    return NPG_OK;
}

void npg_http_server_stop(npg_http_server_t *srv)
{
    srv->stopping = 1; /* the accept loop notices within accept_timeout */
}

void npg_http_server_free(npg_http_server_t **srvp)
{
    npg_http_server_t *srv = srvp ? *srvp : NULL;
    if (!srv)
        return;
    for (int i = 0; i < srv->count; i++)
        soap_closesocket(srv->queue[(srv->head + i) % QUEUE_LEN]);
    soap_free(srv->master);
    pthread_mutex_destroy(&srv->lock);
    pthread_cond_destroy(&srv->more);
    pthread_cond_destroy(&srv->room);
    free(srv->workers);
    free(srv);
    *srvp = NULL;
}
