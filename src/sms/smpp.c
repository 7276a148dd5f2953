/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SMPP 3.4 providers: libsmpp34 packs and unpacks the PDUs; the TCP (or TLS) session, its
 * deadlines and the exchange are ours. Submissions bind a transmitter for one message; receipts
 * arrive on one long-lived receiver session per provider (npg_sms_receivers_*). */
#include "sms/sms_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
/* libsmpp34's headers need the fixed-width types first */
#include <stdint.h>
#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "common/log.h"
#include "common/tls.h"
#include "common/util.h"

#define PDU_MAX 65536
#define SMPP_PASSWORD_MAX 8   /* C-octet string of 9 */
#define SMPP_SYSTEM_ID_MAX 15 /* of 16 */

/* libsmpp34 reports errors through globals: one packer at a time. */
static pthread_mutex_t pdu_lock = PTHREAD_MUTEX_INITIALIZER;

static int pack(uint32_t type, void *pdu, uint8_t *buf, size_t cap, size_t *len)
{
    int n = 0;
    pthread_mutex_lock(&pdu_lock);
    int rc = smpp34_pack(type, buf, (int)cap, &n, pdu);
    pthread_mutex_unlock(&pdu_lock);
    *len = (size_t)n;
    return rc == 0 ? NPG_OK : NPG_EINVAL;
}

static int unpack(uint32_t type, void *pdu, const uint8_t *buf, size_t len)
{
    pthread_mutex_lock(&pdu_lock);
    int rc = smpp34_unpack(type, pdu, buf, (int)len);
    pthread_mutex_unlock(&pdu_lock);
    return rc == 0 ? NPG_OK : NPG_EINVAL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* --- a connection: TCP or TLS, non-blocking, with a receive buffer -------------------------- */

typedef struct conn {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    uint8_t rx[PDU_MAX];
    size_t rxlen;
    uint32_t seq;
} conn_t;

static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - npg_now_ms();
        if (left <= 0)
            return NPG_ETIMEOUT;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
        if (n > 0)
            return NPG_OK;
        if (n < 0 && errno != EINTR)
            return NPG_EIO;
    }
}

static void conn_close(conn_t *c)
{
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    c->ssl = NULL;
    c->ctx = NULL;
    c->fd = -1;
    c->rxlen = 0;
}

/* "host:port" or "[v6]:port" into host and port. */
static bool split_hostport(const char *in, char *host, size_t hl, char *port, size_t pl)
{
    const char *colon;
    if (in[0] == '[') {
        const char *end = strchr(in, ']');
        if (!end || end[1] != ':')
            return false;
        snprintf(host, hl, "%.*s", (int)(end - in - 1), in + 1);
        colon = end + 1;
    } else {
        colon = strrchr(in, ':');
        if (!colon || colon == in)
            return false;
        snprintf(host, hl, "%.*s", (int)(colon - in), in);
    }
    snprintf(port, pl, "%s", colon + 1);
    return npg_is_digits(port);
}

static int tls_start(conn_t *c, const npg_conf_sms_provider_t *pc, const char *host,
                     int64_t deadline, char *why, size_t wl)
{
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ctx)
        return NPG_ENOMEM;
    /* the certificate must chain to ca_file and name the host we dialled */
    if (npg_tls_client_setup(c->ctx, pc->ca_file, "", "", host, why, wl) != NPG_OK)
        return NPG_ECONF;
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl)
        return NPG_ENOMEM;
    SSL_set_fd(c->ssl, c->fd);
    unsigned char ip[16];
    if (inet_pton(AF_INET, host, ip) != 1 && inet_pton(AF_INET6, host, ip) != 1)
        SSL_set_tlsext_host_name(c->ssl, host); /* SNI names hosts, not addresses */
    for (;;) {
        int r = SSL_connect(c->ssl);
        if (r == 1)
            return NPG_OK;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            int w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
            if (w != NPG_OK) {
                snprintf(why, wl, "TLS handshake timed out");
                return w;
            }
            continue;
        }
        long v = SSL_get_verify_result(c->ssl);
        snprintf(why, wl, "TLS handshake failed: %s",
                 v != X509_V_OK ? X509_verify_cert_error_string(v)
                 : ERR_reason_error_string(ERR_peek_last_error())
                     ? ERR_reason_error_string(ERR_peek_last_error())
                     : "connection closed");
        ERR_clear_error();
        return NPG_EPEER;
    }
}

