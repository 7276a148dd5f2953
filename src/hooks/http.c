/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Outbound HTTP POST with libcurl: one easy handle per thread, so connections are reused. */
#include "hooks/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static pthread_key_t curl_key;

static void free_handle(void *h)
{
    curl_easy_cleanup(h);
}

static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_key_create(&curl_key, free_handle);
}

static CURL *thread_handle(void)
{
    pthread_once(&curl_once, init_curl);
    CURL *h = pthread_getspecific(curl_key);
    if (!h) {
        h = curl_easy_init();
        if (h)
            pthread_setspecific(curl_key, h);
    } else {
        curl_easy_reset(h); /* options of the last call go, its connections stay */
    }
    return h;
}

typedef struct sink {
    char *buf;
    size_t len;
    bool too_big;
} sink_t;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    sink_t *s = arg;
    size_t add = size * n;
    if (s->len + add > NPG_HOOK_HTTP_MAX_ANSWER) {
        s->too_big = true;
        return 0; /* stops the transfer */
    }
    char *b = realloc(s->buf, s->len + add + 1);
    if (!b)
        return 0;
    memcpy(b + s->len, data, add);
    s->len += add;
    b[s->len] = '\0';
    s->buf = b;
    return add;
}

int npg_hook_http_post(const npg_hook_http_req_t *req, npg_hook_http_resp_t *resp)
{
    memset(resp, 0, sizeof(*resp));
    if (!req->url ||
        (strncasecmp(req->url, "http://", 7) != 0 && strncasecmp(req->url, "https://", 8) != 0)) {
        snprintf(resp->error, sizeof(resp->error), "not an http(s) URL");
        return NPG_EINVAL;
    }
    CURL *h = thread_handle();
    if (!h) {
        snprintf(resp->error, sizeof(resp->error), "libcurl could not start");
        return NPG_ENOMEM;
    }
    struct curl_slist *hdrs = NULL;
    char line[400];
    snprintf(line, sizeof(line), "Content-Type: %s",
             req->content_type ? req->content_type : "application/json");
    hdrs = curl_slist_append(hdrs, line);
    hdrs = curl_slist_append(hdrs, "Expect:"); /* no 100-continue round trip */
    for (size_t i = 0; i < NPG_HOOK_HTTP_MAX_HEADERS && req->headers[i]; i++)
        hdrs = curl_slist_append(hdrs, req->headers[i]);
    char auth[300];
    if (req->bearer && req->bearer[0]) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", req->bearer);
        hdrs = curl_slist_append(hdrs, auth);
    }
    sink_t sink = {0};
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (req->tls && req->tls->tls.ca_file[0])
        curl_easy_setopt(h, CURLOPT_CAINFO, req->tls->tls.ca_file);
    if (req->tls && req->tls->tls.cert_file[0]) {
        curl_easy_setopt(h, CURLOPT_SSLCERT, req->tls->tls.cert_file);
        curl_easy_setopt(h, CURLOPT_SSLKEY,
                         req->tls->tls.key_file[0] ? req->tls->tls.key_file
                                                   : req->tls->tls.cert_file);
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(req->timeout_ms > 0 ? req->timeout_ms : 5000));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(req->timeout_ms > 0 ? req->timeout_ms : 5000));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "npgw/" PACKAGE_VERSION);
    if (req->user && req->user[0]) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, req->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, req->password ? req->password : "");
    }
    CURLcode cc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    int rc = NPG_OK;
    if (cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->body = sink.buf ? sink.buf : calloc(1, 1);
        resp->body_len = sink.len;
        return resp->body ? NPG_OK : NPG_ENOMEM;
    }
    free(sink.buf);
    if (sink.too_big) {
        snprintf(resp->error, sizeof(resp->error), "answer larger than %d bytes",
                 NPG_HOOK_HTTP_MAX_ANSWER);
        rc = NPG_ETOOBIG;
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(resp->error, sizeof(resp->error), "no answer within %d ms", req->timeout_ms);
        rc = NPG_ETIMEOUT;
    } else {
        snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(cc));
        rc = NPG_EIO;
    }
    return rc;
}

void npg_hook_http_resp_clear(npg_hook_http_resp_t *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}
