/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of xml/canon: parse/write round trips and every validation error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "xml/canon.h"
#include "xml/xml.h"
#include "xmltest.h"

static const char *const canonicals[] = {
    "PortingRequest.out",
    "InstructionRequest.out",
    "AbortRequest.out",
    "AuthorisationAnswer.out",
    "TerminationRequest.out",
    "NumberInformationRequest.out",
    "NumberInformation.in",
    "AuthorisationRequest.in",
    "AuthorisationResponse.in",
    "InstructionResponse.in",
    "Ported.in",
    "TimedOut.in",
    "Terminated.in",
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

/* Each expected canonical file parses, and writing it back gives the same XML. */
static void parse_write_round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NPG_ARRAY_LEN(canonicals); i++) {
        char rel[128], err[256] = "";
        size_t len, outlen;
        snprintf(rel, sizeof(rel), "tests/data/pxs/%s.canonical.xml", canonicals[i]);
        char *xml = xt_read(rel, &len);
        npg_canon_msg_t msg;
        if (npg_canon_parse(xml, len, &msg, err, sizeof(err)) != NPG_OK)
            fail_msg("%s: %s", rel, err);
        assert_string_equal(msg.direction, xt_direction(canonicals[i]));
        char *out = NULL;
        assert_int_equal(npg_canon_write(&msg, &out, &outlen), NPG_OK);
        assert_int_equal(strlen(out), outlen);
        xt_assert_same_xml(out, outlen, xml, len);
        free(out);
        free(xml);
    }
}

static void parse_fields(void **state)
{
    (void)state;
    size_t len;
    char *xml = xt_read("tests/data/pxs/PortingRequest.out.canonical.xml", &len);
    npg_canon_msg_t m;
    assert_int_equal(npg_canon_parse(xml, len, &m, NULL, 0), NPG_OK);
    free(xml);
    assert_string_equal(m.type, "porting_request");
    assert_string_equal(m.clearinghouse, "pxs");
    assert_int_equal(m.timestamp, 1736937000);
    assert_int_equal(m.override_cooloff, 0);
    assert_int_equal(m.nranges, 2);
    assert_string_equal(m.ranges[1].start, "5550300");
    assert_int_equal(m.reject_code, -1);
    assert_int_equal(m.ported, -1);
    assert_int_equal(m.port_time, 0);
    assert_string_equal(m.reason, "");

    xml = xt_read("tests/data/pxs/NumberInformation.in.canonical.xml", &len);
    assert_int_equal(npg_canon_parse(xml, len, &m, NULL, 0), NPG_OK);
    free(xml);
    assert_int_equal(m.ported, 1);
    assert_int_equal(m.last_port_time, 1730509200);
}

/* A fresh message of type (NULL: none) with a complete header, from CARR to CH. */
static void header_msg(npg_canon_msg_t *m, const char *type)
{
    npg_canon_init(m);
    strcpy(m->type, type ? type : "");
    strcpy(m->direction, "out");
    strcpy(m->clearinghouse, "pxs");
    strcpy(m->message_id, "CARR-1");
    strcpy(m->msgidentifier, "XX202501-CARR-00001");
    m->timestamp = 1736937000;
    strcpy(m->sender, "CARR");
    strcpy(m->receiver, "CH");
}

/* A message built in C is written, parses back to the same struct. */
static void write_from_struct(void **state)
{
    (void)state;
    npg_canon_msg_t m, back;
    header_msg(&m, "authorisation_answer");
    strcpy(m.decision, "reject");
    m.reject_code = 0;
    strcpy(m.reason, "a < b & \"c\" \xc3\xa9");
    assert_int_equal(npg_canon_validate(&m, NULL, 0), NPG_OK);
    char *xml = NULL;
    size_t len;
    assert_int_equal(npg_canon_write(&m, &xml, &len), NPG_OK);
    assert_non_null(strstr(xml, "<np:reject_code>0</np:reject_code>"));
    assert_non_null(strstr(xml, "<np:timestamp>2025-01-15T10:30:00Z</np:timestamp>"));
    assert_int_equal(npg_canon_parse(xml, len, &back, NULL, 0), NPG_OK);
    assert_memory_equal(&m, &back, sizeof(m));
    free(xml);

    npg_canon_init(&m);
    assert_int_equal(npg_canon_write(&m, &xml, &len), NPG_EINVAL);
    assert_null(xml);
}

