/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sms/sms_internal.h - what the provider families (rest.c, smpp.c) share with sms.c. */
#pragma once
#include "sms/sms.h"

/* Largest provider answer kept on a result and its row. */
#define SMS_RESPONSE_MAX 4096

/* The credentials of one submission; wiped after use. */
typedef struct sms_creds {
    char account[128];
    char secret[512];
} sms_creds_t;

/* Mark r failed with a sentence. */
void sms_fail(npg_sms_result_t *r, npg_sms_error_t e, const char *fmt, ...) NPG_PRINTF(3, 4);
/* Keep (a copy of) what the provider answered: at most SMS_RESPONSE_MAX bytes, control
 * characters replaced, and every occurrence of the secret replaced with "***". */
void sms_keep_response(npg_sms_result_t *r, const char *body, size_t len, const sms_creds_t *c);

/* One submission through a REST provider (rest.c); fills r. */
void sms_rest_send(const npg_conf_t *conf, npg_sms_provider_t p, const sms_creds_t *c,
                   const npg_sms_msg_t *m, npg_sms_result_t *r);
/* One submission through an SMPP provider (smpp.c): bind_transmitter, submit_sm, unbind. */
void sms_smpp_send(const npg_conf_sms_provider_t *pc, npg_sms_provider_t p, const sms_creds_t *c,
                   const npg_sms_msg_t *m, npg_sms_result_t *r);

/* Read the secret file's first line into c->secret. NPG_ENOTFOUND when none is set. */
int sms_read_secret(const char *path, char *out, size_t len) NPG_WUR;