static int conn_open(conn_t *c, const npg_conf_sms_provider_t *pc, int64_t deadline, char *why,
                     size_t wl)
{
    char host[256], port[16];
    c->fd = -1;
    c->rxlen = 0;
    c->seq = 0;
    if (!split_hostport(pc->url, host, sizeof(host), port, sizeof(port))) {
        snprintf(why, wl, "url '%s' is not host:port", pc->url);
        return NPG_ECONF;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        snprintf(why, wl, "cannot resolve %s: %s", host, gai_strerror(g));
        return NPG_EIO;
    }
    int rc = NPG_EIO;
    for (struct addrinfo *ai = res; ai && rc != NPG_OK; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
            continue;
        int r = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (r != 0 && errno == EINPROGRESS) {
            rc = wait_fd(fd, POLLOUT, deadline);
            int err = 0;
            socklen_t el = sizeof(err);
            if (rc == NPG_OK && (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err)) {
                snprintf(why, wl, "cannot connect to %s: %s", pc->url, strerror(err));
                rc = NPG_EIO;
            } else if (rc == NPG_ETIMEOUT)
                snprintf(why, wl, "connecting to %s timed out", pc->url);
        } else if (r != 0) {
            snprintf(why, wl, "cannot connect to %s: %s", pc->url, strerror(errno));
            rc = NPG_EIO;
        } else
            rc = NPG_OK;
        if (rc == NPG_OK)
            c->fd = fd;
        else
            close(fd);
    }
    freeaddrinfo(res);
    if (rc == NPG_OK && strcmp(pc->tls, "yes") == 0)
        rc = tls_start(c, pc, host, deadline, why, wl);
    if (rc != NPG_OK)
        conn_close(c);
    return rc;
}

static int conn_write(conn_t *c, const uint8_t *buf, size_t len, int64_t deadline)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n;
        short ev = POLLOUT;
        if (c->ssl) {
            int r = SSL_write(c->ssl, buf + off, (int)(len - off));
            if (r > 0) {
                off += (size_t)r;
                continue;
            }
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ)
                return NPG_EIO;
            ev = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        } else {
            n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
            if (n > 0) {
                off += (size_t)n;
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EINTR)
                return NPG_EIO;
        }
        int w = wait_fd(c->fd, ev, deadline);
        if (w != NPG_OK)
            return w;
    }
    return NPG_OK;
}

