/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/counts.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "SELECT state, ... WHERE state IN (<not final>)" per kind, built once from the state table
 * (stable addresses: the prepared-statement cache keys on them). */
static char count_sql[2][512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void build(void)
{
    static const char *const table[2] = {"port_in", "port_out"};
    size_t nstates;
    const int *states = npg_port_states(&nstates);
    for (int k = 0; k < 2; k++) {
        char list[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < nstates; i++)
            if (!npg_port_state_is((npg_port_kind_t)k, states[i], NPG_SF_FINAL))
                len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d", len ? ", " : "",
                                        states[i]);
        snprintf(count_sql[k], sizeof(count_sql[k]),
                 "SELECT state, COUNT(*), TIMESTAMPDIFF(SECOND, MIN(updated_at), NOW())"
                 " FROM %s WHERE state IN (%s) GROUP BY state",
                 table[k], list);
    }
}

typedef struct counts {
    npg_port_count_t *out;
    size_t max, n;
    npg_port_kind_t kind;
} counts_t;

static int count_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    counts_t *a = arg;
    if (a->n < a->max)
        a->out[a->n++] = (npg_port_count_t){.kind = a->kind,
                                            .state = atoi(c[0]),
                                            .count = strtoull(c[1], NULL, 10),
                                            .oldest_s = c[2] ? strtod(c[2], NULL) : 0};
    return 0;
}

int npg_port_counts(npg_db_t *db, npg_port_count_t *out, size_t max, size_t *n)
{
    pthread_once(&once, build);
    counts_t a = {.out = out, .max = max};
    int rc = NPG_OK;
    for (int k = 0; k < 2 && rc == NPG_OK; k++) {
        a.kind = (npg_port_kind_t)k;
        rc = npg_db_query_each(db, count_sql[k], NULL, 0, count_row, &a);
    }
    *n = a.n;
    return rc;
}

int npg_port_answers(npg_db_t *db, int window_s, uint64_t *accepted, uint64_t *rejected)
{
    int64_t acc = 0, rej = 0;
    const char *sql = "SELECT COUNT(*) FROM port_in_events WHERE to_state = ? AND from_state = ?"
                      " AND applied = 1 AND created_at >= NOW() - INTERVAL ? SECOND";
    int rc = npg_db_query_int(
        db, sql,
        NPG_DB_P(NPG_DB_I(NPG_PS_WAIT_INSTRUCTION), NPG_DB_I(NPG_PS_WAIT_AUTH), NPG_DB_I(window_s)),
        &acc);
    if (rc == NPG_OK)
        rc = npg_db_query_int(
            db, sql,
            NPG_DB_P(NPG_DB_I(NPG_PS_REJECTED), NPG_DB_I(NPG_PS_WAIT_AUTH), NPG_DB_I(window_s)),
            &rej);
    *accepted = (uint64_t)acc;
    *rejected = (uint64_t)rej;
    return rc;
}
