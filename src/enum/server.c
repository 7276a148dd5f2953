/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "db/db.h"
#include "enum/index.h"
#include "enum/responder.h"
#include "metrics/metrics.h"
#include "enum/xfr.h"

#define MAX_UDP_THREADS 256
#define FOLLOW_BATCH 20000
#define REFRESH_S 30 /* operators and home ranges are re-read this often */

struct npg_enum_server {
    const npg_conf_t *conf;
    npg_enum_index_t *ix;
    npg_enum_responder_t *resp;
    npg_enum_xfr_t *xfr;
    npg_enum_notify_t *notify;
    atomic_bool stopping;
    int udp[MAX_UDP_THREADS];
    pthread_t udp_threads[MAX_UDP_THREADS];
    int nudp;
    int tcp;
    pthread_t tcp_thread, follower;
    atomic_int tcp_clients;
    pthread_mutex_t tcp_lock;
    struct tcp_client *tcp_first, *tcp_last; /* oldest first, under tcp_lock */
    /* the follower's view, for the metrics */
    _Atomic uint64_t head;          /* the newest routing_changes id it saw */
    _Atomic int64_t caught_up_ms;   /* when it last had applied every change (realtime) */
    atomic_bool db_up;
    /* [enum] index_file: its writer, and the change id the file holds (0: none yet) */
    pthread_t ixfile_thread;
    _Atomic uint64_t ixfile_change;
};

static int bind_socket(const npg_conf_t *conf, int type, int *out)
{
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
                              .sin6_port = htons((uint16_t)conf->enumd.port)};
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)conf->enumd.port)};
    bool v6 = inet_pton(AF_INET6, conf->enumd.listen, &a6.sin6_addr) == 1;
    if (!v6 && inet_pton(AF_INET, conf->enumd.listen, &a4.sin_addr) != 1) {
        npg_log(LOG_ERR, "enum", "[enum] listen '%s' is not an IP address", conf->enumd.listen);
        return NPG_EINVAL;
    }
    int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return NPG_EIO;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)); /* one UDP socket per thread */
    if (bind(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
             v6 ? sizeof(a6) : sizeof(a4)) != 0 ||
        (type == SOCK_STREAM && listen(fd, 128) != 0)) {
        npg_log(LOG_ERR, "enum", "cannot listen on %s port %d: %s", conf->enumd.listen,
                conf->enumd.port, strerror(errno));
        close(fd);
        return NPG_EIO;
    }
    *out = fd;
    return NPG_OK;
}

/* Wait for fd to be readable, waking every 200 ms to look at the stop flag. */
static bool wait_readable(npg_enum_server_t *s, int fd, int timeout_ms)
{
    for (int waited = 0; !atomic_load(&s->stopping); waited += 200) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 200);
        if (n > 0)
            return true;
        if (timeout_ms >= 0 && waited >= timeout_ms)
            return false;
    }
    return false;
}

#define UDP_BATCH 64 /* datagrams per recvmmsg/sendmmsg: one system call for many queries */

