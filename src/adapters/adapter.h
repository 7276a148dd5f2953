/* SPDX-License-Identifier: GPL-3.0-or-later */
/* adapters/adapter.h - the clearinghouse adapter interface. Every clearinghouse (PortingXS,
 * the UK platform, NPAC) is one adapter in src/adapters/<name>/, with its contracts in
 * wsdl/<name>/ and its stylesheets in xslt/<name>/. npgwd, npgwctl and npsim call adapters
 * only through this interface and see only canonical messages (xml/canon.h). */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "common/conf.h"
#include "db/db.h"
#include "porting/porting.h"
#include "soap/client.h"
#include "xml/canon.h"
#include "xml/xslt.h"

/* What a running adapter may use of its process. */
typedef struct npg_adapter_env {
    const npg_conf_t *conf;
    npg_db_pool_t *pool; /* NULL outside npgwd */
    npg_porting_t *pt;
} npg_adapter_env_t;

/* Who may call an endpoint (npgwd checks the caller's API key before the adapter runs). */
typedef enum npg_endpoint_caller {
    NPG_CALLER_CLEARINGHOUSE, /* a key of tier pxs or admin */
    NPG_CALLER_BSS,           /* a key of tier admin */
} npg_endpoint_caller_t;

/* One number's serving operator as the clearinghouse sees it ("": it does not know the
 * number); non-zero stops the walk (and is returned). */
typedef int (*npg_serving_fn)(uint64_t number, const char *operator_code, void *arg);

/* An HTTP endpoint an adapter serves through npgwd. POST carries SOAP, GET ?wsdl the contract. */
typedef struct npg_adapter_endpoint {
    char path[96]; /* "/np_api/pxs/recv/" */
    npg_endpoint_caller_t caller;
    const char *wsdl;    /* the contract answered at ?wsdl: "portingxs.wsdl" */
    const char *service; /* its wsdl:service whose soap:address is this path */
    /*
     * NULL: a receiver. npgwd decodes the body with the adapter's decode, applies it,
     * and answers with its ack or fault. Otherwise a service that answers the
     * request itself: *reply (malloc'ed SOAP envelope) and the HTTP *status.
     */
    int (*serve)(void *state, const npg_adapter_env_t *env, const char *body, size_t len,
                 char **reply, int *status);
    /* The fault a refused caller gets (credentials, database away): malloc'ed envelope. */
    char *(*fault)(bool client, const char *code, const char *reason);
} npg_adapter_endpoint_t;

#define NPG_ADAPTER_MAX_ENDPOINTS 4

