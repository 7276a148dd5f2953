/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The HTTP front: one thread accepts and reads every connection (non-blocking, epoll) until
 * it holds a whole request (http/request.h), with one deadline for the whole request; only
 * then does a worker see it. The worker runs gSOAP on that request in memory (the handlers,
 * the SOAP services and the 401 challenge stay gSOAP's), and its reply is written back by
 * the front. A slow or hostile client costs a file descriptor, never a worker. HTTPS is the
 * same front with OpenSSL between the socket and the buffers: the handshake is driven from
 * epoll under the same whole-request deadline, and a worker never sees TLS.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/tls.h"
#include "common/util.h"
#include "http/request.h"
#include "soapH.h"
#include "stdsoap2.h"

#define READ_CHUNK 16384
#define TICK_MS 250
#define CONTINUE "HTTP/1.1 100 Continue\r\n\r\n"

typedef enum conn_state { C_TLS, C_READ, C_WORK, C_WRITE } conn_state_t; /* C_TLS: handshake */

typedef struct conn {
    int fd;
    SSL *ssl;                 /* NULL on the plain listener */
    bool client_verified;     /* a client certificate was shown and verified */
    struct conn *prev, *next; /* every connection, oldest first */
    struct conn *qnext;       /* the work or done queue */
    char addr[INET6_ADDRSTRLEN];
    conn_state_t st;
    char *in; /* the current request's bytes, and any pipelined after it */
    size_t in_len, in_cap;
    npg_http_frame_t frame;
    bool continue_sent, close_after;
    int64_t deadline; /* ms: whole request, idle keep-alive, or whole reply */
    int64_t progress; /* ms: last byte written */
    char *out;        /* the reply */
    size_t out_len, out_cap, out_off;
    int served;
} conn_t;

struct npg_http_server {
    npg_http_options_t opt;
    struct soap *master;         /* settings and callbacks every worker copies */
    int lfd, tls_lfd, efd, wake; /* listeners, epoll, eventfd (workers' replies, stop, reload) */
    int port, tls_port;
    SSL_CTX *tls_ctx;  /* new connections take this one; a reload replaces it */
    SSL_CTX *tls_next; /* a reload's, until the epoll thread takes it (atomic) */
    pthread_t *workers;
    int nworkers;
    volatile sig_atomic_t stopping;
    pthread_mutex_t lock;
    pthread_cond_t more;
    conn_t *work_head, *work_tail, *done_head, *done_tail; /* under lock */
    conn_t *first, *last;                                  /* front thread only */
    int nconns;
    bool accept_paused;
    int (*orig_fparse)(struct soap *);
    int (*orig_fposthdr)(struct soap *, const char *, const char *);
    int (*orig_fparsehdr)(struct soap *, const char *, const char *);
};

/* The request this worker answers asked for no Basic challenge on a 401 (see on_parsehdr). */
static __thread bool no_challenge;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *npg_http_app(struct soap *soap)
{
    npg_http_server_t *srv = soap->user;
    return srv ? srv->opt.app : NULL;
}

int npg_http_server_port(const npg_http_server_t *srv)
{
    return srv->port;
}

/* --- replies (run in a worker, written into the request's memory) ------------------------ */

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

/* --- gSOAP on a request in memory ------------------------------------------------------ */

/* The request a worker serves now: gSOAP reads it from here and writes the reply to conn. */
typedef struct mem_io {
    conn_t *conn;
    const char *in;
    size_t len, pos;
    bool closed; /* gSOAP asked to close: no keep-alive after this reply */
} mem_io_t;

static __thread mem_io_t *cur_io;

static size_t mem_recv(struct soap *soap, char *buf, size_t len)
{
    (void)soap;
    mem_io_t *io = cur_io;
    if (!io)
        return 0;
    size_t n = io->len - io->pos < len ? io->len - io->pos : len;
    memcpy(buf, io->in + io->pos, n);
    io->pos += n;
    return n;
}

static bool out_append(conn_t *c, const char *s, size_t n)
{
    if (n == 0) /* gSOAP sends empty pieces; memcpy into a NULL buffer is undefined even so */
        return true;
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + n)
            cap *= 2;
        char *p = realloc(c->out, cap);
        if (!p)
            return false;
        c->out = p, c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
    return true;
}

