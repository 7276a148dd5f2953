/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The REST providers through libcurl: each one's request (path, authentication, body) and how its
 * answer is read, as each provider documents its API. */
#include "sms/sms_internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/util.h"

#define ANSWER_MAX (64 * 1024) /* a longer answer is cut: we need its first fields only */

/* One request as a provider wants it. */
typedef struct req {
    char url[1024];
    char *body; /* malloc'ed */
    const char *content_type;
    bool basic;          /* HTTP Basic account:secret */
    bool bearer;         /* Authorization: Bearer secret */
    char callback[1024]; /* status callback URL, "" when none is asked for */
} req_t;

typedef struct answer {
    char *data;
    size_t len;
} answer_t;

typedef struct rest_ops {
    /* Fill q; false (with r failed) when the request cannot be built. */
    bool (*build)(const npg_conf_sms_provider_t *pc, const sms_creds_t *c, const npg_sms_msg_t *m,
                  req_t *q, npg_sms_result_t *r);
    /* Read the answer of an HTTP status: message id, or the error. */
    void (*parse)(int status, json_t *j, npg_sms_result_t *r);
} rest_ops_t;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *esc(CURL *h, const char *s)
{
    return curl_easy_escape(h, s, 0);
}

/* "k=v&k=v" from pairs (NULL value: left out). */
static char *form(CURL *h, const char *const *kv, size_t n)
{
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (!kv[i + 1])
            continue;
        char *v = esc(h, kv[i + 1]);
        if (!v) {
            free(out);
            return NULL;
        }
        size_t need = len + strlen(kv[i]) + strlen(v) + 3;
        if (need > cap) {
            char *bigger = realloc(out, need * 2);
            if (!bigger) {
                curl_free(v);
                free(out);
                return NULL;
            }
            out = bigger;
            cap = need * 2;
        }
        len += (size_t)sprintf(out + len, "%s%s=%s", len ? "&" : "", kv[i], v);
        curl_free(v);
    }
    return out;
}

static char *json_body(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return s;
}

/* Path segments we put in URLs are account ids: letters, digits, '-', '_' only. */
static bool safe_segment(const char *s)
{
    return s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                       strlen(s);
}

static const char *str(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static void set_id(npg_sms_result_t *r, const char *id, const char *provider)
{
    if (id && id[0] && strlen(id) < sizeof(r->message_id)) {
        npg_strlcpy(r->message_id, id, sizeof(r->message_id));
        r->error = NPG_SMS_OK;
        r->error_text[0] = '\0';
    } else
        sms_fail(r, NPG_SMS_BAD_RESPONSE,
                 "%s accepted the request but its answer names no message id", provider);
}

/* The HTTP statuses every provider uses the same way. */
static bool common_status(int status, const char *provider, const char *detail, npg_sms_result_t *r)
{
    detail = detail && detail[0] ? detail : "no detail";
    if (status == 401 || status == 403)
        sms_fail(r, NPG_SMS_AUTH, "%s refused the credentials (HTTP %d: %.300s)", provider, status,
                 detail);
    else if (status == 429)
        sms_fail(r, NPG_SMS_RATE_LIMITED,
                 "%s is rate limiting us (HTTP 429: %.300s); try again later", provider, detail);
    else if (status >= 500)
        sms_fail(r, NPG_SMS_PROVIDER_ERROR, "%s failed (HTTP %d: %.300s)", provider, status,
                 detail);
    else
        return false;
    return true;
}

static bool mentions_number(const char *s)
{
    return s && (strcasestr(s, "'to'") || strcasestr(s, "\"to\"") || strcasestr(s, " to ") ||
                 strcasestr(s, "number") || strcasestr(s, "recipient") || strcasestr(s, "dst") ||
                 strcasestr(s, "destination"));
}

/* --- Twilio: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form, Basic ------------- */

static bool twilio_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                         const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    if (!safe_segment(c->account)) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED, "Twilio: the Account SID is not a plain identifier");
        return false;
    }
    snprintf(q->url, sizeof(q->url), "%s/2010-04-01/Accounts/%s/Messages.json", pc->url,
             c->account);
    char to[20];
    snprintf(to, sizeof(to), "+%s", m->number);
    CURL *h = curl_easy_init();
    if (!h)
        return false;
    const char *kv[] = {"To",   to,      "From",           pc->sender,
                        "Body", m->body, "StatusCallback", q->callback[0] ? q->callback : NULL};
    q->body = form(h, kv, NPG_ARRAY_LEN(kv));
    curl_easy_cleanup(h);
    q->content_type = "application/x-www-form-urlencoded";
    q->basic = true;
    return q->body != NULL;
}

