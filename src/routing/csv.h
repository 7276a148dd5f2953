/* SPDX-License-Identifier: GPL-3.0-or-later */
/* routing/csv.h - one line of the routing CSV import (npgwctl route import), on its own so the
 * fuzz target reaches it without a database. Internal to routing/ and its tests. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"

/*
 * One line, "number,operator[,type]" (number full E.164, '+' allowed; type mobile, the
 * default, or fixed), modified in place: *op points into line, *type at a static string or
 * into line. Blank lines, '#' comments and a "number..." header line give NPG_ENOTFOUND (skip);
 * NPG_EINVAL with err saying what is wrong.
 */
int npg_routing_csv_line(char *line, uint64_t *number, char **op, const char **type, char *err,
                         size_t errlen) NPG_WUR;
