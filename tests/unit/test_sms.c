/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sms: provider names, each provider's status callback and SMPP receipts read into one shape,
 * hostile input refused, secrets kept out of stored answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sms/sms_internal.h"

static void provider_names(void **state)
{
    (void)state;
    assert_int_equal(npg_sms_provider_find("Twilio"), NPG_SMS_TWILIO);
    assert_int_equal(npg_sms_provider_find("pilvo"), NPG_SMS_PLIVO);
    assert_int_equal(npg_sms_provider_find("Pilvo"), NPG_SMS_PLIVO);
    assert_int_equal(npg_sms_provider_find("GTT"), NPG_SMS_GTT);
    assert_int_equal(npg_sms_provider_find("Acme"), -1);
    assert_int_equal(npg_sms_provider_find(NULL), -1);
    assert_string_equal(npg_sms_provider_name(NPG_SMS_CLICKSEND), "ClickSend");
    assert_string_equal(npg_sms_provider_key(NPG_SMS_DIGICEL), "digicel");
    assert_true(npg_sms_provider_is_smpp(NPG_SMS_ENET));
    assert_false(npg_sms_provider_is_smpp(NPG_SMS_SINCH));
    assert_string_equal(npg_sms_error_code(NPG_SMS_INVALID_NUMBER), "invalid_number");
    assert_true(npg_sms_error_retryable(NPG_SMS_TIMEOUT));
    assert_false(npg_sms_error_retryable(NPG_SMS_AUTH));
}

static npg_sms_receipt_t parse(npg_sms_provider_t p, const char *query, const char *body)
{
    npg_sms_receipt_t r;
    assert_int_equal(npg_sms_receipt_parse(p, query, body, strlen(body), &r), NPG_OK);
    return r;
}

static void rest_callbacks(void **state)
{
    (void)state;
    const char *tok = "t=0123456789abcdef0123456789abcdef";
    npg_sms_receipt_t r = parse(
        NPG_SMS_TWILIO, tok, "MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003&To=%2B1555");
    assert_string_equal(r.message_id, "SM1");
    assert_string_equal(r.token, "0123456789abcdef0123456789abcdef");
    assert_string_equal(r.error, "30003");
    assert_int_equal(r.delivery, NPG_SMS_FAILED);
    r = parse(NPG_SMS_TWILIO, tok, "MessageSid=SM1&MessageStatus=sent");
    assert_int_equal(r.delivery, NPG_SMS_PENDING);
    /* Vonage: a GET whose receipt is in the query, after our token */
    r = parse(NPG_SMS_VONAGE, "t=abc&messageId=0A00&status=delivered&err-code=0", "");
    assert_string_equal(r.message_id, "0A00");
    assert_string_equal(r.token, "abc");
    assert_string_equal(r.error, "");
    assert_int_equal(r.delivery, NPG_SMS_DELIVERED);
    r = parse(NPG_SMS_VONAGE, tok,
              "{\"messageId\":\"0B\",\"status\":\"expired\",\"err-code\":\"1\"}");
    assert_int_equal(r.delivery, NPG_SMS_FAILED);
    r = parse(NPG_SMS_SINCH, tok,
              "{\"type\":\"recipient_delivery_report_sms\",\"batch_id\":\"01F\",\"recipient\":"
              "\"+1555\",\"code\":0,\"status\":\"Delivered\"}");
    assert_string_equal(r.message_id, "01F");
    assert_int_equal(r.delivery, NPG_SMS_DELIVERED);
    r = parse(NPG_SMS_TELNYX, tok,
              "{\"data\":{\"event_type\":\"message.finalized\",\"payload\":{\"id\":\"u-1\",\"to\":"
              "[{\"status\":\"delivery_failed\"}],\"errors\":[{\"code\":\"40002\"}]}}}");
    assert_string_equal(r.message_id, "u-1");
    assert_string_equal(r.error, "40002");
    assert_int_equal(r.delivery, NPG_SMS_FAILED);
    r = parse(NPG_SMS_PLIVO, tok, "MessageUUID=p-1&Status=delivered&ErrorCode=000");
    assert_int_equal(r.delivery, NPG_SMS_DELIVERED);
    assert_string_equal(r.error, "");
    /* ClickSend: the token is custom_string, from the account's receipt URL (no query) */
    r = parse(NPG_SMS_CLICKSEND, "",
              "message_id=C-1&status=Delivered&custom_string=feedfeedfeedfeedfeedfeedfeedfeed");
    assert_string_equal(r.token, "feedfeedfeedfeedfeedfeedfeedfeed");
    assert_int_equal(r.delivery, NPG_SMS_DELIVERED);
}

