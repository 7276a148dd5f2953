/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "routing/routing.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/e164.h"
#include "common/util.h"
#include "enum/publish.h"
#include "numbering/numbering.h"
#include "routing/rindex.h"

int npg_routing_take_serials(npg_db_t *db, uint64_t n, uint64_t *first)
{
    uint64_t affected = 0, last = 0;
    /* LAST_INSERT_ID(expr) hands the new value back through this connection only. */
    int rc = npg_db_exec(db,
                         "UPDATE routing_serial SET serial = LAST_INSERT_ID(serial + ?)"
                         " WHERE id = 1",
                         NPG_DB_P(NPG_DB_U(n)), &affected, &last);
    if (rc == NPG_OK && affected != 1)
        return NPG_ENOTFOUND; /* db/012_scale.sql not applied */
    if (rc == NPG_OK)
        *first = last - n + 1;
    return rc;
}

/* The number's routing row operator (0: no row), locked until commit. */
static int current_op(npg_db_t *db, uint64_t number, uint64_t *op)
{
    int64_t v = 0;
    int rc = npg_db_query_int(db, "SELECT operator_id FROM routing WHERE number = ? FOR UPDATE",
                              NPG_DB_P(NPG_DB_U(number)), &v);
    *op = rc == NPG_OK ? (uint64_t)v : 0;
    return rc == NPG_ENOTFOUND ? NPG_OK : rc;
}

/*
 * One change-log row with the next serial as its id. The counter is taken first, so
 * every writer of routing rows holds it before their row locks: no deadlock between two.
 */
static int log_change(npg_db_t *db, uint64_t number, const char *op, const npg_operator_t *to,
                      const char *lrn, const char *number_type, const char *source,
                      uint64_t *change_id)
{
    uint64_t id = 0, prev = 0;
    int64_t any = 0;
    if (!to && number) { /* a removal of nothing takes no serial: ids stay gap-free */
        int rc = npg_db_query_int(db, "SELECT COUNT(*) FROM routing WHERE number = ?",
                                  NPG_DB_P(NPG_DB_U(number)), &any);
        if (rc != NPG_OK || any == 0)
            return rc == NPG_OK ? NPG_ENOTFOUND : rc;
    }
    int rc = npg_routing_take_serials(db, 1, &id);
    if (rc == NPG_OK && number)
        rc = current_op(db, number, &prev);
    if (rc == NPG_OK)
        rc = npg_db_exec(
            db,
            "INSERT INTO routing_changes (id, number, op, operator_id, routing_number, lrn,"
            " prev_operator_id, number_type, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            NPG_DB_P(NPG_DB_U(id), NPG_DB_U(number), NPG_DB_S(op),
                     to ? NPG_DB_U(to->id) : NPG_DB_NUL,
                     NPG_DB_S(lrn  ? lrn
                              : to ? to->routing_number
                                   : NULL),
                     NPG_DB_S(lrn), prev ? NPG_DB_U(prev) : NPG_DB_NUL, NPG_DB_S(number_type),
                     NPG_DB_S(source)),
            NULL, NULL);
    if (rc == NPG_OK && change_id)
        *change_id = id;
    if (rc == NPG_OK)
        npg_rindex_wrote(id); /* this process's own reads wait for it */
    return rc;
}

int npg_routing_set(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                    const char *number_type, const char *source, const char *port_ref,
                    uint64_t *change_id)
{
    return npg_routing_set_lrn(db, number, op, NULL, number_type, source, port_ref, change_id);
}

int npg_routing_set_lrn(npg_db_t *db, uint64_t number, const npg_operator_t *op, const char *lrn,
                        const char *number_type, const char *source, const char *port_ref,
                        uint64_t *change_id)
{
    if (lrn && !lrn[0])
        lrn = NULL;
    uint64_t change = 0;
    npg_homes_t *homes = NULL;
    int rc = npg_homes_get(db, &homes);
    if (rc != NPG_OK)
        return rc;
    const char *owner = npg_homes_owner(homes, number);
    bool home = owner && strcmp(owner, op->code) == 0;
    npg_homes_release(&homes);
    rc = log_change(db, number, home ? "delete" : "upsert", op, home ? NULL : lrn, number_type,
                    source, &change);
    if (rc == NPG_OK && home)
        rc = npg_db_exec(db, "DELETE FROM routing WHERE number = ?", NPG_DB_P(NPG_DB_U(number)),
                         NULL, NULL);
    else if (rc == NPG_OK)
        rc = npg_db_exec(
            db,
            "INSERT INTO routing (number, operator_id, routing_number, lrn,"
            " number_type, source, port_ref, change_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON DUPLICATE KEY UPDATE operator_id = VALUES(operator_id),"
            " routing_number = VALUES(routing_number), lrn = VALUES(lrn),"
            " number_type = VALUES(number_type), source = VALUES(source),"
            " port_ref = VALUES(port_ref), change_id = VALUES(change_id)",
            NPG_DB_P(NPG_DB_U(number), NPG_DB_U(op->id), NPG_DB_S(lrn ? lrn : op->routing_number),
                     NPG_DB_S(lrn), NPG_DB_S(number_type), NPG_DB_S(source),
                     NPG_DB_S(port_ref && port_ref[0] ? port_ref : NULL), NPG_DB_U(change)),
            NULL, NULL);
    if (rc == NPG_OK && change_id)
        *change_id = change;
    return rc;
}