/* One edit of a valid message, the error it must cause and the words the message must hold. */
typedef struct bad_case {
    const char *from, *to;
    int rc;
    const char *msg;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"<np:type>porting_request</np:type>", "<np:type>porting</np:type>", NPG_EINVAL, "type:"},
    {"<np:type>porting_request</np:type>", "", NPG_EINVAL, "type: missing"},
    {"direction=\"out\"", "direction=\"sideways\"", NPG_EINVAL, "direction"},
    {"direction=\"out\"", "", NPG_EINVAL, "direction: missing attribute"},
    {"clearinghouse=\"pxs\"", "clearinghouse=\"PXS\"", NPG_EINVAL, "clearinghouse"},
    {"CARR-20250115-000001", "bad id!", NPG_EINVAL, "message_id"},
    {"CARR-20250115-000001", "A234567890123456789012345678901234567890123456789012345678901234X",
     NPG_EINVAL, "message_id: longer than 64"},
    {"<np:message_id>CARR-20250115-000001</np:message_id>", "", NPG_EINVAL, "message_id: missing"},
    {"XX202501-CARR-00001", "XX2025-CARR-00001", NPG_EINVAL, "msgidentifier"},
    {"2025-01-15T10:30:00Z", "2025-01-15T10:30:00", NPG_EINVAL, "timestamp"},
    {"2025-01-15T10:30:00Z", "2025-13-45T10:30:00Z", NPG_EINVAL, "timestamp"},
    {"2025-01-15T10:30:00Z", "2025-01-15T10:30:00+01:00", NPG_EINVAL, "timestamp"},
    {"<np:sender>CARR</np:sender>", "<np:sender>carr</np:sender>", NPG_EINVAL, "sender"},
    {"<np:receiver>CH</np:receiver>", "", NPG_EINVAL, "receiver: missing"},
    {"<np:donor>DONR</np:donor>", "<np:donor>D</np:donor>", NPG_EINVAL, "donor"},
    {"<np:donor>DONR</np:donor>", "", NPG_EINVAL, "donor: missing (required for type porting_"},
    {"Postpaid", "Contract", NPG_EINVAL, "account_type"},
    {">mobile<", ">cellular<", NPG_EINVAL, "number_type"},
    {"5550123", "555-0123", NPG_EINVAL, "contact_number"},
    {"ops@carrier.example", "ops.carrier.example", NPG_EINVAL, "email"},
    {"<np:override_cooloff>false", "<np:override_cooloff>no", NPG_EINVAL, "override_cooloff"},
    {"<np:override_cooloff>false", "<np:override_cooloff>", NPG_EINVAL, "override_cooloff"},
    {"start=\"5550100\"", "start=\"55501OO\"", NPG_EINVAL, "ranges"},
    {"end=\"5550199\"", "", NPG_EINVAL, "ranges: missing attribute end"},
    {"<np:range start=\"5550100\" end=\"5550199\"/>\n    <np:range start=\"5550300\" "
     "end=\"5550300\"/>",
     "", NPG_EINVAL, "ranges: needs at least one"},
    {"<np:range start", "<np:other/><np:range start", NPG_EXML, "only np:range"},
    {"</np:message>", "<np:decision>maybe</np:decision></np:message>", NPG_EINVAL, "decision"},
    {"</np:message>", "<np:reject_code>100</np:reject_code></np:message>", NPG_EINVAL,
     "reject_code"},
    {"</np:message>", "<np:reject_code>-1</np:reject_code></np:message>", NPG_EINVAL,
     "reject_code"},
    {"</np:message>", "<np:port_time>yesterday</np:port_time></np:message>", NPG_EINVAL,
     "port_time"},
    {"</np:message>", "<np:ported>1</np:ported></np:message>", NPG_EINVAL, "ported"},
    {"</np:message>", "<np:number>12345678901234567</np:number></np:message>", NPG_EINVAL,
     "number"},
    {"</np:message>", "<np:current_operator>x</np:current_operator></np:message>", NPG_EINVAL,
     "current_operator"},
    {"</np:message>", "<np:color>red</np:color></np:message>", NPG_EXML, "color: unknown element"},
    {"</np:message>", "<np:sender>CARR</np:sender></np:message>", NPG_EXML,
     "sender: repeated or out of schema order"},
    {"</np:message>", "<np:reason><b>bold</b></np:reason></np:message>", NPG_EXML,
     "reason: must hold text only"},
    {"</np:message>", "stray</np:message>", NPG_EXML, "text outside"},
    {"<np:sender>", "<sender xmlns=\"urn:other\">CARR</sender><np:x>", NPG_EXML, "sender"},
    {"urn:npgw:canonical:1", "urn:npgw:canonical:2", NPG_EXML, "not a canonical message"},
    {"</np:message>", "", NPG_EXML, "not well-formed"},
    {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<!DOCTYPE np:message>", NPG_EXML, "DOCTYPE"},
};

static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        fail_msg("'%s' not in the base message", from);
    size_t head = (size_t)(at - s), flen = strlen(from), tlen = strlen(to);
    char *out = malloc(strlen(s) - flen + tlen + 1);
    assert_non_null(out);
    memcpy(out, s, head);
    memcpy(out + head, to, tlen);
    strcpy(out + head + tlen, at + flen);
    return out;
}

static void validation_errors(void **state)
{
    (void)state;
    char *base = xt_read("tests/data/pxs/PortingRequest.out.canonical.xml", NULL);
    for (size_t i = 0; i < NPG_ARRAY_LEN(bad_cases); i++) {
        const bad_case_t *c = &bad_cases[i];
        char *xml = replace(base, c->from, c->to), err[256] = "";
        npg_canon_msg_t m;
        int rc = npg_canon_parse(xml, strlen(xml), &m, err, sizeof(err));
        if (rc != c->rc || !strstr(err, c->msg))
            fail_msg("case %zu: rc %d '%s', want %d '%s'", i, rc, err, c->rc, c->msg);
        free(xml);
    }
    free(base);
}

static void validate_struct(void **state)
{
    (void)state;
    npg_canon_msg_t m;
    char err[256];
    header_msg(&m, NULL);
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_string_equal(err, "type: missing (required for type ?)");
    strcpy(m.type, "timedout");
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_OK);
    m.ported = 2;
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_string_equal(err, "ported: out of range");
    m.ported = -1;
    m.port_time = -5;
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_string_equal(err, "port_time: out of range");
    m.port_time = 0;
    m.ported = -1;
    strcpy(m.reason, "bad \xff byte");
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_string_equal(err, "reason: not valid UTF-8 text");
    m.reason[0] = '\0';
    m.nranges = 1;
    assert_int_equal(npg_canon_validate(&m, err, sizeof(err)), NPG_EINVAL);
    assert_non_null(strstr(err, "ranges: range 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_write_round_trip), cmocka_unit_test(parse_fields),
        cmocka_unit_test(write_from_struct),      cmocka_unit_test(validation_errors),
        cmocka_unit_test(validate_struct),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
