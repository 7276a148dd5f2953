/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/router.h - match a request against a const table of "METHOD /path/{param}" routes. */
#pragma once
#include "http/server.h"

#define NPG_ROUTE_MAX_PARAMS 4

typedef struct npg_route_match {
    const struct npg_route *route;
    const char *params[NPG_ROUTE_MAX_PARAMS]; /* decoded segments, in the request arena */
    size_t nparams;
} npg_route_match_t;

typedef int (*npg_route_fn)(npg_http_req_t *req, const npg_route_match_t *m);

typedef struct npg_route {
    npg_http_method_t method;
    const char *pattern; /* "/np_api/PortIn/{msgidentifier}"; a trailing "*" matches the rest */
    npg_route_fn fn;
    unsigned flags;      /* free for the table's owner (access tiers, audit) */
} npg_route_t;

/*
 * Find the route for req. Returns NPG_OK with m filled, NPG_ENOTFOUND when no
 * pattern matches the path, NPG_ENOTSUP when one matches but not the method.
 * Literal segments win over {param} segments, so get_xml_list beats {msgidentifier}.
 */
int npg_route_find(const npg_route_t *routes, size_t n, npg_http_req_t *req,
                   npg_route_match_t *m) NPG_WUR;