static int mem_send(struct soap *soap, const char *s, size_t n)
{
    (void)soap;
    return cur_io && out_append(cur_io->conn, s, n) ? SOAP_OK : SOAP_EOF;
}

static int mem_close(struct soap *soap)
{
    (void)soap;
    if (cur_io) /* also called when a context is freed, outside any request */
        cur_io->closed = true;
    return SOAP_OK;
}

static int mem_closesocket(struct soap *soap, SOAP_SOCKET s)
{
    (void)soap, (void)s;
    return SOAP_OK;
}

static int mem_shutdown(struct soap *soap, SOAP_SOCKET s, int how)
{
    (void)soap, (void)s, (void)how;
    return SOAP_OK;
}

static int mem_poll(struct soap *soap)
{
    (void)soap;
    return SOAP_OK;
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
    req.tls = cur_io && cur_io->conn->ssl;
    req.client_verified = cur_io && cur_io->conn->client_verified;
    if (method == NPG_HTTP_POST || method == NPG_HTTP_PUT || method == NPG_HTTP_PATCH ||
        method == NPG_HTTP_DELETE) {
        /* The front framed the whole body: it ends the request in memory. Taken from there, not
         * from gSOAP, which skips a DELETE's body (a port-out rejection carries its reason). */
        const npg_http_frame_t *f = &cur_io->conn->frame;
        size_t len = f->body_len;
        char *body = soap_malloc(soap, len + 1);
        if (!body)
            return npg_http_reply_error(&req, 500, "error", "out of memory");
        memcpy(body, f->out + f->out_len - len, len);
        body[len] = '\0';
        soap->error = SOAP_OK; /* SOAP_STOP from on_parse only routed the request here */
        req.body = body;
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

/* After the header is parsed: a POST to a path that is not SOAP goes to the handler. */
static int on_parse(struct soap *soap)
{
    npg_http_server_t *srv = soap->user;
    soap->fform = NULL;
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

/* A page's script (X-Requested-With) handles a 401 itself: a challenge would make the browser
 * open its own login dialog over the ops UI's key form. */
static int on_parsehdr(struct soap *soap, const char *key, const char *val)
{
    npg_http_server_t *srv = soap->user;
    if (key && val && strcasecmp(key, "X-Requested-With") == 0)
        no_challenge = true;
    return srv->orig_fparsehdr(soap, key, val);
}

/* One whole request, in memory, through gSOAP: the reply goes to c->out. */
static void serve(struct soap *soap, conn_t *c)
{
    mem_io_t io = {.conn = c, .in = c->frame.out, .len = c->frame.out_len};
    cur_io = &io;
    no_challenge = false;
    c->out_len = c->out_off = 0;
    soap->socket = c->fd; /* a network session to gSOAP; every byte goes through mem_* */
    soap->keep_alive = c->frame.keep_alive ? 1 : 0;
    snprintf(soap->host, sizeof(soap->host), "%s", c->addr);
    if (soap_begin_serve(soap) == SOAP_OK && soap_serve_request(soap) && soap->error &&
        soap->error < SOAP_STOP)
        soap_send_fault(soap);
    c->close_after = !c->frame.keep_alive || io.closed || soap->keep_alive == 0;
    soap_destroy(soap);
    soap_end(soap);
    soap->socket = SOAP_INVALID_SOCKET;
    cur_io = NULL;
}

static void *worker_main(void *arg)
{
    struct soap *soap = arg;
    npg_http_server_t *srv = soap->user;
    for (;;) {
        pthread_mutex_lock(&srv->lock);
        while (!srv->work_head && !srv->stopping)
            pthread_cond_wait(&srv->more, &srv->lock);
        conn_t *c = srv->work_head;
        if (!c) {
            pthread_mutex_unlock(&srv->lock);
            break;
        }
        srv->work_head = c->qnext;
        if (!srv->work_head)
            srv->work_tail = NULL;
        pthread_mutex_unlock(&srv->lock);

        serve(soap, c);

        pthread_mutex_lock(&srv->lock);
        c->qnext = NULL;
        if (srv->done_tail)
            srv->done_tail->qnext = c;
        else
            srv->done_head = c;
        srv->done_tail = c;
        pthread_mutex_unlock(&srv->lock);
        uint64_t one = 1;
        if (write(srv->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
            npg_log(LOG_WARNING, "http", "cannot wake the front: %s", strerror(errno));
    }
    soap_free(soap);
    return NULL;
}

/* --- the front: connections, framing, deadlines, limits --------------------------------- */

static void conn_free(npg_http_server_t *srv, conn_t *c)
{
    epoll_ctl(srv->efd, EPOLL_CTL_DEL, c->fd, NULL);
    npg_tls_close(&c->ssl);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->first = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        srv->last = c->prev;
    srv->nconns--;
    npg_http_frame_clear(&c->frame);
    free(c->in);
    free(c->out);
    free(c);
}

static void watch(npg_http_server_t *srv, conn_t *c, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(srv->efd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* recv(2)/send(2), through TLS when the connection has it: bytes, 0 when the peer closed, or
 * -1 with errno EAGAIN (wait for the socket) or another errno (give up). */
static ssize_t io_result(npg_tls_io_t io, size_t n)
{
    switch (io) {
    case NPG_TLS_OK:
        return (ssize_t)n;
    case NPG_TLS_WANT_READ:
    case NPG_TLS_WANT_WRITE:
        errno = EAGAIN;
        return -1;
    case NPG_TLS_CLOSED:
        return 0;
    default:
        errno = EPROTO;
        return -1;
    }
}

static ssize_t conn_recv(conn_t *c, void *buf, size_t len)
{
    if (!c->ssl)
        return recv(c->fd, buf, len, 0);
    size_t n = 0;
    npg_tls_io_t io = npg_tls_read(c->ssl, buf, len, &n); /* before n is read */
    return io_result(io, n);
}

static ssize_t conn_send(conn_t *c, const void *buf, size_t len)
{
    if (!c->ssl)
        return send(c->fd, buf, len, MSG_NOSIGNAL);
    size_t n = 0;
    npg_tls_io_t io = npg_tls_write(c->ssl, buf, len, &n);
    return io_result(io, n);
}

static bool idle(const conn_t *c)
{
    return c->st == C_READ && c->in_len == 0;
}

/* Make room: the oldest idle keep-alive connection (of addr when given) is closed. */
static bool shed_idle(npg_http_server_t *srv, const char *addr)
{
    for (conn_t *c = srv->first; c; c = c->next)
        if (idle(c) && (!addr || strcmp(c->addr, addr) == 0)) {
            conn_free(srv, c);
            return true;
        }
    return false;
}

static int count_from(const npg_http_server_t *srv, const char *addr)
{
    int n = 0;
    for (const conn_t *c = srv->first; c; c = c->next)
        n += strcmp(c->addr, addr) == 0;
    return n;
}

/* A reply the front writes itself: framing errors and refusals, then close. */
static void front_reply(npg_http_server_t *srv, conn_t *c, int status, const char *reason)
{
    static const struct {
        int status;
        const char *text;
    } texts[] = {{400, "Bad Request"},
                 {403, "Forbidden"},
                 {408, "Request Timeout"},
                 {413, "Payload Too Large"},
                 {431, "Request Header Fields Too Large"},
                 {500, "Internal Server Error"},
                 {501, "Not Implemented"},
                 {503, "Service Unavailable"},
                 {505, "HTTP Version Not Supported"}};
    const char *text = "Error";
    for (size_t i = 0; i < NPG_ARRAY_LEN(texts); i++)
        if (texts[i].status == status)
            text = texts[i].text;
    char body[300], head[300];
    json_t *j = json_pack("{s:s, s:s}", "result", "error", "Reason", reason);
    char *js = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    snprintf(body, sizeof(body), "%s", js ? js : "{}");
    free(js);
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, text, strlen(body));
    c->out_len = c->out_off = 0;
    if (!out_append(c, head, (size_t)n) || !out_append(c, body, strlen(body))) {
        conn_free(srv, c);
        return;
    }
    c->close_after = true;
    c->st = C_WRITE;
    c->progress = now_ms();
    c->deadline = c->progress + srv->opt.conf->http.transfer_timeout * 1000;
    watch(srv, c, EPOLLOUT);
}

static void to_worker(npg_http_server_t *srv, conn_t *c)
{
    c->st = C_WORK;
    watch(srv, c, 0); /* nothing to read until the reply is out */
    pthread_mutex_lock(&srv->lock);
    c->qnext = NULL;
    if (srv->work_tail)
        srv->work_tail->qnext = c;
    else
        srv->work_head = c;
    srv->work_tail = c;
    pthread_cond_signal(&srv->more);
    pthread_mutex_unlock(&srv->lock);
}

static npg_http_limits_t limits_for(const npg_http_server_t *srv, const conn_t *c)
{
    const npg_conf_t *conf = srv->opt.conf;
    return (npg_http_limits_t){.max_head = (size_t)conf->http.max_header_bytes,
                               .max_body = (size_t)conf->http.max_request_bytes,
                               .max_fields = 100,
                               .close = srv->stopping || c->served + 1 >= conf->http.keepalive_max};
}

/* Whether the target of the request (its first line, "METHOD target HTTP/1.1") falls under
 * one of [http] tls_client_cert_paths. */
static bool needs_client_cert(const npg_conf_t *conf, const char *request)
{
    const char *list = conf->http.tls_client_cert_paths;
    if (!list[0])
        return false;
    const char *target = strchr(request, ' ');
    if (!target)
        return true;
    target++;
    size_t tlen = strcspn(target, " ?");
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t n = strcspn(p, " ,");
        if (n && n <= tlen && strncmp(target, p, n) == 0)
            return true;
        p += n;
    }
    return false;
}

/* Look at what arrived: a whole request goes to a worker, a bad one gets its error. */
static void frame(npg_http_server_t *srv, conn_t *c)
{
    if (c->in_len == 0)
        return;
    npg_http_limits_t lim = limits_for(srv, c);
    switch (npg_http_frame_feed(&c->frame, c->in, c->in_len, &lim)) {
    case NPG_FRAME_DONE:
        if (!c->client_verified && needs_client_cert(srv->opt.conf, c->frame.out))
            front_reply(srv, c, 403,
                        c->ssl ? "this path needs a client certificate from a CA npgw trusts"
                               : "this path is served over HTTPS with a client certificate only");
        else
            to_worker(srv, c);
        break;
    case NPG_FRAME_ERROR:
        front_reply(srv, c, c->frame.status, c->frame.reason);
        break;
    case NPG_FRAME_MORE:
        if (c->frame.head_done && c->frame.expect_continue && !c->continue_sent) {
            c->continue_sent = true; /* the client waits for this before the body */
            if (conn_send(c, CONTINUE, sizeof(CONTINUE) - 1) < 0)
                c->close_after = true;
        }
        break;
    }
}

static void on_readable(npg_http_server_t *srv, conn_t *c)
{
    for (;;) {
        if (c->in_cap - c->in_len < READ_CHUNK) {
            size_t cap = c->in_cap ? c->in_cap * 2 : READ_CHUNK * 2;
            char *p = realloc(c->in, cap);
            if (!p) {
                conn_free(srv, c);
                return;
            }
            c->in = p, c->in_cap = cap;
        }
        ssize_t n = conn_recv(c, c->in + c->in_len, c->in_cap - c->in_len);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            conn_free(srv, c); /* the client went away: nothing it sent half is processed */
            return;
        }
        if (n < 0)
            break;
        if (c->in_len == 0) /* a request's first byte: its whole-request deadline starts */
            c->deadline = now_ms() + srv->opt.conf->http.recv_timeout * 1000;
        c->in_len += (size_t)n;
        /* never buffer more than one request can be, plus the head of a pipelined next one */
        if (c->in_len > (size_t)srv->opt.conf->http.max_request_bytes +
                            2 * (size_t)srv->opt.conf->http.max_header_bytes)
            break;
    }
    frame(srv, c);
}

/* The reply is out: the next request (maybe already here, pipelined) or close. */
static void reply_sent(npg_http_server_t *srv, conn_t *c)
{
    if (c->close_after || srv->stopping) {
        conn_free(srv, c);
        return;
    }
    size_t used = c->frame.consumed;
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    npg_http_frame_clear(&c->frame);
    c->continue_sent = false;
    c->served++;
    c->st = C_READ;
    c->deadline = now_ms() + srv->opt.conf->http.recv_timeout * 1000;
    watch(srv, c, EPOLLIN);
    frame(srv, c);
    if (c->st == C_READ && c->ssl && npg_tls_pending(c->ssl))
        on_readable(srv, c); /* decrypted already: epoll will not say so */
}

static void on_writable(npg_http_server_t *srv, conn_t *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = conn_send(c, c->out + c->out_off, c->out_len - c->out_off);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return;
        if (n <= 0) {
            conn_free(srv, c);
            return;
        }
        c->out_off += (size_t)n;
        c->progress = now_ms();
    }
    reply_sent(srv, c);
}

/* The TLS handshake, as far as the socket lets it go now. */
static void on_handshake(npg_http_server_t *srv, conn_t *c)
{
    char why[300] = "";
    switch (npg_tls_handshake(c->ssl, why, sizeof(why))) {
    case NPG_TLS_OK:
        c->client_verified = npg_tls_client_verified(c->ssl);
        c->st = C_READ;
        watch(srv, c, EPOLLIN);
        on_readable(srv, c); /* the request may have come with the handshake's last flight */
        break;
    case NPG_TLS_WANT_READ:
        watch(srv, c, EPOLLIN);
        break;
    case NPG_TLS_WANT_WRITE:
        watch(srv, c, EPOLLOUT);
        break;
    default:
        npg_log(LOG_INFO, "http", "%s: TLS handshake failed: %s", c->addr, why);
        conn_free(srv, c);
    }
}

/* Workers' replies: write what fits now, the rest when the socket takes it. */
static void collect_done(npg_http_server_t *srv)
{
    uint64_t v;
    while (read(srv->wake, &v, sizeof(v)) > 0)
        ;
    pthread_mutex_lock(&srv->lock);
    conn_t *c = srv->done_head;
    srv->done_head = srv->done_tail = NULL;
    pthread_mutex_unlock(&srv->lock);
    while (c) {
        conn_t *next = c->qnext;
        if (c->out_len == 0) {
            front_reply(srv, c, 500, "no reply was produced");
        } else {
            c->st = C_WRITE;
            c->progress = now_ms();
            c->deadline = c->progress + srv->opt.conf->http.transfer_timeout * 1000;
            watch(srv, c, EPOLLOUT);
            on_writable(srv, c);
        }
        c = next;
    }
}

static void on_accept(npg_http_server_t *srv, int lfd)
{
    const npg_conf_t *conf = srv->opt.conf;
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof(sa);
        int fd = accept(lfd, (struct sockaddr *)&sa, &len);
        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && !shed_idle(srv, NULL)) {
                /* nothing to shed: stop listening until the next tick rather than spin */
                npg_log(LOG_WARNING, "http", "out of file descriptors: accepting paused");
                if (srv->lfd >= 0)
                    epoll_ctl(srv->efd, EPOLL_CTL_DEL, srv->lfd, NULL);
                if (srv->tls_lfd >= 0)
                    epoll_ctl(srv->efd, EPOLL_CTL_DEL, srv->tls_lfd, NULL);
                srv->accept_paused = true;
            }
            return;
        }
        char addr[INET6_ADDRSTRLEN] = "?";
        if (sa.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, addr, sizeof(addr));
        else if (sa.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, addr, sizeof(addr));
        if ((srv->nconns >= conf->http.max_connections && !shed_idle(srv, NULL)) ||
            (count_from(srv, addr) >= conf->http.max_connections_per_client &&
             !shed_idle(srv, addr))) {
            close(fd); /* every slot holds a request under way: this one waits for none */
            continue;
        }
        conn_t *c = calloc(1, sizeof(*c));
        if (!c) {
            close(fd);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->fd = fd;
        snprintf(c->addr, sizeof(c->addr), "%s", addr);
        c->st = C_READ;
        if (lfd == srv->tls_lfd) {
            c->st = C_TLS;
            if (!(c->ssl = npg_tls_accept_new(srv->tls_ctx, fd))) {
                close(fd);
                free(c);
                continue;
            }
        }
        c->deadline = now_ms() + conf->http.recv_timeout * 1000;
        npg_http_frame_init(&c->frame);
        c->prev = srv->last;
        if (srv->last)
            srv->last->next = c;
        else
            srv->first = c;
        srv->last = c;
        srv->nconns++;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(srv->efd, EPOLL_CTL_ADD, fd, &ev);
    }
}

/* Requests that did not arrive whole in time are dropped, never processed. */
static void expire(npg_http_server_t *srv)
{
    int64_t now = now_ms();
    int send_ms = srv->opt.conf->http.send_timeout * 1000;
    for (conn_t *c = srv->first, *next; c; c = next) {
        next = c->next;
        if ((c->st == C_READ || c->st == C_TLS) && now >= c->deadline) {
            if (c->in_len > 0)
                npg_log(LOG_INFO, "http", "%s: request not complete within %d s, dropped", c->addr,
                        srv->opt.conf->http.recv_timeout);
            conn_free(srv, c);
        } else if (c->st == C_WRITE && (now >= c->deadline || now - c->progress >= send_ms)) {
            conn_free(srv, c);
        }
    }
}

/* --- lifecycle ------------------------------------------------------------------------- */

static int listen_on(const char *host, int port, int backlog, int *out)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *res = NULL;
    char ps[8];
    snprintf(ps, sizeof(ps), "%d", port);
    int rc = getaddrinfo(host, ps, &hints, &res);
    if (rc != 0) {
        npg_log(LOG_ERR, "http", "cannot listen on %s:%d: %s", host, port, gai_strerror(rc));
        return NPG_EIO;
    }
    int fd = -1;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        int one = 1;
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
                        bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, backlog) != 0)) {
            npg_log(LOG_ERR, "http", "cannot listen on %s:%d: %s", host, port, strerror(errno));
            close(fd);
            fd = -1;
            break;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        return NPG_EIO;
    *out = fd;
    return NPG_OK;
}

