/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of xml/xml and xml/xslt: the PortingXS recordings through both
 * stylesheets, and the protections against hostile documents and stylesheets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libxml/xmlschemas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "xml/canon.h"
#include "xml/xml.h"
#include "xml/xslt.h"
#include "xmltest.h"

/* Every recording: tests/data/pxs/NAME.xml and the expected NAME.canonical.xml. */
static const char *const recordings[] = {
    "PortingRequest.out",
    "InstructionRequest.out",
    "AbortRequest.out",
    "AbortRequest.noreason.out",
    "AuthorisationAnswer.out",
    "TerminationRequest.out",
    "NumberInformationRequest.out",
    "AuthorisationRequest.in",
    "AuthorisationResponse.in",
    "AuthorisationResponse.accept.in",
    "InstructionResponse.in",
    "Ported.in",
    "TimedOut.in",
    "Terminated.in",
    "NumberInformation.in",
};

/* NumberInformation has no Header: the answered request's values come as parameters. */
static const char *const ni_params[] = {"message_id",
                                        "CARR-20250120-000101",
                                        "msgidentifier",
                                        "XX202501-CARR-00018",
                                        "timestamp",
                                        "2025-01-20T16:46:01Z",
                                        NULL};

static npg_xslt_t *to_canon, *from_canon;
static xmlSchemaPtr canon_xsd, pxs_xsd;

static xmlSchemaPtr load_schema(const char *rel)
{
    char *path = xt_path(rel);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    free(path);
    return s;
}

static npg_xslt_t *load_sheet(const char *rel, int want)
{
    char *path = xt_path(rel);
    char err[512] = "";
    npg_xslt_t *sheet = NULL;
    int rc = npg_xslt_load(path, &sheet, err, sizeof(err));
    if (rc != want)
        fail_msg("%s: rc %d (%s), want %d", path, rc, err, want);
    free(path);
    return sheet;
}

static int setup(void **state)
{
    (void)state;
    npg_xml_init();
    to_canon = load_sheet("xslt/pxs/to-canonical.xsl", NPG_OK);
    from_canon = load_sheet("xslt/pxs/from-canonical.xsl", NPG_OK);
    canon_xsd = load_schema("xslt/canonical.xsd");
    pxs_xsd = load_schema("wsdl/pxs/portingxs.xsd");
    return to_canon && from_canon && canon_xsd && pxs_xsd ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    npg_xslt_free(&to_canon);
    npg_xslt_free(&from_canon);
    xmlSchemaFree(canon_xsd);
    xmlSchemaFree(pxs_xsd);
    npg_xml_cleanup();
    return 0;
}

static void assert_valid(xmlSchemaPtr schema, const char *xml, size_t len)
{
    xmlDocPtr doc = NULL;
    char err[512];
    assert_int_equal(npg_xml_parse(xml, len, NPG_XML_MAX_BYTES, 32, &doc, err, sizeof(err)),
                     NPG_OK);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidErrors(vc, npg_xml_error_sink, npg_xml_error_sink, NULL);
    npg_xml_errors_begin(err, sizeof(err));
    int rc = xmlSchemaValidateDoc(vc, doc);
    npg_xml_errors_end();
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    if (rc != 0)
        fail_msg("not schema-valid: %s\n%.*s", err, (int)len, xml);
}

/* Transform, expecting success; returns the malloc'ed output. */
static char *apply(const npg_xslt_t *sheet, const char *xml, size_t len, const char **params,
                   size_t *outlen)
{
    char *out = NULL, err[512] = "";
    int rc = npg_xslt_apply(sheet, xml, len, params, &out, outlen, err, sizeof(err));
    if (rc != NPG_OK)
        fail_msg("transform failed: %d %s", rc, err);
    assert_non_null(out);
    assert_int_equal(strlen(out), *outlen);
    return out;
}

