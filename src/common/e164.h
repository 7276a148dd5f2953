/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/e164.h - E.164 numbers: normalise local numbers, validate, expand ranges, ENUM owner names. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"

#define NPG_E164_MAX_DIGITS 15
#define NPG_E164_BUFLEN (NPG_E164_MAX_DIGITS + 1)

/*
 * Turn a number as a person or BSS types it into E.164 digits (no '+').
 * "+15550100" and "0015550100" are international; anything else is local and
 * gets country_code in front, after dropping one national trunk prefix '0'
 * ("07700900123" with 44 -> "447700900123"). Spaces, '-', '.', '(' and ')' are ignored.
 * Errors: NPG_EINVAL (letters, empty, leading zero country code),
 * NPG_ETOOBIG (more than 15 digits).
 */
int npg_e164_normalise(const char *in, const char *country_code, char out[NPG_E164_BUFLEN]) NPG_WUR;

/* Check that s is already E.164 digits: 1..15 digits, no leading zero. */
int npg_e164_validate(const char *s) NPG_WUR;

/* E.164 digits as an integer key (numbers never start with 0, so no digit is lost). */
int npg_e164_to_u64(const char *s, uint64_t *out) NPG_WUR;
void npg_e164_from_u64(uint64_t n, char out[NPG_E164_BUFLEN]);

/*
 * Validate a range of local or E.164 numbers: both ends normalised, the same
 * length, end not before start, at most max_count numbers. On success *first,
 * *last hold the E.164 ends and *count the number of numbers.
 */
int npg_e164_range(const char *start, const char *end, const char *country_code, long max_count,
                   uint64_t *first, uint64_t *last, long *count) NPG_WUR;

/* Expand [first, last]: calls fn for each number until it returns non-zero (that value is returned). */
int npg_e164_range_each(uint64_t first, uint64_t last, int (*fn)(uint64_t number, void *arg),
                        void *arg);

/*
 * ENUM owner name (RFC 6116): reversed digits, dot separated, under apex.
 * "15550100", "e164.arpa" -> "0.0.1.0.5.5.5.1.e164.arpa." Errors: NPG_EINVAL, NPG_ETOOBIG (buffer).
 */
int npg_e164_enum_name(const char *e164, const char *apex, char *out, size_t outlen) NPG_WUR;

/* Inverse of npg_e164_enum_name: NPG_ENOTFOUND when name is not under apex. */
int npg_e164_from_enum_name(const char *name, const char *apex, char out[NPG_E164_BUFLEN]) NPG_WUR;

/* Strip the country code from an E.164 number, for local display; returns e164 if it lacks the code. */
const char *npg_e164_local_part(const char *e164, const char *country_code);