static int bound_port(int fd, int configured)
{
    struct sockaddr_storage sa;
    socklen_t len = sizeof(sa);
    if (getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return configured;
    return ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                          : ((struct sockaddr_in *)&sa)->sin_port);
}

static bool is_loopback(const char *host)
{
    return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
           strcmp(host, "localhost") == 0;
}

/* A reload's context replaces the one new connections get; open ones keep theirs. */
static void tls_take_next(npg_http_server_t *srv)
{
    SSL_CTX *next = __atomic_exchange_n(&srv->tls_next, NULL, __ATOMIC_ACQ_REL);
    if (!next)
        return;
    SSL_CTX_free(srv->tls_ctx); /* sessions still open hold their own reference */
    srv->tls_ctx = next;
}

static int add_listener(npg_http_server_t *srv, int *fd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = fd};
    return *fd < 0 || epoll_ctl(srv->efd, EPOLL_CTL_ADD, *fd, &ev) == 0 ? NPG_OK : NPG_EIO;
}

/* Enough descriptors for every connection the limits allow. */
static void raise_fd_limit(int want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int npg_http_server_new(const npg_http_options_t *opt, npg_http_server_t **out)
{
    npg_http_server_t *srv = calloc(1, sizeof(*srv));
    if (!srv)
        return NPG_ENOMEM;
    srv->opt = *opt;
    srv->lfd = srv->tls_lfd = srv->efd = srv->wake = -1;
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->more, NULL);
    const npg_conf_t *c = opt->conf;
    srv->master = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT | SOAP_C_UTFSTRING);
    if (!srv->master)
        goto fail;
    struct soap *m = srv->master;
    if (opt->namespaces)
        soap_set_namespaces(m, opt->namespaces);
    m->recv_maxlength = (ULONG64)c->http.max_request_bytes;
    m->maxlevel = (unsigned)c->http.max_xml_depth;
    m->maxoccurs = 10000;
    m->user = srv;
    m->fget = on_get;
    m->fput = on_put;
    m->fpatch = on_patch;
    m->fdel = on_delete;
    m->fhead = on_head;
    srv->orig_fparse = m->fparse;
    m->fparse = on_parse;
    srv->orig_fposthdr = m->fposthdr;
    m->fposthdr = on_posthdr;
    srv->orig_fparsehdr = m->fparsehdr;
    m->fparsehdr = on_parsehdr;
    m->frecv = mem_recv;
    m->fsend = mem_send;
    m->fclose = mem_close;
    m->fclosesocket = mem_closesocket;
    m->fshutdownsocket = mem_shutdown;
    m->fpoll = mem_poll;
    raise_fd_limit(c->http.max_connections + c->database.pool_size + 256);
    /* plain HTTP carries API keys in clear: loopback only, unless asked for */
    bool plain =
        !opt->tls_only && (is_loopback(c->http.listen) || !strcmp(c->http.plain_http, "yes"));
    if (!opt->tls_only && !plain && c->http.tls_port == 0) {
        npg_log(LOG_ERR, "http",
                "refusing plain HTTP on %s, which is not a loopback address: set [http] tls_port"
                " with a certificate, or plain_http = yes",
                c->http.listen);
        goto fail;
    }
    if (c->http.tls_port > 0 || opt->tls_only) {
        char err[512];
        if (npg_tls_server_ctx(c, &srv->tls_ctx, err, sizeof(err)) != NPG_OK) {
            npg_log(LOG_ERR, "http", "%s", err);
            goto fail;
        }
        if (listen_on(c->http.listen, c->http.tls_port, c->http.backlog, &srv->tls_lfd) != NPG_OK)
            goto fail;
        srv->tls_port = bound_port(srv->tls_lfd, c->http.tls_port);
    }
    if (plain) {
        if (listen_on(c->http.listen, c->http.port, c->http.backlog, &srv->lfd) != NPG_OK)
            goto fail;
        srv->port = bound_port(srv->lfd, c->http.port);
    }
    srv->efd = epoll_create1(EPOLL_CLOEXEC);
    srv->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (srv->efd < 0 || srv->wake < 0)
        goto fail;
    struct epoll_event we = {.events = EPOLLIN, .data.ptr = &srv->wake};
    if (add_listener(srv, &srv->lfd) != NPG_OK || add_listener(srv, &srv->tls_lfd) != NPG_OK ||
        epoll_ctl(srv->efd, EPOLL_CTL_ADD, srv->wake, &we) != 0)
        goto fail;
    if (srv->lfd >= 0)
        npg_log(LOG_NOTICE, "http", "listening on http://%s:%d/", c->http.listen, srv->port);
    else
        npg_log(LOG_NOTICE, "http", "no plain HTTP on %s (not loopback, plain_http = no)",
                c->http.listen);
    if (srv->tls_lfd >= 0)
        npg_log(LOG_NOTICE, "http", "listening on https://%s:%d/", c->http.listen, srv->tls_port);
    *out = srv;
    return NPG_OK;
