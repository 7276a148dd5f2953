/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The NPAC adapter's parts: the business-day calendar (US daylight saving, business hours,
 * holidays, the windows' arithmetic), and the stylesheets: notifications and replies to
 * canonical by our role, canonical to requests the generated strict readers accept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/npac/calendar.h"
#include "common/util.h"
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
    char *a = xt_path("xslt/npac/from-canonical.xsl"), *b = xt_path("xslt/npac/to-canonical.xsl");
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

static time_t at(const char *iso)
{
    time_t t;
    assert_int_equal(npg_time_parse(iso, &t), NPG_OK);
    return t;
}

static void iso(time_t t, char out[32])
{
    npg_time_iso(t, true, out, 32);
}

static npg_npac_calendar_t chicago(const char *holidays)
{
    npg_npac_calendar_t cal;
    char msg[200];
    assert_int_equal(
        npg_npac_calendar_init(&cal, "America/Chicago", 7, 19, holidays, msg, sizeof(msg)), NPG_OK);
    return cal;
}

/* Central time: CST, CDT from 02:00 on the second Sunday of March to 02:00 on the first Sunday
 * of November (2030: March 10 and November 3). */
static void daylight_saving(void **state)
{
    (void)state;
    npg_npac_calendar_t cal = chicago("");
    assert_int_equal(npg_npac_utc_offset(&cal, at("2030-03-10T07:59:59Z")), -6 * 3600);
    assert_int_equal(npg_npac_utc_offset(&cal, at("2030-03-10T08:00:00Z")), -5 * 3600);
    assert_int_equal(npg_npac_utc_offset(&cal, at("2030-11-03T06:59:59Z")), -5 * 3600);
    assert_int_equal(npg_npac_utc_offset(&cal, at("2030-11-03T07:00:00Z")), -6 * 3600);
    assert_int_equal(npg_npac_utc_offset(&cal, at("2026-07-01T12:00:00Z")), -5 * 3600);
    npg_npac_day_t d;
    assert_int_equal(npg_npac_date_parse("2030-03-12", &d), NPG_OK);
    char s[32];
    iso(npg_npac_instant(&cal, d, 7), s); /* 07:00 CDT */
    assert_string_equal(s, "2030-03-12T12:00:00Z");
    /* a UTC evening is still the day before in Chicago */
    assert_int_equal(npg_npac_local_day(&cal, at("2030-03-13T03:00:00Z")), d);
}

static void dates_and_business_days(void **state)
{
    (void)state;
    npg_npac_day_t d;
    assert_int_equal(npg_npac_date_parse("2030-02-29", &d), NPG_EINVAL); /* not a leap year */
    assert_int_equal(npg_npac_date_parse("2028-02-29", &d), NPG_OK);
    assert_int_equal(npg_npac_date_parse("2030-3-1", &d), NPG_EINVAL);
    assert_int_equal(npg_npac_date_parse("2030-03-01x", &d), NPG_EINVAL);
    npg_npac_calendar_t cal = chicago("2030-03-11");
    assert_int_equal(npg_npac_date_parse("2030-03-08", &d), NPG_OK); /* Friday */
    assert_true(npg_npac_business_day(&cal, d));
    assert_false(npg_npac_business_day(&cal, d + 1)); /* Saturday */
    assert_false(npg_npac_business_day(&cal, d + 2)); /* Sunday */
    assert_false(npg_npac_business_day(&cal, d + 3)); /* the holiday */
    assert_true(npg_npac_business_day(&cal, d + 4));
    char msg[200];
    assert_int_equal(npg_npac_calendar_init(&cal, "Europe/Paris", 7, 19, "", msg, sizeof(msg)),
                     NPG_EINVAL);
    assert_non_null(strstr(msg, "not one of the US zones"));
    assert_int_equal(npg_npac_calendar_init(&cal, "UTC", 19, 7, "", msg, sizeof(msg)), NPG_EINVAL);
    assert_int_equal(npg_npac_calendar_init(&cal, "UTC", 7, 19, "2030-13-01", msg, sizeof(msg)),
                     NPG_EINVAL);
    assert_non_null(strstr(msg, "2030-13-01"));
}

