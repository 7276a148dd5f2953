/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ops web UI: static files under /ui/ from [http] web_dir/ui, its two npm libraries under
 * /ui/lib/ from [http] ui_lib_dir, every reply with a policy that allows only this origin. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "gw/gw_internal.h"
#include "http/files.h"

/*
 * Scripts, styles, images and requests from this origin only; no inline script or style, no
 * plugin, no framing, no form posting elsewhere. The UI renders data as text, so a number or
 * a reason holding markup cannot run even if that failed.
 */
#define UI_CSP                                                                                     \
    "Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self';"            \
    " img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none';"         \
    " base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"                             \
    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer"

/* Our own files change with each release: the browser revalidates every time. */
static const char ui_headers[] = UI_CSP "\r\nCache-Control: no-cache";
/* The libraries change only with an npm upgrade: a day in the cache is fine. */
static const char lib_headers[] = UI_CSP "\r\nCache-Control: public, max-age=86400";

/* What /ui/lib/{file} may serve: the file's folder inside ui_lib_dir and its name. */
static const struct {
    const char *name;
    const char *dir;
    const char *file;
} libs[] = {
    {"preact-htm.js", "htm/preact", "standalone.module.js"},
    {"uPlot.js", "uplot/dist", "uPlot.iife.min.js"},
    {"uPlot.css", "uplot/dist", "uPlot.min.css"},
};

static const char *web_dir(const npg_conf_t *conf)
{
    return conf->http.web_dir[0] ? conf->http.web_dir : NPGW_DATADIR "/web";
}

int npg_gw_ui_redirect(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    req->headers = "Location: /ui/\r\nCache-Control: no-cache";
    return npg_http_reply(req, 302, "text/plain; charset=utf-8", "/ui/\n", 5);
}

int npg_gw_ui_file(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    char dir[NPG_CONF_STRLEN + 8];
    snprintf(dir, sizeof(dir), "%s/ui", web_dir(gw->conf));
    req->headers = ui_headers;
    return npg_http_send_file(req, dir, m->nparams ? m->params[0] : "index.html");
}

int npg_gw_ui_lib(npg_http_req_t *req, const npg_route_match_t *m)
{
    npg_gw_t *gw = req->app;
    for (size_t i = 0; i < NPG_ARRAY_LEN(libs); i++) {
        if (strcmp(m->params[0], libs[i].name) != 0)
            continue;
        char dir[NPG_CONF_STRLEN + 32];
        snprintf(dir, sizeof(dir), "%s/%s", gw->conf->http.ui_lib_dir, libs[i].dir);
        req->headers = lib_headers;
        return npg_http_send_file(req, dir, libs[i].file);
    }
    return npg_http_reply_error(req, 404, "error", "no such file");
}