fail:
    npg_http_server_free(&srv);
    return NPG_EIO;
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
    struct epoll_event evs[256];
    int64_t next_tick = now_ms() + TICK_MS;
    while (!srv->stopping) {
        int k = epoll_wait(srv->efd, evs, NPG_ARRAY_LEN(evs), TICK_MS);
        for (int i = 0; i < k; i++) {
            void *p = evs[i].data.ptr;
            if (p == &srv->lfd || p == &srv->tls_lfd) {
                on_accept(srv, *(int *)p);
            } else if (p == &srv->wake) {
                collect_done(srv);
                tls_take_next(srv);
            } else {
                conn_t *c = p;
                if (c->st == C_TLS)
                    on_handshake(srv, c);
                else if (c->st == C_READ && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    on_readable(srv, c);
                else if (c->st == C_WRITE && (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
                    on_writable(srv, c);
            }
        }
        if (now_ms() >= next_tick) {
            expire(srv);
            if (srv->accept_paused)
                srv->accept_paused = add_listener(srv, &srv->lfd) != NPG_OK ||
                                     add_listener(srv, &srv->tls_lfd) != NPG_OK;
            next_tick = now_ms() + TICK_MS;
        }
    }
    pthread_mutex_lock(&srv->lock);
    srv->stopping = 1;
    pthread_cond_broadcast(&srv->more);
    pthread_mutex_unlock(&srv->lock);
    for (int i = 0; i < srv->nworkers; i++)
        pthread_join(srv->workers[i], NULL);
    collect_done(srv); /* replies of the last requests, then every connection closes */
    while (srv->first)
        conn_free(srv, srv->first);
    npg_log(LOG_NOTICE, "http", "listener stopped");
    return NPG_OK;
}

void npg_http_server_stop(npg_http_server_t *srv)
{
    srv->stopping = 1; /* async-signal-safe: a flag and a write */
    uint64_t one = 1;
    if (srv->wake >= 0 && write(srv->wake, &one, sizeof(one)) < 0)
        return;
}

bool npg_http_tls_listener(npg_conf_t *conf, int port, const char *cert, const char *key)
{
    conf->http.tls_port = 0;
    conf->http.tls_client_ca_file[0] = conf->http.tls_client_cert_paths[0] = '\0';
    if (!cert)
        return false;
    conf->http.tls_port = port;
    npg_strlcpy(conf->http.tls_cert_file, cert, sizeof(conf->http.tls_cert_file));
    npg_strlcpy(conf->http.tls_key_file, key ? key : cert, sizeof(conf->http.tls_key_file));
    return true;
}

int npg_http_server_reload(npg_http_server_t *srv, char *err, size_t errlen)
{
    SSL_CTX *ctx = NULL;
    if (srv->tls_lfd < 0)
        return NPG_OK;
    int rc = npg_tls_server_ctx(srv->opt.conf, &ctx, err, errlen);
    if (rc != NPG_OK)
        return rc; /* the old certificate stays */
    SSL_CTX_free(__atomic_exchange_n(&srv->tls_next, ctx, __ATOMIC_ACQ_REL));
    uint64_t one = 1;
    if (write(srv->wake, &one, sizeof(one)) < 0)
        npg_log(LOG_WARNING, "http", "cannot wake the front for the new certificate: %s",
                strerror(errno));
    npg_log(LOG_NOTICE, "http", "TLS certificate reloaded from %s",
            srv->opt.conf->http.tls_cert_file);
    return NPG_OK;
}

int npg_http_server_tls_port(const npg_http_server_t *srv)
{
    return srv->tls_port;
}

void npg_http_server_free(npg_http_server_t **srvp)
{
    npg_http_server_t *srv = srvp ? *srvp : NULL;
    if (!srv)
        return;
    while (srv->first) /* every connection, queued ones included, is on this list */
        conn_free(srv, srv->first);
    if (srv->master)
        soap_free(srv->master);
    if (srv->lfd >= 0)
        close(srv->lfd);
    if (srv->tls_lfd >= 0)
        close(srv->tls_lfd);
    SSL_CTX_free(srv->tls_ctx);
    SSL_CTX_free(srv->tls_next);
    if (srv->efd >= 0)
        close(srv->efd);
    if (srv->wake >= 0)
        close(srv->wake);
    pthread_mutex_destroy(&srv->lock);
    pthread_cond_destroy(&srv->more);
    free(srv->workers);
    free(srv);
    *srvp = NULL;
}
