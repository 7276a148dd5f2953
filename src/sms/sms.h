/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sms/sms.h - SMS through the CPaaS providers: one submission, a routing validation across
 * several providers in parallel, the stored record of each, and their delivery receipts. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "common/conf.h"
#include "db/db.h"

/* The providers; the order is that of [sms.<name>] in the configuration (conf->sms.provider). */
typedef enum npg_sms_provider {
    NPG_SMS_TWILIO,
    NPG_SMS_VONAGE,
    NPG_SMS_SINCH,
    NPG_SMS_TELNYX,
    NPG_SMS_PLIVO,
    NPG_SMS_CLICKSEND,
    NPG_SMS_ENET, /* SMPP from here on */
    NPG_SMS_GTT,
    NPG_SMS_DIGICEL,
    NPG_SMS_NPROVIDERS
} npg_sms_provider_t;

/* The provider called name (case-insensitive; the seed's "Pilvo" is Plivo), or -1. */
int npg_sms_provider_find(const char *name);
/* "Twilio": its name in answers and rows. */
const char *npg_sms_provider_name(npg_sms_provider_t p);
/* "twilio": its configuration section (sms.twilio) and receipt path segment. */
const char *npg_sms_provider_key(npg_sms_provider_t p);
bool npg_sms_provider_is_smpp(npg_sms_provider_t p);
/* Enough settings to try a submission: a secret file (or, REST only, a request's apiKey), and
 * for SMPP an SMSC address and a system_id. */
bool npg_sms_provider_configured(const npg_conf_t *conf, npg_sms_provider_t p, bool have_key);

/* Why a submission was not accepted; the words (npg_sms_error_code) are documented in
 * docs/sms.md and appear as x-error-code. */
typedef enum npg_sms_error {
    NPG_SMS_OK,
    NPG_SMS_NOT_CONFIGURED, /* no credentials or SMSC address on this gateway */
    NPG_SMS_AUTH,           /* the provider refused the credentials */
    NPG_SMS_INVALID_NUMBER, /* the provider refused the destination number */
    NPG_SMS_RATE_LIMITED,   /* too many requests: try again later */
    NPG_SMS_TIMEOUT,        /* no answer within the provider's timeout */
    NPG_SMS_UNREACHABLE,    /* could not connect (down, refused, DNS, TLS) */
    NPG_SMS_REJECTED,       /* any other refusal by the provider */
    NPG_SMS_BAD_RESPONSE,   /* an answer we could not understand */
    NPG_SMS_PROVIDER_ERROR, /* the provider failed (HTTP 5xx, SMPP system error): try later */
} npg_sms_error_t;
const char *npg_sms_error_code(npg_sms_error_t e);

/* Our ids for one message: the transaction id (x-transaction-id, given to a provider when
 * escalating) and the secret its status callback URL carries. */
typedef struct npg_sms_ids {
    char transaction_id[33];
    char receipt_token[33];
} npg_sms_ids_t;
int npg_sms_ids_new(npg_sms_ids_t *ids) NPG_WUR;

/* One message to send. Strings are borrowed for the call. */
typedef struct npg_sms_msg {
    const char *number;  /* E.164 digits, no '+' */
    const char *body;    /* at most 160 characters */
    const char *api_key; /* NULL: the configured secret; else it replaces the secret, and
                            "account:secret" replaces both */
    const npg_sms_ids_t *ids;
    bool want_receipt; /* REST: ask for a status callback ([sms] callback_url must be set) */
} npg_sms_msg_t;

/* What one submission gave. */
typedef struct npg_sms_result {
    npg_sms_provider_t provider;
    npg_sms_error_t error; /* NPG_SMS_OK: the provider accepted the message */
    char error_text[512];  /* a sentence naming the provider and the reason; "" when accepted */
    int status;            /* HTTP status, or SMPP command_status; -1 when no answer came */
    char message_id[128];  /* the provider's id of the message */
    char *response;        /* what the provider answered (at most 4 KiB, secrets replaced by
                              "***"), malloc'ed; NULL when nothing came. npg_sms_result_clear. */
    int64_t submitted_ms;  /* wall clock when the submission started, ms since the epoch */
    int64_t elapsed_ms;
} npg_sms_result_t;
void npg_sms_result_clear(npg_sms_result_t *r);

/*
 * Send one SMS through provider p and wait at most its timeout (connecting included). Blocking
 * and thread-safe; nothing is stored. r->error says whether the provider accepted it; the return
 * is NPG_OK whenever r was filled (also for a refusal), an error only for bad arguments. Secrets
 * are read from their files here and never logged nor returned.
 *
 * For an outbox delivery (the welcome SMS): accepted = delivered; NPG_SMS_AUTH,
 * NPG_SMS_INVALID_NUMBER, NPG_SMS_REJECTED and NPG_SMS_NOT_CONFIGURED will not change on a retry;
 * the others may (npg_sms_error_retryable). Record the result with npg_sms_store().
 */
