/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "metrics/listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "metrics/metrics.h"

#define MAX_REQUEST 4096
#define DEADLINE_MS 2000

struct npg_metrics_listener {
    int fd;
    int wake[2]; /* a byte on wake[1] stops the thread */
    int port;
    pthread_t thread;
    bool running;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd (events) until the deadline; false on timeout or error. */
static bool wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, (int)left);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return false;
    }
}

static void send_all(int fd, const char *p, size_t n, int64_t deadline)
{
    while (n > 0 && wait_fd(fd, POLLOUT, deadline)) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return;
        p += k;
        n -= (size_t)k;
    }
}

static void reply(int fd, int status, const char *reason, const char *type, const char *body,
                  size_t len, bool head, int64_t deadline)
{
    char hdr[256];
    int n = snprintf(hdr, sizeof(hdr),
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                     status, reason, type, len);
    send_all(fd, hdr, (size_t)n, deadline);
    if (!head)
        send_all(fd, body, len, deadline);
}

static void serve(int fd)
{
    int64_t deadline = mono_ms() + DEADLINE_MS;
    char req[MAX_REQUEST + 1];
    size_t len = 0;
    while (len < MAX_REQUEST && !memmem(req, len, "\r\n\r\n", 4)) {
        if (!wait_fd(fd, POLLIN, deadline))
            return; /* not whole in time: nothing is answered */
        ssize_t k = recv(fd, req + len, MAX_REQUEST - len, MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (k <= 0)
            return;
        len += (size_t)k;
    }
    req[len] = '\0';
    static const char text[] = "text/plain; charset=utf-8";
    bool head = strncmp(req, "HEAD ", 5) == 0;
    const char *target = head ? req + 5 : strncmp(req, "GET ", 4) == 0 ? req + 4 : NULL;
    if (!target) {
        reply(fd, 405, "Method Not Allowed", text, "GET /metrics\n", 13, false, deadline);
        return;
    }
    size_t tlen = strcspn(target, " ?\r\n");
    if (tlen != 8 || strncmp(target, "/metrics", 8) != 0) {
        reply(fd, 404, "Not Found", text, "metrics are at /metrics\n", 24, head, deadline);
        return;
    }
    char *body = NULL;
    size_t blen = 0;
    if (npg_metrics_render(&body, &blen) != NPG_OK) {
        reply(fd, 500, "Internal Server Error", text, "out of memory\n", 14, head, deadline);
        return;
    }
    reply(fd, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", body, blen, head, deadline);
    free(body);
}

static void *listener_main(void *arg)
{
    npg_metrics_listener_t *l = arg;
    for (;;) {
        struct pollfd p[2] = {{.fd = l->fd, .events = POLLIN},
                              {.fd = l->wake[0], .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            continue;
        serve(fd); /* one at a time: scrapes are rare, and each is bounded by the deadline */
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    return NULL;
}

int npg_metrics_listener_start(const char *addr, int port, npg_metrics_listener_t **out)
{
    *out = NULL;
    if (port == 0)
        return NPG_OK;
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    bool v6 = inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1;
    if (!v6 && inet_pton(AF_INET, addr, &a4.sin_addr) != 1) {
        npg_log(LOG_ERR, "metrics", "[metrics] listen '%s' is not an IP address", addr);
        return NPG_EINVAL;
    }
    bool loopback =
        v6 ? IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr) : (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
    npg_metrics_listener_t *l = calloc(1, sizeof(*l));
    if (!l)
        return NPG_ENOMEM;
    l->wake[0] = l->wake[1] = -1;
    l->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (l->fd >= 0)
        setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (l->fd < 0 ||
        bind(l->fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
             v6 ? sizeof(a6) : sizeof(a4)) != 0 ||
        listen(l->fd, 16) != 0 || pipe2(l->wake, O_CLOEXEC) != 0) {
        npg_log(LOG_ERR, "metrics", "cannot listen on %s port %d: %s", addr, port, strerror(errno));
        npg_metrics_listener_stop(&l);
        return NPG_EIO;
    }
    struct sockaddr_storage sa;
    socklen_t sl = sizeof(sa);
    l->port = port;
    if (getsockname(l->fd, (struct sockaddr *)&sa, &sl) == 0)
        l->port = ntohs(v6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                           : ((struct sockaddr_in *)&sa)->sin_port);
    if (pthread_create(&l->thread, NULL, listener_main, l) != 0) {
        npg_metrics_listener_stop(&l);
        return NPG_EIO;
    }
    l->running = true;
    npg_log(LOG_NOTICE, "metrics", "metrics at http://%s%s%s:%d/metrics", v6 ? "[" : "", addr,
            v6 ? "]" : "", l->port);
    if (!loopback)
        npg_log(LOG_WARNING, "metrics",
                "metrics listen on %s, not loopback: they need no key, so only the scraping"
                " hosts may reach that port (firewall)",
                addr);
    *out = l;
    return NPG_OK;
}

int npg_metrics_listener_port(const npg_metrics_listener_t *l)
{
    return l ? l->port : 0;
}

void npg_metrics_listener_stop(npg_metrics_listener_t **lp)
{
    npg_metrics_listener_t *l = lp ? *lp : NULL;
    if (!l)
        return;
    if (l->running) {
        if (write(l->wake[1], "x", 1) < 0)
            npg_log(LOG_WARNING, "metrics", "cannot stop the listener: %s", strerror(errno));
        pthread_join(l->thread, NULL);
    }
    if (l->fd >= 0)
        close(l->fd);
    if (l->wake[0] >= 0)
        close(l->wake[0]);
    if (l->wake[1] >= 0)
        close(l->wake[1]);
    free(l);
    *lp = NULL;
}
