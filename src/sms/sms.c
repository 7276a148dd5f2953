/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The provider table, one submission, and a validation across providers in parallel. */
#include "sms/sms_internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "common/log.h"
#include "common/util.h"

static const struct {
    const char *name;
    const char *key;
    const char *alias; /* another spelling callers use */
    bool smpp;
    bool needs_account; /* the account is part of the URL or the credentials */
} providers[NPG_SMS_NPROVIDERS] = {
    [NPG_SMS_TWILIO] = {"Twilio", "twilio", NULL, false, true},
    [NPG_SMS_VONAGE] = {"Vonage", "vonage", "Nexmo", false, true},
    [NPG_SMS_SINCH] = {"Sinch", "sinch", NULL, false, true},
    [NPG_SMS_TELNYX] = {"Telnyx", "telnyx", NULL, false, false},
    [NPG_SMS_PLIVO] = {"Plivo", "plivo", "Pilvo", false, true},
    [NPG_SMS_CLICKSEND] = {"ClickSend", "clicksend", NULL, false, true},
    [NPG_SMS_ENET] = {"Enet", "enet", NULL, true, true},
    [NPG_SMS_GTT] = {"GTT", "gtt", NULL, true, true},
    [NPG_SMS_DIGICEL] = {"Digicel", "digicel", NULL, true, true},
};

static const char *const error_codes[] = {
    [NPG_SMS_OK] = "",
    [NPG_SMS_NOT_CONFIGURED] = "not_configured",
    [NPG_SMS_AUTH] = "auth",
    [NPG_SMS_INVALID_NUMBER] = "invalid_number",
    [NPG_SMS_RATE_LIMITED] = "rate_limited",
    [NPG_SMS_TIMEOUT] = "timeout",
    [NPG_SMS_UNREACHABLE] = "unreachable",
    [NPG_SMS_REJECTED] = "rejected",
    [NPG_SMS_BAD_RESPONSE] = "bad_response",
    [NPG_SMS_PROVIDER_ERROR] = "provider_error",
};

int npg_sms_provider_find(const char *name)
{
    for (int i = 0; name && i < NPG_SMS_NPROVIDERS; i++)
        if (strcasecmp(providers[i].name, name) == 0 ||
            (providers[i].alias && strcasecmp(providers[i].alias, name) == 0))
            return i;
    return -1;
}

const char *npg_sms_provider_name(npg_sms_provider_t p)
{
    return p < NPG_SMS_NPROVIDERS ? providers[p].name : "?";
}

const char *npg_sms_provider_key(npg_sms_provider_t p)
{
    return p < NPG_SMS_NPROVIDERS ? providers[p].key : "?";
}

bool npg_sms_provider_is_smpp(npg_sms_provider_t p)
{
    return p < NPG_SMS_NPROVIDERS && providers[p].smpp;
}

bool npg_sms_provider_configured(const npg_conf_t *conf, npg_sms_provider_t p, bool have_key)
{
    if (p >= NPG_SMS_NPROVIDERS)
        return false;
    const npg_conf_sms_provider_t *pc = &conf->sms.provider[p];
    if (!pc->url[0])
        return false;
    if (providers[p].smpp)
        return pc->account[0] && (pc->secret_file[0] || have_key);
    return pc->secret_file[0] || have_key;
}

const char *npg_sms_error_code(npg_sms_error_t e)
{
    return e < NPG_ARRAY_LEN(error_codes) ? error_codes[e] : "rejected";
}

bool npg_sms_error_retryable(npg_sms_error_t e)
{
    return e == NPG_SMS_RATE_LIMITED || e == NPG_SMS_TIMEOUT || e == NPG_SMS_UNREACHABLE ||
           e == NPG_SMS_BAD_RESPONSE || e == NPG_SMS_PROVIDER_ERROR;
}

int npg_sms_ids_new(npg_sms_ids_t *ids)
{
    unsigned char b[32];
    int rc = npg_random_bytes(b, sizeof(b));
    if (rc != NPG_OK)
        return rc;
    npg_hex(b, 16, ids->transaction_id);
    npg_hex(b + 16, 16, ids->receipt_token);
    return NPG_OK;
}

void npg_sms_result_clear(npg_sms_result_t *r)
{
    free(r->response);
    memset(r, 0, sizeof(*r));
    r->status = -1;
}

void sms_fail(npg_sms_result_t *r, npg_sms_error_t e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->error_text, sizeof(r->error_text), fmt, ap);
    va_end(ap);
    r->error = e;
}

