/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "numbering/operator.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "numbering/numbering.h"

bool npg_operator_code_valid(const char *code)
{
    size_t n = code ? strlen(code) : 0;
    return n >= 2 && n <= 10 && strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;
}

int npg_operator_put(npg_db_t *db, const npg_operator_t *op)
{
    if (!npg_operator_code_valid(op->code) ||
        (op->routing_number[0] && !npg_is_digits(op->routing_number)) ||
        (strcmp(op->naptr_form, "sip") != 0 && strcmp(op->naptr_form, "tel") != 0) ||
        (strcmp(op->rn_format, "global") != 0 && strcmp(op->rn_format, "bare") != 0))
        return NPG_EINVAL;
    int rc =
        npg_db_exec(db,
                    "INSERT INTO operators (code, name, routing_number, ims_domain, naptr_form,"
                    " rn_format, is_self) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                    " name = VALUES(name), routing_number = VALUES(routing_number),"
                    " ims_domain = VALUES(ims_domain), naptr_form = VALUES(naptr_form),"
                    " rn_format = VALUES(rn_format), is_self = VALUES(is_self)",
                    NPG_DB_P(NPG_DB_S(op->code), NPG_DB_S(op->name), NPG_DB_S(op->routing_number),
                             NPG_DB_S(op->ims_domain), NPG_DB_S(op->naptr_form),
                             NPG_DB_S(op->rn_format), NPG_DB_I(op->is_self)),
                    NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_numbering_bump(db); /* every process's snapshot carries the operators too */
    return rc;
}

void npg_operator_from_row(const char *const *c, npg_operator_t *out)
{
    memset(out, 0, sizeof(*out));
    out->id = (uint32_t)strtoul(c[0] ? c[0] : "0", NULL, 10);
    npg_strlcpy(out->code, c[1] ? c[1] : "", sizeof(out->code));
    npg_strlcpy(out->name, c[2] ? c[2] : "", sizeof(out->name));
    npg_strlcpy(out->routing_number, c[3] ? c[3] : "", sizeof(out->routing_number));
    npg_strlcpy(out->ims_domain, c[4] ? c[4] : "", sizeof(out->ims_domain));
    npg_strlcpy(out->naptr_form, c[5] ? c[5] : "", sizeof(out->naptr_form));
    out->is_self = c[6] && strtol(c[6], NULL, 10) != 0;
    npg_strlcpy(out->rn_format, c[7] ? c[7] : "", sizeof(out->rn_format));
}

static int operator_by(npg_db_t *db, const char *sql, const npg_db_val_t *key, size_t nkey,
                       npg_operator_t *out)
{
    npg_db_rows_t *rows;
    int rc = npg_db_query(db, sql, key, nkey, &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) == 0) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    const char *cells[8];
    for (size_t c = 0; c < 8; c++)
        cells[c] = npg_db_rows_get(rows, 0, c);
    npg_operator_from_row(cells, out);
    npg_db_rows_free(&rows);
    return NPG_OK;
}

#define OPERATOR_COLUMNS                                                                           \
    "SELECT id, code, name, routing_number, ims_domain, naptr_form, is_self, rn_format"          \
    " FROM operators"

int npg_operator_get(npg_db_t *db, const char *code, npg_operator_t *out)
{
    return operator_by(db, OPERATOR_COLUMNS " WHERE code = ?", NPG_DB_P(NPG_DB_S(code)), out);
}

int npg_operator_get_by_id(npg_db_t *db, uint32_t id, npg_operator_t *out)
{
    return operator_by(db, OPERATOR_COLUMNS " WHERE id = ?", NPG_DB_P(NPG_DB_U(id)), out);
}

int npg_operator_range_put(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                           const char *number_type)
{
    npg_operator_t op;
    char a[24], b[24];
    snprintf(a, sizeof(a), "%llu", (unsigned long long)first);
    snprintf(b, sizeof(b), "%llu", (unsigned long long)last);
    if (last < first || strlen(a) != strlen(b))
        return NPG_EINVAL;
    if (strcmp(number_type, "mobile") != 0 && strcmp(number_type, "fixed") != 0)
        return NPG_EINVAL;
    int rc = npg_operator_get(db, code, &op);
    if (rc != NPG_OK)
        return rc;
    rc = npg_db_exec(
        db,
        "INSERT INTO operator_ranges (operator_id, range_start, range_end,"
        " number_type) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
        " operator_id = VALUES(operator_id), number_type = VALUES(number_type)",
        NPG_DB_P(NPG_DB_U(op.id), NPG_DB_U(first), NPG_DB_U(last), NPG_DB_S(number_type)), NULL,
        NULL);
    if (rc == NPG_OK)
        rc = npg_numbering_bump(db); /* every process reloads its home ranges */
    return rc;
}

int npg_operator_range_add(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                           const char *number_type)
{
    int rc = npg_db_begin(db);
    if (rc != NPG_OK)
        return rc;
    rc = npg_operator_range_put(db, code, first, last, number_type);
    if (rc == NPG_OK)
        return npg_db_commit(db);
    npg_db_rollback(db);
    return rc;
}

int npg_operator_list(npg_db_t *db, npg_db_row_fn fn, void *arg)
{
    return npg_db_query_each(db,
                             "SELECT code, name, routing_number, ims_domain, naptr_form,"
                             " rn_format, is_self FROM operators ORDER BY code",
                             NULL, 0, fn, arg);
}

int npg_operator_ranges_list(npg_db_t *db, npg_db_row_fn fn, void *arg)
{
    return npg_db_query_each(db,
                             "SELECT o.code, r.range_start, r.range_end, r.number_type FROM"
                             " operator_ranges r JOIN operators o ON o.id = r.operator_id"
                             " ORDER BY r.range_start",
                             NULL, 0, fn, arg);
}
