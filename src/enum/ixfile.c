/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/ixfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

#define MAGIC "NPGWIX\r\n" /* the \r\n shows a text-mode copy */
#define FORMAT_VERSION 1
#define HEAD_SIZE 128
#define CHUNK (16u << 20)

typedef struct disk_head {
    char magic[8];
    uint32_t version, row_size;
    uint64_t last_change, nrows, nlrns, checksum;
    char change_row[64];
    char reserved[HEAD_SIZE - 112];
} disk_head_t;
_Static_assert(sizeof(disk_head_t) == HEAD_SIZE, "header layout");
_Static_assert(sizeof(npg_ixrow_t) == 10, "row layout");

/* --- checksum: 64-bit words folded with a multiply, fed in pieces of any length ------- */

typedef struct sum {
    uint64_t h;
    unsigned char carry[8];
    size_t ncarry;
} sum_t;

static void fold(sum_t *s, uint64_t w)
{
    s->h = (s->h ^ w) * 0x9E3779B97F4A7C15ULL;
    s->h ^= s->h >> 29;
}

static void sum_feed(sum_t *s, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len && s->ncarry) { /* finish the word left from the last piece */
        s->carry[s->ncarry++] = *p++, len--;
        if (s->ncarry == 8) {
            uint64_t w;
            memcpy(&w, s->carry, 8);
            fold(s, w);
            s->ncarry = 0;
        }
    }
    if (s->ncarry)
        return; /* the piece ended inside the word: it stays carried */
    for (; len >= 8; p += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        fold(s, w);
    }
    memcpy(s->carry, p, len);
    s->ncarry = len;
}

/* The body's words, then the header without its checksum field. */
static uint64_t sum_final(sum_t *s, const disk_head_t *h)
{
    disk_head_t copy = *h;
    copy.checksum = 0;
    uint64_t tail = 0;
    memcpy(&tail, s->carry, s->ncarry);
    fold(s, tail ^ s->ncarry);
    s->ncarry = 0;
    sum_feed(s, &copy, sizeof(copy));
    return s->h;
}

/* --- writing ------------------------------------------------------------------------ */

struct npg_ixfile_writer {
    FILE *f;
    char path[4096], tmp[4100];
    sum_t sum;
    uint64_t nrows, nlrns, last_number;
    bool lrns_started;
};

int npg_ixfile_create(const char *path, npg_ixfile_writer_t **out)
{
    npg_ixfile_writer_t *w = calloc(1, sizeof(*w));
    if (!w)
        return NPG_ENOMEM;
    if (npg_strlcpy(w->path, path, sizeof(w->path)) >= sizeof(w->path)) {
        free(w);
        return NPG_EINVAL;
    }
    snprintf(w->tmp, sizeof(w->tmp), "%s.tmp", path);
    disk_head_t blank = {0};
    if (!(w->f = fopen(w->tmp, "wbe")) || setvbuf(w->f, NULL, _IOFBF, 1u << 20) != 0 ||
        fwrite(&blank, sizeof(blank), 1, w->f) != 1) {
        npg_log(LOG_WARNING, "enum", "index file %s: %s", w->tmp, strerror(errno));
        npg_ixfile_abort(w);
        return NPG_EIO;
    }
    *out = w;
    return NPG_OK;
}

int npg_ixfile_put_rows(npg_ixfile_writer_t *w, const npg_ixrow_t *rows, size_t n)
{
    if (w->lrns_started)
        return NPG_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].number <= w->last_number)
            return NPG_EINVAL;
        w->last_number = rows[i].number;
    }
    if (n && fwrite(rows, sizeof(*rows), n, w->f) != n)
        return NPG_EIO;
    sum_feed(&w->sum, rows, n * sizeof(*rows));
    w->nrows += n;
    return NPG_OK;
}

int npg_ixfile_put_lrns(npg_ixfile_writer_t *w, const npg_ixlrn_t *lrns, size_t n)
{
    w->lrns_started = true;
    if (n && fwrite(lrns, sizeof(*lrns), n, w->f) != n)
        return NPG_EIO;
    sum_feed(&w->sum, lrns, n * sizeof(*lrns));
    w->nlrns += n;
    return NPG_OK;
}