/* Parameters for to-canonical: direction, plus the NumberInformation extras. */
static void to_params(const char *name, const char **params)
{
    size_t n = 0;
    params[n++] = "direction";
    params[n++] = xt_direction(name);
    if (strncmp(name, "NumberInformation.", 18) == 0)
        for (size_t i = 0; ni_params[i]; i++)
            params[n++] = ni_params[i];
    params[n] = NULL;
}

static char *recording(const char *name, const char *suffix, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "tests/data/pxs/%s%s", name, suffix);
    return xt_read(rel, len);
}

/* Each recording maps to its expected canonical message, which is schema-valid and parses. */
static void recordings_to_canonical(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPG_ARRAY_LEN(recordings); i++) {
        const char *params[12];
        size_t wlen, elen, olen;
        char *wire = recording(recordings[i], ".xml", &wlen);
        char *want = recording(recordings[i], ".canonical.xml", &elen);
        to_params(recordings[i], params);
        char *out = apply(to_canon, wire, wlen, params, &olen);
        xt_assert_same_xml(out, olen, want, elen);
        assert_valid(canon_xsd, out, olen);
        npg_canon_msg_t msg;
        char err[256];
        if (npg_canon_parse(out, olen, &msg, err, sizeof(err)) != NPG_OK)
            fail_msg("%s: %s", recordings[i], err);
        free(out);
        free(want);
        free(wire);
    }
}

/* canonical -> from-canonical (valid per portingxs.xsd) -> to-canonical gives the same message. */
static void canonical_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPG_ARRAY_LEN(recordings); i++) {
        const char *params[12];
        size_t elen, blen, olen;
        char *want = recording(recordings[i], ".canonical.xml", &elen);
        char *body = apply(from_canon, want, elen, NULL, &blen);
        assert_valid(pxs_xsd, body, blen);
        to_params(recordings[i], params);
        char *back = apply(to_canon, body, blen, params, &olen);
        xt_assert_same_xml(back, olen, want, elen);
        free(back);
        free(body);
        free(want);
    }
}

static void expect_failure(const npg_xslt_t *sheet, const char *xml, const char **params,
                           int want_rc, const char *want_msg)
{
    char *out = (char *)"untouched", err[512] = "";
    size_t outlen = 1;
    int rc = npg_xslt_apply(sheet, xml, strlen(xml), params, &out, &outlen, err, sizeof(err));
    if (rc != want_rc || !strstr(err, want_msg))
        fail_msg("rc %d '%s' (out %s), want %d '%s'", rc, err, out ? out : "NULL", want_rc,
                 want_msg);
    assert_null(out);
    assert_int_equal(outlen, 0);
}

static void to_canonical_refuses_unknown_input(void **state)
{
    (void)state;
    const char *env = "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>";
    char buf[512];
    snprintf(buf, sizeof(buf), "%s<x:Other xmlns:x='urn:x'/></s:Body></s:Envelope>", env);
    expect_failure(to_canon, buf, NULL, NPG_EXSLT, "unknown message element {urn:x}Other");
    snprintf(buf, sizeof(buf),
             "%s<s:Fault><faultcode>s:Server</faultcode></s:Fault></s:Body>"
             "</s:Envelope>",
             env);
    expect_failure(to_canon, buf, NULL, NPG_EXSLT, "SOAP fault");
    expect_failure(to_canon, "<Envelope/>", NULL, NPG_EXSLT, "no SOAP 1.1 body");
    expect_failure(from_canon,
                   "<np:message xmlns:np='urn:npgw:canonical:1'><np:type>bogus"
                   "</np:type></np:message>",
                   NULL, NPG_EXSLT, "no PortingXS element for type");
    expect_failure(to_canon, "<a><b></a>", NULL, NPG_EXML, "line 1");
}

