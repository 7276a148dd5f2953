/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/uk/store.h - UK tables (db/005_uk.sql): port links, issued PACs, the message archive. */
#pragma once
#include <stdint.h>
#include "common/conf.h"
#include "db/db.h"
#include "porting/port.h"
#include "adapters/uk/platform.h"
#include "adapters/uk/rules.h"

/* What a BSS sent with a UK port-in, beside its port_in row. */
typedef struct npg_uk_port_link {
    uint64_t port_in_id;
    unsigned subscription_number;
    char pac[10];
    char number[26]; /* national digits */
    npg_uk_day_t requested_date, port_date, pac_issued;
} npg_uk_port_link_t;

/* A UK port-in as the BSS asks about it. */
typedef struct npg_uk_port_view {
    char msgid[NPG_MSGID_LEN];
    int state;
    unsigned subscription_number;
    npg_uk_day_t port_date;
} npg_uk_port_view_t;

/* A PAC the platform issued for one of our numbers. */
typedef struct npg_uk_pac {
    char pac[10];
    uint64_t number; /* E.164 digits */
    unsigned subscription_number;
    const char *external_reference; /* NULL: none */
    npg_uk_day_t issued, expiry;
} npg_uk_pac_t;

/* Archive a message that has no id of its own (a BSS request, our answer), linked to a
 * port-in when port_id != 0. Exchanges with the platform: npg_archive_xchg. */
int npg_uk_archive(npg_db_t *db, const char *folder, uint64_t port_id, const char *msgtype,
                   const char *body, size_t len, uint64_t *xml_id) NPG_WUR;
int npg_uk_link_store(npg_db_t *db, const npg_uk_port_link_t *link) NPG_WUR;
/* The newest UK port-in of number with pac. NPG_ENOTFOUND when none. */
int npg_uk_port_find(npg_db_t *db, const char *number, const char *pac,
                     npg_uk_port_view_t *out) NPG_WUR;
/* NPG_OK when number (E.164) is served by us now: routed to us, or in our home range and
 * not routed away. NPG_ENOTFOUND otherwise. */
int npg_uk_number_is_ours(npg_db_t *db, const npg_conf_t *conf, uint64_t number) NPG_WUR;
/* Store an issued PAC with its archived exchange, in one transaction. */
int npg_uk_pac_store(npg_db_t *db, const npg_uk_pac_t *pac, const npg_uk_xchg_t *x) NPG_WUR;
