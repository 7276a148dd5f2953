/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/util.h - small string, time and file helpers shared by every module. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "common/error.h"

/* Copy with truncation; always terminates. Returns strlen(src). */
size_t npg_strlcpy(char *dst, const char *src, size_t size);

/* True when s is non-empty and only digits. */
bool npg_is_digits(const char *s);

/* UTC time as "2025-01-15T10:30:00" (zulu adds a trailing 'Z'). buf needs 21 bytes. */
void npg_time_iso(time_t t, bool zulu, char *buf, size_t len);

/* Parse "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SS[Z]" as UTC. */
int npg_time_parse(const char *s, time_t *out) NPG_WUR;

/* Fill buf with n random bytes from the kernel. */
int npg_random_bytes(void *buf, size_t n) NPG_WUR;

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void npg_hex(const void *bytes, size_t n, char *out);

/* Read a whole file (at most max bytes) into a malloc'ed, NUL-terminated buffer the caller frees. */
int npg_read_file(const char *path, size_t max, char **out, size_t *len) NPG_WUR;

/* Monotonic clock in milliseconds. */
int64_t npg_now_ms(void);