static void twilio_parse(int status, json_t *j, npg_sms_result_t *r)
{
    if (status == 201 || status == 200) {
        set_id(r, str(j, "sid"), "Twilio");
        return;
    }
    json_t *code = json_object_get(j, "code");
    const char *msg = str(j, "message");
    char detail[400];
    snprintf(detail, sizeof(detail), "code %lld, %s", (long long)json_integer_value(code),
             msg ? msg : "no message");
    if (common_status(status, "Twilio", detail, r))
        return;
    long long cd = json_integer_value(code);
    /* 21211 invalid To, 21614 not a mobile number, 21408 region not enabled, 21610 opted out */
    if (cd == 21211 || cd == 21614 || cd == 21408 || cd == 21610)
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "Twilio refused the number (HTTP %d, %s)", status,
                 detail);
    else
        sms_fail(r, NPG_SMS_REJECTED, "Twilio refused the message (HTTP %d, %s)", status, detail);
}

/* --- Vonage SMS API: POST /sms/json, form with api_key and api_secret ----------------------- */

static bool vonage_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                         const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    (void)r;
    snprintf(q->url, sizeof(q->url), "%s/sms/json", pc->url);
    CURL *h = curl_easy_init();
    if (!h)
        return false;
    const char *kv[] = {"api_key",
                        c->account,
                        "api_secret",
                        c->secret,
                        "to",
                        m->number,
                        "from",
                        pc->sender,
                        "text",
                        m->body,
                        "client-ref",
                        m->ids->transaction_id,
                        "status-report-req",
                        q->callback[0] ? "1" : NULL,
                        "callback",
                        q->callback[0] ? q->callback : NULL};
    q->body = form(h, kv, NPG_ARRAY_LEN(kv));
    curl_easy_cleanup(h);
    q->content_type = "application/x-www-form-urlencoded";
    return q->body != NULL;
}

static void vonage_parse(int status, json_t *j, npg_sms_result_t *r)
{
    /* Vonage answers 200 for refusals too: the verdict is messages[0].status ("0" = accepted). */
    json_t *msg = json_array_get(json_object_get(j, "messages"), 0);
    const char *st = str(msg, "status");
    const char *text = str(msg, "error-text");
    if (status != 200 || !st) {
        if (!common_status(status, "Vonage", text, r))
            sms_fail(r, NPG_SMS_BAD_RESPONSE, "Vonage answered HTTP %d without a message status",
                     status);
        return;
    }
    int s = atoi(st);
    if (s == 0) {
        set_id(r, str(msg, "message-id"), "Vonage");
        return;
    }
    const char *t = text ? text : "no error-text";
    if (s == 4 || s == 14) /* bad credentials, invalid signature */
        sms_fail(r, NPG_SMS_AUTH, "Vonage refused the credentials (status %d: %.300s)", s, t);
    else if (s == 1) /* throttled */
        sms_fail(r, NPG_SMS_RATE_LIMITED, "Vonage is throttling us (status 1: %.300s)", t);
    else if (s == 29 || (s == 3 && mentions_number(t)) || s == 6)
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "Vonage refused the number (status %d: %.300s)", s, t);
    else if (s == 5 || s == 13)
        sms_fail(r, NPG_SMS_PROVIDER_ERROR, "Vonage failed (status %d: %.300s)", s, t);
    else
        sms_fail(r, NPG_SMS_REJECTED, "Vonage refused the message (status %d: %.300s)", s, t);
}

/* --- Sinch SMS REST: POST /xms/v1/{service_plan_id}/batches, JSON, Bearer ------------------ */

