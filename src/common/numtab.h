/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * common/numtab.h - a hash table of fixed-size entries keyed by the number (a non-zero
 * uint64_t, an E.164 number) at their start: open addressing with linear probing, kept at
 * most half full. Entries are never removed, so probe chains stay whole; a removal is a
 * value the caller gives a meaning to. Not locked: its owner's lock covers it.
 * Used for the changes and LRNs that npenumd's and npgwd's routing indexes hold beside
 * their sorted arrays.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

typedef struct npg_numtab {
    unsigned char *slots;
    size_t esize;   /* bytes an entry */
    size_t cap;     /* slots: 0 or a power of two */
    size_t used;    /* entries */
    size_t min_cap; /* slots taken at the first put */
} npg_numtab_t;

/* An empty table of entries of type T, starting at min_cap slots (a power of two). */
#define NPG_NUMTAB_INIT(T, min_cap_)                                                               \
    {                                                                                              \
        .esize = sizeof(T), .min_cap = (min_cap_)                                                  \
    }

/* Back to empty, the memory freed. */
void npg_numtab_clear(npg_numtab_t *t);
/* The entry of number, or NULL. */
void *npg_numtab_get(const npg_numtab_t *t, uint64_t number);
/* The entry of number, added (zeroed but for the number) when absent; NULL: out of memory. */
void *npg_numtab_put(npg_numtab_t *t, uint64_t number);
/* Slot i (i < cap) if it holds an entry, else NULL: for walking every entry. */
void *npg_numtab_at(const npg_numtab_t *t, size_t i);
/* Bytes held. */
size_t npg_numtab_bytes(const npg_numtab_t *t);
