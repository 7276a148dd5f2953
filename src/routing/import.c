/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bulk import of routing rows: CSV in, 100 rows per statement, a transaction per batch. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/e164.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "routing/csv.h"
#include "routing/routing.h"

/* Rows waiting to be written together. */
#define CHUNK 100
typedef struct pending {
    uint64_t number;
    const npg_operator_t *op;
    const char *type; /* "mobile" or "fixed" (static strings) */
} pending_t;

#define CH1                                                                                        \
    "(?, ?, 'upsert', ?, ?, (SELECT operator_id FROM routing WHERE number = ?), ?, 'import')"
#define CH10 CH1 "," CH1 "," CH1 "," CH1 "," CH1 "," CH1 "," CH1 "," CH1 "," CH1 "," CH1
#define RT1 "(?, ?, ?, ?, 'import', NULL, ?)"
#define RT10 RT1 "," RT1 "," RT1 "," RT1 "," RT1 "," RT1 "," RT1 "," RT1 "," RT1 "," RT1
#define X10(a) a "," a "," a "," a "," a "," a "," a "," a "," a "," a

/*
 * CHUNK rows in two statements, with CHUNK consecutive change-log ids taken first: row i's
 * change is first + i. prev_operator_id is read before the routing rows change, so a chunk
 * never holds a number twice (the caller flushes first).
 */
static int write_chunk(npg_db_t *db, const pending_t *p)
{
    npg_db_val_t ch[CHUNK * 6], rt[CHUNK * 5];
    uint64_t first = 0;
    int rc = npg_routing_take_serials(db, CHUNK, &first);
    for (size_t i = 0; i < CHUNK; i++) {
        ch[6 * i] = NPG_DB_U(first + i);
        ch[6 * i + 1] = NPG_DB_U(p[i].number);
        ch[6 * i + 2] = NPG_DB_U(p[i].op->id);
        ch[6 * i + 3] = NPG_DB_S(p[i].op->routing_number);
        ch[6 * i + 4] = NPG_DB_U(p[i].number);
        ch[6 * i + 5] = NPG_DB_S(p[i].type);
    }
    if (rc == NPG_OK)
        rc = npg_db_exec(db,
                         "INSERT INTO routing_changes (id, number, op, operator_id, routing_number,"
                         " prev_operator_id, number_type, source) VALUES " X10(CH10),
                         ch, CHUNK * 6, NULL, NULL);
    for (size_t i = 0; rc == NPG_OK && i < CHUNK; i++) {
        rt[5 * i] = NPG_DB_U(p[i].number);
        rt[5 * i + 1] = NPG_DB_U(p[i].op->id);
        rt[5 * i + 2] = NPG_DB_S(p[i].op->routing_number);
        rt[5 * i + 3] = NPG_DB_S(p[i].type);
        rt[5 * i + 4] = NPG_DB_U(first + i);
    }
    if (rc == NPG_OK)
        rc = npg_db_exec(db,
                         "INSERT INTO routing (number, operator_id, routing_number, number_type,"
                         " source, port_ref, change_id) VALUES " X10(
                             RT10) " ON DUPLICATE KEY UPDATE operator_id = VALUES(operator_id),"
                                   " routing_number = VALUES(routing_number), lrn = NULL,"
                                   " number_type = VALUES(number_type), source = VALUES(source),"
                                   " port_ref = VALUES(port_ref), change_id = VALUES(change_id)",
                         rt, CHUNK * 5, NULL, NULL);
    return rc;
}

/* Write what is pending: full chunks together, a short tail row by row. */
static int flush(npg_db_t *db, pending_t *p, size_t *n)
{
    int rc = NPG_OK;
    if (*n == CHUNK)
        rc = write_chunk(db, p);
    else
        for (size_t i = 0; rc == NPG_OK && i < *n; i++)
            rc = npg_routing_set(db, p[i].number, p[i].op, p[i].type, "import", NULL, NULL);
    *n = 0;
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
    npg_homes_t *homes = NULL;
    pending_t pend[CHUNK];
    size_t npend = 0;
    char *line = NULL, why[256];
    size_t cap = 0, in_tx = 0;
    unsigned long lineno = 0;
    int rc = NPG_OK;
    *count = 0;
    err[0] = '\0';
    if (!cache)
        return NPG_ENOMEM;
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
            bool repeat = false;
            for (size_t i = 0; i < npend; i++)
                repeat = repeat || pend[i].number == number;
            if (repeat) /* the earlier line is written first: its change comes first */
                rc = flush(db, pend, &npend);
            if (rc == NPG_OK && home && strcmp(home, op->code) == 0) /* going home: no row */
                rc = npg_routing_set(db, number, op, type, "import", NULL, NULL);
            else if (rc == NPG_OK)
                pend[npend++] = (pending_t){.number = number, .op = op, .type = type};
        }
        if (rc == NPG_OK && npend == CHUNK)
            rc = flush(db, pend, &npend);
        if (rc == NPG_OK && ++in_tx == batch && (rc = flush(db, pend, &npend)) == NPG_OK) {
            rc = npg_db_commit(db);
            *count += rc == NPG_OK ? in_tx : 0;
            in_tx = 0;
        }
        if (rc != NPG_OK)
            snprintf(err, errlen, "line %lu: %s", lineno, why[0] ? why : npg_strerror(rc));
        why[0] = '\0';
    }
    if (rc == NPG_OK && in_tx > 0 && (rc = flush(db, pend, &npend)) == NPG_OK) {
        rc = npg_db_commit(db);
        *count += rc == NPG_OK ? in_tx : 0;
        if (rc != NPG_OK)
            snprintf(err, errlen, "commit failed: %s", npg_strerror(rc));
    } else if (rc != NPG_OK && in_tx > 0) {
        npg_db_rollback(db);
    }
    free(line);
    free(cache);
    npg_homes_release(&homes);
    return rc;
}