/* Read what is there into rx; NPG_EIO when the peer closed. */
static int conn_fill(conn_t *c, int64_t deadline)
{
    for (;;) {
        size_t room = sizeof(c->rx) - c->rxlen;
        short ev = POLLIN;
        if (c->ssl) {
            int r = SSL_read(c->ssl, c->rx + c->rxlen, (int)room);
            if (r > 0) {
                c->rxlen += (size_t)r;
                return NPG_OK;
            }
            int e = SSL_get_error(c->ssl, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                return NPG_EIO;
            ev = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
        } else {
            ssize_t n = recv(c->fd, c->rx + c->rxlen, room, 0);
            if (n > 0) {
                c->rxlen += (size_t)n;
                return NPG_OK;
            }
            if (n == 0 || (errno != EAGAIN && errno != EINTR))
                return NPG_EIO;
        }
        int w = wait_fd(c->fd, ev, deadline);
        if (w != NPG_OK)
            return w;
    }
}

/* The next whole PDU into out (len bytes) by deadline. A timeout keeps what was read so far. */
static int conn_next_pdu(conn_t *c, uint8_t *out, size_t *len, int64_t deadline)
{
    for (;;) {
        if (c->rxlen >= 4) {
            uint32_t n = be32(c->rx);
            if (n < 16 || n > PDU_MAX)
                return NPG_EPEER; /* not SMPP, or hostile: the session is over */
            if (c->rxlen >= n) {
                memcpy(out, c->rx, n);
                memmove(c->rx, c->rx + n, c->rxlen - n);
                c->rxlen -= n;
                *len = n;
                return NPG_OK;
            }
        }
        int rc = conn_fill(c, deadline);
        if (rc != NPG_OK)
            return rc;
    }
}

/* A PDU that is only a header (enquire_link, unbind and their answers, generic_nack). */
static int send_header(conn_t *c, uint32_t id, uint32_t status, uint32_t seq, int64_t deadline)
{
    uint8_t b[16];
    uint32_t v[4] = {16, id, status, seq};
    for (int i = 0; i < 4; i++) {
        b[i * 4] = (uint8_t)(v[i] >> 24);
        b[i * 4 + 1] = (uint8_t)(v[i] >> 16);
        b[i * 4 + 2] = (uint8_t)(v[i] >> 8);
        b[i * 4 + 3] = (uint8_t)v[i];
    }
    return conn_write(c, b, sizeof(b), deadline);
}

/* Wait for the answer (command id want, our seq) to a request, answering the SMSC's own
 * enquire_link meanwhile. *status gets its command_status; the PDU stays in buf. */
static int await_resp(conn_t *c, uint32_t want, uint32_t seq, uint8_t *buf, size_t *len,
                      uint32_t *status, int64_t deadline)
{
    for (;;) {
        int rc = conn_next_pdu(c, buf, len, deadline);
        if (rc != NPG_OK)
            return rc;
        uint32_t id = be32(buf + 4), st = be32(buf + 8), sq = be32(buf + 12);
        if (id == ENQUIRE_LINK) {
            if ((rc = send_header(c, ENQUIRE_LINK_RESP, ESME_ROK, sq, deadline)) != NPG_OK)
                return rc;
            continue;
        }
        if ((id == want || id == GENERIC_NACK) && sq == seq) {
            *status = id == GENERIC_NACK && st == ESME_ROK ? ESME_RSYSERR : st;
            return NPG_OK;
        }
        /* anything else (a deliver_sm on a transmitter is a protocol slip) is ignored */
    }
}

static int smpp_bind(conn_t *c, uint32_t type, const npg_conf_sms_provider_t *pc,
                     const sms_creds_t *cr, uint32_t *status, int64_t deadline)
{
    /* the three bind PDUs share one layout */
    bind_transmitter_t b;
    memset(&b, 0, sizeof(b));
    b.command_id = type;
    b.command_status = ESME_ROK;
    b.sequence_number = ++c->seq;
    /* lengths were checked (creds_fit): these copies never cut */
    npg_strlcpy((char *)b.system_id, cr->account, sizeof(b.system_id));
    npg_strlcpy((char *)b.password, cr->secret, sizeof(b.password));
    npg_strlcpy((char *)b.system_type, pc->system_type, sizeof(b.system_type));
    b.interface_version = SMPP_VERSION;
    uint8_t buf[512];
    size_t len = 0;
    int rc = pack(type, &b, buf, sizeof(buf), &len);
    memset(&b, 0, sizeof(b));
    if (rc == NPG_OK)
        rc = conn_write(c, buf, len, deadline);
    memset(buf, 0, sizeof(buf));
    uint8_t *ans = malloc(PDU_MAX);
    if (!ans)
        return NPG_ENOMEM;
    if (rc == NPG_OK)
        rc = await_resp(c, type | 0x80000000u, c->seq, ans, &len, status, deadline);
    free(ans);
    return rc;
}

static void smpp_unbind(conn_t *c, int64_t deadline)
{
    uint32_t seq = ++c->seq, st;
    uint8_t *ans = malloc(PDU_MAX);
    size_t len;
    if (ans && send_header(c, UNBIND, ESME_ROK, seq, deadline) == NPG_OK)
        (void)await_resp(c, UNBIND_RESP, seq, ans, &len, &st, deadline);
    free(ans);
}

static npg_sms_error_t status_error(uint32_t st)
{
    switch (st) {
    case ESME_RINVPASWD:
    case ESME_RINVSYSID:
    case ESME_RBINDFAIL:
    case ESME_RINVSYSTYP:
        return NPG_SMS_AUTH;
    case ESME_RINVDSTADR:
    case ESME_RINVDSTTON:
    case ESME_RINVDSTNPI:
        return NPG_SMS_INVALID_NUMBER;
    case ESME_RTHROTTLED:
    case ESME_RMSGQFUL:
        return NPG_SMS_RATE_LIMITED;
    case ESME_RSYSERR:
        return NPG_SMS_PROVIDER_ERROR;
    default:
        return NPG_SMS_REJECTED;
    }
}

static const char *status_text(uint32_t st)
{
    switch (st) {
    case ESME_RINVPASWD:
        return "invalid password";
    case ESME_RINVSYSID:
        return "invalid system_id";
    case ESME_RBINDFAIL:
        return "bind failed";
    case ESME_RINVDSTADR:
        return "invalid destination address";
    case ESME_RTHROTTLED:
        return "throttled";
    case ESME_RMSGQFUL:
        return "message queue full";
    case ESME_RSYSERR:
        return "system error";
    case ESME_RSUBMITFAIL:
        return "submit_sm failed";
    default:
        return "refused";
    }
}

static bool creds_fit(npg_sms_provider_t p, const sms_creds_t *cr, npg_sms_result_t *r)
{
    if (strlen(cr->account) > SMPP_SYSTEM_ID_MAX || strlen(cr->secret) > SMPP_PASSWORD_MAX) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED,
                 "%s: SMPP allows a system_id of at most %d and a password of at most %d"
                 " characters",
                 npg_sms_provider_name(p), SMPP_SYSTEM_ID_MAX, SMPP_PASSWORD_MAX);
        return false;
    }
    return true;
}

