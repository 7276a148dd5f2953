/* SPDX-License-Identifier: GPL-3.0-or-later */
/* api/input.h - what the REST API reads from a client before it needs a request context or the
 * database: the JSON body, and the fields of a port-in create. Pure functions (the handlers and
 * the fuzz targets call them). */
#pragma once
#include <jansson.h>
#include <stddef.h>
#include "common/error.h"
#include "porting/port.h"

/*
 * The request body (len bytes, untrusted) as a JSON object: duplicate keys refused. NULL
 * when it is not one, with why saying so (the 400's reason). The caller json_decref()s it.
 */
json_t *npg_rest_body_parse(const char *body, size_t len, char *why, size_t whylen);

/*
 * The fields of POST /np_api/PortIn/create into *in: types and lengths checked, the
 * number type folded to lower case, one range. The strings in *in point into body, which
 * must outlive it. NPG_OK, or NPG_EINVAL with why naming the field (the 400's reason);
 * npg_port_in_create checks the values.
 */
int npg_rest_portin_fields(json_t *body, npg_port_in_req_t *in, char *why, size_t whylen) NPG_WUR;
