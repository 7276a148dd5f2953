/* SPDX-License-Identifier: GPL-3.0-or-later */
/* api/rest_routes.h - the /np_api/ handlers and the flags of their table rows. */
#pragma once
#include "api/rest.h"

/* Route flags: which tiers may call it (none: public), and whether it is audited. */
#define NPG_REST_ADMIN NPG_TIER_ADMIN
#define NPG_REST_PXS NPG_TIER_PXS
#define NPG_REST_RO NPG_TIER_READ_ONLY
#define NPG_REST_TIERS (NPG_TIER_ADMIN | NPG_TIER_PXS | NPG_TIER_READ_ONLY)
#define NPG_REST_MUTATING (1u << 8)
/* The handler reads the body itself (a provider's form-encoded callback): no JSON parse. */
#define NPG_REST_RAW_BODY (1u << 9)

const char *npg_rest_route_name(const npg_route_t *r);

/* Handlers: each takes its npg_rest_ctx_t from req->ctx and replies. */
int npg_rest_swagger_json(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_doc(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_doc_file(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_info(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_terminate(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_sms_validate(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_sms_list(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_sms_receipt(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_create(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_list(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_get(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_instruct(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_abort(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_xml_list(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portin_xml_get(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_list(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_get(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_authorise(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_reject(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_route_get(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_route_hss(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_route_push(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_route_delete(npg_http_req_t *req, const npg_route_match_t *m);
/* for the ops UI: paging counts, port-out XML, who is signed in, operators, morning review */
int npg_rest_portin_count(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_count(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_portout_xml_list(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_whoami(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_operators(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_stats(npg_http_req_t *req, const npg_route_match_t *m);
int npg_rest_alarms(npg_http_req_t *req, const npg_route_match_t *m);
