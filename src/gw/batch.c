/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "gw/batch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics/metrics.h"

/* A waiting message; it lives on its sender's stack until done. */
typedef struct entry {
    npg_inbound_item_t *item;
    bool done;
    struct entry *next;
} entry_t;

struct gw_batch {
    npg_db_pool_t *pool;
    npg_porting_t *pt;
    int max_groups;
    size_t max_items;
    pthread_mutex_t lock;
    pthread_cond_t done; /* a group finished: its senders answer, a waiter may lead */
    entry_t *head, *tail;
    int groups; /* transactions under way */
};

/* Their ratio is the mean group size. */
static npg_metric_t groups_run = {
    .name = "npgw_receiver_groups_total",
    .help = "Transactions the receivers ran, each applying a group of inbound messages.",
    .type = NPG_METRIC_COUNTER,
};
static npg_metric_t group_messages = {
    .name = "npgw_receiver_group_messages_total",
    .help = "Inbound messages the receivers applied in groups (refused ones included).",
    .type = NPG_METRIC_COUNTER,
};

int gw_batch_new(npg_db_pool_t *pool, npg_porting_t *pt, int max_groups, size_t max_items,
                 gw_batch_t **out)
{
    gw_batch_t *b = calloc(1, sizeof(*b));
    if (!b)
        return NPG_ENOMEM;
    b->pool = pool;
    b->pt = pt;
    b->max_groups = max_groups > 0 ? max_groups : 1;
    b->max_items = max_items > 0 ? max_items : 1;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->done, NULL);
    npg_metric_register(&groups_run);
    npg_metric_register(&group_messages);
    *out = b;
    return NPG_OK;
}

void gw_batch_free(gw_batch_t **bp)
{
    gw_batch_t *b = bp ? *bp : NULL;
    if (!b)
        return;
    pthread_cond_destroy(&b->done);
    pthread_mutex_destroy(&b->lock);
    free(b);
    *bp = NULL;
}

/* Apply a group on a connection of its own; every item gets its answer. */
static void lead(gw_batch_t *b, npg_inbound_item_t *const *items, size_t n)
{
    npg_db_t *db = NULL;
    int rc = npg_db_pool_get(b->pool, 5000, &db);
    if (rc != NPG_OK) {
        for (size_t i = 0; i < n; i++) {
            items[i]->rc = rc;
            snprintf(items[i]->err, sizeof(items[i]->err), "database unavailable: %s",
                     npg_strerror(rc));
        }
        return;
    }
    npg_port_apply_inbound_group(db, b->pt, items, n);
    npg_db_pool_put(b->pool, &db);
    npg_metric_add(&groups_run, NULL, 1);
    npg_metric_add(&group_messages, NULL, n);
}

void gw_batch_apply(gw_batch_t *b, npg_inbound_item_t *item)
{
    entry_t me = {.item = item};
    pthread_mutex_lock(&b->lock);
    if (b->tail)
        b->tail->next = &me;
    else
        b->head = &me;
    b->tail = &me;
    while (!me.done) {
        if (b->groups >= b->max_groups || !b->head) {
            pthread_cond_wait(&b->done, &b->lock);
            continue;
        }
        /* Lead: take the oldest waiting messages, this one among them or not. */
        entry_t *taken[64];
        npg_inbound_item_t *items[64];
        size_t n = 0, max = b->max_items < 64 ? b->max_items : 64;
        while (b->head && n < max) {
            taken[n] = b->head;
            items[n++] = b->head->item;
            b->head = b->head->next;
        }
        if (!b->head)
            b->tail = NULL;
        b->groups++;
        pthread_mutex_unlock(&b->lock);
        lead(b, items, n);
        pthread_mutex_lock(&b->lock);
        b->groups--;
        for (size_t i = 0; i < n; i++)
            taken[i]->done = true;
        pthread_cond_broadcast(&b->done);
    }
    pthread_mutex_unlock(&b->lock);
}
