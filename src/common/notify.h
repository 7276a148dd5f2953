/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/notify.h - tell systemd how a Type=notify daemon is doing (sd_notify's protocol,
 * without libsystemd): READY=1 once it serves, RELOADING=1 around a reload, STOPPING=1. */
#pragma once
#include "common/error.h"

/*
 * Send state ("READY=1", "STATUS=...", lines separated by '\n') to $NOTIFY_SOCKET. Nothing
 * happens (NPG_OK) when the variable is unset: the daemon was not started by systemd.
 */
int npg_notify(const char *state);
/* "RELOADING=1" with the MONOTONIC_USEC systemd wants alongside it. */
int npg_notify_reloading(void);