void sms_smpp_send(const npg_conf_sms_provider_t *pc, npg_sms_provider_t p, const sms_creds_t *cr,
                   const npg_sms_msg_t *m, npg_sms_result_t *r)
{
    const char *name = npg_sms_provider_name(p);
    int64_t deadline = npg_now_ms() + (int64_t)pc->timeout * 1000;
    char why[300] = "";
    uint32_t st = 0;
    size_t len = 0;
    conn_t *c = calloc(1, sizeof(*c));
    uint8_t *buf = malloc(PDU_MAX);
    if (!c || !buf) {
        sms_fail(r, NPG_SMS_REJECTED, "%s: out of memory", name);
        goto out;
    }
    c->fd = -1;
    if (!creds_fit(p, cr, r))
        goto out;
    int rc = conn_open(c, pc, deadline, why, sizeof(why));
    if (rc != NPG_OK) {
        sms_fail(r, rc == NPG_ETIMEOUT ? NPG_SMS_TIMEOUT : NPG_SMS_UNREACHABLE,
                 "%s could not be reached: %s", name, why);
        goto out;
    }
    rc = smpp_bind(c, BIND_TRANSMITTER, pc, cr, &st, deadline);
    if (rc == NPG_OK && st != ESME_ROK) {
        r->status = (int)st;
        sms_fail(r, status_error(st) == NPG_SMS_REJECTED ? NPG_SMS_AUTH : status_error(st),
                 "%s refused the bind_transmitter (command_status 0x%08x, %s)", name, st,
                 status_text(st));
        char txt[80];
        int n = snprintf(txt, sizeof(txt), "bind_transmitter_resp command_status=0x%08x", st);
        sms_keep_response(r, txt, (size_t)n, cr);
        goto out;
    }
    if (rc == NPG_OK) {
        submit_sm_t s;
        memset(&s, 0, sizeof(s));
        s.command_id = SUBMIT_SM;
        s.sequence_number = ++c->seq;
        bool digits = npg_is_digits(pc->sender);
        s.source_addr_ton = digits ? TON_International : TON_Alphanumeric;
        s.source_addr_npi = digits ? NPI_ISDN_E163_E164 : NPI_Unknown;
        npg_strlcpy((char *)s.source_addr, pc->sender, sizeof(s.source_addr));
        s.dest_addr_ton = TON_International;
        s.dest_addr_npi = NPI_ISDN_E163_E164;
        snprintf((char *)s.destination_addr, sizeof(s.destination_addr), "%s", m->number);
        s.registered_delivery = SMPP34_DELIVERY_RECEIPT_ON;
        s.data_coding = 0; /* SMSC default alphabet: the body is plain ASCII */
        size_t bl = strlen(m->body);
        if (bl > 160)
            bl = 160;
        s.sm_length = (uint8_t)bl;
        memcpy(s.short_message, m->body, bl);
        rc = pack(SUBMIT_SM, &s, buf, PDU_MAX, &len);
        if (rc == NPG_OK)
            rc = conn_write(c, buf, len, deadline);
        if (rc == NPG_OK)
            rc = await_resp(c, SUBMIT_SM_RESP, c->seq, buf, &len, &st, deadline);
    }
    if (rc == NPG_ETIMEOUT) {
        sms_fail(r, NPG_SMS_TIMEOUT, "%s did not answer within %d s", name, pc->timeout);
        goto out;
    }
    if (rc != NPG_OK) {
        sms_fail(r, NPG_SMS_UNREACHABLE, "%s closed the session before answering", name);
        goto out;
    }
    r->status = (int)st;
    submit_sm_resp_t sr;
    memset(&sr, 0, sizeof(sr));
    if (st == ESME_ROK && unpack(SUBMIT_SM_RESP, &sr, buf, len) == NPG_OK) {
        char id[66];
        snprintf(id, sizeof(id), "%s", (const char *)sr.message_id);
        char txt[160];
        int n = snprintf(txt, sizeof(txt), "submit_sm_resp command_status=0x%08x message_id=%s", st,
                         id);
        sms_keep_response(r, txt, (size_t)n, cr);
        if (id[0]) {
            npg_strlcpy(r->message_id, id, sizeof(r->message_id));
            r->error = NPG_SMS_OK;
        } else
            sms_fail(r, NPG_SMS_BAD_RESPONSE, "%s accepted the message without a message_id", name);
    } else if (st == ESME_ROK) {
        sms_fail(r, NPG_SMS_BAD_RESPONSE, "%s answered a submit_sm_resp we cannot read", name);
    } else {
        char txt[80];
        int n = snprintf(txt, sizeof(txt), "submit_sm_resp command_status=0x%08x", st);
        sms_keep_response(r, txt, (size_t)n, cr);
        sms_fail(r, status_error(st), "%s refused the submit_sm (command_status 0x%08x, %s)", name,
                 st, status_text(st));
    }
    /* The message is in; a slow unbind must not turn it into a failure. */
    smpp_unbind(c, npg_now_ms() + 1000 < deadline ? npg_now_ms() + 1000 : deadline);
out:
    if (c)
        conn_close(c);
    free(c);
    free(buf);
}