int npg_sms_send(const npg_conf_t *conf, npg_sms_provider_t p, const npg_sms_msg_t *msg,
                 npg_sms_result_t *r) NPG_WUR;
bool npg_sms_error_retryable(npg_sms_error_t e);

/* --- the record (table sms_messages) ------------------------------------------------------- */

typedef enum npg_sms_kind { NPG_SMS_VALIDATION, NPG_SMS_SEND } npg_sms_kind_t;

/* A row for a message about to be sent (result Pending), so that a receipt that overtakes the
 * submission's answer finds it. *id is the row. */
int npg_sms_store_pending(npg_db_t *db, npg_sms_kind_t kind, const char *user, npg_sms_provider_t p,
                          const npg_sms_msg_t *msg, int64_t submitted_ms, uint64_t *id) NPG_WUR;
/* Fill row id with the submission's result. */
int npg_sms_store_result(npg_db_t *db, uint64_t id, const npg_sms_result_t *r) NPG_WUR;
/* Both at once, for a message already sent (an outbox delivery's done()). */
int npg_sms_store(npg_db_t *db, npg_sms_kind_t kind, const char *user, const npg_sms_msg_t *msg,
                  const npg_sms_result_t *r) NPG_WUR;

/* The seed's answer for a stored row (result, x-message-id, x-transaction-id,
 * x-message-timestamp, x-provider, x-provider-response) plus ours (id, x-error-code, x-error,
 * x-http-status, x-elapsed-ms and the delivery fields). New reference. */
json_t *npg_sms_row_json(npg_db_t *db, uint64_t id);

/* Stored messages, newest first: kind (NULL: every kind), number (NULL: any), at most limit.
 * *out is a new JSON array. */
int npg_sms_list(npg_db_t *db, const char *kind, const char *number, int limit,
                 json_t **out) NPG_WUR;

/*
 * A routing validation: "Test from {Provider}" to number through each of providers[0..n) in
 * parallel, each with its own timeout, every one stored (kind validation, requested by user).
 * db is used under a lock by the sending threads. *out is a new JSON array, one row answer
 * (npg_sms_row_json) per provider in the order asked.
 */
int npg_sms_validate(npg_db_t *db, const npg_conf_t *conf, const char *user, const char *number,
                     const npg_sms_provider_t *providers, size_t n, const char *api_key,
                     json_t **out) NPG_WUR;

/* --- delivery receipts --------------------------------------------------------------------- */

typedef enum npg_sms_delivery {
    NPG_SMS_PENDING,   /* an intermediate status (queued, sent, ENROUTE): not final */
    NPG_SMS_DELIVERED, /* final: on the handset */
    NPG_SMS_FAILED,    /* final: undelivered, rejected, expired */
    NPG_SMS_UNKNOWN,   /* final: the network does not know */
} npg_sms_delivery_t;

typedef struct npg_sms_receipt {
    char message_id[128]; /* the provider's id of the message */
    char token[64];       /* our receipt token, where the receipt carries one; "" otherwise */
    char status[64];      /* the provider's status word */
    char error[128];      /* its error code or text, "" when none */
    npg_sms_delivery_t delivery;
} npg_sms_receipt_t;

/* A REST provider's status callback (query string and body, form or JSON, untrusted).
 * NPG_EINVAL when it is not one. */
int npg_sms_receipt_parse(npg_sms_provider_t p, const char *query, const char *body, size_t len,
                          npg_sms_receipt_t *out) NPG_WUR;
/* An SMPP delivery receipt: the short_message text ("id:... stat:DELIVRD err:000 ...") and the
 * receipted_message_id and message_state TLVs when present (NULL, -1 otherwise). */
int npg_sms_receipt_parse_smpp(const char *text, size_t len, const char *receipted_id,
                               int message_state, npg_sms_receipt_t *out) NPG_WUR;
/*
 * Record a receipt on its message. With a token (REST callbacks), the row is the one holding
 * that token for provider p, and its message id must match when both are known; without one
 * (SMPP), the row is provider p's message r->message_id. A final delivery is kept: later
 * receipts are counted but do not change it. NPG_ENOTFOUND when no message matches.
 */
int npg_sms_receipt_apply(npg_db_t *db, npg_sms_provider_t p, const npg_sms_receipt_t *r,
                          bool by_token) NPG_WUR;

/* --- SMPP receiver sessions (npgwd) -------------------------------------------------------- */

typedef struct npg_sms_receivers npg_sms_receivers_t;
/* One thread per SMPP provider configured with receipts = yes: bind_receiver, answer
 * enquire_link, send our own, take deliver_sm receipts into the database, rebind with back-off.
 * conf and pool must outlive them. */
int npg_sms_receivers_start(const npg_conf_t *conf, npg_db_pool_t *pool,
                            npg_sms_receivers_t **out) NPG_WUR;
/* Unbind, stop and free; NULL is fine. */
void npg_sms_receivers_stop(npg_sms_receivers_t **r);
