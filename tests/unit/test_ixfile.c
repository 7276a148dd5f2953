/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npenumd's index file: what is written comes back, across chunk boundaries; and every way
 * a file can be wrong (missing, cut, a flipped byte, another layout, rows out of order, an
 * operator id past the table) is refused rather than read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "enum/ixfile.h"

static char path[] = "/tmp/npgw-ixfile-XXXXXX";

static npg_ixrow_t *make_rows(size_t n)
{
    npg_ixrow_t *r = malloc(n * sizeof(*r));
    for (size_t i = 0; i < n; i++)
        r[i] = (npg_ixrow_t){.number = 15550000000ULL + 7 * i, .op = (uint16_t)(1 + i % 5)};
    return r;
}

/* n rows in pieces of piece rows, and two LRNs. */
static void write_file(size_t n, size_t piece)
{
    npg_ixrow_t *rows = make_rows(n);
    npg_ixlrn_t lrns[2] = {{15550000000ULL, 14155550001ULL}, {15550000007ULL, 14155550002ULL}};
    npg_ixfile_writer_t *w = NULL;
    assert_int_equal(npg_ixfile_create(path, &w), NPG_OK);
    for (size_t i = 0; i < n; i += piece)
        assert_int_equal(npg_ixfile_put_rows(w, rows + i, n - i < piece ? n - i : piece), NPG_OK);
    assert_int_equal(npg_ixfile_put_lrns(w, lrns, 2), NPG_OK);
    npg_ixfile_head_t h = {.last_change = 4242};
    snprintf(h.change_row, sizeof(h.change_row), "15550000000 upsert 2026-12-01 02:00:00.123");
    assert_int_equal(npg_ixfile_commit(w, &h), NPG_OK);
    free(rows);
}

static int read_file(npg_ixfile_head_t *h, npg_ixrow_t **rows, npg_ixlrn_t **lrns)
{
    npg_ixfile_reader_t *r = NULL;
    int rc = npg_ixfile_open(path, h, &r);
    if (rc != NPG_OK)
        return rc;
    *rows = malloc((h->nrows + 1) * sizeof(**rows));
    *lrns = malloc((h->nlrns + 1) * sizeof(**lrns));
    return npg_ixfile_read(r, *rows, *lrns, 4096);
}

static void what_is_written_comes_back(void **state)
{
    (void)state;
    size_t n = 100003; /* pieces of 333 rows: words of the checksum straddle them */
    write_file(n, 333);
    npg_ixfile_head_t h;
    npg_ixrow_t *rows = NULL;
    npg_ixlrn_t *lrns = NULL;
    assert_int_equal(read_file(&h, &rows, &lrns), NPG_OK);
    assert_int_equal(h.last_change, 4242);
    assert_string_equal(h.change_row, "15550000000 upsert 2026-12-01 02:00:00.123");
    assert_int_equal(h.nrows, n);
    assert_int_equal(h.nlrns, 2);
    npg_ixrow_t *want = make_rows(n);
    assert_memory_equal(rows, want, n * sizeof(*rows));
    assert_int_equal(lrns[1].lrn, 14155550002ULL);
    free(want), free(rows), free(lrns);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 128 + n * 10 + 2 * 16);
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    assert_int_not_equal(access(tmp, F_OK), 0); /* renamed, not left beside it */
}

/* Pieces of any length, empty ones too, and no LRNs: the checksum sees the same bytes as the
 * reader, which reads rows and LRNs in two pieces (an odd row count leaves a word open). */
static void pieces_of_any_length_and_no_lrns(void **state)
{
    (void)state;
    npg_ixrow_t *rows = make_rows(7);
    npg_ixfile_writer_t *w = NULL;
    assert_int_equal(npg_ixfile_create(path, &w), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, rows, 1), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, rows + 1, 0), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, rows + 1, 6), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, rows + 7, 0), NPG_OK);
    assert_int_equal(npg_ixfile_put_lrns(w, NULL, 0), NPG_OK);
    npg_ixfile_head_t h = {.last_change = 1};
    assert_int_equal(npg_ixfile_commit(w, &h), NPG_OK);
    npg_ixrow_t *got = NULL;
    npg_ixlrn_t *lrns = NULL;
    assert_int_equal(read_file(&h, &got, &lrns), NPG_OK);
    assert_int_equal(h.nrows, 7);
    assert_int_equal(h.nlrns, 0);
    assert_memory_equal(got, rows, 7 * sizeof(*rows));
    free(rows), free(got), free(lrns);
}

