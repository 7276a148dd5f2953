/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/files.h - serve a file from one folder by its bare name, never outside it. */
#pragma once
#include "http/server.h"

/* True when name is a plain file name: [A-Za-z0-9._-], no leading dot, at most 128 chars. */
bool npg_http_safe_name(const char *name);

/* Reply with dir/name (404 when absent or unsafe); the type comes from the extension, extra
 * headers (caching, Content-Security-Policy) from req->headers. */
int npg_http_send_file(npg_http_req_t *req, const char *dir, const char *name);