/* Parameters are plain strings: quotes and XPath-looking text come back verbatim. */
static void params_are_literal(void **state)
{
    (void)state;
    npg_xslt_t *echo = load_sheet("tests/data/xslt/echo-param.xsl", NPG_OK);
    const char *values[] = {"it's \"both\"", "document('/etc/passwd')", "", "1+1"};
    for (size_t i = 0; i < NPG_ARRAY_LEN(values); i++) {
        const char *params[] = {"p", values[i], NULL};
        size_t len;
        char *out = apply(echo, "<x/>", 4, params, &len);
        char want[128];
        snprintf(want, sizeof(want), "[%s]", values[i]);
        assert_string_equal(out, want);
        free(out);
    }
    npg_xslt_free(&echo);
    assert_null(echo);
}

/* --- hostile input documents ------------------------------------------------ */

static void refuses_external_entity(void **state)
{
    (void)state;
    expect_failure(to_canon,
                   "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                   "<x>&e;</x>",
                   NULL, NPG_EXML, "DOCTYPE");
    xmlDocPtr doc = NULL;
    const char *xxe = "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>";
    assert_int_equal(npg_xml_parse(xxe, strlen(xxe), 1024, 8, &doc, NULL, 0), NPG_EXML);
    assert_null(doc);
}

static void refuses_billion_laughs(void **state)
{
    (void)state;
    char doc[2048] = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol0 'lol'>";
    for (int i = 1; i < 10; i++) {
        char line[160];
        snprintf(line, sizeof(line),
                 "<!ENTITY lol%d '&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;"
                 "&lol%d;&lol%d;'>",
                 i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(doc, line);
    }
    strcat(doc, "]><lolz a='&lol9;'>&lol9;</lolz>");
    expect_failure(to_canon, doc, NULL, NPG_EXML, "refused");
}

static void refuses_deep_and_big_documents(void **state)
{
    (void)state;
    char deep[4096] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "<a>");
    for (int i = 0; i < 40; i++)
        strcat(deep, "</a>");
    expect_failure(to_canon, deep, NULL, NPG_EXML, "deeper than 32");
    xmlDocPtr doc = NULL;
    char err[256];
    /* 40 levels pass a limit of 40, not one of 39 */
    assert_int_equal(npg_xml_parse(deep, strlen(deep), 4096, 40, &doc, err, sizeof(err)), NPG_OK);
    xmlFreeDoc(doc);
    assert_int_equal(npg_xml_parse(deep, strlen(deep), 4096, 39, &doc, err, sizeof(err)), NPG_EXML);
    assert_int_equal(npg_xml_parse(deep, strlen(deep), 100, 40, &doc, err, sizeof(err)),
                     NPG_ETOOBIG);
    assert_null(doc);
    assert_int_equal(npg_xml_parse("", 0, 100, 40, &doc, err, sizeof(err)), NPG_EXML);
}

/* An attribute bomb is refused by a linear count before libxml2's quadratic check. */
static void refuses_attribute_bombs(void **state)
{
    (void)state;
    size_t cap = 2000000;
    char *x = malloc(cap);
    assert_non_null(x);
    xmlDocPtr doc = NULL;
    char err[256];
    for (int n = NPG_XML_MAX_ATTRIBUTES; n <= NPG_XML_MAX_ATTRIBUTES + 1; n++) {
        size_t o = (size_t)snprintf(x, cap, "<r><!-- a=1 b=2 --><e");
        for (int i = 0; i < n; i++)
            o += (size_t)snprintf(x + o, cap - o, " a%d='=x='", i);
        snprintf(x + o, cap - o, ">t=1<![CDATA[c=1 d=2]]></e></r>");
        int rc = npg_xml_parse(x, strlen(x), cap, 32, &doc, err, sizeof(err));
        assert_int_equal(rc, n <= NPG_XML_MAX_ATTRIBUTES ? NPG_OK : NPG_EXML);
        if (rc == NPG_OK)
            xmlFreeDoc(doc);
        else
            assert_non_null(strstr(err, "more than 128 attributes"));
    }
    /* 90,000 attributes in under 1 MB: refused without parsing */
    size_t o = (size_t)snprintf(x, cap, "<e");
    for (int i = 0; i < 90000 && o + 16 < cap; i++)
        o += (size_t)snprintf(x + o, cap - o, " a%d=\"\"", i);
    snprintf(x + o, cap - o, "/>");
    assert_int_equal(npg_xml_parse(x, strlen(x), cap, 32, &doc, err, sizeof(err)), NPG_EXML);
    assert_null(doc);
    free(x);
}

