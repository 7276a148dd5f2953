/* SPDX-License-Identifier: GPL-3.0-or-later */
/* DNS over TCP with messages in flight: non-blocking socket, answers buffered as they arrive. */
#include "enum/dnspipe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_MIN 16384     /* room made before each read */
#define BUF_MAX (8u << 20) /* answers not yet taken: more is not a server answering us */

struct npg_dnspipe {
    int fd;
    int timeout_ms;
    uint8_t *buf; /* answers received: [off, len) not handed out yet */
    size_t off, len, cap;
};

int npg_dnspipe_open(const char *host, unsigned port, int timeout_s, npg_dnspipe_t **out)
{
    *out = NULL;
    struct sockaddr_storage ss = {0};
    socklen_t sslen;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        sslen = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        sslen = sizeof(*v6);
    } else {
        errno = EINVAL;
        return NPG_EIO;
    }
    npg_dnspipe_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NPG_ENOMEM;
    p->timeout_ms = timeout_s > 0 ? timeout_s * 1000 : 1000;
    p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1, err = 0;
    socklen_t errlen = sizeof(err);
    if (p->fd < 0) {
        err = errno;
    } else {
        /* messages are written whole: no reason to hold one back for an earlier one's ACK */
        setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(p->fd, (struct sockaddr *)&ss, sslen) != 0)
            err = errno;
        if (err == EINPROGRESS) {
            struct pollfd pfd = {.fd = p->fd, .events = POLLOUT};
            int n = poll(&pfd, 1, p->timeout_ms);
            if (n <= 0)
                err = n < 0 ? errno : ETIMEDOUT;
            else if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0)
                err = errno;
        }
    }
    if (err) {
        npg_dnspipe_close(&p);
        errno = err;
        return NPG_EIO;
    }
    *out = p;
    return NPG_OK;
}

void npg_dnspipe_close(npg_dnspipe_t **p)
{
    if (p && *p) {
        if ((*p)->fd >= 0)
            close((*p)->fd);
        free((*p)->buf);
        free(*p);
        *p = NULL;
    }
}

/* Read what has arrived, without blocking. */
static int read_some(npg_dnspipe_t *p)
{
    if (p->off > 0 && p->cap - p->len < READ_MIN) { /* drop what was handed out */
        memmove(p->buf, p->buf + p->off, p->len - p->off);
        p->len -= p->off;
        p->off = 0;
    }
    if (p->cap - p->len < READ_MIN && p->cap >= BUF_MAX) {
        errno = EMSGSIZE;
        return NPG_EIO;
    }
    if (p->cap - p->len < READ_MIN) {
        size_t cap = p->cap ? 2 * p->cap : 4 * READ_MIN;
        uint8_t *buf = realloc(p->buf, cap);
        if (!buf) {
            errno = ENOMEM;
            return NPG_EIO;
        }
        p->buf = buf;
        p->cap = cap;
    }
    ssize_t n = recv(p->fd, p->buf + p->len, p->cap - p->len, 0);
    if (n > 0)
        p->len += (size_t)n;
    else if (n == 0)
        errno = ECONNRESET; /* the server closed the connection */
    else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return NPG_OK;
    return n > 0 ? NPG_OK : NPG_EIO;
}

/* Wait until the socket can do what events asks; reads whatever arrives meanwhile. */
static int wait_for(npg_dnspipe_t *p, short events)
{
    struct pollfd pfd = {.fd = p->fd, .events = events | POLLIN};
    int n = poll(&pfd, 1, p->timeout_ms);
    if (n < 0)
        return errno == EINTR ? NPG_OK : NPG_EIO;
    if (n == 0) {
        errno = ETIMEDOUT;
        return NPG_EIO;
    }
    if (pfd.revents & (POLLIN | POLLERR | POLLHUP))
        return read_some(p);
    return NPG_OK;
}

int npg_dnspipe_send(npg_dnspipe_t *p, const uint8_t *msg, size_t len)
{
    if (len > 65535) {
        errno = EMSGSIZE;
        return NPG_EIO;
    }
    uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
    struct iovec iov[2] = {{.iov_base = hdr, .iov_len = 2},
                           {.iov_base = (void *)msg, .iov_len = len}};
    size_t done = 0, total = len + 2;
    while (done < total) {
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
        ssize_t n = sendmsg(p->fd, &mh, MSG_NOSIGNAL);
        if (n > 0) {
            done += (size_t)n;
            size_t h = done < 2 ? done : 2; /* of the prefix, what went out */
            iov[0] = (struct iovec){.iov_base = hdr + h, .iov_len = 2 - h};
            iov[1] =
                (struct iovec){.iov_base = (void *)(msg + (done - h)), .iov_len = len - (done - h)};
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return NPG_EIO;
        int rc = wait_for(p, POLLOUT);
        if (rc != NPG_OK)
            return rc;
    }
    return NPG_OK;
}

int npg_dnspipe_recv(npg_dnspipe_t *p, const uint8_t **msg, size_t *len)
{
    for (;;) {
        size_t have = p->len - p->off;
        if (have >= 2) {
            size_t n = (size_t)p->buf[p->off] << 8 | p->buf[p->off + 1];
            if (have >= 2 + n) {
                *msg = p->buf + p->off + 2;
                *len = n;
                p->off += 2 + n;
                return NPG_OK;
            }
        }
        int rc = wait_for(p, 0);
        if (rc != NPG_OK)
            return rc;
    }
}
