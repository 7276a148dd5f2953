/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

const char *npg_fuzz_srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s && s[0] ? s : NPGW_FUZZ_SRCDIR;
}

char *npg_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void npg_fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: property broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void npg_fuzz_quiet(void)
{
    npg_log_init("fuzz", NPG_LOG_STDERR, LOG_CRIT);
}
