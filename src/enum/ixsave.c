/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npenumd's index written to and read back from its index file (enum/ixfile.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/index_int.h"

/* --- the index file ------------------------------------------------------------------ */

static int text_col(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    npg_strlcpy(arg, c[0] ? c[0] : "", 64);
    return 0;
}

/* How the database shows change id: "number op created_at"; NPG_ENOTFOUND when it has none. */
static int change_row_text(npg_db_t *db, uint64_t id, char out[64])
{
    out[0] = 0;
    int rc = npg_db_query_each(db,
                               "SELECT CONCAT_WS(' ', number, op, created_at) FROM routing_changes"
                               " WHERE id = ?",
                               NPG_DB_P(NPG_DB_U(id)), text_col, out);
    return rc == NPG_OK && !out[0] ? NPG_ENOTFOUND : rc;
}

/* The pinned base merged with the sorted overlay into the file, a chunk at a time. */
static int save_rows(npg_ixfile_writer_t *w, merge_t *m)
{
    enum { CHUNK_ROWS = 65536 };
    ported_t *buf = malloc(CHUNK_ROWS * sizeof(*buf));
    if (!buf)
        return NPG_ENOMEM;
    int rc = NPG_OK;
    for (size_t n = 1; rc == NPG_OK && n;) {
        for (n = 0; n < CHUNK_ROWS && npg_enum_ix_merge_next(m, &buf[n]); n++)
            ;
        rc = npg_ixfile_put_rows(w, buf, n);
    }
    free(buf);
    return rc;
}

int npg_enum_index_save(npg_enum_index_t *ix, npg_db_t *db, const char *path, uint64_t *saved)
{
    *saved = 0;
    pthread_rwlock_rdlock(&ix->lock);
    uint64_t at = ix->last_change;
    size_t nch = 0, nlrns = 0;
    slot_t *ch = npg_enum_ix_overlay_sorted(ix, &nch);
    npg_ixlrn_t *lrns = malloc((ix->lrns.used + 1) * sizeof(*lrns));
    merge_t m = {.base = ix->base, .nbase = ix->nbase, .ch = ch, .nch = nch};
    if (!ch || !lrns || at == 0) {
        pthread_rwlock_unlock(&ix->lock);
        free(ch), free(lrns);
        return at == 0 ? NPG_ENOTFOUND : NPG_ENOMEM; /* an empty change log: nothing to keep */
    }
    for (size_t k = 0; k < ix->lrns.cap; k++) {
        const lrn_slot_t *l = npg_numtab_at(&ix->lrns, k);
        if (l && l->lrn)
            lrns[nlrns++] = *l;
    }
    pthread_mutex_lock(&ix->pin_lock);
    ix->pinned = ix->base;
    pthread_mutex_unlock(&ix->pin_lock);
    pthread_rwlock_unlock(&ix->lock);

    /* written without a lock: answers and the follower go on */
    npg_ixfile_head_t head = {.last_change = at};
    npg_ixfile_writer_t *w = NULL;
    int rc = change_row_text(db, at, head.change_row);
    if (rc == NPG_OK)
        rc = npg_ixfile_create(path, &w);
    if (rc == NPG_OK)
        rc = save_rows(w, &m);
    if (rc == NPG_OK)
        rc = npg_ixfile_put_lrns(w, lrns, nlrns);
    if (rc == NPG_OK)
        rc = npg_ixfile_commit(w, &head); /* frees w */
    else
        npg_ixfile_abort(w);
    pthread_mutex_lock(&ix->pin_lock);
    ix->pinned = NULL;
    free(ix->retired);
    ix->retired = NULL;
    pthread_mutex_unlock(&ix->pin_lock);
    free(ch), free(lrns);
    if (rc == NPG_OK)
        *saved = at;
    return rc;
}

int npg_enum_index_restore(npg_enum_index_t *ix, npg_db_t *db, const char *path, uint64_t *backlog)
{
    npg_ixfile_head_t h;
    npg_ixfile_reader_t *r = NULL;
    char row[64];
    int64_t newest = 0;
    int rc = npg_ixfile_open(path, &h, &r);
    if (rc == NPG_OK) {
        rc = change_row_text(db, h.last_change, row);
        if (rc == NPG_ENOTFOUND || (rc == NPG_OK && strcmp(row, h.change_row) != 0))
            rc = NPG_ESTATE; /* another database, or one restored to before the file */
    }
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, "SELECT COALESCE(MAX(id), 0) FROM routing_changes", NULL, 0,
                              &newest);
    *backlog =
        rc == NPG_OK && (uint64_t)newest > h.last_change ? (uint64_t)newest - h.last_change : 0;
    /* replaying a change costs about what reading eight rows does: past that, load */
    if (rc == NPG_OK && *backlog > 10000 && *backlog > h.nrows / 8)
        rc = NPG_ETOOBIG;
    npg_enum_op_t *ops = NULL;
    range_t *ranges = NULL;
    size_t nranges = 0;
    if (rc == NPG_OK)
        rc = npg_enum_ix_load_small(db, &ops, &ranges, &nranges);
    /* a tenth more room, as a load leaves, for the first merge */
    ported_t *rows = rc == NPG_OK ? malloc((h.nrows / 10 * 11 + 1024) * sizeof(*rows)) : NULL;
    npg_ixlrn_t *lrns = rc == NPG_OK ? malloc((h.nlrns + 1) * sizeof(*lrns)) : NULL;
    if (rc == NPG_OK && (!rows || !lrns))
        rc = NPG_ENOMEM;
    if (rc == NPG_OK)
        rc = npg_ixfile_read(r, rows, lrns, MAX_OPS);
    else
        npg_ixfile_close(r);
    if (rc != NPG_OK) {
        free(ops), free(ranges), free(rows), free(lrns);
        return rc;
    }
    rc = npg_enum_ix_install(ix, ops, ranges, nranges, rows, h.nrows, lrns, h.nlrns, h.last_change);
    free(lrns);
    if (rc == NPG_OK)
        npg_log(LOG_NOTICE, "enum",
                "read %" PRIu64 " ported numbers from %s at change %" PRIu64 "; %" PRIu64
                " changes to replay",
                h.nrows, path, h.last_change, *backlog);
    return rc;
}
