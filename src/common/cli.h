/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/cli.h - what every npgw binary does first: read its configuration and set up logging. */
#pragma once
#include "common/conf.h"

/* Default configuration file when -c is not given. */
#define NPG_DEFAULT_CONF NPGW_SYSCONFDIR "/npgw/npgw.conf"

/*
 * Load defaults, then path (NULL: NPG_DEFAULT_CONF if it exists), then start
 * logging as configured under ident. Errors are printed to stderr.
 */
int npg_cli_setup(const char *ident, const char *path, npg_conf_t *conf) NPG_WUR;

/* SIGTERM and SIGINT call stop (it must be async-signal-safe); SIGPIPE is ignored. */
void npg_cli_on_stop_signals(void (*stop)(int sig));

/* The file npg_cli_setup reads for path: path itself, else NPG_DEFAULT_CONF if it exists. */
const char *npg_cli_conf_path(const char *path);

/*
 * A daemon's signals, on a thread of their own (sigwait), so what they do may lock and log.
 * Call before any other thread starts: they inherit the blocked signals. SIGTERM and SIGINT
 * call stop(arg) once, and systemd hears STOPPING=1; SIGHUP reloads path into live
 * (common/reload.h) between RELOADING=1 and READY=1. SIGPIPE is ignored.
 */
int npg_cli_signals_start(const char *path, npg_conf_t *live, void (*stop)(void *arg),
                          void *arg) NPG_WUR;
/* End the signal thread (the daemon stops for another reason) and wait for it. */
void npg_cli_signals_stop(void);

/*
 * The "TIER user:key" line of tier in a credentials file (the format quickstart writes to
 * var/demo-credentials), so no key ever appears on a command line. NPG_ENOTFOUND, said on
 * stderr, when the file or the line is missing.
 */
int npg_cli_read_key_file(const char *path, const char *tier, char *user, size_t ulen, char *key,
                          size_t klen) NPG_WUR;
