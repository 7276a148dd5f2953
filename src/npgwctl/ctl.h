/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwctl/ctl.h - what every npgwctl command gets; commands kept outside main.c. */
#pragma once
#include "common/conf.h"
#include "db/db.h"
#include "porting/porting.h"

typedef struct ctl {
    npg_conf_t conf;
    npg_db_t *db;
    npg_porting_t *pt;
} ctl_t;

/* Print "npgwctl: what: reason" and return the exit status 1. */
int ctl_fail(int rc, const char *what);

int ctl_route_show(ctl_t *ctl, int argc, char **argv);
int ctl_route_push(ctl_t *ctl, int argc, char **argv);
int ctl_route_delete(ctl_t *ctl, int argc, char **argv);
int ctl_route_import(ctl_t *ctl, int argc, char **argv);
int ctl_route_export(ctl_t *ctl, int argc, char **argv);

/* hook.c: webhook subscriptions, parked deliveries */
int ctl_hook_list(ctl_t *ctl, int argc, char **argv);
int ctl_hook_add(ctl_t *ctl, int argc, char **argv);
int ctl_hook_rotate(ctl_t *ctl, int argc, char **argv);
int ctl_hook_secrets(ctl_t *ctl, int argc, char **argv);
int ctl_hook_remove(ctl_t *ctl, int argc, char **argv);
int ctl_hook_parked(ctl_t *ctl, int argc, char **argv);
int ctl_hook_replay(ctl_t *ctl, int argc, char **argv);
/* status.c: daemons, database, alarms, queues; ctl->db may be NULL (the database is down).
 * ctl_status_run sets up on its own, so it runs without a database. */
int ctl_status(ctl_t *ctl, int argc, char **argv);
int ctl_status_run(const char *conf_path, int argc, char **argv);
/* reconcile [--range A-B] [--fix] [--report FILE]: exit 0 no drift left, 3 drift left. */
int ctl_reconcile(ctl_t *ctl, int argc, char **argv);