/* --- receiver sessions --------------------------------------------------------------------- */

typedef struct receiver {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    npg_sms_provider_t p;
    pthread_t thread;
    bool started;
    volatile int *stopping;
} receiver_t;

struct npg_sms_receivers {
    receiver_t r[NPG_SMS_NPROVIDERS];
    size_t n;
    volatile int stopping;
};

/* Take a receipt into the database; the row may lag the receipt by a moment (the submission's
 * answer and the receipt cross), so a miss is tried again briefly. */
static void take_receipt(receiver_t *rv, const deliver_sm_t *d)
{
    const char *rid = NULL;
    char rid_buf[66] = "";
    int state = -1;
    tlv_t *t;
    smpp34_tlv_for_each(t, d->tlv)
    {
        if (t->tag == TLVID_receipted_message_id && t->length > 0) {
            size_t n = t->length < sizeof(rid_buf) ? t->length : sizeof(rid_buf) - 1;
            memcpy(rid_buf, t->value.octet, n);
            rid_buf[n] = '\0';
            rid = rid_buf;
        } else if (t->tag == TLVID_message_state)
            state = t->value.val08;
    }
    npg_sms_receipt_t rc;
    const char *name = npg_sms_provider_name(rv->p);
    if (npg_sms_receipt_parse_smpp((const char *)d->short_message, d->sm_length, rid, state, &rc) !=
        NPG_OK) {
        npg_log(LOG_WARNING, "sms", "%s: a delivery receipt we cannot read", name);
        return;
    }
    for (int attempt = 0; attempt < 20 && !*rv->stopping; attempt++) {
        npg_db_t *db = NULL;
        int r = npg_db_pool_get(rv->pool, 2000, &db);
        if (r == NPG_OK)
            r = npg_sms_receipt_apply(db, rv->p, &rc, false);
        if (db)
            npg_db_pool_put(rv->pool, &db);
        if (r == NPG_OK)
            return;
        if (r != NPG_ENOTFOUND) {
            npg_log(LOG_ERR, "sms", "%s: receipt for %s not recorded: %s", name, rc.message_id,
                    npg_strerror(r));
            return;
        }
        usleep(100000);
    }
    npg_log(LOG_NOTICE, "sms", "%s: receipt for a message we did not send (%s)", name,
            rc.message_id);
}