static void *udp_main(void *arg)
{
    int *fdp = arg;
    npg_enum_server_t *s = *(npg_enum_server_t **)(fdp + 1);
    int fd = *fdp;
    /* heap, not TLS: static TLS would be carved from every thread's stack, TCP ones included */
    uint8_t(*in)[1500] = malloc(UDP_BATCH * sizeof(*in));
    uint8_t(*out)[4096] = malloc(UDP_BATCH * sizeof(*out));
    struct sockaddr_storage from[UDP_BATCH];
    struct iovec iov_in[UDP_BATCH], iov_out[UDP_BATCH];
    struct mmsghdr rx[UDP_BATCH], tx[UDP_BATCH];
    const struct timespec coalesce = {.tv_nsec = 1000L * s->conf->enumd.udp_coalesce_us};
    /* the kernel's default 50 us of timer slack would add to every pause */
    prctl(PR_SET_TIMERSLACK, 1000UL);
    while (in && out && !atomic_load(&s->stopping)) {
        for (int i = 0; i < UDP_BATCH; i++) {
            iov_in[i] = (struct iovec){.iov_base = in[i], .iov_len = sizeof(in[i])};
            rx[i].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                            .msg_namelen = sizeof(from[i]),
                                            .msg_iov = &iov_in[i],
                                            .msg_iovlen = 1};
        }
        int n = recvmmsg(fd, rx, UDP_BATCH, MSG_DONTWAIT, NULL);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                wait_readable(s, fd, -1);
            continue;
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (rx[i].msg_hdr.msg_flags & MSG_TRUNC)
                continue; /* larger than any query we answer */
            size_t len =
                npg_enum_respond(s->resp, in[i], rx[i].msg_len, out[m], sizeof(out[m]), true);
            if (!len)
                continue;
            iov_out[m] = (struct iovec){.iov_base = out[m], .iov_len = len};
            tx[m].msg_hdr = (struct msghdr){.msg_name = &from[i],
                                            .msg_namelen = rx[i].msg_hdr.msg_namelen,
                                            .msg_iov = &iov_out[m],
                                            .msg_iovlen = 1};
            m++;
        }
        for (int sent = 0; sent < m;) {
            int k = sendmmsg(fd, tx + sent, (unsigned)(m - sent), 0);
            if (k <= 0)
                break; /* a full socket buffer drops answers, as UDP may */
            sent += k;
        }
        /* Below saturation every query would cost a wake-up and four system calls: let the
         * next ones gather for a moment and take them in one batch (interrupt moderation).
         * A query arriving at an idle server is answered at once; one arriving during the
         * pause waits at most udp_coalesce_us. */
        if (n < UDP_BATCH && coalesce.tv_nsec)
            nanosleep(&coalesce, NULL);
    }
    free(in);
    free(out);
    free(arg);
    return NULL;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n bytes before the deadline (a client dripping bytes gains nothing by it). */
