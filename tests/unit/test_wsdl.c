/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of http/wsdl: the shipped WSDLs and XSDs rewritten for a base URL, and the Host
 * header check that builds that base. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/wsdl.h"
#include "xml/xml.h"
#include "xmltest.h"

/* What npgwd serves, one table for every file. */
static const npg_wsdl_service_t services[] = {
    {"PortingXSReceiver", "/np_api/pxs/recv/"},
    {"PortInService", "/np_api/uk/portin"},
    {"UKGateway", "/np_api/uk/notify"},
};

static int setup(void **state)
{
    (void)state;
    npg_xml_init();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    npg_xml_cleanup();
    return 0;
}

/* Rewrite xml (NUL-terminated) or fail the test; caller frees. */
static char *rewrite(const char *xml, const char *base)
{
    char *out = NULL, err[512];
    size_t len = 0;
    int rc = npg_wsdl_rewrite(xml, strlen(xml), base, "/wsdl/", services, NPG_ARRAY_LEN(services),
                              &out, &len, err, sizeof(err));
    if (rc != NPG_OK)
        fail_msg("rewrite: %d: %s", rc, err);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

/* The string value of an XPath expression over xml (prefixes w, soap, soap12, xs); caller frees. */
static char *xp(const char *xml, const char *expr)
{
    xmlDocPtr doc = NULL;
    char err[256];
    if (npg_xml_parse(xml, strlen(xml), NPG_XML_MAX_BYTES, 256, &doc, err, sizeof(err)) != NPG_OK)
        fail_msg("output does not parse: %s", err);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    assert_non_null(ctx);
    xmlXPathRegisterNs(ctx, BAD_CAST "w", BAD_CAST "http://schemas.xmlsoap.org/wsdl/");
    xmlXPathRegisterNs(ctx, BAD_CAST "soap", BAD_CAST "http://schemas.xmlsoap.org/wsdl/soap/");
    xmlXPathRegisterNs(ctx, BAD_CAST "soap12", BAD_CAST "http://schemas.xmlsoap.org/wsdl/soap12/");
    xmlXPathRegisterNs(ctx, BAD_CAST "xs", BAD_CAST "http://www.w3.org/2001/XMLSchema");
    xmlXPathObjectPtr obj = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    if (!obj)
        fail_msg("bad XPath %s", expr);
    xmlChar *v = xmlXPathCastToString(obj);
    xmlXPathFreeObject(obj);
    char *s = strdup((const char *)v);
    xmlFree(v);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return s;
}

static void assert_xp(const char *xml, const char *expr, const char *want)
{
    char *got = xp(xml, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n got: '%s'\nwant: '%s'", expr, got, want);
    free(got);
}

/* s with its one occurrence of from replaced by to; caller frees. */
static char *replace_once(char *s, const char *from, const char *to)
{
    char *at = strstr(s, from);
    if (!at || strstr(at + 1, from))
        fail_msg("'%s' is not in the file exactly once", from);
    char *r = NULL;
    assert_true(asprintf(&r, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from)) > 0);
    free(s);
    return r;
}

/* Rewrite a shipped file and check that it equals the file with exactly these edits. */
static char *rewrite_file(const char *rel, const char *base, const char *const *edits, size_t n)
{
    char *in = xt_read(rel, NULL);
    char *out = rewrite(in, base);
    for (size_t i = 0; i < n; i += 2)
        in = replace_once(in, edits[i], edits[i + 1]);
    xt_assert_same_xml(out, strlen(out), in, strlen(in));
    assert_non_null(strstr(out, "SPDX-License-Identifier")); /* comments are kept */
    free(in);
    return out;
}

#define ADDR(svc) "string(/w:definitions/w:service[@name='" svc "']/w:port/soap:address/@location)"
#define IMPORT "string(/w:definitions/w:types/xs:schema/xs:import/@schemaLocation)"

static void portingxs_wsdl(void **state)
{
    (void)state;
    const char *edits[] = {
        "\"portingxs.xsd\"",
        "\"http://127.0.0.1:9090/wsdl/portingxs.xsd\"",
        "\"http://127.0.0.1:8780/np_api/pxs/recv/\"",
        "\"http://127.0.0.1:9090/np_api/pxs/recv/\"",
    };
    char *out = rewrite_file("wsdl/pxs/portingxs.wsdl", "http://127.0.0.1:9090", edits,
                             NPG_ARRAY_LEN(edits));
    assert_xp(out, ADDR("PortingXSReceiver"), "http://127.0.0.1:9090/np_api/pxs/recv/");
    assert_xp(out, ADDR("PortingXSClearinghouse"), "http://127.0.0.1:8781/pxs");
    assert_xp(out, IMPORT, "http://127.0.0.1:9090/wsdl/portingxs.xsd");
    assert_xp(out, "count(//w:binding)", "2");
    free(out);
}

static void portin_wsdl(void **state)
{
    (void)state;
    const char *edits[] = {
        "\"portin.xsd\"",
        "\"http://[::1]:9090/wsdl/portin.xsd\"",
        "\"http://127.0.0.1:8780/np_api/uk/portin\"",
        "\"http://[::1]:9090/np_api/uk/portin\"",
    };
    char *out =
        rewrite_file("wsdl/uk/portin.wsdl", "http://[::1]:9090", edits, NPG_ARRAY_LEN(edits));
    assert_xp(out, ADDR("PortInService"), "http://[::1]:9090/np_api/uk/portin");
    assert_xp(out, IMPORT, "http://[::1]:9090/wsdl/portin.xsd");
    free(out);
}

static void uk_mnp_wsdl(void **state)
{
    (void)state;
    const char *edits[] = {
        "\"uk-mnp.xsd\"",
        "\"https://gw.example/wsdl/uk-mnp.xsd\"",
        "\"http://127.0.0.1:8780/np_api/uk/notify\"",
        "\"https://gw.example/np_api/uk/notify\"",
    };
    char *out =
        rewrite_file("wsdl/uk/uk-mnp.wsdl", "https://gw.example", edits, NPG_ARRAY_LEN(edits));
    assert_xp(out, ADDR("UKGateway"), "https://gw.example/np_api/uk/notify");
    assert_xp(out, ADDR("UKPlatform"), "http://127.0.0.1:8782/uk");
    assert_xp(out, IMPORT, "https://gw.example/wsdl/uk-mnp.xsd");
    free(out);
}

/* The shipped schemas import nothing: they come back as they are. */
static void xsd_files(void **state)
{
    (void)state;
    static const char *const xsds[] = {"wsdl/pxs/portingxs.xsd", "wsdl/uk/portin.xsd",
                                       "wsdl/uk/uk-mnp.xsd"};
    for (size_t i = 0; i < NPG_ARRAY_LEN(xsds); i++) {
        char *out = rewrite_file(xsds[i], "http://127.0.0.1:9090", NULL, 0);
        assert_xp(out, "count(/xs:schema)", "1");
        free(out);
    }
}

static const char soap12_wsdl[] =
    "<?xml version=\"1.0\"?>\n"
    "<w:definitions xmlns:w=\"http://schemas.xmlsoap.org/wsdl/\""
    " xmlns:s12=\"http://schemas.xmlsoap.org/wsdl/soap12/\""
    " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:t\">\n"
    "  <w:import namespace=\"urn:a\" location=\"other.wsdl\"/>\n"
    "  <w:import namespace=\"urn:b\" location=\"https://peer.example/b.wsdl\"/>\n"
    "  <w:types><xsd:schema targetNamespace=\"urn:t\">\n"
    "    <xsd:include schemaLocation=\"part_1.xsd\"/>\n"
    "    <xsd:import namespace=\"urn:x\" schemaLocation=\"urn:x:schema\"/>\n"
    "    <xsd:import namespace=\"urn:y\"/>\n"
    "  </xsd:schema></w:types>\n"
    "  <w:service name=\"UKGateway\"><w:port name=\"p\" binding=\"b\">"
    "<s12:address location=\"http://old/\"/></w:port></w:service>\n"
    "  <w:service name=\"Peer\"><w:port name=\"p\" binding=\"b\">"
    "<s12:address location=\"http://peer.example/x\"/></w:port></w:service>\n"
    "  <s12:address location=\"http://outside/\"/>\n"
    "</w:definitions>\n";

static void soap12_and_imports(void **state)
{
    (void)state;
    char *out = rewrite(soap12_wsdl, "http://gw.example:8080");
    assert_xp(out, "string(//w:service[@name='UKGateway']//soap12:address/@location)",
              "http://gw.example:8080/np_api/uk/notify");
    assert_xp(out, "string(//w:service[@name='Peer']//soap12:address/@location)",
              "http://peer.example/x");
    assert_xp(out, "string(/w:definitions/soap12:address/@location)", "http://outside/");
    assert_xp(out, "string(//w:import[@namespace='urn:a']/@location)",
              "http://gw.example:8080/wsdl/other.wsdl");
    assert_xp(out, "string(//w:import[@namespace='urn:b']/@location)",
              "https://peer.example/b.wsdl");
    assert_xp(out, "string(//xs:include/@schemaLocation)",
              "http://gw.example:8080/wsdl/part_1.xsd");
    assert_xp(out, "string(//xs:import[@namespace='urn:x']/@schemaLocation)", "urn:x:schema");
    assert_xp(out, "count(//xs:import[@namespace='urn:y']/@schemaLocation)", "0");
    /* the prefixes of the input are kept */
    assert_non_null(strstr(out, "<s12:address"));
    assert_non_null(strstr(out, "<xsd:include"));
    free(out);
}

/* References that are not a bare file name are refused, not rewritten. */
static void refused_references(void **state)
{
    (void)state;
    static const char *const refs[] = {
        "../portingxs.xsd",
        "sub/portingxs.xsd",
        "/wsdl/portingxs.xsd",
        "//evil.example/x.xsd",
        "./portingxs.xsd",
        "..",
        ".hidden.xsd",
        "x.xsd?y=1",
        "x.xsd#frag",
        "",
        "a b.xsd",
        "..\\x.xsd",
    };
    static const struct {
        const char *head, *tail; /* the reference goes between */
    } forms[] = {
        {"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
         "<xs:import namespace=\"urn:x\" schemaLocation=\"",
         "\"/></xs:schema>"},
        {"<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:include schemaLocation=\"",
         "\"/></xs:schema>"},
        {"<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><import namespace=\"urn:x\" "
         "location=\"",
         "\"/></definitions>"},
    };
    for (size_t f = 0; f < NPG_ARRAY_LEN(forms); f++) {
        for (size_t i = 0; i < NPG_ARRAY_LEN(refs); i++) {
            char *xml = NULL, *out = (char *)1, err[256];
            size_t len = 7;
            assert_true(asprintf(&xml, "%s%s%s", forms[f].head, refs[i], forms[f].tail) > 0);
            int rc = npg_wsdl_rewrite(xml, strlen(xml), "http://h:1", "/wsdl/", services,
                                      NPG_ARRAY_LEN(services), &out, &len, err, sizeof(err));
            if (rc != NPG_EINVAL)
                fail_msg("'%s' in form %zu: %d, want NPG_EINVAL", refs[i], f, rc);
            assert_null(out);
            assert_int_equal(len, 0);
            assert_non_null(strstr(err, "is not a bare file name"));
            free(xml);
        }
    }
}

static int try_rewrite(const char *xml, const char *base, const char *prefix,
                       const npg_wsdl_service_t *svc, size_t n)
{
    char *out = NULL, err[256];
    size_t len = 0;
    int rc = npg_wsdl_rewrite(xml, strlen(xml), base, prefix, svc, n, &out, &len, err, sizeof(err));
    if (rc == NPG_OK)
        free(out);
    else
        assert_true(err[0] != '\0');
    return rc;
}

static void bad_arguments(void **state)
{
    (void)state;
    const char *xml = "<a/>";
    assert_int_equal(try_rewrite(xml, "http://h:1", "/wsdl/", NULL, 0), NPG_OK);
    static const char *const bases[] = {
        "http://a b", "ftp://h",        "h:80",       "http://",        "http://h/",
        "http://u@h", "http://h:99999", "http://\"h", "javascript://h",
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(bases); i++)
        if (try_rewrite(xml, bases[i], "/wsdl/", NULL, 0) != NPG_EINVAL)
            fail_msg("base '%s' accepted", bases[i]);
    static const char *const prefixes[] = {"wsdl/", "/wsdl", "/../", "/a//b/",
                                           "/a/./", "/a b/", ""};
    for (size_t i = 0; i < NPG_ARRAY_LEN(prefixes); i++)
        if (try_rewrite(xml, "http://h", prefixes[i], NULL, 0) != NPG_EINVAL)
            fail_msg("prefix '%s' accepted", prefixes[i]);
    static const char *const paths[] = {"np_api", "/a/../b", "/a b", "/a\"b", "/a<b", ""};
    for (size_t i = 0; i < NPG_ARRAY_LEN(paths); i++) {
        npg_wsdl_service_t s = {"X", paths[i]};
        if (try_rewrite(xml, "http://h", "/wsdl/", &s, 1) != NPG_EINVAL)
            fail_msg("path '%s' accepted", paths[i]);
    }
    assert_int_equal(try_rewrite("<a>", "http://h", "/wsdl/", NULL, 0), NPG_EXML);
    assert_int_equal(
        try_rewrite("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "http://h", "/wsdl/", NULL, 0),
        NPG_EXML);
    assert_int_equal(try_rewrite("", "http://h", "/wsdl/", NULL, 0), NPG_EXML);
}

static void base_accepted(void **state)
{
    (void)state;
    static const struct {
        const char *scheme, *host, *want;
    } cases[] = {
        {"http", "localhost", "http://localhost"},
        {"http", "gw.example:8780", "http://gw.example:8780"},
        {"https", "np-gw_1.example.net", "https://np-gw_1.example.net"},
        {"http", "127.0.0.1:9090", "http://127.0.0.1:9090"},
        {"http", "10.0.0.1", "http://10.0.0.1"},
        {"http", "[::1]:9090", "http://[::1]:9090"},
        {"http", "[2001:db8::a:1]", "http://[2001:db8::a:1]"},
        {"http", "[::ffff:192.0.2.1]:1", "http://[::ffff:192.0.2.1]:1"},
        {"http", "h:65535", "http://h:65535"},
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(cases); i++) {
        char out[NPG_WSDL_BASE_MAX];
        if (npg_wsdl_base(cases[i].scheme, cases[i].host, out, sizeof(out)) != NPG_OK)
            fail_msg("'%s' refused", cases[i].host);
        assert_string_equal(out, cases[i].want);
    }
    /* the longest host fits NPG_WSDL_BASE_MAX */
    char host[256], out[NPG_WSDL_BASE_MAX];
    for (size_t i = 0; i < 255; i++)
        host[i] = i % 60 == 59 ? '.' : 'a';
    host[255] = '\0';
    assert_int_equal(npg_wsdl_base("https", host, out, sizeof(out)), NPG_OK);
    assert_int_equal(strlen(out), 8 + 255);
}

static void base_refused(void **state)
{
    (void)state;
    static const char *const hostile[] = {
        "",
        " ",
        "gw.example ",
        "gw example",
        "gw\"example",
        "gw'example",
        "gw<x>",
        "gw&amp;",
        "gw/x",
        "gw.example/np_api",
        "user@gw.example",
        "user:pw@gw.example",
        "gw.example\r\nX-Injected: 1",
        "gw\texample",
        "gw\x7f",
        "gw\xc3\xa9.example",
        "gw%2e.example",
        "gw\\x",
        "gw..example",
        ".gw.example",
        "gw.example.",
        "gw.example:",
        "gw.example:0",
        "gw.example:080",
        "gw.example:65536",
        "gw.example:8a",
        "gw.example:80:81",
        ":80",
        "999.1.1.1",
        "1.2.3",
        "1.2.3.4.5:80",
        "::1",
        "[::1",
        "::1]:80",
        "[::1]x",
        "[::1]:",
        "[::1]:99999",
        "[]:80",
        "[fe80::1%eth0]:80",
        "[fe80::1%25eth0]:80",
        "[not:an:addr]:80",
        "[127.0.0.1]:80",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
    };
    for (size_t i = 0; i < NPG_ARRAY_LEN(hostile); i++) {
        char out[NPG_WSDL_BASE_MAX] = "x";
        if (npg_wsdl_base("http", hostile[i], out, sizeof(out)) != NPG_EINVAL)
            fail_msg("Host '%s' accepted as '%s'", hostile[i], out);
        assert_string_equal(out, "");
    }
    char host[300], out[NPG_WSDL_BASE_MAX];
    for (size_t i = 0; i < 256; i++)
        host[i] = i % 60 == 59 ? '.' : 'a';
    host[256] = '\0';
    assert_int_equal(npg_wsdl_base("http", host, out, sizeof(out)), NPG_EINVAL);
    static const char *const schemes[] = {"ftp", "HTTP", "", "http:", "javascript", "https "};
    for (size_t i = 0; i < NPG_ARRAY_LEN(schemes); i++)
        assert_int_equal(npg_wsdl_base(schemes[i], "h", out, sizeof(out)), NPG_EINVAL);
    assert_int_equal(npg_wsdl_base(NULL, "h", out, sizeof(out)), NPG_EINVAL);
    assert_int_equal(npg_wsdl_base("http", NULL, out, sizeof(out)), NPG_EINVAL);
    /* too small a buffer is not truncated into a different URL */
    char small[12] = "x";
    assert_int_equal(npg_wsdl_base("http", "gw.example:80", small, sizeof(small)), NPG_ETOOBIG);
    assert_string_equal(small, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(portingxs_wsdl),     cmocka_unit_test(portin_wsdl),
        cmocka_unit_test(uk_mnp_wsdl),        cmocka_unit_test(xsd_files),
        cmocka_unit_test(soap12_and_imports), cmocka_unit_test(refused_references),
        cmocka_unit_test(bad_arguments),      cmocka_unit_test(base_accepted),
        cmocka_unit_test(base_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