int npg_routing_remove(npg_db_t *db, uint64_t number, const char *source, uint64_t *change_id)
{
    uint64_t change = 0;
    int rc = log_change(db, number, "delete", NULL, NULL, NULL, source, &change);
    if (rc == NPG_OK)
        rc = npg_db_exec(db, "DELETE FROM routing WHERE number = ?", NPG_DB_P(NPG_DB_U(number)),
                         NULL, NULL);
    if (rc == NPG_OK && change_id)
        *change_id = change;
    return rc;
}

int npg_routing_log_epoch(npg_db_t *db, const char *source)
{
    return log_change(db, 0, "epoch", NULL, NULL, NULL, source, NULL);
}

static int operator_put_tx(npg_db_t *db, void *arg)
{
    int rc = npg_operator_put(db, arg);
    return rc == NPG_OK ? npg_routing_log_epoch(db, "operator") : rc;
}

int npg_routing_operator_put(npg_db_t *db, const npg_operator_t *op)
{
    return npg_db_transact(db, operator_put_tx, (void *)op);
}

struct range_args {
    const char *code, *type;
    uint64_t first, last;
};

static int range_add_tx(npg_db_t *db, void *arg)
{
    const struct range_args *a = arg;
    int rc = npg_operator_range_put(db, a->code, a->first, a->last, a->type);
    return rc == NPG_OK ? npg_routing_log_epoch(db, "range") : rc;
}

int npg_routing_range_add(npg_db_t *db, const char *code, uint64_t first, uint64_t last,
                          const char *number_type)
{
    struct range_args a = {code, number_type, first, last};
    return npg_db_transact(db, range_add_tx, &a);
}

static npg_rindex_t *rest_index; /* set by npgwd: its REST reads answered from memory */

void npg_routing_use_index(struct npg_rindex *ix)
{
    rest_index = ix;
}

/* The number's routing row from the database (one primary-key read, no join). */
static int row_read(npg_db_t *db, uint64_t number, npg_rindex_row_t *row, bool *found)
{
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT number_type, source, COALESCE(port_ref, ''),"
                          " DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s'), operator_id,"
                          " COALESCE(lrn, '') FROM routing WHERE number = ?",
                          NPG_DB_P(NPG_DB_U(number)), &rows);
    if (rc != NPG_OK)
        return rc;
    memset(row, 0, sizeof(*row));
    *found = npg_db_rows_count(rows) == 1;
    if (*found) {
        npg_strlcpy(row->number_type, npg_db_rows_get(rows, 0, 0), sizeof(row->number_type));
        npg_strlcpy(row->source, npg_db_rows_get(rows, 0, 1), sizeof(row->source));
        npg_strlcpy(row->port_ref, npg_db_rows_get(rows, 0, 2), sizeof(row->port_ref));
        npg_strlcpy(row->updated_at, npg_db_rows_get(rows, 0, 3), sizeof(row->updated_at));
        row->operator_id = (uint32_t)npg_db_rows_int(rows, 0, 4, 0);
        npg_strlcpy(row->lrn, npg_db_rows_get(rows, 0, 5), sizeof(row->lrn));
    }
    npg_db_rows_free(&rows);
    return NPG_OK;
}

/* The number's routing row (from the REST index when index is set and it can answer, else
 * the database) over the home ranges and operators of homes. */