static void hostile_callbacks(void **state)
{
    (void)state;
    npg_sms_receipt_t r;
    /* not a receipt, broken JSON, a JSON array, a status missing, an SMPP provider */
    assert_int_equal(npg_sms_receipt_parse(NPG_SMS_TWILIO, "", "hello", 5, &r), NPG_EINVAL);
    assert_int_equal(npg_sms_receipt_parse(NPG_SMS_SINCH, "", "{\"batch_id\":", 12, &r),
                     NPG_EINVAL);
    assert_int_equal(npg_sms_receipt_parse(NPG_SMS_SINCH, "", "[1]", 3, &r), NPG_EINVAL);
    assert_int_equal(npg_sms_receipt_parse(NPG_SMS_PLIVO, "", "MessageUUID=x", 13, &r), NPG_EINVAL);
    assert_int_equal(npg_sms_receipt_parse(NPG_SMS_ENET, "", "id:1 stat:DELIVRD", 17, &r),
                     NPG_EINVAL);
    /* control bytes never come through; a half escape stays as it is */
    r = parse(NPG_SMS_TWILIO, "", "MessageSid=SM%0A%1Bx&MessageStatus=sent%");
    assert_string_equal(r.message_id, "SM??x");
    assert_string_equal(r.status, "sent%");
    /* an over-long value is cut, not overflowed */
    char big[600] = "MessageStatus=sent&MessageSid=";
    memset(big + strlen(big), 'A', 400);
    r = parse(NPG_SMS_TWILIO, "", big);
    assert_int_equal(strlen(r.message_id), sizeof(r.message_id) - 1);
}

static void smpp_receipts(void **state)
{
    (void)state;
    npg_sms_receipt_t r;
    const char *t = "id:5A001 sub:001 dlvrd:001 submit date:2611301749 done date:2611301749"
                    " stat:DELIVRD err:000 text:Test from Enet";
    assert_int_equal(npg_sms_receipt_parse_smpp(t, strlen(t), NULL, -1, &r), NPG_OK);
    assert_string_equal(r.message_id, "5A001");
    assert_string_equal(r.status, "DELIVRD");
    assert_string_equal(r.error, "");
    assert_int_equal(r.delivery, NPG_SMS_DELIVERED);
    /* the TLVs win over the text; message_state alone names the status */
    assert_int_equal(npg_sms_receipt_parse_smpp("garbage", 7, "77", 5, &r), NPG_OK);
    assert_string_equal(r.message_id, "77");
    assert_string_equal(r.status, "UNDELIV");
    assert_int_equal(r.delivery, NPG_SMS_FAILED);
    const char *u = "id:9 stat:UNKNOWN err:005";
    assert_int_equal(npg_sms_receipt_parse_smpp(u, strlen(u), NULL, -1, &r), NPG_OK);
    assert_int_equal(r.delivery, NPG_SMS_UNKNOWN);
    assert_string_equal(r.error, "005");
    const char *e = "id:9 stat:ENROUTE";
    assert_int_equal(npg_sms_receipt_parse_smpp(e, strlen(e), NULL, -1, &r), NPG_OK);
    assert_int_equal(r.delivery, NPG_SMS_PENDING);
    assert_int_equal(npg_sms_receipt_parse_smpp("id:9", 4, NULL, 42, &r), NPG_EINVAL);
}

static void secrets_scrubbed(void **state)
{
    (void)state;
    npg_sms_result_t r = {.status = -1};
    sms_creds_t c = {.account = "AC1", .secret = "tok3n-value"};
    const char echo[] = "{\"echo\":\"tok3n-value\",\"again\":\"xtok3n-valuex\"}\x01";
    sms_keep_response(&r, echo, sizeof(echo) - 1, &c);
    assert_non_null(r.response);
    assert_null(strstr(r.response, "tok3n-value"));
    assert_non_null(strstr(r.response, "\"echo\":\"***\""));
    assert_non_null(strstr(r.response, "x***x"));
    assert_null(strchr(r.response, '\x01'));
    npg_sms_result_clear(&r);
    assert_null(r.response);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(provider_names),    cmocka_unit_test(rest_callbacks),
        cmocka_unit_test(hostile_callbacks), cmocka_unit_test(smpp_receipts),
        cmocka_unit_test(secrets_scrubbed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
