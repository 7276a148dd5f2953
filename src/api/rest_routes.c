/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every /np_api/ route, its handler and who may call it (the reference's tier tables). */
#include "api/rest_routes.h"

#define ADMIN_PXS (NPG_REST_ADMIN | NPG_REST_PXS)
#define ALL_TIERS (NPG_REST_ADMIN | NPG_REST_PXS | NPG_REST_RO)
#define MUT NPG_REST_MUTATING

static const npg_route_t rest_routes[] = {
    {NPG_HTTP_POST, "/np_api/PortIn/create", npg_rest_portin_create, ADMIN_PXS | MUT},
    {NPG_HTTP_GET, "/np_api/PortIn/list", npg_rest_portin_list, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/get_xml_list/{msgidentifier}", npg_rest_portin_xml_list,
     ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/get_xml/{folder}/{filename}", npg_rest_portin_xml_get,
     ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_get, ADMIN_PXS},
    {NPG_HTTP_POST, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_instruct, ADMIN_PXS | MUT},
    {NPG_HTTP_DELETE, "/np_api/PortIn/{msgidentifier}", npg_rest_portin_abort, ADMIN_PXS | MUT},
    {NPG_HTTP_GET, "/np_api/PortOut/list", npg_rest_portout_list, ADMIN_PXS},
    {NPG_HTTP_GET, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_get, ADMIN_PXS},
    {NPG_HTTP_POST, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_authorise,
     ADMIN_PXS | MUT},
    {NPG_HTTP_DELETE, "/np_api/PortOut/{msgidentifier}", npg_rest_portout_reject,
     ADMIN_PXS | MUT},
};

const npg_route_t *npg_rest_routes(size_t *n)
{
    *n = NPG_ARRAY_LEN(rest_routes);
    return rest_routes;
}
