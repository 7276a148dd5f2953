/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bulk import of routing rows: CSV in, up to 1000 rows per statement, a transaction per batch. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/e164.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "routing/csv.h"
#include "routing/routing.h"

/* Rows waiting to be written together. */
#define CHUNK 1000
typedef struct pending {
    uint64_t number;
    const npg_operator_t *op;
    const char *type; /* "mobile" or "fixed" (static strings) */
} pending_t;

#define CH1 "(?, ?, 'upsert', ?, ?, ?, 'import')"
#define CH_PARAMS 5
#define X10(a) a "," a "," a "," a "," a "," a "," a "," a "," a "," a
#define CH_SQL(values)                                                                             \
    "INSERT INTO routing_changes (id, number, op, operator_id, routing_number, number_type, source)" \
    " VALUES " values
/* Each change's previous operator, read before the routing rows change (a chunk never holds a
 * number twice: the caller flushes first); one join, not a subquery per row. */
#define PREV_SQL                                                                                   \
    "UPDATE routing_changes c JOIN routing r ON r.number = c.number"                               \
    " SET c.prev_operator_id = r.operator_id WHERE c.id BETWEEN ? AND ?"
/* The rows just logged, copied into routing by the server: the data crosses the wire once. */
#define RT_SQL                                                                                     \
    "INSERT INTO routing (number, operator_id, routing_number, number_type, source, port_ref,"     \
    " change_id) SELECT number, operator_id, routing_number, number_type, 'import', NULL, id"      \
    " FROM routing_changes WHERE id BETWEEN ? AND ? ORDER BY id"                                   \
    " ON DUPLICATE KEY UPDATE operator_id = VALUES(operator_id),"                                  \
    " routing_number = VALUES(routing_number), lrn = NULL, number_type = VALUES(number_type),"     \
    " source = VALUES(source), port_ref = VALUES(port_ref), change_id = VALUES(change_id)"

/* Statement sizes, largest first: any number of rows is written with at most 9 of each. */
static const struct {
    size_t rows;
    const char *changes;
} sizes[] = {
    {1000, CH_SQL(X10(X10(X10(CH1))))},
    {100, CH_SQL(X10(X10(CH1)))},
    {10, CH_SQL(X10(CH1))},
    {1, CH_SQL(CH1)},
};

/* The numbers pending, hashed: a line repeating one flushes first (open addressing, cleared
 * at each flush; CHUNK of SLOTS keeps it at most half full). */
#define SLOTS 2048
typedef struct pending_set {
    uint64_t slot[SLOTS]; /* number + 1; 0 is empty */
} pending_set_t;

static bool pending_add(pending_set_t *set, uint64_t number)
{
    size_t i = (size_t)((number * 0x9E3779B97F4A7C15ULL) >> 53) & (SLOTS - 1);
    while (set->slot[i] && set->slot[i] != number + 1)
        i = (i + 1) & (SLOTS - 1);
    bool seen = set->slot[i] != 0;
    set->slot[i] = number + 1;
    return !seen;
}

/* Parameters of the largest statement; on the heap, as they take a few hundred KiB. */
typedef struct params {
    npg_db_val_t ch[CHUNK * CH_PARAMS];
    pending_set_t set;
} params_t;

/*
 * n rows (one of the sizes) in three statements, with n consecutive change-log ids taken first
 * (routing_serial: ids without holes, in commit order): row i's change is first + i.
 */
static int write_rows(npg_db_t *db, params_t *v, const pending_t *p, size_t n, size_t k)
{
    uint64_t first = 0;
    int rc = npg_routing_take_serials(db, n, &first);
    for (size_t i = 0; i < n; i++) {
        npg_db_val_t *c = &v->ch[CH_PARAMS * i];
        c[0] = NPG_DB_U(first + i);
        c[1] = NPG_DB_U(p[i].number);
        c[2] = NPG_DB_U(p[i].op->id);
        c[3] = NPG_DB_S(p[i].op->routing_number);
        c[4] = NPG_DB_S(p[i].type);
    }
    if (rc == NPG_OK)
        rc = npg_db_exec(db, sizes[k].changes, v->ch, n * CH_PARAMS, NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_db_exec(db, PREV_SQL, NPG_DB_P(NPG_DB_U(first), NPG_DB_U(first + n - 1)), NULL,
                         NULL);
    return rc == NPG_OK
               ? npg_db_exec(db, RT_SQL, NPG_DB_P(NPG_DB_U(first), NPG_DB_U(first + n - 1)), NULL,
                             NULL)
               : rc;
}

/* Write what is pending, in as few statements as the sizes allow, in order. */
static int flush(npg_db_t *db, params_t *v, pending_t *p, size_t *n)
{
    int rc = NPG_OK;
    size_t done = 0;
    for (size_t k = 0; rc == NPG_OK && k < NPG_ARRAY_LEN(sizes); k++)
        while (rc == NPG_OK && *n - done >= sizes[k].rows) {
            rc = write_rows(db, v, p + done, sizes[k].rows, k);
            done += sizes[k].rows;
        }
    *n = 0;
    memset(&v->set, 0, sizeof(v->set));
    return rc;
}

/* Operators seen during one import, each looked up once; fixed slots, as pending rows point in. */
#define MAX_IMPORT_OPS 256
typedef struct op_cache {
    npg_operator_t ops[MAX_IMPORT_OPS];
    size_t n;
} op_cache_t;

static int op_cached(npg_db_t *db, op_cache_t *c, const char *code, const npg_operator_t **out)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->ops[i].code, code) == 0)
            return *out = &c->ops[i], NPG_OK;
    if (c->n == MAX_IMPORT_OPS)
        return NPG_ETOOBIG;
    int rc = npg_operator_get(db, code, &c->ops[c->n]);
    if (rc == NPG_OK)
        *out = &c->ops[c->n++];
    return rc;
}

