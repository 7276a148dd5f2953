/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NOTIFY (RFC 1996) from npenumd to its secondaries when the zones' serial moves. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/dnswire.h"
#include "enum/xfr.h"

#define MAX_TARGETS 16
#define ATTEMPTS 5
#define WAIT_MS 2000
#define ROUND_GAP_MS 500 /* changes closer than this share one NOTIFY */

typedef struct target {
    struct sockaddr_storage addr;
    socklen_t len;
    char text[64];
} target_t;

struct npg_enum_notify {
    const npg_conf_t *conf;
    npg_enum_responder_t *r;
    target_t targets[MAX_TARGETS];
    size_t ntargets;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    uint64_t wanted, sent;
    atomic_bool stopping; /* also read without the lock, between tries */
    bool started;
};

/* "192.0.2.1:53", "[2001:db8::1]:5353" or an address alone (port 53). */
static int parse_target(const char *s, target_t *t)
{
    char host[64];
    const char *port = NULL;
    memset(t, 0, sizeof(*t));
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || (size_t)(close - s - 1) >= sizeof(host))
            return NPG_EINVAL;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        port = close[1] == ':' ? close + 2 : close[1] ? "" : NULL;
    } else {
        const char *colon = strrchr(s, ':');
        size_t n = colon ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof(host))
            return NPG_EINVAL;
        memcpy(host, s, n);
        host[n] = '\0';
        port = colon ? colon + 1 : NULL;
    }
    long p = 53;
    if (port) {
        char *end;
        p = strtol(port, &end, 10);
        if (!*port || *end || p < 1 || p > 65535)
            return NPG_EINVAL;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)&t->addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->addr;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)p);
        t->len = sizeof(*a4);
    } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)p);
        t->len = sizeof(*a6);
    } else {
        return NPG_EINVAL;
    }
    npg_strlcpy(t->text, s, sizeof(t->text));
    return NPG_OK;
}

/* One NOTIFY to one target, until it answers (any RCODE ends it) or ATTEMPTS pass. */
static void notify_one(npg_enum_notify_t *n, const target_t *t, const char *zone, uint32_t serial)
{
    const npg_tsig_key_t *key = npg_enum_responder_key(n->r);
    uint8_t msg[1024], reply[4096], mac[NPG_TSIG_MAX_MAC];
    int fd = socket(t->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return;
    for (int attempt = 1; attempt <= ATTEMPTS && !atomic_load(&n->stopping); attempt++) {
        uint16_t id = 0;
        if (npg_random_bytes(&id, sizeof(id)) != NPG_OK)
            id = (uint16_t)(serial + (uint32_t)attempt);
        size_t len = npg_xfr_notify_message(n->r, zone, id, serial, msg, sizeof(msg)), mac_len = 0;
        if (!len || (key && npg_tsig_sign(msg, &len, sizeof(msg), key, NULL, 0, false, time(NULL),
                                          0, mac, &mac_len) != NPG_OK))
            break;
        if (sendto(fd, msg, len, 0, (const struct sockaddr *)&t->addr, t->len) != (ssize_t)len) {
            npg_log(LOG_WARNING, "enum", "NOTIFY %s to %s: %s", zone, t->text, strerror(errno));
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        for (int64_t until = npg_now_ms() + WAIT_MS, left; (left = until - npg_now_ms()) > 0;) {
            if (poll(&p, 1, (int)left) <= 0)
                break;
            ssize_t r = recv(fd, reply, sizeof(reply), 0);
            if (r >= 12 && reply[0] == (uint8_t)(id >> 8) && reply[1] == (uint8_t)id &&
                (reply[2] & 0x80)) {
                int rcode = reply[3] & 0xF;
                npg_log(rcode ? LOG_WARNING : LOG_INFO, "enum",
                        "NOTIFY %s serial %u to %s: answered with rcode %d", zone, serial, t->text,
                        rcode);
                close(fd);
                return;
            }
        }
    }
    if (!atomic_load(&n->stopping))
        npg_log(LOG_WARNING, "enum", "NOTIFY %s serial %u to %s: no answer after %d tries", zone,
                serial, t->text, ATTEMPTS);
    close(fd);
}

static void *notify_main(void *arg)
{
    npg_enum_notify_t *n = arg;
    pthread_mutex_lock(&n->lock);
    while (!atomic_load(&n->stopping)) {
        if (n->wanted == n->sent) {
            pthread_cond_wait(&n->wake, &n->lock);
            continue;
        }
        uint64_t serial = n->wanted;
        pthread_mutex_unlock(&n->lock);
        for (size_t i = 0; i < n->ntargets; i++)
            for (size_t z = 0; z < npg_enum_responder_nzones(n->r); z++)
                notify_one(n, &n->targets[i], npg_enum_responder_zone_name(n->r, z),
                           npg_enum_serial(serial));
        for (int ms = 0; ms < ROUND_GAP_MS && !atomic_load(&n->stopping); ms += 50)
            usleep(50 * 1000);
        pthread_mutex_lock(&n->lock);
        n->sent = serial;
    }
    pthread_mutex_unlock(&n->lock);
    return NULL;
}

int npg_enum_notify_start(const npg_conf_t *conf, npg_enum_responder_t *r, npg_enum_notify_t **out)
{
    npg_enum_notify_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NPG_ENOMEM;
    n->conf = conf, n->r = r;
    char list[NPG_CONF_STRLEN];
    npg_strlcpy(list, conf->enumd.notify, sizeof(list));
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (n->ntargets == MAX_TARGETS || parse_target(t, &n->targets[n->ntargets]) != NPG_OK) {
            npg_log(LOG_ERR, "enum", "[enum] notify: '%s' is not IP:port (at most %d)", t,
                    MAX_TARGETS);
            free(n);
            return NPG_EINVAL;
        }
        n->ntargets++;
    }
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->wake, NULL);
    if (n->ntargets && pthread_create(&n->thread, NULL, notify_main, n) == 0)
        n->started = true;
    *out = n;
    return NPG_OK;
}

void npg_enum_notify_changed(npg_enum_notify_t *n, uint64_t change_id)
{
    if (!n || !n->started)
        return;
    pthread_mutex_lock(&n->lock);
    if (change_id != n->wanted) {
        n->wanted = change_id;
        pthread_cond_signal(&n->wake);
    }
    pthread_mutex_unlock(&n->lock);
}

void npg_enum_notify_stop(npg_enum_notify_t **np)
{
    npg_enum_notify_t *n = *np;
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    atomic_store(&n->stopping, true);
    pthread_cond_signal(&n->wake);
    pthread_mutex_unlock(&n->lock);
    if (n->started)
        pthread_join(n->thread, NULL);
    pthread_mutex_destroy(&n->lock);
    pthread_cond_destroy(&n->wake);
    free(n);
    *np = NULL;
}