/* One bound session until it breaks or we stop. */
static void session(receiver_t *rv, conn_t *c, uint8_t *buf)
{
    const npg_conf_sms_provider_t *pc = &rv->conf->sms.provider[rv->p];
    const char *name = npg_sms_provider_name(rv->p);
    int64_t every = (int64_t)pc->enquire_link * 1000;
    int64_t next_ping = npg_now_ms() + every, ping_deadline = 0;
    uint32_t ping_seq = 0;
    size_t len;
    while (!*rv->stopping) {
        int64_t now = npg_now_ms();
        if (ping_deadline && now > ping_deadline) {
            npg_log(LOG_WARNING, "sms", "%s: no enquire_link_resp; reconnecting", name);
            return;
        }
        if (!ping_deadline && now >= next_ping) {
            ping_seq = ++c->seq;
            if (send_header(c, ENQUIRE_LINK, ESME_ROK, ping_seq, now + 5000) != NPG_OK)
                return;
            ping_deadline = now + (int64_t)pc->timeout * 1000;
        }
        int rc = conn_next_pdu(c, buf, &len, now + 500); /* wake up to notice a stop */
        if (rc == NPG_ETIMEOUT)
            continue;
        if (rc != NPG_OK) {
            npg_log(LOG_WARNING, "sms", "%s: receiver session lost", name);
            return;
        }
        uint32_t id = be32(buf + 4), sq = be32(buf + 12);
        int64_t dl = npg_now_ms() + 5000;
        switch (id) {
        case ENQUIRE_LINK:
            rc = send_header(c, ENQUIRE_LINK_RESP, ESME_ROK, sq, dl);
            break;
        case ENQUIRE_LINK_RESP:
            if (sq == ping_seq) {
                ping_deadline = 0;
                next_ping = npg_now_ms() + every;
            }
            break;
        case UNBIND:
            (void)send_header(c, UNBIND_RESP, ESME_ROK, sq, dl);
            npg_log(LOG_NOTICE, "sms", "%s unbound the receiver; reconnecting", name);
            return;
        case DELIVER_SM: {
            deliver_sm_t d;
            memset(&d, 0, sizeof(d));
            bool ok = unpack(DELIVER_SM, &d, buf, len) == NPG_OK;
            /* answer first: the SMSC must not resend while we write to the database */
            uint8_t resp[64];
            deliver_sm_resp_t dr;
            memset(&dr, 0, sizeof(dr));
            dr.command_id = DELIVER_SM_RESP;
            dr.command_status = ok ? ESME_ROK : ESME_RX_P_APPN;
            dr.sequence_number = sq;
            size_t rl = 0;
            rc = pack(DELIVER_SM_RESP, &dr, resp, sizeof(resp), &rl);
            if (rc == NPG_OK)
                rc = conn_write(c, resp, rl, dl);
            if (ok && (d.esm_class & SMPP34_DELIVERY_RECEIPT))
                take_receipt(rv, &d);
            else if (ok)
                npg_log(LOG_INFO, "sms", "%s: an inbound message (not a receipt) ignored", name);
            if (d.tlv)
                destroy_tlv(d.tlv);
            break;
        }
        default:
            if (!(id & 0x80000000u)) /* a request we do not serve */
                rc = send_header(c, GENERIC_NACK, ESME_RINVCMDID, sq, dl);
        }
        if (rc != NPG_OK)
            return;
    }
    smpp_unbind(c, npg_now_ms() + 1000);
}

