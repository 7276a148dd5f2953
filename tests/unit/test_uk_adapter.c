/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The UK stylesheets: canonical -> the platform's elements that the generated strict readers
 * accept, PortCompleted and ConfirmPort's acknowledgement -> canonical; the canonical pac. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"
#pragma GCC diagnostic ignored "-Waddress"
#pragma GCC diagnostic ignored "-Wunused-value"
#include "xml/canon.h"
#include "xml/xml.h"
#include "xml/xslt.h"
#include "xmltest.h"

extern struct Namespace namespaces[];

static npg_xslt_t *from_canon, *to_canon;

static int setup(void **state)
{
    (void)state;
    npg_xml_init();
    char *a = xt_path("xslt/uk/from-canonical.xsl"), *b = xt_path("xslt/uk/to-canonical.xsl");
    int rc = npg_xslt_load(a, &from_canon, NULL, 0) || npg_xslt_load(b, &to_canon, NULL, 0);
    free(a);
    free(b);
    return rc;
}

static int teardown(void **state)
{
    (void)state;
    npg_xslt_free(&from_canon);
    npg_xslt_free(&to_canon);
    npg_xml_cleanup();
    return 0;
}

/* The recording with its type replaced, through from-canonical; a strict reader on the result. */
static struct soap *wire(const char *type, char **body)
{
    size_t len, blen;
    char err[256];
    char *canon = xt_read("tests/data/uk/ClosePAC.out.canonical.xml", &len);
    char *t = strstr(canon, "porting_request");
    assert_non_null(t);
    char *edited = NULL;
    assert_true(asprintf(&edited, "%.*s%s%s", (int)(t - canon), canon, type, t + 15) > 0);
    if (npg_xslt_apply(from_canon, edited, strlen(edited), NULL, body, &blen, err, sizeof(err)))
        fail_msg("%s: %s", type, err);
    free(canon);
    free(edited);
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

static void close_pac(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = wire("porting_request", &body);
    struct _ukm__ClosePAC m;
    if (soap_read__ukm__ClosePAC(soap, &m) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_string_equal(m.MessageId, "CARR-1899892800-0a1b2c3d4e5f6071");
    assert_string_equal(m.PACCode, "ABC123456");
    assert_string_equal(m.Number, "5550100");
    assert_string_equal(m.PortDate, "2030-03-06");
    assert_string_equal(m.RecipientOperator, "CARR");
    done(soap, body);
}

static void cancel_and_confirm(void **state)
{
    (void)state;
    char *body;
    struct soap *soap = wire("abort", &body);
    struct _ukm__CancelPort c;
    if (soap_read__ukm__CancelPort(soap, &c) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_string_equal(c.PACCode, "ABC123456");
    done(soap, body);
    soap = wire("instruction", &body);
    struct _ukm__ConfirmPort f;
    if (soap_read__ukm__ConfirmPort(soap, &f) != SOAP_OK)
        fail_msg("gSOAP refused: %d\n%s", soap->error, body);
    assert_string_equal(f.PortDate, "2030-03-06");
    done(soap, body);
}

static void other_types_stop(void **state)
{
    (void)state;
    size_t len, blen;
    char *canon = xt_read("tests/data/uk/ClosePAC.out.canonical.xml", &len), *out = NULL;
    char err[256] = "";
    memcpy(strstr(canon, "clearinghouse=\"uk\""), "clearinghouse=\"px\"", 18);
    assert_int_not_equal(
        npg_xslt_apply(from_canon, canon, len, NULL, &out, &blen, err, sizeof(err)), NPG_OK);
    free(canon);
    free(out);
}

static const char *params[] = {"msgidentifier",
                               "XX203003-CARR-00001",
                               "timestamp",
                               "2030-03-06T00:30:01Z",
                               "sender",
                               "UKMNP",
                               "receiver",
                               "CARR",
                               "answers",
                               "ConfirmPort",
                               "message_id",
                               "M-1-ack",
                               NULL};

static void port_completed(void **state)
{
    (void)state;
    size_t len, clen;
    char err[256], *out = NULL;
    char *in = xt_read("tests/data/uk/PortCompleted.in.xml", &len);
    if (npg_xslt_apply(to_canon, in, len, params, &out, &clen, err, sizeof(err)))
        fail_msg("%s", err);
    npg_canon_msg_t m;
    if (npg_canon_parse(out, clen, &m, err, sizeof(err)) != NPG_OK)
        fail_msg("%s\n%s", err, out);
    assert_string_equal(m.type, "ported");
    assert_string_equal(m.clearinghouse, "uk");
    assert_string_equal(m.msgidentifier, "XX203003-CARR-00001");
    assert_string_equal(m.message_id, "UKSIM-ABC123456-5550100");
    assert_string_equal(m.recipient, "CARR");
    assert_string_equal(m.pac, "ABC123456");
    assert_int_equal(m.port_time, 1898987400); /* 2030-03-06T00:30:00Z */
    free(in);
    free(out);
}

static void confirm_ack(void **state)
{
    (void)state;
    const char *ack = "<ukm:Acknowledgement xmlns:ukm=\"urn:npgw:uk:mnp:1\"><ukm:MessageId>M-1"
                      "</ukm:MessageId><ukm:Status>Confirmed</ukm:Status></ukm:Acknowledgement>";
    char err[256], *out = NULL;
    size_t clen;
    if (npg_xslt_apply(to_canon, ack, strlen(ack), params, &out, &clen, err, sizeof(err)))
        fail_msg("%s", err);
    npg_canon_msg_t m;
    assert_int_equal(npg_canon_parse(out, clen, &m, err, sizeof(err)), NPG_OK);
    assert_string_equal(m.type, "instruction_response");
    assert_string_equal(m.message_id, "M-1-ack");
    free(out);
    out = NULL;
    const char *close_params[] = {"answers", "ClosePAC", NULL};
    assert_int_not_equal(
        npg_xslt_apply(to_canon, ack, strlen(ack), close_params, &out, &clen, err, sizeof(err)),
        NPG_OK);
    free(out);
}

static void canonical_pac(void **state)
{
    (void)state;
    size_t len;
    char err[256];
    char *canon = xt_read("tests/data/uk/ClosePAC.out.canonical.xml", &len);
    npg_canon_msg_t m;
    /* a PAC port_request needs no email, account type or cool-off flag */
    assert_int_equal(npg_canon_parse(canon, len, &m, err, sizeof(err)), NPG_OK);
    m.pac[0] = '\0';
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    strcpy(m.pac, "AB1234567");
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_non_null(strstr(err, "pac"));
    free(canon);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(close_pac),        cmocka_unit_test(cancel_and_confirm),
        cmocka_unit_test(other_types_stop), cmocka_unit_test(port_completed),
        cmocka_unit_test(confirm_ack),      cmocka_unit_test(canonical_pac),
    };
    return cmocka_run_group_tests_name("uk_adapter", tests, setup, teardown);
}
