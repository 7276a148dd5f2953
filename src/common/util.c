/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

size_t npg_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}

bool npg_is_digits(const char *s)
{
    return s && *s && strspn(s, "0123456789") == strlen(s);
}

void npg_time_iso(time_t t, bool zulu, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, zulu ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &tm);
}

int npg_time_parse(const char *s, time_t *out)
{
    struct tm tm = {0};
    char sep, z = 0;
    int n = sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &sep,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z);
    if (n < 7 || (sep != 'T' && sep != ' ') || (n == 8 && z != 'Z'))
        return NPG_EINVAL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return NPG_OK;
}

int npg_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return NPG_EIO;
        }
        p += r;
        n -= (size_t)r;
    }
    return NPG_OK;
}

void npg_hex(const void *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = bytes;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int npg_read_file(const char *path, size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? NPG_ENOTFOUND : NPG_EIO;
    int rc = NPG_EIO;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) != 0)
        goto fail;
    long size = ftell(f);
    if (size < 0)
        goto fail;
    if ((size_t)size > max) {
        rc = NPG_ETOOBIG;
        goto fail;
    }
    rewind(f);
    buf = malloc((size_t)size + 1);
    if (!buf) {
        rc = NPG_ENOMEM;
        goto fail;
    }
    if (fread(buf, 1, (size_t)size, f) != (size_t)size)
        goto fail;
    buf[size] = '\0';
    fclose(f);
    *out = buf;
    if (len)
        *len = (size_t)size;
    return NPG_OK;
fail:
    free(buf);
    fclose(f);
    return rc;
}

int64_t npg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
