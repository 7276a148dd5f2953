/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * npgwctl status: the daemons (asked on their metrics listeners and npgwd's /health), the
 * database, the open alarms and the outbox queues. Runs when the database is down too.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "adapters/adapter.h"
#include "common/cli.h"
#include "db/migrate.h"
#include "npgwctl/ctl.h"
#include "outbox/outbox.h"
#include "porting/alarm.h"

#define FETCH_MAX (4 << 20)
#define FETCH_MS 2000

/* GET path from addr:port (an IP address); the body in a malloc'ed buffer, NULL on failure. */
static char *http_get(const char *addr, int port, const char *path, int *status)
{
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    bool v6 = inet_pton(AF_INET6, addr, &a6.sin6_addr) == 1;
    if (!v6 && inet_pton(AF_INET, addr, &a4.sin_addr) != 1)
        return NULL;
    /* a wildcard listen address is reached on loopback */
    if (!v6 && a4.sin_addr.s_addr == htonl(INADDR_ANY))
        a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (v6 && IN6_IS_ADDR_UNSPECIFIED(&a6.sin6_addr))
        a6.sin6_addr = in6addr_loopback;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    struct timeval tv = {.tv_sec = FETCH_MS / 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    char req[256];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     path, addr);
    char *buf = NULL;
    size_t len = 0;
    if (connect(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
                v6 ? sizeof(a6) : sizeof(a4)) == 0 &&
        send(fd, req, (size_t)n, MSG_NOSIGNAL) == n && (buf = malloc(FETCH_MAX + 1)) != NULL) {
        ssize_t k;
        while (len < FETCH_MAX && (k = recv(fd, buf + len, FETCH_MAX - len, 0)) > 0)
            len += (size_t)k;
        buf[len] = '\0';
    }
    close(fd);
    char *body = buf ? strstr(buf, "\r\n\r\n") : NULL;
    if (!body || sscanf(buf, "HTTP/1.%*d %d", status) != 1) {
        free(buf);
        return NULL;
    }
    memmove(buf, body + 4, strlen(body + 4) + 1);
    return buf;
}

/* The value of the first sample whose name and labels start with what (NaN when absent). */
static double sample(const char *text, const char *what)
{
    size_t n = strlen(what);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (strncmp(l, what, n) == 0 && (l[n] == ' ' || l[n] == '{' || l[n - 1] == '{')) {
            const char *sp = strchr(l, ' ');
            return sp ? strtod(sp + 1, NULL) : 0.0 / 0.0;
        }
    return 0.0 / 0.0;
}

static void uptime(double start, char *out, size_t len)
{
    long s = start == start ? (long)(time(NULL) - (time_t)start) : -1;
    if (s < 0)
        snprintf(out, len, "?");
    else
        snprintf(out, len, "%ldd %02ld:%02ld:%02ld", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

/* One daemon, asked on its metrics listener: up or not, and what it says about itself. */
static bool daemon_line(const ctl_t *ctl, const char *name, int port, const char *prefix)
{
    if (port == 0) {
        printf("%-8s ?     no metrics listener ([metrics] %s = 0)\n", name,
               strcmp(name, "npgwd") == 0 ? "port" : "enum_port");
        return true;
    }
    int status = 0;
    char *m = http_get(ctl->conf.metrics.listen, port, "/metrics", &status);
    if (!m || status != 200) {
        printf("%-8s down  nothing answers on %s port %d\n", name, ctl->conf.metrics.listen, port);
        free(m);
        return false;
    }
    char key[64], up[32], version[64] = "?";
    snprintf(key, sizeof(key), "%s_build_info{version=\"", prefix);
    const char *v = strstr(m, key);
    if (v)
        snprintf(version, sizeof(version), "%.*s", (int)strcspn(v + strlen(key), "\""),
                 v + strlen(key));
    uptime(sample(m, "process_start_time_seconds"), up, sizeof(up));
    printf("%-8s up    version %s, up %s, %.0f MB resident", name, version, up,
           sample(m, "process_resident_memory_bytes") / 1048576.0);
    if (strcmp(name, "npenumd") == 0)
        printf(", %.0f ported numbers, change %.0f applied, %.1f s behind",
               sample(m, "npenumd_index_entries{table=\"ported\"}") +
                   sample(m, "npenumd_index_entries{table=\"overlay\"}"),
               sample(m, "npenumd_changelog_applied_id"), sample(m, "npenumd_changelog_lag_seconds"));
    printf("\n");
    free(m);
    return true;
}

/* npgwd's /health on its API port: ok or degraded. */
static void health_line(const ctl_t *ctl)
{
    int status = 0;
    char *h = http_get(ctl->conf.http.listen, ctl->conf.http.port, "/health", &status);
    if (h)
        printf("%-8s %s\n", "/health", h);
    else
        printf("%-8s no answer on %s port %d\n", "/health", ctl->conf.http.listen,
               ctl->conf.http.port);
    free(h);
}

int ctl_status(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    bool ok = daemon_line(ctl, "npgwd", ctl->conf.metrics.port, "npgw");
    health_line(ctl);
    ok = daemon_line(ctl, "npenumd", ctl->conf.metrics.enum_port, "npenumd") && ok;
    int version = 0;
    if (!ctl->db || npg_db_schema_version(ctl->db, &version) != NPG_OK) {
        printf("%-8s down  (alarms and queues need it)\n", "database");
        return 1;
    }
    printf("%-8s up    schema version %d\n", "database", version);

    json_t *list = NULL;
    if (npg_alarm_list_json(ctl->db, true, 100, &list) != NPG_OK)
        return ctl_fail(NPG_EDB, "alarms");
    size_t i;
    json_t *a;
    printf("\nalarms: %zu open\n", json_array_size(list));
    json_array_foreach(list, i, a)
    {
        const char *name = json_string_value(json_object_get(a, "name"));
        const char *port = json_string_value(json_object_get(a, "msgidentifier"));
        printf("  #%lld %-8s since %s  %s%s%s: %s\n",
               (long long)json_integer_value(json_object_get(a, "id")),
               json_string_value(json_object_get(a, "severity")),
               json_string_value(json_object_get(a, "raised_at")), name ? name : "port ",
               name ? "/" : "", name ? json_string_value(json_object_get(a, "source"))
                                     : (port ? port : "-"),
               json_string_value(json_object_get(a, "text")));
    }
    ok = ok && json_array_size(list) == 0;
    json_decref(list);

    npg_outbox_stats_t q[64];
    size_t n = 0;
    if (npg_outbox_stats(ctl->db, ctl->conf.alarms.delivery_attempts,
                         ctl->conf.alarms.delivery_window, q, 64, &n) != NPG_OK)
        return ctl_fail(NPG_EDB, "queues");
    printf("\nqueues (outbox): %s\n", n ? "" : "empty");
    if (n)
        printf("  %-16s %8s %10s %9s %12s\n", "kind", "pending", "oldest_s", "retrying",
               "failed_recent");
    for (i = 0; i < n; i++)
        printf("  %-16s %8llu %10.0f %9llu %12llu\n", q[i].kind,
               (unsigned long long)q[i].pending, q[i].oldest_s,
               (unsigned long long)q[i].failing, (unsigned long long)q[i].failed);
    return ok ? 0 : 1;
}

int ctl_status_run(const char *conf_path, int argc, char **argv)
{
    ctl_t ctl = {0};
    if (npg_cli_setup("npgwctl", conf_path, &ctl.conf) != NPG_OK)
        return 1;
    if (npg_db_open(&ctl.conf, &ctl.db) != NPG_OK)
        ctl.db = NULL; /* said in the output */
    int rc = ctl_status(&ctl, argc, argv);
    npg_db_close(&ctl.db);
    return rc;
}
