/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Webhook signatures against vectors made by the standardwebhooks package, secrets, event
 * filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hooks/hooks.h"
#include "hooks/hooks_internal.h"

#define S1 "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define S2 "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
#define ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define TS 1614265330LL
static const char body[] =
    "{\"type\":\"port_in.completed\",\"timestamp\":\"2026-11-30T10:00:00.000Z\",\"data\":{}}";

/* new Webhook(secret).sign(ID, new Date(TS * 1000), body) in standardwebhooks 1.1.1 */
#define SIG1 "v1,Iwme7Ovz4K2ZKtpafA8NuLK4B5Iq7AfzCx9MFE/a+ec="
#define SIG2 "v1,mCNtzZbFC/T1MKA4jaJCSsiX+AqtE62243plhK7wUhc="

static void sign_matches_the_reference(void **state)
{
    (void)state;
    char out[300];
    assert_int_equal(npg_webhook_sign(S1, ID, TS, body, strlen(body), out, sizeof(out)), NPG_OK);
    assert_string_equal(out, SIG1);
}

static void every_secret_signs_during_a_rotation(void **state)
{
    (void)state;
    char out[300];
    assert_int_equal(npg_webhook_sign(S1 " " S2, ID, TS, body, strlen(body), out, sizeof(out)),
                     NPG_OK);
    assert_string_equal(out, SIG1 " " SIG2);
}

static void the_body_and_timestamp_are_signed(void **state)
{
    (void)state;
    char out[300];
    assert_int_equal(npg_webhook_sign(S1, ID, TS + 1, body, strlen(body), out, sizeof(out)),
                     NPG_OK);
    assert_string_not_equal(out, SIG1);
    assert_int_equal(npg_webhook_sign(S1, ID, TS, body, strlen(body) - 1, out, sizeof(out)),
                     NPG_OK);
    assert_string_not_equal(out, SIG1);
}

static void secrets(void **state)
{
    (void)state;
    char why[200], made[64];
    assert_true(npg_webhook_secrets_valid(S1, why, sizeof(why)));
    assert_true(npg_webhook_secrets_valid(" " S1 "  " S2 " ", why, sizeof(why)));
    assert_false(npg_webhook_secrets_valid("", why, sizeof(why)));
    assert_false(npg_webhook_secrets_valid("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", why, sizeof(why)));
    assert_false(npg_webhook_secrets_valid("whsec_c2hvcnQ=", why, sizeof(why))); /* 5 bytes */
    assert_false(npg_webhook_secrets_valid("whsec_!!!!", why, sizeof(why)));
    char out[300];
    assert_int_equal(npg_webhook_sign("whsec_!!!!", ID, TS, body, 3, out, sizeof(out)), NPG_EINVAL);
    assert_int_equal(npg_webhook_secret_new(made), NPG_OK);
    assert_true(npg_webhook_secrets_valid(made, why, sizeof(why)));
    assert_int_equal(strlen(made), 6 + 44);
}

static void event_filters(void **state)
{
    (void)state;
    char why[200];
    assert_true(webhook_event_matches("*", "port_out.ported"));
    assert_true(webhook_event_matches("port_in.completed, service.*", "service.activate"));
    assert_true(webhook_event_matches("port_in.completed,service.*", "port_in.completed"));
    assert_false(webhook_event_matches("port_in.completed,service.*", "port_in.created"));
    assert_false(webhook_event_matches("port_in.*", "port_out.ported"));
    assert_true(npg_hook_events_valid("port_in.*,routing.deleted", why, sizeof(why)));
    assert_false(npg_hook_events_valid("port_in.done", why, sizeof(why)));
    assert_false(npg_hook_events_valid(" , ", why, sizeof(why)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_matches_the_reference),
        cmocka_unit_test(every_secret_signs_during_a_rotation),
        cmocka_unit_test(the_body_and_timestamp_are_signed),
        cmocka_unit_test(secrets),
        cmocka_unit_test(event_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
