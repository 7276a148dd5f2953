/* SPDX-License-Identifier: GPL-3.0-or-later */
/* enum/publish.h - push NAPTR records to external DNS servers by RFC 2136 UPDATE signed with TSIG.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"
#include "db/db.h"

typedef struct npg_publish npg_publish_t; /* the [dns] settings, checked (opaque) */

#define NPG_PUBLISH_MAX_SERVERS 16
#define NPG_PUBLISH_MAX_RANGES 100000

/*
 * Check the [dns] section (server addresses, zone and apex, TSIG secret) and
 * keep what a publication needs. No servers configured is fine: every
 * publication then succeeds at once with nothing pushed. conf must outlive
 * the result. Errors: NPG_ECONF with the reason in err.
 */
int npg_publish_new(const npg_conf_t *conf, npg_publish_t **out, char *err, size_t errlen) NPG_WUR;
void npg_publish_free(npg_publish_t **p);
/* How many servers a publication goes to. */
size_t npg_publish_nservers(const npg_publish_t *p);

/*
 * Publish the current routing of every number in the ranges [firsts[i], lasts[i]]
 * (E.164 as integers) to every server. For each number the NAPTR RRset at its
 * owner name is deleted and the current record added: npdi and rn when the
 * number has a row in routing, npdi alone inside a home range, nothing (delete
 * only) otherwise. The state is read from db now, so repeating a publication
 * is harmless. Many numbers go in one UPDATE (batch_size, under 64 KiB).
 * Returns NPG_OK when every server accepted every message, with
 * "published N records ..." in result; otherwise an error and what went wrong
 * per server in result: NPG_EAUTH (NOTAUTH, TSIG errors, a reply whose TSIG
 * does not verify), NPG_EPEER (other RCODEs), NPG_EIO (connection, timeout),
 * NPG_EDB/NPG_EDBDOWN, NPG_ECONF (an owner outside the zone). Runs outside any
 * transaction; db is only read.
 */
int npg_publish_ranges(npg_publish_t *p, npg_db_t *db, const uint64_t *firsts,
                       const uint64_t *lasts, size_t n, char *result, size_t len) NPG_WUR;

/*
 * The payload of a "dns" outbox row: "<in|out|none>:<id> <first>-<last> ..."
 * with E.164 numbers. npg_publish_parse fills job (free its arrays with
 * npg_publish_job_clear). Errors: NPG_EINVAL (malformed), NPG_ETOOBIG.
 */
typedef struct npg_publish_job {
    char port_kind[8];
    uint64_t port_id;
    size_t n;
    uint64_t *firsts, *lasts;
} npg_publish_job_t;
int npg_publish_parse(const char *payload, npg_publish_job_t *job) NPG_WUR;
void npg_publish_job_clear(npg_publish_job_t *job);

/*
 * Queue the publication of these ranges in the caller's open transaction
 * (outbox kind "dns", ordering key "dns": one global order, so a later change
 * of a number is never overtaken by an earlier one). port_kind is "in", "out"
 * or "none" (a manual route change, port_id 0). change_ref: the routing_changes
 * id of a manual change, or 0. Idempotency keys: "dns:in:<id>" and
 * "dns:out:<id>", so a port is published once however often its completion is
 * replayed; "dns:change:<change_ref>", so a manual change is queued once;
 * "dns:none:<random>" for a publication with neither.
 * Errors: those of npg_outbox_put (NPG_EEXIST: already queued), NPG_EINVAL.
 */
int npg_publish_queue(npg_db_t *db, const char *port_kind, uint64_t port_id, uint64_t change_ref,
                      const uint64_t *firsts, const uint64_t *lasts, size_t n) NPG_WUR;
