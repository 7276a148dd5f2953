/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "http/files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define MAX_FILE_BYTES (16 * 1024 * 1024)

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".wsdl", "text/xml; charset=utf-8"}, {".xsd", "text/xml; charset=utf-8"},
    {".xml", "text/xml; charset=utf-8"},  {".json", "application/json"},
    {".html", "text/html; charset=utf-8"}, {".css", "text/css"},
    {".js", "application/javascript"},    {".png", "image/png"},
    {".svg", "image/svg+xml"},            {".map", "application/json"},
};

bool npg_http_safe_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= 128 && name[0] != '.' &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

int npg_http_send_file(npg_http_req_t *req, const char *dir, const char *name)
{
    if (!npg_http_safe_name(name))
        return npg_http_reply_error(req, 404, "error", "no such file");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *body = NULL;
    size_t len = 0;
    int rc = npg_read_file(path, MAX_FILE_BYTES, &body, &len);
    if (rc != NPG_OK)
        return npg_http_reply_error(req, 404, "error", "no such file");
    const char *type = "application/octet-stream";
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < NPG_ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            type = types[i].type;
    rc = npg_http_reply(req, 200, type, body, len);
    free(body);
    return rc;
}