static void *receiver_main(void *arg)
{
    receiver_t *rv = arg;
    const npg_conf_sms_provider_t *pc = &rv->conf->sms.provider[rv->p];
    const char *name = npg_sms_provider_name(rv->p);
    conn_t *c = calloc(1, sizeof(*c));
    uint8_t *buf = malloc(PDU_MAX);
    int backoff = 1000;
    if (!c || !buf)
        goto out;
    c->fd = -1;
    while (!*rv->stopping) {
        sms_creds_t cr;
        memset(&cr, 0, sizeof(cr));
        npg_strlcpy(cr.account, pc->account, sizeof(cr.account));
        char why[300] = "";
        uint32_t st = 0;
        int64_t deadline = npg_now_ms() + (int64_t)pc->timeout * 1000;
        npg_sms_result_t fit = {0};
        int rc = sms_read_secret(pc->secret_file, cr.secret, sizeof(cr.secret));
        if (rc != NPG_OK)
            snprintf(why, sizeof(why), "cannot read its secret_file");
        else if (!creds_fit(rv->p, &cr, &fit)) {
            npg_strlcpy(why, fit.error_text, sizeof(why));
            rc = NPG_ECONF;
        }
        if (rc == NPG_OK)
            rc = conn_open(c, pc, deadline, why, sizeof(why));
        if (rc == NPG_OK) {
            rc = smpp_bind(c, BIND_RECEIVER, pc, &cr, &st, deadline);
            if (rc == NPG_OK && st != ESME_ROK) {
                snprintf(why, sizeof(why), "bind_receiver refused (command_status 0x%08x, %s)", st,
                         status_text(st));
                rc = NPG_EAUTH;
            } else if (rc != NPG_OK)
                snprintf(why, sizeof(why), "no bind_receiver_resp");
        }
        memset(&cr, 0, sizeof(cr));
        if (rc == NPG_OK) {
            npg_log(LOG_NOTICE, "sms", "%s: receiver bound at %s%s", name, pc->url,
                    c->ssl ? " (TLS)" : "");
            backoff = 1000;
            session(rv, c, buf);
        } else
            npg_log(LOG_WARNING, "sms", "%s: receiver not bound: %s; again in %d s", name, why,
                    backoff / 1000);
        conn_close(c);
        for (int waited = 0; waited < backoff && !*rv->stopping; waited += 100)
            usleep(100000);
        backoff = backoff * 2 > 30000 ? 30000 : backoff * 2;
    }
out:
    if (c)
        conn_close(c);
    free(c);
    free(buf);
    return NULL;
}

int npg_sms_receivers_start(const npg_conf_t *conf, npg_db_pool_t *pool, npg_sms_receivers_t **out)
{
    npg_sms_receivers_t *rs = calloc(1, sizeof(*rs));
    if (!rs)
        return NPG_ENOMEM;
    for (int p = 0; p < NPG_SMS_NPROVIDERS; p++) {
        const npg_conf_sms_provider_t *pc = &conf->sms.provider[p];
        if (!npg_sms_provider_is_smpp((npg_sms_provider_t)p) || strcmp(pc->receipts, "yes") != 0 ||
            !pc->url[0] || !pc->account[0] || !pc->secret_file[0])
            continue;
        receiver_t *rv = &rs->r[rs->n];
        *rv = (receiver_t){
            .conf = conf, .pool = pool, .p = (npg_sms_provider_t)p, .stopping = &rs->stopping};
        if (pthread_create(&rv->thread, NULL, receiver_main, rv) != 0) {
            npg_log(LOG_ERR, "sms", "cannot start the %s receiver", npg_sms_provider_name(rv->p));
            continue;
        }
        rv->started = true;
        rs->n++;
    }
    *out = rs;
    return NPG_OK;
}

void npg_sms_receivers_stop(npg_sms_receivers_t **rp)
{
    npg_sms_receivers_t *rs = rp ? *rp : NULL;
    if (!rs)
        return;
    rs->stopping = 1;
    for (size_t i = 0; i < rs->n; i++)
        if (rs->r[i].started)
            pthread_join(rs->r[i].thread, NULL);
    free(rs);
    *rp = NULL;
}
