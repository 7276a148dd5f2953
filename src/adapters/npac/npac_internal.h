/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/npac/npac_internal.h - the parts of the NPAC adapter: its instance, the SOA client,
 * notifications (decode, the inbound hook, recovery) and timers. */
#pragma once
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include "adapters/adapter.h"
#include "adapters/npac/calendar.h"
#include "adapters/npac/npac.h"

/* One instance per process (npgwd): thread-safe after create, flags under lock. */
typedef struct npac {
    const npg_conf_t *conf;
    npg_xslt_t *to_canonical, *from_canonical;
    npg_npac_calendar_t cal;
    pthread_mutex_t lock;
    bool recovered;       /* a recovery ran since start */
    bool link_lost;       /* a request found the NPAC away: recover once it answers again */
    time_t last_recovery; /* real clock */
} npac_t;

/* A strict SOAP client for [npac] url. */
struct soap *npac_client(const npg_conf_t *conf);

/* notify.c: the receiver's decode, the hook inside the inbound transaction, recovery. */
int npac_decode(void *state, npg_db_t *db, const char *body, size_t len, npg_canon_msg_t *out,
                char *err, size_t errlen);
int npac_inbound(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, const char *port_kind,
                 uint64_t port_id, int state);
/* Ask the NPAC for what we missed since the last notification processed, apply it in order,
 * tell it we are done. *applied counts what moved a port. */
int npac_recover(npac_t *n, const npg_adapter_env_t *env, npg_db_t *db, int *applied);

/* timers.c: T1/T2, activation on the due date, recovery when due. */
int npac_run_timers(void *state, const npg_adapter_env_t *env, npg_db_t *db, int *changed);

/* The timer windows of a version created at created (business hours by its timer set). */
void npac_windows(const npac_t *n, bool short_timers, time_t created, time_t *t1, time_t *t2);
/* Both SPs use short timers ([npac] short_timer_spids). */
bool npac_short_timers(const npg_conf_t *conf, const char *old_spid, const char *new_spid);
