/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/e164.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int is_filler(char c)
{
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
}

int npg_e164_normalise(const char *in, const char *country_code, char out[NPG_E164_BUFLEN])
{
    char digits[64];
    size_t n = 0;
    int international = 0;
    const char *p = in;
    if (!in || !country_code)
        return NPG_EINVAL;
    while (*p == ' ')
        p++;
    if (*p == '+') {
        international = 1;
        p++;
    } else if (p[0] == '0' && p[1] == '0') {
        international = 1;
        p += 2;
    }
    for (; *p; p++) {
        if (is_filler(*p))
            continue;
        if (!isdigit((unsigned char)*p))
            return NPG_EINVAL;
        if (n >= sizeof(digits) - 1)
            return NPG_ETOOBIG;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    if (n == 0)
        return NPG_EINVAL;
    char *d = digits;
    if (!international && d[0] == '0') { /* national trunk prefix: 07700 900123 */
        d++;
        n--;
        if (n == 0)
            return NPG_EINVAL;
    }
    size_t cc = international ? 0 : strlen(country_code);
    if (n + cc > NPG_E164_MAX_DIGITS)
        return NPG_ETOOBIG;
    memcpy(out, international ? "" : country_code, cc);
    memcpy(out + cc, d, n + 1);
    return npg_e164_validate(out);
}

int npg_e164_validate(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0)
        return NPG_EINVAL;
    if (n > NPG_E164_MAX_DIGITS)
        return NPG_ETOOBIG;
    if (strspn(s, "0123456789") != n || s[0] == '0')
        return NPG_EINVAL;
    return NPG_OK;
}

int npg_e164_to_u64(const char *s, uint64_t *out)
{
    int rc = npg_e164_validate(s);
    if (rc != NPG_OK)
        return rc;
    uint64_t v = 0;
    for (; *s; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    *out = v;
    return NPG_OK;
}

void npg_e164_from_u64(uint64_t n, char out[NPG_E164_BUFLEN])
{
    snprintf(out, NPG_E164_BUFLEN, "%llu", (unsigned long long)n);
}

int npg_e164_range(const char *start, const char *end, const char *country_code, long max_count,
                   uint64_t *first, uint64_t *last, long *count)
{
    char a[NPG_E164_BUFLEN], b[NPG_E164_BUFLEN];
    int rc = npg_e164_normalise(start, country_code, a);
    if (rc == NPG_OK)
        rc = npg_e164_normalise(end, country_code, b);
    if (rc != NPG_OK)
        return rc;
    if (strlen(a) != strlen(b))
        return NPG_EINVAL;
    uint64_t x, y;
    if (npg_e164_to_u64(a, &x) != NPG_OK || npg_e164_to_u64(b, &y) != NPG_OK)
        return NPG_EINVAL;
    if (y < x)
        return NPG_EINVAL;
    if (y - x >= (uint64_t)max_count)
        return NPG_ETOOBIG;
    *first = x;
    *last = y;
    *count = (long)(y - x + 1);
    return NPG_OK;
}

int npg_e164_range_each(uint64_t first, uint64_t last, int (*fn)(uint64_t number, void *arg),
                        void *arg)
{
    for (uint64_t n = first;; n++) {
        int rc = fn(n, arg);
        if (rc)
            return rc;
        if (n == last)
            break;
    }
    return 0;
}

int npg_e164_enum_name(const char *e164, const char *apex, char *out, size_t outlen)
{
    int rc = npg_e164_validate(e164);
    if (rc != NPG_OK)
        return rc;
    size_t n = strlen(e164), alen = strlen(apex);
    int trailing_dot = alen && apex[alen - 1] == '.';
    if (2 * n + alen + 2 > outlen)
        return NPG_ETOOBIG;
    char *p = out;
    for (size_t i = n; i-- > 0;) {
        *p++ = e164[i];
        *p++ = '.';
    }
    memcpy(p, apex, alen);
    p += alen;
    if (!trailing_dot)
        *p++ = '.';
    *p = '\0';
    return NPG_OK;
}

int npg_e164_from_enum_name(const char *name, const char *apex, char out[NPG_E164_BUFLEN])
{
    size_t nlen = strlen(name), alen = strlen(apex);
    if (nlen && name[nlen - 1] == '.')
        nlen--;
    if (alen && apex[alen - 1] == '.')
        alen--;
    if (nlen <= alen + 1 || strncasecmp(name + nlen - alen, apex, alen) != 0 ||
        name[nlen - alen - 1] != '.')
        return NPG_ENOTFOUND;
    size_t labels_len = nlen - alen - 1; /* "d.d.d" without the dot before the apex */
    if (labels_len % 2 == 0)
        return NPG_EINVAL;
    size_t digits = (labels_len + 1) / 2;
    if (digits > NPG_E164_MAX_DIGITS)
        return NPG_EINVAL;
    for (size_t i = 0; i < digits; i++) {
        char c = name[2 * i];
        if (!isdigit((unsigned char)c) || (i + 1 < digits && name[2 * i + 1] != '.'))
            return NPG_EINVAL;
        out[digits - 1 - i] = c;
    }
    out[digits] = '\0';
    return npg_e164_validate(out);
}

const char *npg_e164_local_part(const char *e164, const char *country_code)
{
    size_t cc = strlen(country_code);
    if (strncmp(e164, country_code, cc) == 0 && e164[cc])
        return e164 + cc;
    return e164;
}
