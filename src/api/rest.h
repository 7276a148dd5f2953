/* SPDX-License-Identifier: GPL-3.0-or-later */
/* api/rest.h - the /np_api/ REST API: route table, authentication, tiers, audit, error shape. */
#pragma once
#include <jansson.h>
#include "api/apikey.h"
#include "common/e164.h"
#include "http/router.h"
#include "porting/porting.h"

/* What the REST API works with, set up once by the gateway. */
typedef struct npg_rest_env {
    const npg_conf_t *conf;
    npg_db_pool_t *pool;
    npg_porting_t *pt;
    /* GET /np_api/info: ask the deployment's clearinghouse who serves a number (local
     * digits); NULL when its adapter answers no such question. */
    int (*number_info)(void *arg, const char *number, json_t **out, char *result, size_t len);
    void *number_info_arg;
} npg_rest_env_t;

/* Everything a REST handler gets: the request, the caller, a pooled connection, the body. */
typedef struct npg_rest_ctx {
    npg_http_req_t *req;
    const npg_route_match_t *m;
    const npg_rest_env_t *env;
    const npg_conf_t *conf;
    npg_porting_t *pt;
    npg_db_t *db;
    const char *user;
    npg_tier_t tier;
    json_t *body; /* parsed JSON object, or NULL when the request had no body */
    char audit_target[128];
    char audit_detail[512];
} npg_rest_ctx_t;

/* Handle any /np_api/ request (not an adapter's endpoint). Returns once replied. */
int npg_rest_handle(npg_http_req_t *req, const npg_rest_env_t *env);

/* Reply helpers for handlers: the seed's shapes. */
int npg_rest_ok(npg_rest_ctx_t *c, json_t *json);
/* {"result": "Exception raised in <route>", "Reason": reason} with status. */
int npg_rest_error(npg_rest_ctx_t *c, int status, const char *fmt, ...) NPG_PRINTF(3, 4);
/* {msisdn}: a full E.164 number without '+'; replies 400 and returns NPG_EINVAL otherwise. */
int npg_rest_msisdn(npg_rest_ctx_t *c, const char *in, char out[NPG_E164_BUFLEN]) NPG_WUR;
/*
 * The query parameter name, percent-decoded ('+' is a space) into out. NPG_ENOTFOUND when
 * absent, NPG_EINVAL for a bad escape, a NUL byte or a value longer than len - 1.
 */
int npg_rest_query(const npg_rest_ctx_t *c, const char *name, char *out, size_t len) NPG_WUR;
/* Map an npgw error (and its sentence) to the right status. */
int npg_rest_fail(npg_rest_ctx_t *c, int err, const char *reason);

/* The route table, for the OpenAPI comparison test and the docs. */
const npg_route_t *npg_rest_routes(size_t *n);