static bool sinch_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                        const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    if (!safe_segment(c->account)) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED, "Sinch: the service plan id is not a plain identifier");
        return false;
    }
    snprintf(q->url, sizeof(q->url), "%s/xms/v1/%s/batches", pc->url, c->account);
    char to[20];
    snprintf(to, sizeof(to), "+%s", m->number);
    json_t *j = json_pack("{s:s, s:[s], s:s, s:s, s:s}", "from", pc->sender, "to", to, "body",
                          m->body, "delivery_report", q->callback[0] ? "per_recipient" : "none",
                          "client_reference", m->ids->transaction_id);
    if (j && q->callback[0])
        json_object_set_new(j, "callback_url", json_string(q->callback));
    q->body = json_body(j);
    q->content_type = "application/json";
    q->bearer = true;
    return q->body != NULL;
}

static void sinch_parse(int status, json_t *j, npg_sms_result_t *r)
{
    if (status == 201 || status == 200) {
        set_id(r, str(j, "id"), "Sinch");
        return;
    }
    const char *code = str(j, "code"), *text = str(j, "text");
    char detail[400];
    snprintf(detail, sizeof(detail), "%s: %s", code ? code : "no code", text ? text : "no text");
    if (common_status(status, "Sinch", detail, r))
        return;
    if (status == 400 && (mentions_number(text) || (code && strstr(code, "recipient"))))
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "Sinch refused the number (HTTP 400, %s)", detail);
    else
        sms_fail(r, NPG_SMS_REJECTED, "Sinch refused the batch (HTTP %d, %s)", status, detail);
}

/* --- Telnyx Messaging v2: POST /v2/messages, JSON, Bearer ---------------------------------- */

static bool telnyx_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                         const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    (void)c;
    (void)r;
    snprintf(q->url, sizeof(q->url), "%s/v2/messages", pc->url);
    char to[20], from[40];
    snprintf(to, sizeof(to), "+%s", m->number);
    /* a number as sender is E.164 with '+', an alphanumeric sender id as it is */
    snprintf(from, sizeof(from), "%s%s", npg_is_digits(pc->sender) ? "+" : "", pc->sender);
    json_t *j = json_pack("{s:s, s:s, s:s}", "from", from, "to", to, "text", m->body);
    if (j && q->callback[0]) {
        json_object_set_new(j, "webhook_url", json_string(q->callback));
        json_object_set_new(j, "use_profile_webhooks", json_false());
    }
    q->body = json_body(j);
    q->content_type = "application/json";
    q->bearer = true;
    return q->body != NULL;
}

static void telnyx_parse(int status, json_t *j, npg_sms_result_t *r)
{
    if (status == 200 || status == 201 || status == 202) {
        set_id(r, str(json_object_get(j, "data"), "id"), "Telnyx");
        return;
    }
    json_t *e = json_array_get(json_object_get(j, "errors"), 0);
    const char *code = str(e, "code"), *title = str(e, "title"), *det = str(e, "detail");
    char detail[400];
    snprintf(detail, sizeof(detail), "code %s, %s%s%s", code ? code : "?", title ? title : "",
             det ? ": " : "", det ? det : "");
    if (common_status(status, "Telnyx", detail, r))
        return;
    /* 40310 invalid 'to' address, 40300/40301 blocked or unreachable destination */
    if (code && (strcmp(code, "40310") == 0 || strcmp(code, "40300") == 0 ||
                 strcmp(code, "40301") == 0 || mentions_number(det)))
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "Telnyx refused the number (HTTP %d, %s)", status,
                 detail);
    else
        sms_fail(r, NPG_SMS_REJECTED, "Telnyx refused the message (HTTP %d, %s)", status, detail);
}

/* --- Plivo: POST /v1/Account/{auth_id}/Message/, JSON, Basic ------------------------------- */

static bool plivo_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                        const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    if (!safe_segment(c->account)) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED, "Plivo: the Auth ID is not a plain identifier");
        return false;
    }
    snprintf(q->url, sizeof(q->url), "%s/v1/Account/%s/Message/", pc->url, c->account);
    json_t *j = json_pack("{s:s, s:s, s:s}", "src", pc->sender, "dst", m->number, "text", m->body);
    if (j && q->callback[0]) {
        json_object_set_new(j, "url", json_string(q->callback));
        json_object_set_new(j, "method", json_string("POST"));
    }
    q->body = json_body(j);
    q->content_type = "application/json";
    q->basic = true;
    return q->body != NULL;
}

