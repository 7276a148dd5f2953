/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "http/wsdl.h"

#include <arpa/inet.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/files.h"
#include "xml/xml.h"

#define WSDL_MAX_BYTES (4 * 1024 * 1024)
#define WSDL_MAX_DEPTH 256
#define HOST_MAX 255
#define URL_MAX 2048

#define NS_WSDL "http://schemas.xmlsoap.org/wsdl/"
#define NS_SOAP11 "http://schemas.xmlsoap.org/wsdl/soap/"
#define NS_SOAP12 "http://schemas.xmlsoap.org/wsdl/soap12/"
#define NS_XSD "http://www.w3.org/2001/XMLSchema"

#define DIGITS "0123456789"
#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" DIGITS
#define PATH_CHARS ALNUM "._~/-"

/* The elements whose attribute refers to another schema file. */
static const struct {
    const char *ns;
    const char *element;
    const char *attr;
} references[] = {
    {NS_XSD, "import", "schemaLocation"},
    {NS_XSD, "include", "schemaLocation"},
    {NS_XSD, "redefine", "schemaLocation"},
    {NS_WSDL, "import", "location"},
};

static const char *const schemes[] = {"http", "https"};

/* --- the Host header ----------------------------------------------------- */

/* A port: 1-65535, digits only, no leading zero. */
static bool valid_port(const char *p, size_t n)
{
    if (n == 0 || n > 5 || p[0] == '0')
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    return v <= 65535;
}