void sms_keep_response(npg_sms_result_t *r, const char *body, size_t len, const sms_creds_t *c)
{
    free(r->response);
    r->response = NULL;
    if (!body)
        return;
    if (len > SMS_RESPONSE_MAX)
        len = SMS_RESPONSE_MAX;
    char *s = malloc(len + 1);
    if (!s)
        return;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)body[i];
        s[n++] = (ch < 0x20 && ch != '\n') || ch == 0x7f ? ' ' : (char)ch;
    }
    s[n] = '\0';
    /* A provider that echoes what it was sent must not carry the secret into rows or answers. */
    size_t sl = c ? strlen(c->secret) : 0;
    if (sl >= 4)
        for (char *hit = strstr(s, c->secret); hit; hit = strstr(hit + 3, c->secret)) {
            memcpy(hit, "***", 3);
            memmove(hit + 3, hit + sl, strlen(hit + sl) + 1);
        }
    r->response = s;
}

int sms_read_secret(const char *path, char *out, size_t len)
{
    out[0] = '\0';
    if (!path || !path[0])
        return NPG_ENOTFOUND;
    char *text = NULL;
    size_t n = 0;
    int rc = npg_read_file(path, 8192, &text, &n);
    if (rc != NPG_OK)
        return rc == NPG_ENOTFOUND ? NPG_EIO : rc;
    size_t end = strcspn(text, "\r\n");
    while (end > 0 && isspace((unsigned char)text[end - 1]))
        end--;
    size_t start = 0;
    while (start < end && isspace((unsigned char)text[start]))
        start++;
    if (end - start >= len)
        end = start + len - 1;
    memcpy(out, text + start, end - start);
    out[end - start] = '\0';
    memset(text, 0, n);
    free(text);
    return out[0] ? NPG_OK : NPG_EINVAL;
}

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The credentials of this submission: a request's key wins over the file. */
static bool load_creds(const npg_conf_t *conf, npg_sms_provider_t p, const char *api_key,
                       sms_creds_t *c, npg_sms_result_t *r)
{
    const npg_conf_sms_provider_t *pc = &conf->sms.provider[p];
    const char *name = providers[p].name;
    npg_strlcpy(c->account, pc->account, sizeof(c->account));
    if (api_key && api_key[0]) {
        const char *colon = strchr(api_key, ':');
        if (colon && providers[p].needs_account) {
            size_t al = (size_t)(colon - api_key);
            if (al >= sizeof(c->account))
                al = sizeof(c->account) - 1;
            memcpy(c->account, api_key, al);
            c->account[al] = '\0';
            api_key = colon + 1;
        }
        npg_strlcpy(c->secret, api_key, sizeof(c->secret));
    } else {
        int rc = sms_read_secret(pc->secret_file, c->secret, sizeof(c->secret));
        if (rc != NPG_OK) {
            if (rc != NPG_ENOTFOUND)
                npg_log(LOG_ERR, "sms", "%s: cannot read secret_file %s: %s", name, pc->secret_file,
                        npg_strerror(rc));
            sms_fail(r, NPG_SMS_NOT_CONFIGURED,
                     rc == NPG_ENOTFOUND ? "%s is not configured on this gateway: no credentials"
                                           " ([sms.%s] secret_file) and no apiKey given"
                                         : "%s is not configured on this gateway: its secret"
                                           " file cannot be read",
                     name, providers[p].key);
            return false;
        }
    }
    if (providers[p].needs_account && !c->account[0]) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED,
                 "%s is not configured on this gateway: [sms.%s] account is empty", name,
                 providers[p].key);
        return false;
    }
    return true;
}