static void plivo_parse(int status, json_t *j, npg_sms_result_t *r)
{
    if (status == 202 || status == 200) {
        json_t *ids = json_object_get(j, "message_uuid");
        json_t *first = json_array_get(ids, 0);
        set_id(r, json_is_string(first) ? json_string_value(first) : NULL, "Plivo");
        return;
    }
    const char *err = str(j, "error");
    if (common_status(status, "Plivo", err, r))
        return;
    if (status == 400 && mentions_number(err))
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "Plivo refused the number (HTTP 400: %.300s)", err);
    else
        sms_fail(r, NPG_SMS_REJECTED, "Plivo refused the message (HTTP %d: %.300s)", status,
                 err ? err : "no error text");
}

/* --- ClickSend v3: POST /v3/sms/send, JSON, Basic username:api_key ------------------------- */

static bool clicksend_build(const npg_conf_sms_provider_t *pc, const sms_creds_t *c,
                            const npg_sms_msg_t *m, req_t *q, npg_sms_result_t *r)
{
    (void)c;
    (void)r;
    snprintf(q->url, sizeof(q->url), "%s/v3/sms/send", pc->url);
    char to[20];
    snprintf(to, sizeof(to), "+%s", m->number);
    /* Its receipts go to the account's delivery-report URL; custom_string comes back in them
     * and carries our receipt token. */
    json_t *j =
        json_pack("{s:[{s:s, s:s, s:s, s:s, s:s}]}", "messages", "source", "npgw", "from",
                  pc->sender, "body", m->body, "to", to, "custom_string", m->ids->receipt_token);
    q->body = json_body(j);
    q->content_type = "application/json";
    q->basic = true;
    return q->body != NULL;
}

static void clicksend_parse(int status, json_t *j, npg_sms_result_t *r)
{
    const char *rc = str(j, "response_code"), *rm = str(j, "response_msg");
    json_t *msg = json_array_get(json_object_get(json_object_get(j, "data"), "messages"), 0);
    const char *ms = str(msg, "status");
    if (status == 200 && ms && strcmp(ms, "SUCCESS") == 0) {
        set_id(r, str(msg, "message_id"), "ClickSend");
        return;
    }
    char detail[400];
    snprintf(detail, sizeof(detail), "%s%s%s", rc ? rc : "no response_code", rm ? ": " : "",
             rm ? rm : "");
    if (common_status(status, "ClickSend", detail, r))
        return;
    if (ms && (strcmp(ms, "INVALID_RECIPIENT") == 0 || strcmp(ms, "COUNTRY_NOT_ENABLED") == 0))
        sms_fail(r, NPG_SMS_INVALID_NUMBER, "ClickSend refused the number (message status %s)", ms);
    else if (ms)
        sms_fail(r, NPG_SMS_REJECTED, "ClickSend refused the message (message status %s, %s)", ms,
                 detail);
    else
        sms_fail(r, NPG_SMS_REJECTED, "ClickSend refused the request (HTTP %d, %s)", status,
                 detail);
}

static const rest_ops_t rest_ops[] = {
    [NPG_SMS_TWILIO] = {twilio_build, twilio_parse},
    [NPG_SMS_VONAGE] = {vonage_build, vonage_parse},
    [NPG_SMS_SINCH] = {sinch_build, sinch_parse},
    [NPG_SMS_TELNYX] = {telnyx_build, telnyx_parse},
    [NPG_SMS_PLIVO] = {plivo_build, plivo_parse},
    [NPG_SMS_CLICKSEND] = {clicksend_build, clicksend_parse},
};

/* --- the HTTP exchange --------------------------------------------------------------------- */

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
    answer_t *a = arg;
    size_t n = size * nmemb;
    size_t room = ANSWER_MAX - a->len;
    size_t take = n < room ? n : room;
    if (take) {
        char *bigger = realloc(a->data, a->len + take + 1);
        if (!bigger)
            return 0;
        a->data = bigger;
        memcpy(a->data + a->len, ptr, take);
        a->len += take;
        a->data[a->len] = '\0';
    }
    return n; /* the rest is dropped, not an error */
}