/* Dot-separated labels of [A-Za-z0-9_-]; all digits and dots must be a dotted quad. */
static bool valid_name(const char *h, size_t n)
{
    char buf[HOST_MAX + 1];
    if (n == 0 || n > HOST_MAX)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        if (h[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (h[i] != '\0' && strchr(ALNUM "_-", h[i])) {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    if (label == 0)
        return false;
    memcpy(buf, h, n);
    buf[n] = '\0';
    if (strspn(buf, DIGITS ".") < n)
        return true;
    struct in_addr a;
    return inet_pton(AF_INET, buf, &a) == 1;
}

/* "[IPv6]" as inet_pton reads it, without a zone. */
static bool valid_ipv6(const char *h, size_t n)
{
    char buf[64];
    if (n < 4 || n - 2 >= sizeof(buf) || h[0] != '[' || h[n - 1] != ']')
        return false;
    memcpy(buf, h + 1, n - 2);
    buf[n - 2] = '\0';
    if (strspn(buf, "0123456789abcdefABCDEF:.") < n - 2)
        return false;
    struct in6_addr a;
    return inet_pton(AF_INET6, buf, &a) == 1;
}

static bool valid_host(const char *h)
{
    size_t n = strnlen(h, HOST_MAX + 1);
    if (n == 0 || n > HOST_MAX)
        return false;
    size_t hostlen = n;
    if (h[0] == '[') {
        const char *close = memchr(h, ']', n);
        if (!close)
            return false;
        hostlen = (size_t)(close - h) + 1;
        if (!valid_ipv6(h, hostlen))
            return false;
    } else {
        const char *colon = memchr(h, ':', n);
        if (colon)
            hostlen = (size_t)(colon - h);
        if (!valid_name(h, hostlen))
            return false;
    }
    if (hostlen == n)
        return true;
    return h[hostlen] == ':' && valid_port(h + hostlen + 1, n - hostlen - 1);
}

static bool valid_scheme(const char *s, size_t n)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(schemes); i++)
        if (strlen(schemes[i]) == n && strncmp(schemes[i], s, n) == 0)
            return true;
    return false;
}

int npg_wsdl_base(const char *scheme, const char *host_header, char *out, size_t len)
{
    if (out && len)
        out[0] = '\0';
    if (!scheme || !host_header || !out || !valid_scheme(scheme, strlen(scheme)) ||
        !valid_host(host_header))
        return NPG_EINVAL;
    int n = snprintf(out, len, "%s://%s", scheme, host_header);
    if (n < 0 || (size_t)n >= len) {
        if (len)
            out[0] = '\0';
        return NPG_ETOOBIG;
    }
    return NPG_OK;
}

/* --- the rewrite ----------------------------------------------------------- */

/* "scheme://host[:port]" as npg_wsdl_base builds it. */
static bool valid_base(const char *base)
{
    const char *sep = strstr(base, "://");
    return sep && valid_scheme(base, (size_t)(sep - base)) && valid_host(sep + 3);
}

/* An absolute URL path of PATH_CHARS without empty (but the last), "." or ".." segments. */
static bool valid_path(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || p[0] != '/' || strspn(p, PATH_CHARS) < n)
        return false;
    const char *seg = p + 1;
    for (;;) {
        size_t s = strcspn(seg, "/");
        if (seg[s] == '\0')
            return strcmp(seg, ".") != 0 && strcmp(seg, "..") != 0;
        if (s == 0 || (s == 1 && seg[0] == '.') || (s == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        seg += s + 1;
    }
}

/* RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
static bool has_scheme(const char *ref)
{
    size_t n = strspn(ref, ALNUM "+-.");
    return n > 0 && ref[n] == ':' && strchr(ALNUM, ref[0]) && !strchr(DIGITS, ref[0]);
}

static bool in_ns(xmlNodePtr n, const char *ns)
{
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, ns) == 0;
}

static bool is(xmlNodePtr n, const char *ns, const char *name)
{
    return n->type == XML_ELEMENT_NODE && in_ns(n, ns) && strcmp((const char *)n->name, name) == 0;
}

typedef struct rewrite {
    const char *base;
    const char *prefix;
    const npg_wsdl_service_t *services;
    size_t n_services;
    char *err;
    size_t errlen;
} rewrite_t;

static int set_url(const rewrite_t *rw, xmlNodePtr n, const char *attr, const char *tail)
{
    char url[URL_MAX];
    int len = snprintf(url, sizeof(url), "%s%s", rw->base, tail);
    if (len < 0 || (size_t)len >= sizeof(url)) {
        snprintf(rw->err, rw->errlen, "URL %.64s... is longer than %d bytes", url, URL_MAX - 1);
        return NPG_EINVAL;
    }
    return xmlSetProp(n, BAD_CAST attr, BAD_CAST url) ? NPG_OK : NPG_ENOMEM;
}

/* soap:address inside a mapped wsdl:service. */
static int rewrite_address(const rewrite_t *rw, xmlNodePtr n)
{
    xmlNodePtr svc = n->parent;
    while (svc && !is(svc, NS_WSDL, "service"))
        svc = svc->parent;
    if (!svc)
        return NPG_OK;
    xmlChar *name = xmlGetNoNsProp(svc, BAD_CAST "name");
    const char *path = NULL;
    for (size_t i = 0; name && i < rw->n_services && !path; i++)
        if (strcmp((const char *)name, rw->services[i].name) == 0)
            path = rw->services[i].path;
    xmlFree(name);
    if (!path || !xmlHasNsProp(n, BAD_CAST "location", NULL))
        return NPG_OK;
    return set_url(rw, n, "location", path);
}

/* A relative schema reference becomes base + prefix + name. */
static int rewrite_reference(const rewrite_t *rw, xmlNodePtr n, const char *attr)
{
    xmlChar *ref = xmlGetNoNsProp(n, BAD_CAST attr);
    if (!ref)
        return NPG_OK;
    int rc = NPG_OK;
    const char *r = (const char *)ref;
    if (!has_scheme(r)) {
        char tail[URL_MAX];
        if (!npg_http_safe_name(r)) {
            snprintf(rw->err, rw->errlen, "line %ld: %s %s=\"%.128s\" is not a bare file name",
                     xmlGetLineNo(n), (const char *)n->name, attr, r);
            rc = NPG_EINVAL;
        } else {
            snprintf(tail, sizeof(tail), "%s%s", rw->prefix, r);
            rc = set_url(rw, n, attr, tail);
        }
    }
    xmlFree(ref);
    return rc;
}

static int rewrite_element(const rewrite_t *rw, xmlNodePtr n)
{
    if (strcmp((const char *)n->name, "address") == 0 &&
        (in_ns(n, NS_SOAP11) || in_ns(n, NS_SOAP12)))
        return rewrite_address(rw, n);
    for (size_t i = 0; i < NPG_ARRAY_LEN(references); i++)
        if (is(n, references[i].ns, references[i].element))
            return rewrite_reference(rw, n, references[i].attr);
    return NPG_OK;
}

/* Every element below and including root, in document order (no recursion). */
static int walk(const rewrite_t *rw, xmlNodePtr root)
{
    for (xmlNodePtr n = root; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            int rc = rewrite_element(rw, n);
            if (rc != NPG_OK)
                return rc;
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n != root && !n->next)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
    return NPG_OK;
}

int npg_wsdl_rewrite(const char *doc, size_t len, const char *base, const char *schema_prefix,
                     const npg_wsdl_service_t *services, size_t n_services, char **out,
                     size_t *outlen, char *err, size_t errlen)
{
    char why[512] = "";
    rewrite_t rw = {base, schema_prefix, services, n_services, why, sizeof(why)};
    xmlDocPtr d = NULL;
    xmlChar *dump = NULL;
    int rc = NPG_EINVAL, size = 0;
    *out = NULL;
    *outlen = 0;
    if (!base || !valid_base(base)) {
        snprintf(why, sizeof(why), "base URL is not scheme://host[:port]");
        goto fail;
    }
    if (!schema_prefix || !valid_path(schema_prefix) ||
        schema_prefix[strlen(schema_prefix) - 1] != '/') {
        snprintf(why, sizeof(why), "schema prefix is not a URL path ending in '/'");
        goto fail;
    }
    for (size_t i = 0; i < n_services; i++) {
        if (!services[i].name || !services[i].path || !valid_path(services[i].path)) {
            snprintf(why, sizeof(why), "service %zu has no name or a bad path", i);
            goto fail;
        }
    }
    rc = npg_xml_parse(doc, len, WSDL_MAX_BYTES, WSDL_MAX_DEPTH, &d, why, sizeof(why));
    if (rc != NPG_OK)
        goto fail;
    rc = walk(&rw, xmlDocGetRootElement(d));
    if (rc != NPG_OK)
        goto fail;
    xmlDocDumpMemoryEnc(d, &dump, &size, "UTF-8");
    rc = dump ? npg_xml_copy_out(dump, size, out, outlen) : NPG_ENOMEM;
    if (rc != NPG_OK) {
        snprintf(why, sizeof(why), "cannot serialise the document");
        goto fail;
    }
    xmlFree(dump);
    xmlFreeDoc(d);
    if (errlen)
        err[0] = '\0';
    return NPG_OK;
fail:
    xmlFree(dump);
    xmlFreeDoc(d);
    snprintf(err, errlen, "%s", why);
    return rc;
}
