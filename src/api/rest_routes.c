/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every /np_api/ route, its handler and who may call it (the reference's tier tables). */
#include "api/rest_routes.h"

#include <string.h>

#include "http/files.h"

#define ADMIN_PXS (NPG_REST_ADMIN | NPG_REST_PXS)
#define ALL_TIERS (NPG_REST_ADMIN | NPG_REST_PXS | NPG_REST_RO)
#define MUT NPG_REST_MUTATING

static const npg_route_t rest_routes[] = {
    {NPG_HTTP_GET, "/np_api/swagger.json", npg_rest_swagger_json, 0},
    {NPG_HTTP_GET, "/np_api/doc", npg_rest_doc, 0},
    {NPG_HTTP_GET, "/np_api/doc/{file}", npg_rest_doc_file, 0},
    {NPG_HTTP_POST, "/np_api/PortIn/create", npg_rest_portin_create, ADMIN_PXS | MUT},
    {NPG_HTTP_GET, "/np_api/PortIn/list", npg_rest_portin_list, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/count", npg_rest_portin_count, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/get_xml_list/{msgidentifier}", npg_rest_portin_xml_list,
     ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/get_xml/{folder}/{filename}", npg_rest_portin_xml_get,
     ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_get, ADMIN_PXS},
    {NPG_HTTP_POST, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_instruct, ADMIN_PXS | MUT},
    {NPG_HTTP_DELETE, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_abort, ADMIN_PXS | MUT},
    {NPG_HTTP_GET, "/np_api/PortOut/list", npg_rest_portout_list, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortOut/count", npg_rest_portout_count, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortOut/get_xml_list/{msgidentifier}", npg_rest_portout_xml_list,
     ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_get, ADMIN_PXS},
    {NPG_HTTP_POST, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_authorise, ADMIN_PXS | MUT},
    {NPG_HTTP_DELETE, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_reject, ADMIN_PXS | MUT},
    {NPG_HTTP_GET, "/np_api/route/hss_route/{msisdn}", npg_rest_route_hss, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/route/{msisdn}", npg_rest_route_get, ADMIN_PXS},
    {NPG_HTTP_POST, "/np_api/route/{msisdn}/{operator}/{type}", npg_rest_route_push,
     ADMIN_PXS | MUT},
    {NPG_HTTP_DELETE, "/np_api/route/{msisdn}", npg_rest_route_delete, ADMIN_PXS | MUT},
    {NPG_HTTP_POST, "/np_api/validate/sms_validate", npg_rest_sms_validate, ALL_TIERS | MUT},
    {NPG_HTTP_GET, "/np_api/validate/sms_list", npg_rest_sms_list, ALL_TIERS},
    /* the providers' status callbacks: no API key, a per-message token (docs/sms.md) */
    {NPG_HTTP_POST, "/np_api/sms/receipt/{provider}", npg_rest_sms_receipt, NPG_REST_RAW_BODY},
    {NPG_HTTP_GET, "/np_api/sms/receipt/{provider}", npg_rest_sms_receipt, NPG_REST_RAW_BODY},
    {NPG_HTTP_GET, "/np_api/info/{msisdn}", npg_rest_info, ALL_TIERS},
    {NPG_HTTP_DELETE, "/np_api/terminate/{msisdn}/{type_of_numbers}", npg_rest_terminate,
     ADMIN_PXS | MUT},
    /* beside the seed's endpoints, for the ops UI */
    {NPG_HTTP_GET, "/np_api/whoami", npg_rest_whoami, ALL_TIERS},
    {NPG_HTTP_GET, "/np_api/operators", npg_rest_operators, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/stats", npg_rest_stats, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/alarms", npg_rest_alarms, ADMIN_PXS},
};

const npg_route_t *npg_rest_routes(size_t *n)
{
    *n = NPG_ARRAY_LEN(rest_routes);
    return rest_routes;
}

static const char *web_dir(const npg_conf_t *conf)
{
    return conf->http.web_dir[0] ? conf->http.web_dir : NPGW_DATADIR "/web";
}

int npg_rest_swagger_json(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return npg_http_send_file(req, web_dir(((npg_rest_ctx_t *)req->ctx)->conf), "swagger.json");
}

int npg_rest_doc(npg_http_req_t *req, const npg_route_match_t *m)
{
    (void)m;
    return npg_http_send_file(req, web_dir(((npg_rest_ctx_t *)req->ctx)->conf), "doc.html");
}

/* Our start-up script from web_dir, everything else from the swagger-ui-dist package. */
int npg_rest_doc_file(npg_http_req_t *req, const npg_route_match_t *m)
{
    const npg_conf_t *conf = ((npg_rest_ctx_t *)req->ctx)->conf;
    if (strcmp(m->params[0], "npgw-doc.js") == 0)
        return npg_http_send_file(req, web_dir(conf), m->params[0]);
    return npg_http_send_file(req, conf->http.swagger_ui_dir, m->params[0]);
}
