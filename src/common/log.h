/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/log.h - one logger: stderr or syslog, syslog priorities, a subsystem tag per line. */
#pragma once
#include <stdbool.h>
#include <syslog.h>
#include "common/error.h"

typedef enum npg_log_target { NPG_LOG_STDERR, NPG_LOG_SYSLOG } npg_log_target_t;

/* Set once at start-up; ident names the program in syslog and stderr lines. */
void npg_log_init(const char *ident, npg_log_target_t target, int max_prio);

/* Parse "error", "warning", "notice", "info" or "debug" into a syslog priority. */
int npg_log_parse_level(const char *name, int *prio) NPG_WUR;

bool npg_log_enabled(int prio);
/* Change the level at run time (SIGHUP); safe while other threads log. */
void npg_log_set_level(int max_prio);

/* Never pass secrets (API keys, passwords, TSIG keys) to the logger. */
void npg_log(int prio, const char *subsys, const char *fmt, ...) NPG_PRINTF(3, 4);

#define npg_log_debug(sub, ...)                                                                    \
    do {                                                                                           \
        if (npg_log_enabled(LOG_DEBUG))                                                            \
            npg_log(LOG_DEBUG, sub, __VA_ARGS__);                                                  \
    } while (0)
