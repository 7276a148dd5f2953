/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * enum/ixfile.h - npenumd's index file: every ported number at one routing_changes id,
 * written after a load and refreshed from the change log, read back sequentially at start
 * so that 100M numbers answer in seconds instead of a full read of the routing table.
 *
 * Layout (host byte order; the header names the row size, so a file from another build
 * is refused, never misread): a 128-byte header, the rows ascending by number, then the
 * numbers with an LRN of their own. A 64-bit checksum covers everything after the header.
 * Written to PATH.tmp, synced, renamed over PATH: a reader sees a whole file or the old one.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "common/error.h"

/* One ported number: 10 bytes (the in-memory row of enum/index.c). */
typedef struct __attribute__((packed)) npg_ixrow {
    uint64_t number;
    uint16_t op; /* operators.id */
} npg_ixrow_t;

typedef struct npg_ixlrn {
    uint64_t number;
    uint64_t lrn; /* E.164 digits as a number */
} npg_ixlrn_t;

/* What a file stands for. */
typedef struct npg_ixfile_head {
    uint64_t last_change; /* the routing_changes id it holds every change up to */
    /* that change row as the database has it ("number op created_at"): a restored or
     * different database with the same id is told apart by it */
    char change_row[64];
    uint64_t nrows, nlrns;
} npg_ixfile_head_t;

typedef struct npg_ixfile_writer npg_ixfile_writer_t;

/* Start PATH.tmp. */
int npg_ixfile_create(const char *path, npg_ixfile_writer_t **out) NPG_WUR;
/* Append rows, ascending across calls (NPG_EINVAL otherwise). */
int npg_ixfile_put_rows(npg_ixfile_writer_t *w, const npg_ixrow_t *rows, size_t n) NPG_WUR;
/* After the last row: the LRNs. */
int npg_ixfile_put_lrns(npg_ixfile_writer_t *w, const npg_ixlrn_t *lrns, size_t n) NPG_WUR;
/* Write the header (counts filled in here), sync, rename over PATH. Frees w, also on error. */
int npg_ixfile_commit(npg_ixfile_writer_t *w, const npg_ixfile_head_t *head) NPG_WUR;
/* Remove PATH.tmp and free w. */
void npg_ixfile_abort(npg_ixfile_writer_t *w);

typedef struct npg_ixfile_reader npg_ixfile_reader_t;

/*
 * Open PATH and read its header. Errors: NPG_ENOTFOUND (no file), NPG_EINVAL (not an index
 * file of this build: magic, version, row size, counts that do not fit the file), NPG_EIO.
 */
int npg_ixfile_open(const char *path, npg_ixfile_head_t *head, npg_ixfile_reader_t **out) NPG_WUR;
/*
 * Read every row into rows (room for head->nrows) and every LRN into lrns (room for
 * head->nlrns), checking order, operator ids below max_op and the checksum.
 * NPG_EINVAL when any of them is wrong. Closes r, also on error.
 */
int npg_ixfile_read(npg_ixfile_reader_t *r, npg_ixrow_t *rows, npg_ixlrn_t *lrns,
                    uint16_t max_op) NPG_WUR;
/* Close without reading. */
void npg_ixfile_close(npg_ixfile_reader_t *r);
