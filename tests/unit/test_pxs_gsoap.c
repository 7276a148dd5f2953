/* SPDX-License-Identifier: GPL-3.0-or-later */
/* from-canonical output is what the generated gSOAP readers expect: each
 * canonical recording becomes a body element that soap_read__pxs__* accepts
 * in strict mode, with the values of the canonical message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"
/* the generated soap_read_* macros warn at every call site; the code is theirs */
#pragma GCC diagnostic ignored "-Waddress"
#pragma GCC diagnostic ignored "-Wunused-value"
#include "xml/xml.h"
#include "xml/xslt.h"
#include "xmltest.h"

/* generated table, defined once in src/soap/namespaces.c */
extern struct Namespace namespaces[];

static npg_xslt_t *from_canon;

static int setup(void **state)
{
    (void)state;
    npg_xml_init();
    char *path = xt_path("xslt/pxs/from-canonical.xsl");
    int rc = npg_xslt_load(path, &from_canon, NULL, 0);
    free(path);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    npg_xslt_free(&from_canon);
    npg_xml_cleanup();
    return 0;
}

/* A strict gSOAP context reading the wire body made from a canonical recording. */
static struct soap *reader(const char *name, char **body)
{
    char rel[128], err[256];
    size_t len, blen;
    snprintf(rel, sizeof(rel), "tests/data/pxs/%s.canonical.xml", name);
    char *canon = xt_read(rel, &len);
    if (npg_xslt_apply(from_canon, canon, len, NULL, body, &blen, err, sizeof(err)) != 0)
        fail_msg("%s: %s", name, err);
    free(canon);
    struct soap *soap = soap_new1(SOAP_XML_STRICT);
    assert_non_null(soap);
    soap_set_namespaces(soap, namespaces);
    soap->is = *body;
    return soap;
}

static void done(struct soap *soap, char *body)
{
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    free(body);
}

static void porting_request(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = reader("PortingRequest.out", &body);
    struct _pxs__PortingRequest m;
    if (soap_read__pxs__PortingRequest(soap, &m) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_string_equal(m.Header->MessageId, "CARR-20250115-000001");
    assert_int_equal(m.Header->Timestamp, 1736937000);
    assert_string_equal(m.DonorOperator, "DONR");
    assert_int_equal(m.AccountType, pxs__AccountType__Postpaid);
    assert_int_equal(m.OverrideCoolOff, xsd__boolean__false_);
    assert_int_equal(m.NumberRanges->__sizeNumberRange, 2);
    assert_string_equal(m.NumberRanges->NumberRange[1].End, "5550300");
    done(soap, body);
}

static void authorisation_answer(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = reader("AuthorisationAnswer.out", &body);
    struct _pxs__AuthorisationAnswer m;
    if (soap_read__pxs__AuthorisationAnswer(soap, &m) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_int_equal(m.Decision, pxs__Decision__Reject);
    assert_non_null(m.RejectCode);
    assert_int_equal(*m.RejectCode, 33);
    assert_string_equal(m.Reason, "Unpaid bill");
    done(soap, body);
}

static void number_information(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = reader("NumberInformation.in", &body);
    struct _pxs__NumberInformation m;
    if (soap_read__pxs__NumberInformation(soap, &m) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_string_equal(m.CurrentOperator, "ACME");
    assert_int_equal(m.Ported, xsd__boolean__true_);
    assert_non_null(m.LastPortTime);
    assert_int_equal(*m.LastPortTime, 1730509200);
    done(soap, body);
}

static void abort_without_reason(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = reader("AbortRequest.noreason.out", &body);
    struct _pxs__AbortRequest m;
    if (soap_read__pxs__AbortRequest(soap, &m) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_null(m.Reason);
    done(soap, body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(porting_request),
        cmocka_unit_test(authorisation_answer),
        cmocka_unit_test(number_information),
        cmocka_unit_test(abort_without_reason),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
