/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copies of npenumd's index at one change-log position, for zone transfers. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "enum/index_int.h"

/* --- snapshots for zone transfers ---------------------------------------------------------- */

struct npg_enum_snap {
    uint64_t serial;
    ported_t *ported; /* base and overlay merged, ascending */
    size_t nported;
    range_t *ranges;
    size_t nranges;
    range_t *merged; /* the union of the home ranges as disjoint intervals, ascending */
    size_t nmerged;
    uint64_t home_numbers; /* numbers in the union */
    npg_enum_op_t *ops;
};

void npg_enum_snap_free(npg_enum_snap_t **sp)
{
    npg_enum_snap_t *s = *sp;
    if (!s)
        return;
    free(s->ported);
    free(s->ranges);
    free(s->merged);
    free(s->ops);
    free(s);
    *sp = NULL;
}

int npg_enum_index_snapshot(npg_enum_index_t *ix, npg_enum_snap_t **out)
{
    npg_enum_snap_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NPG_ENOMEM;
    pthread_rwlock_rdlock(&ix->lock);
    size_t nch = 0, n = 0;
    slot_t *ch = npg_enum_ix_overlay_sorted(ix, &nch);
    s->ported = malloc((ix->nbase + nch + 1) * sizeof(*s->ported));
    s->ranges = malloc((ix->nranges + 1) * sizeof(*s->ranges));
    s->merged = malloc((ix->nranges + 1) * sizeof(*s->merged));
    s->ops = malloc(MAX_OPS * sizeof(*s->ops));
    if (!ch || !s->ported || !s->ranges || !s->merged || !s->ops) {
        pthread_rwlock_unlock(&ix->lock);
        free(ch);
        npg_enum_snap_free(&s);
        return NPG_ENOMEM;
    }
    merge_t m = {.base = ix->base, .nbase = ix->nbase, .ch = ch, .nch = nch};
    while (npg_enum_ix_merge_next(&m, &s->ported[n]))
        n++;
    s->nported = n;
    memcpy(s->ranges, ix->ranges, ix->nranges * sizeof(*s->ranges));
    s->nranges = ix->nranges;
    memcpy(s->ops, ix->ops, MAX_OPS * sizeof(*s->ops));
    s->serial = ix->last_change;
    pthread_rwlock_unlock(&ix->lock);
    free(ch);
    for (size_t k = 0; k < s->nranges; k++) { /* ranges are sorted by start */
        const range_t *r = &s->ranges[k];
        if (s->nmerged && r->start <= s->merged[s->nmerged - 1].end + 1) {
            if (r->end > s->merged[s->nmerged - 1].end)
                s->merged[s->nmerged - 1].end = r->end;
        } else {
            s->merged[s->nmerged++] = *r;
        }
    }
    for (size_t k = 0; k < s->nmerged; k++)
        s->home_numbers += s->merged[k].end - s->merged[k].start + 1;
    *out = s;
    return NPG_OK;
}

uint64_t npg_enum_snap_serial(const npg_enum_snap_t *s)
{
    return s->serial;
}

uint64_t npg_enum_snap_size(const npg_enum_snap_t *s, bool home_numbers)
{
    return home_numbers ? s->nported + s->home_numbers : s->nported;
}

void npg_enum_snap_answer(const npg_enum_snap_t *s, uint64_t number, uint32_t op, bool home_numbers,
                          npg_enum_answer_t *out)
{
    out->kind = NPG_ENUM_NONE;
    if (!op && !home_numbers)
        return; /* a number without a routing row is not in a zone of moved numbers only */
    int home = npg_enum_ix_ranges_home(s->ranges, s->nranges, number);
    if (op && op < MAX_OPS && (int)op != home && s->ops[op].code[0]) {
        out->kind = NPG_ENUM_PORTED;
        out->op = s->ops[op];
    } else if (home >= 0 && s->ops[home].code[0]) { /* as npg_enum_index_lookup answers */
        out->kind = NPG_ENUM_HOME;
        out->op = s->ops[home];
    }
}

int npg_enum_snap_each(const npg_enum_snap_t *s, bool home_numbers,
                       int (*fn)(uint64_t number, const npg_enum_answer_t *a, void *arg), void *arg)
{
    npg_enum_answer_t a;
    size_t i = 0;
    int rc = 0;
    for (size_t k = 0; home_numbers && rc == 0 && k < s->nmerged; k++) {
        const range_t *r = &s->merged[k];
        for (; rc == 0 && i < s->nported && s->ported[i].number < r->start; i++) {
            npg_enum_snap_answer(s, s->ported[i].number, s->ported[i].op, true, &a);
            rc = a.kind == NPG_ENUM_NONE ? 0 : fn(s->ported[i].number, &a, arg);
        }
        for (uint64_t n = r->start; rc == 0 && n <= r->end && n >= r->start; n++) {
            uint32_t op = 0;
            if (i < s->nported && s->ported[i].number == n)
                op = s->ported[i++].op;
            npg_enum_snap_answer(s, n, op, true, &a);
            rc = a.kind == NPG_ENUM_NONE ? 0 : fn(n, &a, arg);
        }
    }
    for (; rc == 0 && i < s->nported; i++) {
        npg_enum_snap_answer(s, s->ported[i].number, s->ported[i].op, home_numbers, &a);
        rc = a.kind == NPG_ENUM_NONE ? 0 : fn(s->ported[i].number, &a, arg);
    }
    return rc;
}