/* The windows of the integration tests, worked out here alone. */
static void business_hours(void **state)
{
    (void)state;
    npg_npac_calendar_t cal = chicago("2030-03-11");
    char s[32];
    /* Wednesday 09:00 CST + 9 = 18:00; + 9 more = Thursday 15:00 */
    time_t t1 = npg_npac_add_business_hours(&cal, at("2030-03-06T15:00:00Z"), 9);
    iso(t1, s);
    assert_string_equal(s, "2030-03-07T00:00:00Z");
    iso(npg_npac_add_business_hours(&cal, t1, 9), s);
    assert_string_equal(s, "2030-03-07T21:00:00Z");
    /* Friday 17:00 CST + 9: 2 on Friday, none on the weekend and the holiday, 7 on Tuesday in
     * CDT: 14:00 */
    iso(npg_npac_add_business_hours(&cal, at("2030-03-08T23:00:00Z"), 9), s);
    assert_string_equal(s, "2030-03-12T19:00:00Z");
    /* one business day (12 hours) from Friday 13:00: Tuesday 13:00 */
    iso(npg_npac_add_business_hours(&cal, at("2030-03-08T19:00:00Z"), 12), s);
    assert_string_equal(s, "2030-03-12T18:00:00Z");
    /* a start outside business hours counts from the next opening: Saturday -> Tuesday 08:00 */
    iso(npg_npac_add_business_hours(&cal, at("2030-03-09T12:00:00Z"), 1), s);
    assert_string_equal(s, "2030-03-12T13:00:00Z");
    /* exactly at closing, an hour is the next morning's first */
    iso(npg_npac_add_business_hours(&cal, at("2030-03-07T01:00:00Z"), 1), s);
    assert_string_equal(s, "2030-03-07T14:00:00Z");
    iso(npg_npac_add_business_hours(&cal, at("2030-03-06T15:00:00Z"), 0), s);
    assert_string_equal(s, "2030-03-06T15:00:00Z");
}

/* NANC 012: noon of the business day before the due date; a Tuesday after a holiday Monday
 * looks back to Friday. */
static void conflict_restriction(void **state)
{
    (void)state;
    npg_npac_calendar_t cal = chicago("2030-03-11");
    char s[32];
    iso(npg_npac_conflict_deadline(&cal, at("2030-03-07T15:00:00Z"), 12), s);
    assert_string_equal(s, "2030-03-06T18:00:00Z");
    iso(npg_npac_conflict_deadline(&cal, at("2030-03-12T15:00:00Z"), 12), s);
    assert_string_equal(s, "2030-03-08T18:00:00Z");
}

/* A notification through to-canonical as role sees it, parsed. */
static void decode(const char *file, const char *role, const char *reopen, npg_canon_msg_t *m)
{
    size_t len, clen;
    char err[300], *canon = NULL, path[128];
    snprintf(path, sizeof(path), "tests/data/npac/%s", file);
    char *xml = xt_read(path, &len);
    const char *params[] = {"msgidentifier",
                            "XX203003-CARR-00001",
                            "role",
                            role,
                            "reopen",
                            reopen,
                            "cc",
                            "1",
                            "sender",
                            "NPAC",
                            "receiver",
                            "CARR",
                            "answers",
                            "SvCreateRequest",
                            "message_id",
                            "CARR-1-rep",
                            "timestamp",
                            "2030-03-06T15:00:01Z",
                            NULL};
    if (npg_xslt_apply(to_canon, xml, len, params, &canon, &clen, err, sizeof(err)) ||
        npg_canon_parse(canon, clen, m, err, sizeof(err)))
        fail_msg("%s as %s: %s", file, role, err);
    free(xml);
    free(canon);
}

static void notifications_to_canonical(void **state)
{
    (void)state;
    npg_canon_msg_t m;
    decode("SvStatusNotification.concur.in.xml", "in", "", &m);
    assert_string_equal(m.type, "authorisation_response");
    assert_string_equal(m.decision, "accept");
    assert_string_equal(m.ch_ref, "1");
    assert_string_equal(m.ch_status, "pending");
    assert_string_equal(m.sequence, "1");
    assert_string_equal(m.routing_number, "13125550001"); /* the LRN, country code first */
    decode("SvStatusNotification.conflict.in.xml", "in", "", &m);
    assert_string_equal(m.type, "conflict");
    assert_int_equal(m.reject_code, 51);
    assert_int_equal(m.timestamp, at("2030-03-06T21:00:00Z")); /* an offset becomes UTC */
    decode("SvStatusNotification.conflict.in.xml", "out", "", &m);
    assert_string_equal(m.type, "status"); /* the old SP put it there: nothing to move */
    decode("SvStatusNotification.partial.in.xml", "in", "", &m);
    assert_string_equal(m.type, "ported");
    assert_string_equal(m.ch_status, "partial-failure");
    assert_string_equal(m.recipient, "CARR");
    assert_string_equal(m.reason, "not taken by the local databases of OTHER, SP9");
    decode("SvNewSpCreateNotification.in.xml", "out", "", &m);
    assert_string_equal(m.type, "authorisation_request");
    assert_string_equal(m.donor, "CARR");
    assert_string_equal(m.recipient, "NEWCO");
    assert_string_equal(m.number_type, "mobile"); /* wireless */
    assert_int_equal(m.nranges, 1);
    assert_string_equal(m.ranges[0].start, "3125550100");
    assert_string_equal(m.ranges[0].end, "3125550109");
    assert_int_equal(m.port_time, at("2030-03-08T15:00:00Z"));
    decode("SvConcurrenceWindowNotification.final.in.xml", "out", "", &m);
    assert_string_equal(m.type, "authorisation_lapsed");
    decode("SvDisconnectNotification.in.xml", "none", "", &m);
    assert_string_equal(m.type, "terminated");
    assert_string_equal(m.number, "2125550100");
    assert_string_equal(m.ch_status, "old");
    decode("SvReply.create.in.xml", "in", "", &m);
    assert_string_equal(m.type, "status");
    assert_string_equal(m.message_id, "CARR-1-rep");
    assert_int_equal(m.timestamp, at("2030-03-06T15:00:00Z")); /* the version's creation */
    assert_string_equal(m.reason, "reply to SvCreateRequest");
}