typedef struct npg_adapter_ops {
    const char *name;             /* "pxs": port rows, outbox kind, xslt/<name>/, wsdl/<name>/ */
    const char *title;            /* "PortingXS", for people */
    const char *const *contracts; /* its WSDL and XSD files, served under /wsdl/; NULL-ended */

    /* What the porting engine needs to know (porting/porting.h). */
    const char *(*element)(const char *canonical_type); /* wire element of a canonical type */
    int (*answer_timeout)(const npg_conf_t *conf);
    const char *(*operator_code)(const npg_conf_t *conf); /* the clearinghouse's own code */

    /* Optional: what it would refuse of conf at start (npgwd --check-config); err says why. */
    int (*check)(const npg_conf_t *conf, char *err, size_t errlen);
    /* One instance per process: stylesheets compiled, settings read. Thread-safe after. */
    int (*create)(const npg_conf_t *conf, void **state);
    void (*destroy)(void **state);
    /* The endpoints it serves with this configuration (at most NPG_ADAPTER_MAX_ENDPOINTS). */
    size_t (*endpoints)(const npg_conf_t *conf, npg_adapter_endpoint_t *out);

    /*
     * Inbound: an untrusted body delivered to a receiver endpoint. Parse it safely,
     * check it against the contract, map it to a canonical message (direction in,
     * clearinghouse = name). db may be used to find the port. Errors: NPG_EXML /
     * NPG_EINVAL / NPG_ENOTFOUND with err saying what (a Client fault).
     */
    int (*decode)(void *state, npg_db_t *db, const char *body, size_t len, npg_canon_msg_t *out,
                  char *err, size_t errlen);
    /* Its acknowledgement ("Accepted", "Duplicate", "NotApplied") and fault envelopes. */
    char *(*ack)(const char *message_id, const char *status);
    char *(*fault)(bool client, const char *code, const char *reason);

    /*
     * Outbound: send one canonical message (queued by the engine) to the clearinghouse;
     * x gets what crossed the wire. NPG_OK acknowledged; NPG_EINVAL refused (a retry
     * will not help); anything else is retried with back-off.
     */
    int (*send)(void *state, const char *canonical, npg_xchg_t *x, char *result, size_t len);
    /* Optional: the canonical event a synchronous answer stands for, for the port
     * msgidentifier (the UK platform acknowledges ConfirmPort with the instruction's
     * response). NPG_ENOTFOUND: the answer changes nothing. */
    int (*answer)(void *state, const npg_xchg_t *x, const char *msgidentifier, npg_canon_msg_t *out,
                  char *err, size_t errlen);
    /* Optional: ask the clearinghouse who serves a number (local digits); JSON answer. */
    int (*number_info)(void *state, const char *number, json_t **out, char *result, size_t len);
    /*
     * Optional: who the clearinghouse says serves each number of first..last (E.164, same
     * length), in order, for reconciliation (npgwctl reconcile, adapters/reconcile.h).
     * PortingXS asks one NumberInformationRequest per number; a clearinghouse that hands
     * out bulk data (the NPAC) answers from it. Errors: NPG_EPEER (no answer; result says
     * why), NPG_EINVAL (refused), or fn's non-zero.
     */
    int (*serving)(void *state, uint64_t first, uint64_t last, npg_serving_fn fn, void *arg,
                   char *result, size_t len);
    /* Optional: periodic work of the adapter's own (the UK cut-off), on db. */
    int (*run_timers)(void *state, const npg_adapter_env_t *env, npg_db_t *db, int *changed);
    /* Optional, the engine's view (porting/porting.h npg_porting_ch_t): what one port-in may
     * carry, and the adapter's own record of an inbound message inside its transaction. */
    int (*check_port_in)(const npg_conf_t *conf, const uint64_t *starts, const uint64_t *ends,
                         size_t n, char *err, size_t errlen);
    int (*inbound)(npg_db_t *db, npg_porting_t *pt, const npg_canon_msg_t *m, const char *port_kind,
                   uint64_t port_id, int state);
    /* Optional: `npgwctl <name> ARGS` (operations of its own: NPAC conflict resolution);
     * returns the exit status, prints what it did. */
    int (*ctl)(const npg_adapter_env_t *env, npg_db_t *db, int argc, char **argv);
    const char *ctl_usage; /* its lines of `npgwctl -h` */

    /* The simulator: `npsim [-c FILE] <name> ARGS...`; returns the exit status. */
    int (*simulate)(const char *conf_path, int argc, char **argv);
    const char *sim_usage; /* its lines of `npsim -h` */
} npg_adapter_ops_t;

/* Every adapter of this build, NULL-terminated (generated from ADAPTERS in Makefile.am). */
extern const npg_adapter_ops_t *const npg_adapters[];

/* The adapter called name, or NULL. */
const npg_adapter_ops_t *npg_adapter_find(const char *name);

/* The porting engine's context for conf, knowing every adapter's clearinghouse. */
int npg_adapters_porting(const npg_conf_t *conf, npg_porting_t **out) NPG_WUR;

/*
 * The adapter's stylesheets, xslt_dir/<name>/to-canonical.xsl and from-canonical.xsl
 * (xslt_dir empty: the installed ones). Errors are logged with the path.
 */
int npg_adapter_stylesheets(const npg_conf_t *conf, const char *name, npg_xslt_t **to_canonical,
                            npg_xslt_t **from_canonical) NPG_WUR;