int npg_routing_csv_line(char *line, uint64_t *number, char **op, const char **type, char *err,
                         size_t errlen)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line + strspn(line, " \t");
    if (*p == '\0' || *p == '#' || strncasecmp(p, "number", 6) == 0)
        return NPG_ENOTFOUND;
    char *num = strsep(&p, ","), *code = p ? strsep(&p, ",") : NULL,
         *t = p ? strsep(&p, ",") : NULL;
    if (!code || p) {
        snprintf(err, errlen, "expected number,operator[,type]");
        return NPG_EINVAL;
    }
    if (*num == '+')
        num++;
    if (npg_e164_validate(num) != NPG_OK || npg_e164_to_u64(num, number) != NPG_OK) {
        snprintf(err, errlen, "'%s' is not a full E.164 number", num);
        return NPG_EINVAL;
    }
    if (t && *t && strcmp(t, "mobile") != 0 && strcmp(t, "fixed") != 0) {
        snprintf(err, errlen, "type must be mobile or fixed, not '%s'", t);
        return NPG_EINVAL;
    }
    *op = code;
    *type = t && *t ? t : "mobile";
    return NPG_OK;
}

int npg_routing_import_csv(npg_db_t *db, FILE *in, size_t batch, uint64_t *count, char *err,
                           size_t errlen)
{
    op_cache_t *cache = calloc(1, sizeof(*cache));
    params_t *vals = calloc(1, sizeof(*vals));
    pending_t *pend = malloc(CHUNK * sizeof(*pend));
    npg_homes_t *homes = NULL;
    size_t npend = 0;
    char *line = NULL, why[256];
    size_t cap = 0, in_tx = 0;
    unsigned long lineno = 0;
    int rc = NPG_OK;
    *count = 0;
    err[0] = '\0';
    if (!cache || !vals || !pend) {
        free(cache);
        free(vals);
        free(pend);
        return NPG_ENOMEM;
    }
    rc = npg_homes_get(db, &homes); /* a row going home needs no look-up of its own */
    while (rc == NPG_OK && getline(&line, &cap, in) >= 0) {
        lineno++;
        uint64_t number;
        char *code;
        const char *type;
        const npg_operator_t *op;
        rc = npg_routing_csv_line(line, &number, &code, &type, why, sizeof(why));
        if (rc == NPG_ENOTFOUND) {
            rc = NPG_OK;
            continue;
        }
        if (rc == NPG_OK && in_tx == 0)
            rc = npg_db_begin(db);
        if (rc == NPG_OK && (rc = op_cached(db, cache, code, &op)) == NPG_ENOTFOUND)
            snprintf(why, sizeof(why), "operator '%s' is unknown", code);
        if (rc == NPG_OK) {
            const char *home = npg_homes_owner(homes, number);
            type = strcmp(type, "fixed") == 0 ? "fixed" : "mobile";
            if (home && strcmp(home, op->code) == 0) { /* going home: no row */
                rc = flush(db, vals, pend, &npend); /* earlier lines first: the log keeps order */
                if (rc == NPG_OK)
                    rc = npg_routing_set(db, number, op, type, "import", NULL, NULL);
            } else {
                if (!pending_add(&vals->set, number)) { /* its earlier line is written first */
                    rc = flush(db, vals, pend, &npend);
                    pending_add(&vals->set, number);
                }
                pend[npend++] = (pending_t){.number = number, .op = op, .type = type};
            }
        }
        if (rc == NPG_OK && npend == CHUNK)
            rc = flush(db, vals, pend, &npend);
        if (rc == NPG_OK && ++in_tx == batch && (rc = flush(db, vals, pend, &npend)) == NPG_OK) {
            rc = npg_db_commit(db);
            *count += rc == NPG_OK ? in_tx : 0;
            in_tx = 0;
        }
        if (rc != NPG_OK)
            snprintf(err, errlen, "line %lu: %s", lineno, why[0] ? why : npg_strerror(rc));
        why[0] = '\0';
    }
    if (rc == NPG_OK && in_tx > 0 && (rc = flush(db, vals, pend, &npend)) == NPG_OK) {
        rc = npg_db_commit(db);
        *count += rc == NPG_OK ? in_tx : 0;
        if (rc != NPG_OK)
            snprintf(err, errlen, "commit failed: %s", npg_strerror(rc));
    } else if (rc != NPG_OK && in_tx > 0) {
        npg_db_rollback(db);
    }
    free(line);
    free(cache);
    free(vals);
    free(pend);
    npg_homes_release(&homes);
    return rc;
}