int npg_sms_send(const npg_conf_t *conf, npg_sms_provider_t p, const npg_sms_msg_t *msg,
                 npg_sms_result_t *r)
{
    memset(r, 0, sizeof(*r));
    r->status = -1;
    r->provider = p;
    if (p >= NPG_SMS_NPROVIDERS || !msg || !msg->number || !npg_is_digits(msg->number) ||
        !msg->body || !msg->ids)
        return NPG_EINVAL;
    r->submitted_ms = wall_ms();
    int64_t t0 = npg_now_ms();
    const npg_conf_sms_provider_t *pc = &conf->sms.provider[p];
    sms_creds_t c;
    memset(&c, 0, sizeof(c));
    if (!pc->url[0])
        sms_fail(r, NPG_SMS_NOT_CONFIGURED,
                 providers[p].smpp ? "%s is not configured on this gateway: no SMSC address"
                                     " ([sms.%s] url)"
                                   : "%s is not configured on this gateway: no API URL"
                                     " ([sms.%s] url)",
                 providers[p].name, providers[p].key);
    else if (load_creds(conf, p, msg->api_key, &c, r)) {
        if (providers[p].smpp)
            sms_smpp_send(pc, p, &c, msg, r);
        else
            sms_rest_send(conf, p, &c, msg, r);
    }
    r->elapsed_ms = npg_now_ms() - t0;
    memset(&c, 0, sizeof(c));
    if (r->error == NPG_SMS_OK)
        npg_log(LOG_INFO, "sms", "%s accepted the message to +%s as %s (%lld ms)",
                providers[p].name, msg->number, r->message_id, (long long)r->elapsed_ms);
    else
        npg_log(LOG_NOTICE, "sms", "%s: message to +%s not accepted (%s): %s", providers[p].name,
                msg->number, npg_sms_error_code(r->error), r->error_text);
    return NPG_OK;
}

/* --- a validation: one thread per provider ------------------------------------------------- */

typedef struct job {
    const npg_conf_t *conf;
    npg_db_t *db;
    pthread_mutex_t *db_lock;
    npg_sms_provider_t p;
    npg_sms_ids_t ids;
    char body[64];
    const char *number;
    const char *api_key;
    uint64_t row;
    pthread_t thread;
    bool started;
} job_t;

static void *job_main(void *arg)
{
    job_t *j = arg;
    npg_sms_result_t r;
    npg_sms_msg_t m = {.number = j->number,
                       .body = j->body,
                       .api_key = j->api_key,
                       .ids = &j->ids,
                       .want_receipt = true};
    if (npg_sms_send(j->conf, j->p, &m, &r) != NPG_OK)
        sms_fail(&r, NPG_SMS_REJECTED, "internal error sending through %s", providers[j->p].name);
    /* Stored as soon as known: an SMPP receipt names only the provider's message id. */
    pthread_mutex_lock(j->db_lock);
    if (npg_sms_store_result(j->db, j->row, &r) != NPG_OK)
        npg_log(LOG_ERR, "sms", "could not store the %s result of %s", providers[j->p].name,
                j->ids.transaction_id);
    pthread_mutex_unlock(j->db_lock);
    npg_sms_result_clear(&r);
    return NULL;
}

int npg_sms_validate(npg_db_t *db, const npg_conf_t *conf, const char *user, const char *number,
                     const npg_sms_provider_t *list, size_t n, const char *api_key, json_t **out)
{
    if (!n || n > NPG_SMS_NPROVIDERS || !npg_is_digits(number))
        return NPG_EINVAL;
    job_t *jobs = calloc(n, sizeof(*jobs));
    if (!jobs)
        return NPG_ENOMEM;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int rc = NPG_OK;
    int64_t now = wall_ms();
    for (size_t i = 0; i < n && rc == NPG_OK; i++) {
        job_t *j = &jobs[i];
        *j = (job_t){.conf = conf,
                     .db = db,
                     .db_lock = &lock,
                     .p = list[i],
                     .number = number,
                     .api_key = api_key};
        snprintf(j->body, sizeof(j->body), "Test from %s", npg_sms_provider_name(list[i]));
        rc = npg_sms_ids_new(&j->ids);
        npg_sms_msg_t m = {.number = number, .body = j->body, .ids = &j->ids};
        if (rc == NPG_OK)
            rc = npg_sms_store_pending(db, NPG_SMS_VALIDATION, user, list[i], &m, now, &j->row);
    }
    for (size_t i = 0; i < n && rc == NPG_OK; i++) {
        if (pthread_create(&jobs[i].thread, NULL, job_main, &jobs[i]) == 0)
            jobs[i].started = true;
        else
            job_main(&jobs[i]); /* no thread to be had: this one waits its turn */
    }
    for (size_t i = 0; i < n; i++)
        if (jobs[i].started)
            pthread_join(jobs[i].thread, NULL);
    if (rc == NPG_OK) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++) {
            json_t *row = npg_sms_row_json(db, jobs[i].row);
            if (!row) {
                rc = NPG_EDB;
                break;
            }
            json_array_append_new(arr, row);
        }
        if (rc == NPG_OK && arr)
            *out = arr;
        else
            json_decref(arr);
        if (!arr)
            rc = NPG_ENOMEM;
    }
    free(jobs);
    return rc;
}