/* The directory entry of the rename must reach the disk too. */
static void sync_dir(const char *path)
{
    char copy[4096];
    npg_strlcpy(copy, path, sizeof(copy));
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int npg_ixfile_commit(npg_ixfile_writer_t *w, const npg_ixfile_head_t *head)
{
    disk_head_t h = {.version = FORMAT_VERSION,
                     .row_size = sizeof(npg_ixrow_t),
                     .last_change = head->last_change,
                     .nrows = w->nrows,
                     .nlrns = w->nlrns};
    memcpy(h.magic, MAGIC, sizeof(h.magic));
    npg_strlcpy(h.change_row, head->change_row, sizeof(h.change_row));
    h.checksum = sum_final(&w->sum, &h);
    int rc = NPG_OK;
    if (fseek(w->f, 0, SEEK_SET) != 0 || fwrite(&h, sizeof(h), 1, w->f) != 1 || fflush(w->f) != 0 ||
        fsync(fileno(w->f)) != 0)
        rc = NPG_EIO;
    if (fclose(w->f) != 0)
        rc = NPG_EIO;
    w->f = NULL;
    if (rc == NPG_OK && rename(w->tmp, w->path) != 0)
        rc = NPG_EIO;
    if (rc != NPG_OK) {
        npg_log(LOG_WARNING, "enum", "index file %s: %s", w->path, strerror(errno));
        npg_ixfile_abort(w);
        return rc;
    }
    sync_dir(w->path);
    free(w);
    return NPG_OK;
}

void npg_ixfile_abort(npg_ixfile_writer_t *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    unlink(w->tmp);
    free(w);
}

/* --- reading ------------------------------------------------------------------------ */

struct npg_ixfile_reader {
    int fd;
    disk_head_t h;
};

static int read_full(int fd, void *buf, size_t len, sum_t *sum)
{
    char *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len < CHUNK ? len : CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? NPG_EINVAL : NPG_EIO; /* short: the file was cut */
        if (sum)
            sum_feed(sum, p, (size_t)n);
        p += n, len -= (size_t)n;
    }
    return NPG_OK;
}

int npg_ixfile_open(const char *path, npg_ixfile_head_t *head, npg_ixfile_reader_t **out)
{
    npg_ixfile_reader_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NPG_ENOMEM;
    struct stat st;
    if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(r->fd, &st) != 0) {
        int rc = errno == ENOENT ? NPG_ENOTFOUND : NPG_EIO;
        npg_ixfile_close(r);
        return rc;
    }
    disk_head_t *h = &r->h;
    int rc = read_full(r->fd, h, sizeof(*h), NULL);
    /* counts bounded before they are multiplied: no overflow can make a size fit */
    if (rc == NPG_OK &&
        (memcmp(h->magic, MAGIC, sizeof(h->magic)) != 0 || h->version != FORMAT_VERSION ||
         h->row_size != sizeof(npg_ixrow_t) || h->nrows > (1ULL << 40) || h->nlrns > (1ULL << 40) ||
         !memchr(h->change_row, 0, sizeof(h->change_row)) ||
         (uint64_t)st.st_size !=
             HEAD_SIZE + h->nrows * sizeof(npg_ixrow_t) + h->nlrns * sizeof(npg_ixlrn_t)))
        rc = NPG_EINVAL;
    if (rc != NPG_OK) {
        npg_ixfile_close(r);
        return rc;
    }
    (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    *head =
        (npg_ixfile_head_t){.last_change = h->last_change, .nrows = h->nrows, .nlrns = h->nlrns};
    memcpy(head->change_row, h->change_row, sizeof(head->change_row));
    *out = r;
    return NPG_OK;
}

int npg_ixfile_read(npg_ixfile_reader_t *r, npg_ixrow_t *rows, npg_ixlrn_t *lrns, uint16_t max_op)
{
    sum_t sum = {0};
    int rc = read_full(r->fd, rows, r->h.nrows * sizeof(*rows), &sum);
    if (rc == NPG_OK)
        rc = read_full(r->fd, lrns, r->h.nlrns * sizeof(*lrns), &sum);
    if (rc == NPG_OK && sum_final(&sum, &r->h) != r->h.checksum)
        rc = NPG_EINVAL;
    for (uint64_t i = 0; rc == NPG_OK && i < r->h.nrows; i++)
        if (rows[i].op >= max_op || (i && rows[i].number <= rows[i - 1].number))
            rc = NPG_EINVAL;
    npg_ixfile_close(r);
    return rc;
}

void npg_ixfile_close(npg_ixfile_reader_t *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    free(r);
}