/* A canonical recording through from-canonical, read strictly as the NPAC would. */
static struct soap *wire(const char *file, const char *edit_from, const char *edit_to, char **body)
{
    size_t len, blen;
    char err[256], path[128], *edited = NULL;
    snprintf(path, sizeof(path), "tests/data/npac/%s", file);
    char *canon = xt_read(path, &len);
    if (edit_from) {
        char *t = strstr(canon, edit_from);
        assert_non_null(t);
        assert_true(asprintf(&edited, "%.*s%s%s", (int)(t - canon), canon, edit_to,
                             t + strlen(edit_from)) > 0);
    }
    const char *params[] = {"spid", "CARR",
                            "lrn",  "3125550001",
                            "due",  "2030-03-09T15:00:00Z",
                            "now",  "2030-03-06T15:00:00Z",
                            NULL};
    const char *src = edited ? edited : canon;
    if (npg_xslt_apply(from_canon, src, strlen(src), params, body, &blen, err, sizeof(err)))
        fail_msg("%s: %s", file, err);
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

static void canonical_to_requests(void **state)
{
    (void)state;
    char *body;
    struct soap *s = wire("porting_request.out.canonical.xml", NULL, NULL, &body);
    struct _npac__SvCreateRequest c;
    assert_int_equal(soap_read__npac__SvCreateRequest(s, &c), SOAP_OK);
    assert_string_equal(c.NewSpid, "CARR");
    assert_string_equal(c.OldSpid, "DONOR");
    assert_string_equal(c.TnStart, "2125550100");
    assert_string_equal(c.TnEnd, "2125550109");
    assert_string_equal(c.Lrn, "3125550001");
    assert_int_equal(c.DueDate, at("2030-03-07T15:00:00Z"));
    assert_int_equal(c.SvType, npac__SvType__wireline);
    done(s, body);
    /* no due date: the default one business day on */
    s = wire("porting_request.out.canonical.xml",
             "  <np:port_time>2030-03-07T15:00:00Z</np:port_time>\n", "", &body);
    assert_int_equal(soap_read__npac__SvCreateRequest(s, &c), SOAP_OK);
    assert_int_equal(c.DueDate, at("2030-03-09T15:00:00Z"));
    done(s, body);
    struct _npac__SvReleaseInConflictRequest r;
    s = wire("authorisation_answer.out.canonical.xml", NULL, NULL, &body);
    assert_int_equal(soap_read__npac__SvReleaseInConflictRequest(s, &r), SOAP_OK);
    assert_int_equal(r.CauseCode, 53); /* 31, number not active: a vacant number port */
    assert_string_equal(r.SvId, "2");
    assert_string_equal(r.TnStart, "3125550100");
    done(s, body);
    s = wire("authorisation_answer.out.canonical.xml", "<np:reject_code>31", "<np:reject_code>33",
             &body);
    assert_int_equal(soap_read__npac__SvReleaseInConflictRequest(s, &r), SOAP_OK);
    assert_int_equal(r.CauseCode, 54); /* anything else: general conflict */
    done(s, body);
    struct _npac__SvReleaseRequest a;
    s = wire("authorisation_answer.out.canonical.xml", "<np:decision>reject</np:decision>",
             "<np:decision>accept</np:decision>", &body);
    assert_int_equal(soap_read__npac__SvReleaseRequest(s, &a), SOAP_OK);
    assert_string_equal(a.OldSpid, "CARR");
    done(s, body);
    struct _npac__SvRemoveFromConflictRequest x;
    s = wire("authorisation_answer.out.canonical.xml", "authorisation_answer", "conflict_resolve",
             &body);
    assert_int_equal(soap_read__npac__SvRemoveFromConflictRequest(s, &x), SOAP_OK);
    assert_string_equal(x.Spid, "CARR");
    done(s, body);
    struct _npac__SvCancelAckRequest k;
    s = wire("authorisation_answer.out.canonical.xml", "authorisation_answer", "cancel_ack", &body);
    assert_int_equal(soap_read__npac__SvCancelAckRequest(s, &k), SOAP_OK);
    done(s, body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(daylight_saving),
        cmocka_unit_test(dates_and_business_days),
        cmocka_unit_test(business_hours),
        cmocka_unit_test(conflict_restriction),
        cmocka_unit_test(notifications_to_canonical),
        cmocka_unit_test(canonical_to_requests),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
