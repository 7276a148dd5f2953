// SPDX-License-Identifier: GPL-3.0-or-later
// Swagger UI over the gateway's own OpenAPI document; everything is served by npgwd.
window.ui = SwaggerUIBundle({ url: "/np_api/swagger.json", dom_id: "#swagger-ui", deepLinking: true });