/* Change one byte at off (XOR mask) and read again. */
static int read_with_byte_changed(off_t off, unsigned char mask)
{
    write_file(1000, 1000);
    int fd = open(path, O_RDWR);
    unsigned char b;
    assert_int_equal(pread(fd, &b, 1, off), 1);
    b ^= mask;
    assert_int_equal(pwrite(fd, &b, 1, off), 1);
    close(fd);
    npg_ixfile_head_t h;
    npg_ixrow_t *rows = NULL;
    npg_ixlrn_t *lrns = NULL;
    int rc = read_file(&h, &rows, &lrns);
    free(rows), free(lrns);
    return rc;
}

static void a_damaged_file_is_refused(void **state)
{
    (void)state;
    assert_int_equal(read_with_byte_changed(0, 0x20), NPG_EINVAL);  /* magic */
    assert_int_equal(read_with_byte_changed(12, 0x01), NPG_EINVAL); /* row size */
    assert_int_equal(read_with_byte_changed(16, 0x01), NPG_EINVAL); /* last change */
    assert_int_equal(read_with_byte_changed(24, 0x01), NPG_EINVAL); /* row count */
    assert_int_equal(read_with_byte_changed(50, 0x01), NPG_EINVAL); /* the change row */
    assert_int_equal(read_with_byte_changed(128 + 5000, 0x40), NPG_EINVAL); /* a number */
    assert_int_equal(read_with_byte_changed(128 + 10000 + 20, 0x01), NPG_EINVAL); /* an LRN */
    write_file(1000, 1000); /* cut short */
    assert_int_equal(truncate(path, 128 + 9995), 0);
    npg_ixfile_head_t h;
    npg_ixfile_reader_t *r = NULL;
    assert_int_equal(npg_ixfile_open(path, &h, &r), NPG_EINVAL);
    unlink(path);
    assert_int_equal(npg_ixfile_open(path, &h, &r), NPG_ENOTFOUND);
}

static void rows_out_of_order_or_past_the_operators_are_refused(void **state)
{
    (void)state;
    npg_ixfile_writer_t *w = NULL;
    npg_ixrow_t a[2] = {{15550000009ULL, 1}, {15550000001ULL, 1}};
    assert_int_equal(npg_ixfile_create(path, &w), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, a, 2), NPG_EINVAL);
    npg_ixfile_abort(w);
    assert_int_not_equal(access(path, F_OK), 0);

    npg_ixrow_t b[2] = {{15550000001ULL, 1}, {15550000009ULL, 4095}};
    assert_int_equal(npg_ixfile_create(path, &w), NPG_OK);
    assert_int_equal(npg_ixfile_put_rows(w, b, 2), NPG_OK);
    npg_ixfile_head_t h = {.last_change = 1};
    assert_int_equal(npg_ixfile_commit(w, &h), NPG_OK);
    npg_ixfile_reader_t *r = NULL;
    npg_ixrow_t rows[2];
    assert_int_equal(npg_ixfile_open(path, &h, &r), NPG_OK);
    assert_int_equal(npg_ixfile_read(r, rows, NULL, 4095), NPG_EINVAL); /* id 4095 of 4095 */
    assert_int_equal(npg_ixfile_open(path, &h, &r), NPG_OK);
    assert_int_equal(npg_ixfile_read(r, rows, NULL, 4096), NPG_OK);
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

int main(void)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(what_is_written_comes_back, teardown),
        cmocka_unit_test_teardown(pieces_of_any_length_and_no_lrns, teardown),
        cmocka_unit_test_teardown(a_damaged_file_is_refused, teardown),
        cmocka_unit_test_teardown(rows_out_of_order_or_past_the_operators_are_refused, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
