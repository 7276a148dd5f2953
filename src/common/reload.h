/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * common/reload.h - what a daemon does on SIGHUP besides npg_conf_reload: each module that
 * applies settings of its own at run time (the log level, the alarm thresholds, TLS
 * certificates) registers a hook, and the daemon runs them all with the configuration just
 * read. Hooks run one after the other on the thread that handles the signal.
 */
#pragma once
#include <stddef.h>
#include "common/conf.h"

/*
 * Apply what the hook owns from next (valid only during the call: copy what is kept).
 * Return NPG_OK, or an error with a sentence in err: the hook keeps its old settings and
 * the others still run.
 */
typedef int (*npg_reload_fn)(void *arg, const npg_conf_t *next, char *err, size_t errlen);

/* Add a hook (name is for the log, a literal). NPG_ETOOBIG past 16 hooks. */
int npg_reload_register(const char *name, npg_reload_fn fn, void *arg) NPG_WUR;
/* Remove the hook registered with fn and arg, if any (before arg is freed). */
void npg_reload_unregister(npg_reload_fn fn, void *arg);

/*
 * Read path again: on a syntax or value error nothing changes (the errors are logged) and
 * NPG_ECONF is returned. Otherwise npg_conf_reload(live, ...) and every hook run; returns
 * NPG_OK when each hook succeeded, else the first error.
 */
int npg_reload_run(const char *path, npg_conf_t *live) NPG_WUR;

/* The log level hook every daemon registers: [general] log_level. */
int npg_reload_log_level(void *arg, const npg_conf_t *next, char *err, size_t errlen);
