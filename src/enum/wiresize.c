/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Mirror of ldns's dname compression (host2wire.c): a set of remembered suffixes. */
#include "enum/wiresize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 12
#define REMEMBER_BELOW 16384 /* ldns remembers a name only where a pointer can reach it */
#define SLOTS 32768          /* > 2 x the suffixes 16 KiB of labels can hold */

struct npg_wiresize {
    size_t pos;
    uint32_t slot[SLOTS]; /* 0: empty, else 1 + offset of the suffix in text */
    size_t used;          /* slots taken */
    char *text;           /* the remembered suffixes, NUL-separated */
    size_t len, cap;
};

int npg_wiresize_new(npg_wiresize_t **out)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return NPG_ENOMEM;
    npg_wiresize_reset(*out);
    return NPG_OK;
}

void npg_wiresize_free(npg_wiresize_t **w)
{
    if (w && *w) {
        free((*w)->text);
        free(*w);
        *w = NULL;
    }
}

void npg_wiresize_reset(npg_wiresize_t *w)
{
    if (w->used)
        memset(w->slot, 0, sizeof(w->slot));
    w->used = 0;
    w->len = 0;
    w->pos = HEADER;
}

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot holding s, or the empty one where it belongs. */
static uint32_t *find(npg_wiresize_t *w, const char *s)
{
    for (uint32_t i = hash(s) & (SLOTS - 1);; i = (i + 1) & (SLOTS - 1))
        if (!w->slot[i] || strcmp(w->text + w->slot[i] - 1, s) == 0)
            return &w->slot[i];
}

static bool remember(npg_wiresize_t *w, uint32_t *slot, const char *s)
{
    size_t n = strlen(s) + 1;
    if (w->used >= SLOTS / 2)
        return true; /* never happens within 16 KiB; forgetting only overestimates */
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 65536;
        char *t = realloc(w->text, cap);
        if (!t)
            return false;
        w->text = t;
        w->cap = cap;
    }
    memcpy(w->text + w->len, s, n);
    *slot = (uint32_t)w->len + 1;
    w->len += n;
    w->used++;
    return true;
}

size_t npg_wiresize_name(npg_wiresize_t *w, const char *name)
{
    size_t start = w->pos;
    const char *s = strcmp(name, ".") == 0 ? "" : name;
    while (*s) {
        uint32_t *slot = find(w, s);
        if (*slot) {
            w->pos += 2; /* a pointer ends the name */
            return w->pos - start;
        }
        if (w->pos < REMEMBER_BELOW && !remember(w, slot, s))
            return 0;
        const char *dot = strchr(s, '.');
        size_t label = dot ? (size_t)(dot - s) : strlen(s);
        w->pos += 1 + label;
        s += label + (dot ? 1 : 0);
    }
    w->pos += 1; /* the root label */
    return w->pos - start;
}

void npg_wiresize_skip(npg_wiresize_t *w, size_t n)
{
    w->pos += n;
}

size_t npg_wiresize_pos(const npg_wiresize_t *w)
{
    return w->pos;
}
