/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct {
    const char *ident;
    npg_log_target_t target;
    int max_prio;
} npg_logger = {"npgw", NPG_LOG_STDERR, LOG_INFO};

static const struct {
    const char *name;
    int prio;
} npg_levels[] = {
    {"error", LOG_ERR}, {"warning", LOG_WARNING}, {"notice", LOG_NOTICE},
    {"info", LOG_INFO}, {"debug", LOG_DEBUG},
};

void npg_log_init(const char *ident, npg_log_target_t target, int max_prio)
{
    npg_logger.ident = ident;
    npg_logger.target = target;
    npg_logger.max_prio = max_prio;
    if (target == NPG_LOG_SYSLOG)
        openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int npg_log_parse_level(const char *name, int *prio)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(npg_levels); i++) {
        if (strcasecmp(name, npg_levels[i].name) == 0) {
            *prio = npg_levels[i].prio;
            return NPG_OK;
        }
    }
    return NPG_EINVAL;
}

void npg_log_set_level(int max_prio)
{
    __atomic_store_n(&npg_logger.max_prio, max_prio, __ATOMIC_RELAXED);
}

bool npg_log_enabled(int prio)
{
    return prio <= npg_logger.max_prio;
}

static const char *level_name(int prio)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(npg_levels); i++)
        if (npg_levels[i].prio == prio)
            return npg_levels[i].name;
    return prio < LOG_ERR ? "critical" : "debug";
}

void npg_log(int prio, const char *subsys, const char *fmt, ...)
{
    if (!npg_log_enabled(prio))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* One line per entry: control characters from peers must not forge lines. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (npg_logger.target == NPG_LOG_SYSLOG) {
        syslog(prio, "[%s] %s", subsys, msg);
        return;
    }
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char when[32];
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%03ldZ %s %s [%s] %s\n", when, ts.tv_nsec / 1000000L, npg_logger.ident,
            level_name(prio), subsys, msg);
}
