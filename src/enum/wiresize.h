/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/wiresize.h - the exact size of a DNS message as ldns writes it, name compression included.
 */
#pragma once
#include <stddef.h>
#include "common/error.h"

/*
 * ldns compresses a name by pointing at the longest suffix written before,
 * and only remembers suffixes written within the first 16 KiB (pointers have
 * 14 bits). Filling a 64 KiB UPDATE by measuring with ldns_pkt2wire again and
 * again costs more than building it; this model gives the same sizes as it goes.
 */
typedef struct npg_wiresize npg_wiresize_t; /* opaque */

int npg_wiresize_new(npg_wiresize_t **out) NPG_WUR;
void npg_wiresize_free(npg_wiresize_t **w);

/* Start a message: the 12-byte header written, nothing remembered. */
void npg_wiresize_reset(npg_wiresize_t *w);
/*
 * Write a name at the current position: absolute, lower case, no escapes
 * ("0.1.e164.arpa."). Returns the bytes it takes (0: out of memory, give up).
 */
size_t npg_wiresize_name(npg_wiresize_t *w, const char *name);
/* Write n bytes that are not names (fixed fields, RDATA). */
void npg_wiresize_skip(npg_wiresize_t *w, size_t n);
/* The message's size so far. */
size_t npg_wiresize_pos(const npg_wiresize_t *w);