static bool read_until(npg_enum_server_t *s, int fd, uint8_t *buf, size_t n, int64_t deadline)
{
    for (size_t got = 0; got < n;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0 || !wait_readable(s, fd, (int)left))
            return false;
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

typedef struct tcp_client {
    npg_enum_server_t *s;
    int fd;
    bool listed; /* on the server's list, under tcp_lock */
    struct tcp_client *prev, *next;
} tcp_client_t;

static void tcp_unlink_locked(npg_enum_server_t *s, tcp_client_t *c)
{
    if (!c->listed)
        return;
    c->listed = false;
    if (c->prev)
        c->prev->next = c->next;
    else
        s->tcp_first = c->next;
    if (c->next)
        c->next->prev = c->prev;
    else
        s->tcp_last = c->prev;
    c->prev = c->next = NULL;
}

static void tcp_unlink(npg_enum_server_t *s, tcp_client_t *c)
{
    pthread_mutex_lock(&s->tcp_lock);
    tcp_unlink_locked(s, c);
    pthread_mutex_unlock(&s->tcp_lock);
}

/* One message of a transfer, length-prefixed. */
static int tcp_send_msg(const uint8_t *msg, size_t len, void *arg)
{
    int fd = *(int *)arg;
    uint8_t lb[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    struct iovec iov[2] = {{.iov_base = lb, .iov_len = 2},
                           {.iov_base = (void *)msg, .iov_len = len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    size_t want = len + 2;
    while (want > 0) { /* a blocking socket with SO_SNDTIMEO: a stalled secondary times out */
        ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (n <= 0)
            return NPG_EIO;
        want -= (size_t)n;
        while (n > 0 && mh.msg_iovlen) {
            size_t take = (size_t)n < mh.msg_iov->iov_len ? (size_t)n : mh.msg_iov->iov_len;
            mh.msg_iov->iov_base = (uint8_t *)mh.msg_iov->iov_base + take;
            mh.msg_iov->iov_len -= take;
            n -= (ssize_t)take;
            if (mh.msg_iov->iov_len == 0)
                mh.msg_iov++, mh.msg_iovlen--;
        }
    }
    return NPG_OK;
}

/*
 * Length-prefixed queries until the client closes or idles (RFC 7766): each query, length
 * and message, must arrive whole within tcp_idle_ms of the moment the connection became
 * idle, so one byte every few seconds does not hold a slot.
 */
static void *tcp_client_main(void *arg)
{
    tcp_client_t *c = arg;
    npg_enum_server_t *s = c->s;
    int idle = s->conf->enumd.tcp_idle_ms;
    uint8_t *in = malloc(65535), *out = malloc(65537);
    struct timeval tv = {.tv_sec = idle / 1000, .tv_usec = (idle % 1000) * 1000};
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    uint8_t lb[2];
    for (int64_t deadline = mono_ms() + idle; in && out && read_until(s, c->fd, lb, 2, deadline);
         deadline = mono_ms() + idle) {
        size_t qlen = (size_t)(lb[0] << 8 | lb[1]);
        if (qlen == 0 || !read_until(s, c->fd, in, qlen, deadline))
            break;
        if (npg_xfr_is_request(in, qlen)) { /* AXFR or IXFR: many messages */
            char what[300];
            int rc = npg_enum_xfr_serve(s->xfr, in, qlen, tcp_send_msg, &c->fd, what, sizeof(what));
            npg_log(rc == NPG_OK ? LOG_NOTICE : LOG_WARNING, "enum", "%s%s%s", what,
                    rc == NPG_OK ? "" : ": ", rc == NPG_OK ? "" : npg_strerror(rc));
            if (rc != NPG_OK)
                break;
            continue;
        }
        size_t len = npg_enum_respond(s->resp, in, qlen, out + 2, 65535, false);
        if (!len)
            continue;
        out[0] = (uint8_t)(len >> 8), out[1] = (uint8_t)len;
        if (send(c->fd, out, len + 2, MSG_NOSIGNAL) != (ssize_t)(len + 2))
            break;
    }
    tcp_unlink(s, c);
    close(c->fd);
    free(in), free(out);
    atomic_fetch_sub(&s->tcp_clients, 1);
    free(c);
    return NULL;
}

/* Every slot is taken: the oldest connection goes, so a new client is never locked out. */
static void tcp_evict_oldest(npg_enum_server_t *s)
{
    pthread_mutex_lock(&s->tcp_lock);
    tcp_client_t *c = s->tcp_first;
    if (c) { /* its thread sees the shutdown at once, closes and leaves */
        shutdown(c->fd, SHUT_RDWR);
        tcp_unlink_locked(s, c);
    }
    pthread_mutex_unlock(&s->tcp_lock);
}

static void *tcp_main(void *arg)
{
    npg_enum_server_t *s = arg;
    while (!atomic_load(&s->stopping)) {
        if (!wait_readable(s, s->tcp, -1))
            continue;
        if (atomic_load(&s->tcp_clients) >= s->conf->enumd.tcp_clients)
            tcp_evict_oldest(s);
        int fd = accept4(s->tcp, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        tcp_client_t *c = calloc(1, sizeof(*c));
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (c) {
            c->s = s, c->fd = fd, c->listed = true;
            pthread_mutex_lock(&s->tcp_lock);
            c->prev = s->tcp_last;
            if (s->tcp_last)
                s->tcp_last->next = c;
            else
                s->tcp_first = c;
            s->tcp_last = c;
            pthread_mutex_unlock(&s->tcp_lock);
        }
        atomic_fetch_add(&s->tcp_clients, 1);
        if (!c || pthread_create(&t, &attr, tcp_client_main, c) != 0) {
            npg_log(LOG_WARNING, "enum", "cannot serve a TCP client: %s", strerror(errno));
            if (c)
                tcp_unlink(s, c);
            atomic_fetch_sub(&s->tcp_clients, 1);
            close(fd);
            free(c);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static void sleep_ms(npg_enum_server_t *s, int ms)
{
    for (; ms > 0 && !atomic_load(&s->stopping); ms -= 50)
        usleep((useconds_t)(ms < 50 ? ms : 50) * 1000);
}

static int64_t real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- metrics: the index and the change log, read when a scrape comes ------------------- */

static npg_metric_t m_index = {
    .name = "npenumd_index_entries",
    .help = "What the in-memory index holds: ported numbers (merged and in the overlay of"
            " recent changes), home ranges, operators.",
    .type = NPG_METRIC_GAUGE,
    .labels = {"table"},
    .static_values = true,
};
static npg_metric_t m_bytes = {
    .name = "npenumd_index_bytes",
    .help = "Memory held by the index tables.",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_applied = {
    .name = "npenumd_changelog_applied_id",
    .help = "The routing_changes id applied last (the zones' SOA serial).",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_lag_changes = {
    .name = "npenumd_changelog_lag_changes",
    .help = "Routing changes in the database not applied yet (as of the last read of it).",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_lag_seconds = {
    .name = "npenumd_changelog_lag_seconds",
    .help = "Seconds since npenumd last had every routing change applied: its answers may be"
            " this stale (grows while the database is away).",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_db_up = {
    .name = "npenumd_db_up",
    .help = "1 when the last read of the change log succeeded.",
    .type = NPG_METRIC_GAUGE,
};
static npg_metric_t m_tcp = {
    .name = "npenumd_tcp_clients",
    .help = "TCP connections open now.",
    .type = NPG_METRIC_GAUGE,
};

static npg_metric_t m_ixfile = {
    .name = "npenumd_index_file_change",
    .help = "The routing_changes id the index file holds (written or read last); 0: none.",
    .type = NPG_METRIC_GAUGE,
};

static void collect(void *arg)
{
    npg_enum_server_t *s = arg;
    npg_enum_stats_t st;
    npg_enum_index_stats(s->ix, &st);
    npg_metric_set(&m_index, NPG_METRIC_V("ported"), (double)st.ported);
    npg_metric_set(&m_index, NPG_METRIC_V("overlay"), (double)st.overlay);
    npg_metric_set(&m_index, NPG_METRIC_V("ranges"), (double)st.ranges);
    npg_metric_set(&m_index, NPG_METRIC_V("operators"), (double)st.operators);
    npg_metric_set(&m_bytes, NULL, (double)st.bytes);
    npg_metric_set(&m_applied, NULL, (double)st.last_change);
    uint64_t head = atomic_load(&s->head);
    npg_metric_set(&m_lag_changes, NULL, head > st.last_change ? (double)(head - st.last_change) : 0);
    int64_t at = atomic_load(&s->caught_up_ms);
    npg_metric_set(&m_lag_seconds, NULL, at ? (double)(real_ms() - at) / 1000.0 : 0);
    npg_metric_set(&m_db_up, NULL, atomic_load(&s->db_up) ? 1 : 0);
    npg_metric_set(&m_tcp, NULL, atomic_load(&s->tcp_clients));
    npg_metric_set(&m_ixfile, NULL, (double)atomic_load(&s->ixfile_change));
}

/* Follow routing_changes; while the database is away, answers come from the last state. */
static void *follower_main(void *arg)
{
    npg_enum_server_t *s = arg;
    npg_db_t *db = NULL;
    time_t last_refresh = time(NULL);
    bool down_logged = false;
    while (!atomic_load(&s->stopping)) {
        if (!db && npg_db_open(s->conf, &db) != NPG_OK) {
            atomic_store(&s->db_up, false);
            if (!down_logged)
                npg_log(LOG_WARNING, "enum",
                        "database unreachable: answering from the last"
                        " state until it is back");
            down_logged = true;
            sleep_ms(s, 1000);
            continue;
        }
        bool refresh = time(NULL) - last_refresh >= REFRESH_S || down_logged;
        int applied = 0;
        int rc = npg_enum_index_follow(s->ix, db, FOLLOW_BATCH, refresh, &applied);
        if (rc != NPG_OK) {
            npg_log(LOG_WARNING, "enum", "following the change log failed: %s", npg_strerror(rc));
            atomic_store(&s->db_up, false);
            npg_db_close(&db);
            down_logged = true;
            continue;
        }
        npg_enum_notify_changed(s->notify, npg_enum_index_last_change(s->ix));
        if (down_logged)
            npg_log(LOG_NOTICE, "enum", "database back: caught up");
        down_logged = false;
        atomic_store(&s->db_up, true);
        int64_t head = 0;
        if (npg_db_query_int(db, "SELECT COALESCE(MAX(id), 0) FROM routing_changes", NULL, 0,
                             &head) == NPG_OK)
            atomic_store(&s->head, (uint64_t)head);
        if (applied < FOLLOW_BATCH &&
            npg_enum_index_last_change(s->ix) >= atomic_load(&s->head))
            atomic_store(&s->caught_up_ms, real_ms());
        if (refresh)
            last_refresh = time(NULL);
        if (applied < FOLLOW_BATCH)
            sleep_ms(s, s->conf->enumd.follow_ms);
    }
    npg_db_close(&db);
    return NULL;
}

static void sleep_interval(npg_enum_server_t *s)
{
    for (int i = 0; i < s->conf->enumd.index_file_interval && !atomic_load(&s->stopping); i++)
        sleep_ms(s, 1000);
}

/* Write the index file after a load (a start from the file waits an interval first), then
 * every interval while changes come. */
static void *ixfile_main(void *arg)
{
    npg_enum_server_t *s = arg;
    const char *path = s->conf->enumd.index_file;
    if (atomic_load(&s->ixfile_change))
        sleep_interval(s);
    while (!atomic_load(&s->stopping)) {
        uint64_t at = npg_enum_index_last_change(s->ix);
        npg_db_t *db = NULL;
        if (at != atomic_load(&s->ixfile_change) && npg_db_open(s->conf, &db) == NPG_OK) {
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            uint64_t saved = 0;
            int rc = npg_enum_index_save(s->ix, db, path, &saved);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            if (rc == NPG_OK) {
                atomic_store(&s->ixfile_change, saved);
                npg_log(LOG_NOTICE, "enum", "index file %s written at change %llu in %.1f s", path,
                        (unsigned long long)saved,
                        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
            } else if (rc != NPG_ENOTFOUND) {
                npg_log(LOG_WARNING, "enum", "cannot write the index file %s: %s", path,
                        npg_strerror(rc));
            }
        }
        npg_db_close(&db);
        sleep_interval(s);
    }
    return NULL;
}

/* Read the index file and replay the change log after it; false: load instead. */
static bool restore_index(npg_enum_server_t *s)
{
    const char *path = s->conf->enumd.index_file;
    npg_db_t *db = NULL;
    uint64_t backlog = 0;
    int rc = npg_db_open(s->conf, &db);
    if (rc == NPG_OK)
        rc = npg_enum_index_restore(s->ix, db, path, &backlog);
    if (rc == NPG_OK) {
        atomic_store(&s->ixfile_change, npg_enum_index_last_change(s->ix));
        int applied = FOLLOW_BATCH;
        while (rc == NPG_OK && applied == FOLLOW_BATCH && !atomic_load(&s->stopping))
            rc = npg_enum_index_follow(s->ix, db, FOLLOW_BATCH, false, &applied);
    }
    npg_db_close(&db);
    if (rc == NPG_OK)
        return true;
    const char *why = rc == NPG_ENOTFOUND ? "there is none yet"
                      : rc == NPG_EINVAL ? "it is not a whole index file of this version"
                      : rc == NPG_ESTATE ? "the database's change log does not hold its last change"
                      : rc == NPG_ETOOBIG ? "loading costs less than replaying the changes since"
                                          : npg_strerror(rc);
    npg_log(rc == NPG_ENOTFOUND || rc == NPG_ETOOBIG ? LOG_NOTICE : LOG_WARNING, "enum",
            "index file %s not used (%s): loading the routing table", path, why);
    return false;
}

static int load_index(npg_enum_server_t *s)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool restored = s->conf->enumd.index_file[0] && restore_index(s);
    for (int attempt = 0; !restored && !atomic_load(&s->stopping); attempt++) {
        npg_db_t *db = NULL;
        int rc = npg_db_open(s->conf, &db);
        if (rc == NPG_OK)
            rc = npg_enum_index_load(s->ix, db);
        npg_db_close(&db);
        if (rc == NPG_OK)
            break;
        if (attempt == 0)
            npg_log(LOG_WARNING, "enum", "cannot load the routing table yet (%s); retrying",
                    npg_strerror(rc));
        sleep_ms(s, 1000);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    npg_enum_stats_t st;
    npg_enum_index_stats(s->ix, &st);
    npg_log(LOG_NOTICE, "enum", "index ready in %.1f s%s: %llu ported numbers, %zu MB",
            (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
            restored ? " from the index file" : "", (unsigned long long)st.ported, st.bytes >> 20);
    return atomic_load(&s->stopping) ? NPG_EIO : NPG_OK;
}

int npg_enum_server_start(const npg_conf_t *conf, npg_enum_server_t **out)
{
    npg_enum_server_t *s = calloc(1, sizeof(*s));
    if (s)
        pthread_mutex_init(&s->tcp_lock, NULL);
    if (!s)
        return NPG_ENOMEM;
    s->conf = conf;
    s->tcp = -1;
    char err[512];
    int rc = npg_enum_index_new(&s->ix);
    if (rc == NPG_OK && (rc = npg_enum_responder_new(conf, s->ix, &s->resp, err, sizeof(err))))
        npg_log(LOG_ERR, "enum", "%s", err);
    if (rc == NPG_OK)
        rc = npg_enum_xfr_new(conf, s->ix, s->resp, &s->xfr);
    if (rc == NPG_OK)
        rc = npg_enum_notify_start(conf, s->resp, &s->notify);
    if (rc == NPG_OK)
        rc = load_index(s);
    if (rc == NPG_OK)
        rc = bind_socket(conf, SOCK_STREAM, &s->tcp);
    for (int i = 0; rc == NPG_OK && i < conf->enumd.udp_threads && i < MAX_UDP_THREADS; i++) {
        int *arg = malloc(sizeof(int) + sizeof(npg_enum_server_t *));
        if (!arg || bind_socket(conf, SOCK_DGRAM, &s->udp[i]) != NPG_OK) {
            free(arg);
            rc = NPG_EIO;
            break;
        }
        arg[0] = s->udp[i];
        memcpy(arg + 1, &s, sizeof(s));
        pthread_create(&s->udp_threads[i], NULL, udp_main, arg);
        s->nudp++;
    }
    if (rc == NPG_OK) {
        npg_enum_register_metrics();
        atomic_store(&s->head, npg_enum_index_last_change(s->ix));
        atomic_store(&s->caught_up_ms, real_ms()); /* the load read everything */
        atomic_store(&s->db_up, true);
        if (npg_metrics_collector_add(collect, s) != NPG_OK)
            npg_log(LOG_WARNING, "enum", "no room for the index metrics");
        pthread_create(&s->tcp_thread, NULL, tcp_main, s);
        pthread_create(&s->follower, NULL, follower_main, s);
        if (conf->enumd.index_file[0])
            pthread_create(&s->ixfile_thread, NULL, ixfile_main, s);
        npg_log(LOG_NOTICE, "enum", "answering on %s port %d (udp x%d, tcp)", conf->enumd.listen,
                conf->enumd.port, s->nudp);
        *out = s;
        return NPG_OK;
    }
    npg_enum_server_stop(s);
    for (int i = 0; i < s->nudp; i++)
        pthread_join(s->udp_threads[i], NULL);
    npg_enum_server_wait(&s);
    return rc;
}

void npg_enum_server_stop(npg_enum_server_t *s)
{
    atomic_store(&s->stopping, true);
}

void npg_enum_server_wait(npg_enum_server_t **sp)
{
    npg_enum_server_t *s = *sp;
    if (!s)
        return;
    if (s->follower) {
        pthread_join(s->follower, NULL);
        pthread_join(s->tcp_thread, NULL);
        if (s->ixfile_thread)
            pthread_join(s->ixfile_thread, NULL);
        for (int i = 0; i < s->nudp; i++)
            pthread_join(s->udp_threads[i], NULL);
    }
    for (int i = 0; i < 200 && atomic_load(&s->tcp_clients) > 0; i++)
        usleep(10000); /* clients notice the flag within 200 ms */
    for (int i = 0; i < s->nudp; i++)
        close(s->udp[i]);
    if (s->tcp >= 0)
        close(s->tcp);
    npg_metrics_collector_remove(collect, s);
    npg_enum_notify_stop(&s->notify);
    npg_enum_xfr_free(&s->xfr);
    npg_enum_responder_free(&s->resp);
    npg_enum_index_free(&s->ix);
    pthread_mutex_destroy(&s->tcp_lock);
    free(s);
    *sp = NULL;
}