/* Plain http only to this machine (the stand-ins); anything else must be https. */
static bool url_allowed(const char *url)
{
    if (strncasecmp(url, "https://", 8) == 0)
        return true;
    if (strncasecmp(url, "http://", 7) != 0)
        return false;
    const char *host = url + 7;
    return strncmp(host, "127.", 4) == 0 || strncmp(host, "localhost:", 10) == 0 ||
           strncmp(host, "localhost/", 10) == 0 || strncmp(host, "[::1]", 5) == 0;
}

static void callback_url(const npg_conf_t *conf, npg_sms_provider_t p, const npg_sms_msg_t *m,
                         req_t *q)
{
    const char *base = conf->sms.callback_url;
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    if (!m->want_receipt || !bl || p == NPG_SMS_CLICKSEND)
        return;
    snprintf(q->callback, sizeof(q->callback), "%.*s/np_api/sms/receipt/%s?t=%s", (int)bl, base,
             npg_sms_provider_key(p), m->ids->receipt_token);
}

void sms_rest_send(const npg_conf_t *conf, npg_sms_provider_t p, const sms_creds_t *c,
                   const npg_sms_msg_t *m, npg_sms_result_t *r)
{
    const npg_conf_sms_provider_t *pc = &conf->sms.provider[p];
    const char *name = npg_sms_provider_name(p);
    req_t q;
    memset(&q, 0, sizeof(q));
    answer_t a = {0};
    struct curl_slist *hdrs = NULL;
    char auth[600], errbuf[CURL_ERROR_SIZE] = "";
    CURL *h = NULL;
    pthread_once(&curl_once, curl_init);
    if (!url_allowed(pc->url)) {
        sms_fail(r, NPG_SMS_NOT_CONFIGURED,
                 "%s: [sms.%s] url must be https (plain http only to a loopback address)", name,
                 npg_sms_provider_key(p));
        goto out;
    }
    callback_url(conf, p, m, &q);
    if (!rest_ops[p].build(pc, c, m, &q, r)) {
        if (r->error == NPG_SMS_OK)
            sms_fail(r, NPG_SMS_REJECTED, "%s: out of memory building the request", name);
        goto out;
    }
    h = curl_easy_init();
    if (!h) {
        sms_fail(r, NPG_SMS_UNREACHABLE, "%s: cannot start an HTTP client", name);
        goto out;
    }
    char ct[80];
    snprintf(ct, sizeof(ct), "Content-Type: %s", q.content_type);
    hdrs = curl_slist_append(hdrs, ct);
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    if (q.bearer) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->secret);
        hdrs = curl_slist_append(hdrs, auth);
        memset(auth, 0, sizeof(auth));
    }
    long ms = (long)pc->timeout * 1000;
    curl_easy_setopt(h, CURLOPT_URL, q.url);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, q.body);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "npgw/" PACKAGE_VERSION);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    if (pc->ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, pc->ca_file);
    if (q.basic) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, c->account);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
    }
    CURLcode cc = curl_easy_perform(h);
    if (cc != CURLE_OK) {
        const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
        if (cc == CURLE_OPERATION_TIMEDOUT)
            sms_fail(r, NPG_SMS_TIMEOUT, "%s did not answer within %d s (%s)", name, pc->timeout,
                     why);
        else
            sms_fail(r, NPG_SMS_UNREACHABLE, "%s could not be reached at %s (%s)", name, pc->url,
                     why);
        goto out;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    r->status = (int)status;
    sms_keep_response(r, a.data, a.len, c);
    json_error_t jerr;
    json_t *j = a.data ? json_loadb(a.data, a.len, 0, &jerr) : NULL;
    rest_ops[p].parse((int)status, j, r);
    json_decref(j);
out:
    if (h) {
        /* the secret stays nowhere in the handle once we are done */
        curl_easy_setopt(h, CURLOPT_PASSWORD, "");
        curl_easy_cleanup(h);
    }
    curl_slist_free_all(hdrs);
    if (q.body) {
        memset(q.body, 0, strlen(q.body));
        free(q.body);
    }
    free(a.data);
}
