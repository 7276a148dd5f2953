/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http/wsdl.h - rewrite a served WSDL or XSD so its addresses and imports point at this npgwd. */
#pragma once
#include <stddef.h>
#include "common/error.h"

/* Bytes npg_wsdl_base needs at most: "https://" + a 255-byte host + NUL. */
#define NPG_WSDL_BASE_MAX (8 + 255 + 1)

/* A service npgwd answers: wsdl:service/@name and the absolute URL path it is served at. */
typedef struct npg_wsdl_service {
    const char *name; /* "PortInService" */
    const char *path; /* "/np_api/uk/portin": starts with '/', [A-Za-z0-9._~/-], no ".." part */
} npg_wsdl_service_t;

/*
 * The base URL "scheme://host" of a request, from its scheme ("http" or
 * "https") and its Host header. The header must be one of
 *     name | name:port | IPv4 | IPv4:port | [IPv6] | [IPv6]:port
 * where a name is dot-separated labels of 1-63 bytes of [A-Za-z0-9_-], an all
 * digits-and-dots name must be a dotted-quad IPv4 address, [IPv6] is what
 * inet_pton accepts (no zone), a port is 1-65535 without leading zeros, and the
 * whole value is at most 255 bytes. Anything else (spaces, quotes, '<', '/',
 * '@', '%', control or non-ASCII bytes, empty labels) is refused, since the
 * result is echoed into XML and URLs. The host is copied as given.
 * Returns NPG_OK with out (len bytes, NPG_WSDL_BASE_MAX is always enough)
 * filled; NPG_EINVAL for a refused scheme or host, NPG_ETOOBIG when out is too
 * small. On failure out is "" (when len > 0).
 */
int npg_wsdl_base(const char *scheme, const char *host_header, char *out, size_t len) NPG_WUR;

/*
 * Rewrite the WSDL or XSD in doc (len bytes, a file shipped with npgw; parsed
 * with npg_xml_parse: no DTD, no entities, no network) for a client that
 * reached npgwd at base ("scheme://host[:port]", as npg_wsdl_base builds it):
 *  - the location of every soap:address (SOAP 1.1 or 1.2 binding namespace)
 *    inside a wsdl:service whose name is in services becomes base + its path;
 *    services not in the table (peers such as the clearinghouse) keep theirs.
 *    One table may serve every file: names a document lacks are ignored;
 *  - every relative schemaLocation of xs:import, xs:include and xs:redefine,
 *    and every relative location of wsdl:import, becomes
 *    base + schema_prefix + name. A relative reference must be a bare file
 *    name ([A-Za-z0-9._-], not starting with '.'); one with a '/' or ".."
 *    part, a query or anything else is refused. References with a scheme
 *    ("urn:", "http:") are left alone. Imports without schemaLocation too.
 * schema_prefix is the URL path the schema files are served under ("/wsdl/":
 * starts and ends with '/', [A-Za-z0-9._~/-], no ".." part).
 * Everything else (namespaces, comments, text) is kept; the output is the
 * document serialised by libxml2 in UTF-8 with an XML declaration.
 *
 * On success *out is a malloc'ed, NUL-terminated document of *outlen bytes
 * that the caller frees with free(). Errors: NPG_EINVAL for a bad base,
 * prefix or service path, or a refused reference; NPG_EXML when doc is not
 * well-formed or has a DOCTYPE; NPG_ETOOBIG when over 4 MiB; NPG_ENOMEM.
 * On failure *out is NULL and err (errlen bytes; NULL when errlen is 0) says
 * why. Thread-safe once npg_xml_init() has run.
 */
int npg_wsdl_rewrite(const char *doc, size_t len, const char *base, const char *schema_prefix,
                     const npg_wsdl_service_t *services, size_t n_services, char **out,
                     size_t *outlen, char *err, size_t errlen) NPG_WUR;
