/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/numtab.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static uint64_t key_at(const unsigned char *slots, size_t esize, size_t i)
{
    uint64_t k;
    memcpy(&k, slots + i * esize, sizeof(k)); /* entries may be packed */
    return k;
}

/* The slot holding number, or the empty one where it would go. cap > 0. */
static size_t probe(const unsigned char *slots, size_t esize, size_t cap, uint64_t number)
{
    size_t i = hash(number) & (cap - 1);
    for (uint64_t k; (k = key_at(slots, esize, i)) != 0 && k != number;)
        i = (i + 1) & (cap - 1);
    return i;
}

void npg_numtab_clear(npg_numtab_t *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->used = 0;
}

void *npg_numtab_get(const npg_numtab_t *t, uint64_t number)
{
    if (!t->cap || !number)
        return NULL;
    size_t i = probe(t->slots, t->esize, t->cap, number);
    return key_at(t->slots, t->esize, i) ? t->slots + i * t->esize : NULL;
}

static int grow(npg_numtab_t *t)
{
    size_t cap = t->cap ? 2 * t->cap : (t->min_cap ? t->min_cap : 1024);
    unsigned char *slots = calloc(cap, t->esize);
    if (!slots)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        uint64_t k = key_at(t->slots, t->esize, i);
        if (k)
            memcpy(slots + probe(slots, t->esize, cap, k) * t->esize, t->slots + i * t->esize,
                   t->esize);
    }
    free(t->slots);
    t->slots = slots, t->cap = cap;
    return 0;
}

void *npg_numtab_put(npg_numtab_t *t, uint64_t number)
{
    void *e = npg_numtab_get(t, number);
    if (e || !number)
        return e;
    if (2 * (t->used + 1) > t->cap && grow(t) != 0)
        return NULL;
    unsigned char *slot = t->slots + probe(t->slots, t->esize, t->cap, number) * t->esize;
    memset(slot, 0, t->esize);
    memcpy(slot, &number, sizeof(number));
    t->used++;
    return slot;
}

void *npg_numtab_at(const npg_numtab_t *t, size_t i)
{
    return i < t->cap && key_at(t->slots, t->esize, i) ? t->slots + i * t->esize : NULL;
}

size_t npg_numtab_bytes(const npg_numtab_t *t)
{
    return t->cap * t->esize;
}
