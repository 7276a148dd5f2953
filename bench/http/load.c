/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/http/load - a closed-loop HTTP/1.1 load generator for the benchmarks: C keep-alive
 * connections on loopback, each sending one request and waiting for its whole reply before
 * the next, for S seconds. The request is a file (LF line ends; CRLF on the wire) where "%N%"
 * becomes a counter (unique message ids for the receiver) and "%N5%" the counter's last five
 * digits (numbers within a range); its Content-Length is computed here. It
 * prints requests/s, the statuses seen and the CPU each watched process spent per request
 * (from /proc/PID/stat, utime + stime), so a figure says what one request cost.
 * LOAD_COUNTER_FROM=N starts the counter after N: a second run against the same server
 * sends new messages, not duplicates of the first run's.
 *
 *   load HOST PORT CONNECTIONS SECONDS REQUEST-FILE [PID...]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct conn {
    int fd;
    char in[65536];
    size_t in_len;
    char *out;
    size_t out_len, out_off;
} conn_t;

static char *tmpl_head, *tmpl_body; /* the request, split at the blank line */
static uint64_t counter, done, statuses[6];
static struct sockaddr_in addr;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime + stime of a process, in seconds */
static double cpu_of(long pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command may hold spaces */
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static char *subst1(const char *s, const char *mark, const char *num)
{
    size_t cap = strlen(s) + 64, len = 0;
    char *out = malloc(cap);
    for (const char *p = s; *p;) {
        const char *m = strstr(p, mark);
        size_t n = m ? (size_t)(m - p) : strlen(p);
        if (len + n + strlen(num) + 1 > cap) {
            cap = (len + n + strlen(num) + 1) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, p, n);
        len += n;
        if (!m)
            break;
        memcpy(out + len, num, strlen(num));
        len += strlen(num);
        p = m + strlen(mark);
    }
    out[len] = '\0';
    return out;
}

static char *subst(const char *s, const char *num)
{
    char five[8];
    snprintf(five, sizeof(five), "%05llu", (unsigned long long)(counter % 100000));
    char *a = subst1(s, "%N5%", five), *b = subst1(a, "%N%", num);
    free(a);
    return b;
}

static void next_request(conn_t *c)
{
    char num[24];
    snprintf(num, sizeof(num), "%llu", (unsigned long long)++counter);
    char *head = subst(tmpl_head, num), *body = tmpl_body ? subst(tmpl_body, num) : NULL;
    size_t blen = body ? strlen(body) : 0;
    free(c->out);
    c->out = malloc(strlen(head) + blen + 64);
    c->out_len = (size_t)sprintf(c->out, "%s", head);
    if (body)
        c->out_len += (size_t)sprintf(c->out + c->out_len, "Content-Length: %zu\r\n", blen);
    c->out_len += (size_t)sprintf(c->out + c->out_len, "\r\n");
    if (body) {
        memcpy(c->out + c->out_len, body, blen);
        c->out_len += blen;
    }
    c->out_off = 0;
    free(head);
    free(body);
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* A whole reply in c->in? Then count it and drop it (keep what follows). */
static int reply_done(conn_t *c)
{
    c->in[c->in_len < sizeof(c->in) ? c->in_len : sizeof(c->in) - 1] = '\0';
    char *end = strstr(c->in, "\r\n\r\n");
    if (!end)
        return 0;
    size_t head = (size_t)(end - c->in) + 4, body = 0;
    for (char *p = c->in; p < end; p = strstr(p, "\r\n") + 2)
        if (strncasecmp(p, "Content-Length:", 15) == 0)
            body = strtoul(p + 15, NULL, 10);
    if (c->in_len < head + body)
        return 0;
    int st = atoi(c->in + 9);
    statuses[st >= 100 && st < 600 ? st / 100 : 0]++;
    memmove(c->in, c->in + head + body, c->in_len - head - body);
    c->in_len -= head + body;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: load HOST PORT CONNECTIONS SECONDS REQUEST-FILE [PID...]\n");
        return 2;
    }
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[2]));
    inet_pton(AF_INET, argv[1], &addr.sin_addr);
    int nconn = atoi(argv[3]);
    double secs = atof(argv[4]);
    const char *from = getenv("LOAD_COUNTER_FROM");
    counter = from ? strtoull(from, NULL, 10) : 0;
    FILE *f = fopen(argv[5], "r");
    if (!f) {
        perror(argv[5]);
        return 2;
    }
    static char raw[1 << 20];
    size_t n = fread(raw, 1, sizeof(raw) - 1, f), o = 0;
    fclose(f);
    static char req[1 << 21]; /* LF line ends in the file, CRLF on the wire (head only) */
    char *blank = strstr(raw, "\n\n");
    size_t head_end = blank ? (size_t)(blank - raw) + 1 : n;
    for (size_t i = 0; i < head_end; i++) {
        if (raw[i] == '\n')
            req[o++] = '\r';
        req[o++] = raw[i];
    }
    req[o] = '\0';
    tmpl_head = strdup(req);
    if (blank) {
        raw[n] = '\0';
        tmpl_body = strdup(blank + 2);
        size_t bl = strlen(tmpl_body);
        while (bl && tmpl_body[bl - 1] == '\n') /* the file's last newline is not the body's */
            tmpl_body[--bl] = '\0';
    }
    int nwatch = argc - 6;
    double cpu0[16], cpu1[16];
    int ep = epoll_create1(0);
    conn_t *cs = calloc((size_t)nconn, sizeof(*cs));
    for (int i = 0; i < nconn; i++) {
        cs[i].fd = dial();
        next_request(&cs[i]);
        struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    for (int i = 0; i < nwatch && i < 16; i++)
        cpu0[i] = cpu_of(atol(argv[6 + i]));
    double t0 = now_s(), t1 = t0;
    struct epoll_event evs[256];
    while ((t1 = now_s()) - t0 < secs) {
        int k = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < k; i++) {
            conn_t *c = evs[i].data.ptr;
            if (c->out_off < c->out_len) {
                ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
                if (w > 0)
                    c->out_off += (size_t)w;
                if (c->out_off == c->out_len) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
                continue;
            }
            ssize_t r = recv(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len, 0);
            if (r <= 0) { /* the server closed: a new connection goes on */
                close(c->fd);
                c->in_len = 0;
                c->fd = dial();
                next_request(c);
                struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
                continue;
            }
            c->in_len += (size_t)r;
            if (reply_done(c)) {
                done++;
                next_request(c);
                struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            }
        }
    }
    double el = t1 - t0;
    getrusage(RUSAGE_SELF, &ru1);
    for (int i = 0; i < nwatch && i < 16; i++)
        cpu1[i] = cpu_of(atol(argv[6 + i]));
    double me = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
                         ru0.ru_stime.tv_sec) +
                (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec -
                         ru0.ru_stime.tv_usec) /
                    1e6;
    printf("requests %llu seconds %.2f rps %.0f 2xx %llu 3xx %llu 4xx %llu 5xx %llu other %llu"
           " client_us %.1f",
           (unsigned long long)done, el, (double)done / el, (unsigned long long)statuses[2],
           (unsigned long long)statuses[3], (unsigned long long)statuses[4],
           (unsigned long long)statuses[5], (unsigned long long)(statuses[0] + statuses[1]),
           done ? me * 1e6 / (double)done : 0.0);
    for (int i = 0; i < nwatch && i < 16; i++)
        printf(" pid%d_us %.1f", i, done ? (cpu1[i] - cpu0[i]) * 1e6 / (double)done : 0.0);
    printf("\n");
    return 0;
}
