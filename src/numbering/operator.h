/* SPDX-License-Identifier: GPL-3.0-or-later */
/* numbering/operator.h - operators, their routing numbers and home number ranges. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "db/db.h"

#define NPG_OPERATOR_CODE_LEN 11

typedef struct npg_operator {
    uint32_t id;
    char code[NPG_OPERATOR_CODE_LEN];
    char name[129];
    char routing_number[17];
    char ims_domain[254];
    char naptr_form[4]; /* "sip" or "tel" */
    char rn_format[7];  /* "global" (rn=+<digits>, RFC 4694) or "bare" (rn=<digits>) */
    bool is_self;
} npg_operator_t;

/* An operator from the 8 columns id, code, name, routing_number, ims_domain, naptr_form,
 * is_self, rn_format (NULL cells read as empty). */
void npg_operator_from_row(const char *const *cells, npg_operator_t *out);

/* True for 2..10 capitals or digits. */
bool npg_operator_code_valid(const char *code);

/* Insert or update (by code), inside the caller's transaction (npg_routing_operator_put
 * logs the change with it). Errors: NPG_EINVAL for a bad code, rn, form or rn format. */
int npg_operator_put(npg_db_t *db, const npg_operator_t *op) NPG_WUR;
/* Load by code. Errors: NPG_ENOTFOUND. */
int npg_operator_get(npg_db_t *db, const char *code, npg_operator_t *out) NPG_WUR;
/* Load by database id. Errors: NPG_ENOTFOUND. */
int npg_operator_get_by_id(npg_db_t *db, uint32_t id, npg_operator_t *out) NPG_WUR;
/* Add a home range (E.164 ends, same length), in a transaction of its own. Re-adding the
 * same range updates its owner. Who serves a number: numbering/numbering.h. Operators and
 * ranges shape the ENUM zone: to keep zone transfers exact, change them through
 * routing/routing.h (npg_routing_operator_put, npg_routing_range_add). */
int npg_operator_range_add(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                           const char *number_type) NPG_WUR;
/* The same inside the caller's transaction. */
int npg_operator_range_put(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                           const char *number_type) NPG_WUR;

/* Every operator (code, name, routing_number, ims_domain, naptr_form, rn_format, is_self),
 * by code. */
int npg_operator_list(npg_db_t *db, npg_db_row_fn fn, void *arg) NPG_WUR;
/* Every home range (operator, first, last, number_type), by first number. */
int npg_operator_ranges_list(npg_db_t *db, npg_db_row_fn fn, void *arg) NPG_WUR;
