/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tests/unit/xmltest.h - helpers of the XML unit tests: data files and XML comparison. */
#pragma once
#include <stddef.h>

/* $top_srcdir/rel (top_srcdir from the environment, ".." when unset); caller frees. */
char *xt_path(const char *rel);

/* Contents of $top_srcdir/rel, NUL-terminated; fails the test when unreadable. Caller frees. */
char *xt_read(const char *rel, size_t *len);

/* Fail the test unless a and b are the same XML, ignoring blank text and formatting (C14N). */
void xt_assert_same_xml(const char *a, size_t alen, const char *b, size_t blen);

/* The direction a recording's name ends with ("Ported.in" -> "in"). */
const char *xt_direction(const char *name);