static int route_info(npg_db_t *db, npg_homes_t *homes, uint64_t number, bool index,
                      npg_route_info_t *out)
{
    npg_rindex_row_t row;
    bool found = false;
    int rc = index ? npg_rindex_get(rest_index, number, &row) : NPG_EUNAVAIL;
    if (rc == NPG_OK || rc == NPG_ENOTFOUND)
        found = rc == NPG_OK;
    else if ((rc = row_read(db, number, &row, &found)) != NPG_OK)
        return rc;
    memset(out, 0, sizeof(*out));
    out->number = number;
    const char *home = npg_homes_owner(homes, number);
    const npg_operator_t *op = home ? npg_homes_operator(homes, home) : NULL;
    out->in_home_range = home != NULL;
    npg_strlcpy(out->home_operator, home ? home : "", sizeof(out->home_operator));
    rc = NPG_OK;
    if (found) {
        out->ported = true;
        npg_strlcpy(out->number_type, row.number_type, sizeof(out->number_type));
        npg_strlcpy(out->source, row.source, sizeof(out->source));
        npg_strlcpy(out->port_ref, row.port_ref, sizeof(out->port_ref));
        npg_strlcpy(out->updated_at, row.updated_at, sizeof(out->updated_at));
        if (!(op = npg_homes_operator_by_id(homes, row.operator_id))) /* newer than homes */
            rc = npg_operator_get_by_id(db, row.operator_id, &out->serving);
    } else if (home) {
        const char *type = npg_homes_type(homes, number);
        npg_strlcpy(out->number_type, type ? type : "mobile", sizeof(out->number_type));
        npg_strlcpy(out->source, "home", sizeof(out->source));
    } else {
        rc = NPG_ENOTFOUND;
    }
    if (rc == NPG_OK && op)
        out->serving = *op;
    if (rc == NPG_OK && found && row.lrn[0]) /* the number's own routing number wins */
        npg_strlcpy(out->serving.routing_number, row.lrn, sizeof(out->serving.routing_number));
    return rc;
}

int npg_routing_get(npg_db_t *db, uint64_t number, npg_route_info_t *out)
{
    npg_homes_t *homes = NULL;
    int rc = npg_homes_get(db, &homes);
    if (rc == NPG_OK)
        rc = route_info(db, homes, number, false, out);
    npg_homes_release(&homes);
    return rc;
}

int npg_routing_read(npg_db_t *db, uint64_t number, npg_route_info_t *out)
{
    npg_homes_t *homes = NULL;
    int rc = npg_homes_get_recent(db, 1000, &homes);
    if (rc == NPG_OK)
        rc = route_info(db, homes, number, true, out);
    npg_homes_release(&homes);
    return rc;
}

static int export_row(const char *const *cols, const size_t *lens, size_t ncols, void *arg)
{
    (void)lens;
    void **a = arg;
    FILE *out = a[0];
    for (size_t i = 0; i < ncols; i++)
        fprintf(out, "%s%s", i ? "," : "", cols[i] ? cols[i] : "");
    fputc('\n', out);
    (*(uint64_t *)a[1])++;
    return ferror(out) ? NPG_EIO : 0;
}

int npg_routing_export_csv(npg_db_t *db, FILE *out, uint64_t *count)
{
    *count = 0;
    void *arg[2] = {out, count};
    fprintf(out, "number,operator,routing_number,type,source,port_ref,updated_at\n");
    return npg_db_query_each(db,
                             "SELECT r.number, o.code, r.routing_number, r.number_type, r.source,"
                             " r.port_ref, DATE_FORMAT(r.updated_at, '%Y-%m-%dT%H:%i:%sZ')"
                             " FROM routing r JOIN operators o ON o.id = r.operator_id"
                             " ORDER BY r.number",
                             NULL, 0, export_row, arg);
}

int npg_routing_queue_publish(npg_db_t *db, uint64_t first, uint64_t last, const char *port_kind,
                              uint64_t port_id, uint64_t change_id)
{
    return npg_publish_queue(db, port_kind, port_id, change_id, &first, &last,
                             1); /* one way to queue */
}

struct change_args {
    uint64_t number;
    const npg_operator_t *op;
    const char *number_type, *source;
    const npg_routing_observer_t *obs;
};

static int change_tx(npg_db_t *db, void *arg)
{
    const struct change_args *a = arg;
    uint64_t change = 0;
    int rc = a->op ? npg_routing_set(db, a->number, a->op, a->number_type, a->source, NULL, &change)
                   : npg_routing_remove(db, a->number, a->source, &change);
    if (rc == NPG_OK)
        rc = npg_routing_queue_publish(db, a->number, a->number, "none", 0, change);
    if (rc == NPG_OK && a->obs && a->obs->changed)
        rc = a->obs->changed(a->obs->arg, db, a->number, a->op ? a->op->code : NULL,
                             a->number_type, a->source, change);
    return rc;
}

int npg_routing_change(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                       const char *number_type, const char *source)
{
    return npg_routing_change_observed(db, number, op, number_type, source, NULL);
}

int npg_routing_change_observed(npg_db_t *db, uint64_t number, const npg_operator_t *op,
                                const char *number_type, const char *source,
                                const npg_routing_observer_t *obs)
{
    struct change_args a = {number, op, number_type, source, obs};
    return npg_db_transact(db, change_tx, &a);
}