/* --- hostile stylesheets ---------------------------------------------------- */

static void stylesheet_cannot_read_files(void **state)
{
    (void)state;
    npg_xslt_t *sheet = load_sheet("tests/data/xslt/read-file.xsl", NPG_OK);
    expect_failure(sheet, "<x/>", NULL, NPG_EXSLT, "refused");
    npg_xslt_free(&sheet);
}

static void stylesheet_cannot_use_network(void **state)
{
    (void)state;
    npg_xslt_t *sheet = load_sheet("tests/data/xslt/read-net.xsl", NPG_OK);
    expect_failure(sheet, "<x/>", NULL, NPG_EXSLT, "refused");
    npg_xslt_free(&sheet);
}

static void stylesheet_cannot_write_files(void **state)
{
    (void)state;
    char path[] = "/tmp/npgw-xslt-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    npg_xslt_t *sheet = load_sheet("tests/data/xslt/write-file.xsl", NPG_OK);
    const char *params[] = {"path", path, NULL};
    expect_failure(sheet, "<x/>", params, NPG_EXSLT, "refused");
    assert_int_not_equal(access(path, F_OK), 0);
    npg_xslt_free(&sheet);
}

static void load_refuses_bad_stylesheets(void **state)
{
    (void)state;
    assert_null(load_sheet("tests/data/xslt/doctype.xsl", NPG_EXML));
    assert_null(load_sheet("tests/data/xslt/missing.xsl", NPG_ENOTFOUND));
    assert_null(load_sheet("wsdl/pxs/portingxs.xsd", NPG_EXSLT));
}

/* --- one compiled sheet, many threads --------------------------------------- */

typedef struct job {
    const char *wire, *want;
    size_t wlen, elen;
    int failures;
} job_t;

static void *worker(void *arg)
{
    job_t *job = arg;
    const char *params[] = {"direction", "out", NULL};
    for (int i = 0; i < 50; i++) {
        char *out = NULL, err[256];
        size_t len;
        if (npg_xslt_apply(to_canon, job->wire, job->wlen, params, &out, &len, err, sizeof(err)) !=
                NPG_OK ||
            len != job->elen || memcmp(out, job->want, len) != 0)
            job->failures++;
        free(out);
    }
    return NULL;
}

static void concurrent_transforms(void **state)
{
    (void)state;
    job_t jobs[4];
    pthread_t tids[4];
    size_t wlen, elen;
    char *wire = recording("PortingRequest.out", ".xml", &wlen);
    const char *params[] = {"direction", "out", NULL};
    char *want = apply(to_canon, wire, wlen, params, &elen);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job_t){wire, want, wlen, elen, 0};
        assert_int_equal(pthread_create(&tids[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(tids[i], NULL);
        assert_int_equal(jobs[i].failures, 0);
    }
    free(want);
    free(wire);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recordings_to_canonical),
        cmocka_unit_test(canonical_round_trip),
        cmocka_unit_test(to_canonical_refuses_unknown_input),
        cmocka_unit_test(params_are_literal),
        cmocka_unit_test(refuses_external_entity),
        cmocka_unit_test(refuses_billion_laughs),
        cmocka_unit_test(refuses_deep_and_big_documents),
        cmocka_unit_test(refuses_attribute_bombs),
        cmocka_unit_test(stylesheet_cannot_read_files),
        cmocka_unit_test(stylesheet_cannot_use_network),
        cmocka_unit_test(stylesheet_cannot_write_files),
        cmocka_unit_test(load_refuses_bad_stylesheets),
        cmocka_unit_test(concurrent_transforms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
