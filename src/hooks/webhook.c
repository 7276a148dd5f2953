/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Lifecycle webhooks, signed as the Standard Webhooks specification says: webhook-id,
 * webhook-timestamp and webhook-signature (v1, HMAC-SHA256 over id.timestamp.body with
 * every whsec_ secret of the subscription). The body is fixed when the event is queued, so
 * every redelivery carries the same id and the same bytes; only the timestamp and the
 * signatures are made anew for each attempt. */
#include "hooks/hooks_internal.h"

#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "porting/alarm.h"

#define SECRET_PREFIX "whsec_"
#define MAX_KEY 64

/* whsec_<base64> -> key bytes. */
static int secret_decode(const char *s, size_t slen, unsigned char *key, size_t *keylen)
{
    size_t pl = strlen(SECRET_PREFIX);
    if (slen <= pl || strncmp(s, SECRET_PREFIX, pl) != 0)
        return NPG_EINVAL;
    const char *b = s + pl;
    size_t blen = slen - pl;
    if (blen % 4 != 0 || blen / 4 * 3 > MAX_KEY)
        return NPG_EINVAL;
    for (size_t i = 0; i < blen; i++)
        if (!(('A' <= b[i] && b[i] <= 'Z') || ('a' <= b[i] && b[i] <= 'z') ||
              ('0' <= b[i] && b[i] <= '9') || b[i] == '+' || b[i] == '/' ||
              (b[i] == '=' && i >= blen - 2)))
            return NPG_EINVAL;
    unsigned char out[MAX_KEY + 3];
    int n = EVP_DecodeBlock(out, (const unsigned char *)b, (int)blen);
    if (n < 0)
        return NPG_EINVAL;
    n -= (b[blen - 1] == '=') + (b[blen - 2] == '='); /* DecodeBlock counts the padding */
    if (n < 16)
        return NPG_EINVAL; /* too short to be a secret */
    memcpy(key, out, (size_t)n);
    *keylen = (size_t)n;
    return NPG_OK;
}

bool npg_webhook_secrets_valid(const char *secrets, char *why, size_t len)
{
    int n = 0;
    for (const char *p = secrets; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " ");
        unsigned char key[MAX_KEY];
        size_t kl;
        if (secret_decode(p, wl, key, &kl) != NPG_OK) {
            snprintf(why, len, "a secret is not whsec_ followed by base64 of 16 to 64 bytes");
            return false;
        }
        n++;
        p += wl;
    }
    if (n == 0)
        snprintf(why, len, "no secret given");
    return n > 0;
}

int npg_webhook_secret_new(char out[64])
{
    unsigned char key[32];
    int rc = npg_random_bytes(key, sizeof(key));
    if (rc != NPG_OK)
        return rc;
    memcpy(out, SECRET_PREFIX, strlen(SECRET_PREFIX));
    EVP_EncodeBlock((unsigned char *)out + strlen(SECRET_PREFIX), key, sizeof(key));
    return NPG_OK;
}

int npg_webhook_sign(const char *secrets, const char *id, long long timestamp, const char *body,
                     size_t len, char *out, size_t outlen)
{
    char ts[24];
    snprintf(ts, sizeof(ts), "%lld", timestamp);
    size_t at = 0;
    out[0] = '\0';
    int n = 0;
    for (const char *p = secrets; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " ");
        unsigned char key[MAX_KEY], mac[EVP_MAX_MD_SIZE];
        size_t kl;
        unsigned int ml = 0;
        if (secret_decode(p, wl, key, &kl) != NPG_OK)
            return NPG_EINVAL;
        p += wl;
        /* HMAC-SHA256 over "id.timestamp.body", streamed: the body is never copied */
        EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
        EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
        OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                               OSSL_PARAM_construct_end()};
        size_t macl = 0;
        bool ok = c && EVP_MAC_init(c, key, kl, params) &&
                  EVP_MAC_update(c, (const unsigned char *)id, strlen(id)) &&
                  EVP_MAC_update(c, (const unsigned char *)".", 1) &&
                  EVP_MAC_update(c, (const unsigned char *)ts, strlen(ts)) &&
                  EVP_MAC_update(c, (const unsigned char *)".", 1) &&
                  EVP_MAC_update(c, (const unsigned char *)body, len) &&
                  EVP_MAC_final(c, mac, &macl, sizeof(mac));
        EVP_MAC_CTX_free(c);
        EVP_MAC_free(m);
        OPENSSL_cleanse(key, sizeof(key));
        if (!ok)
            return NPG_ENOMEM;
        ml = (unsigned int)macl;
        char b64[EVP_MAX_MD_SIZE * 2];
        EVP_EncodeBlock((unsigned char *)b64, mac, (int)ml);
        int w = snprintf(out + at, outlen - at, "%sv1,%s", n ? " " : "", b64);
        if (w < 0 || (size_t)w >= outlen - at)
            return NPG_ETOOBIG;
        at += (size_t)w;
        n++;
    }
    return n ? NPG_OK : NPG_EINVAL;
}

bool webhook_event_matches(const char *filter, const char *type)
{
    char copy[1024];
    npg_strlcpy(copy, filter, sizeof(copy));
    for (char *save = NULL, *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
        size_t wl = strlen(w);
        if (strcmp(w, "*") == 0 || strcmp(w, type) == 0)
            return true;
        if (wl > 2 && strcmp(w + wl - 2, ".*") == 0 && strncmp(w, type, wl - 1) == 0)
            return true;
    }
    return false;
}

static int queue_one(npg_db_t *db, const char *sub, const char *evid, const char *body,
                     const char *port_kind, uint64_t port_id, const char *order_ref)
{
    char order[64], idem[128];
    snprintf(order, sizeof(order), "wh:%s:%s", sub, order_ref);
    snprintf(idem, sizeof(idem), "wh:%s:%s", sub, evid);
    size_t len = strlen(sub) + strlen(evid) + strlen(body) + 3;
    char *payload = malloc(len);
    if (!payload)
        return NPG_ENOMEM;
    snprintf(payload, len, "%s\n%s\n%s", sub, evid, body);
    int rc = npg_outbox_put(db, HOOK_KIND_WEBHOOK, order, idem, port_kind, port_id, payload);
    free(payload);
    return rc;
}

int webhook_queue(npg_hooks_t *h, npg_db_t *db, const char *type, const char *port_kind,
                  uint64_t port_id, const char *order_ref, json_t *data)
{
    char evid[40], now[40];
    int rc = hook_new_id("msg", evid, sizeof(evid));
    if (rc != NPG_OK)
        return rc;
    hook_now_iso(now, sizeof(now));
    json_t *ev = json_pack("{s:s, s:s, s:O}", "type", type, "timestamp", now, "data", data);
    char *body = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
    json_decref(ev);
    if (!body)
        return NPG_ENOMEM;
    if (h->conf->webhooks.url[0] && webhook_event_matches(h->conf->webhooks.events, type))
        rc = queue_one(db, "conf", evid, body, port_kind, port_id, order_ref);
    npg_db_rows_t *rows = NULL; /* buffered: the queueing below runs statements of its own */
    if (rc == NPG_OK)
        rc = npg_db_query(
            db, "SELECT name, events FROM webhook_subscriptions WHERE enabled = 1 ORDER BY id",
            NULL, 0, &rows);
    for (size_t i = 0; rc == NPG_OK && i < npg_db_rows_count(rows); i++)
        if (webhook_event_matches(npg_db_rows_get(rows, i, 1), type))
            rc = queue_one(db, npg_db_rows_get(rows, i, 0), evid, body, port_kind, port_id,
                           order_ref);
    npg_db_rows_free(&rows);
    free(body);
    return rc;
}

/* A subscription's receiver and secrets, as they are now (a rotation applies at once). */
static int subscription(npg_hooks_t *h, const char *name, char *url, size_t ulen, char *secrets,
                        size_t slen)
{
    if (strcmp(name, "conf") == 0) {
        if (!h->conf->webhooks.url[0])
            return NPG_ENOTFOUND;
        npg_strlcpy(url, h->conf->webhooks.url, ulen);
        npg_strlcpy(secrets, h->conf->webhooks.secrets, slen);
        return NPG_OK;
    }
    npg_db_t *db = NULL;
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_pool_get(h->pool, 5000, &db);
    if (rc == NPG_OK)
        rc = npg_db_query(db,
                          "SELECT url, secrets FROM webhook_subscriptions WHERE name = ?"
                          " AND enabled = 1",
                          NPG_DB_P(NPG_DB_S(name)), &rows);
    if (rc == NPG_OK && npg_db_rows_count(rows) != 1)
        rc = NPG_ENOTFOUND;
    if (rc == NPG_OK) {
        npg_strlcpy(url, npg_db_rows_get(rows, 0, 0), ulen);
        npg_strlcpy(secrets, npg_db_rows_get(rows, 0, 1), slen);
    }
    npg_db_rows_free(&rows);
    if (db)
        npg_db_pool_put(h->pool, &db);
    return rc;
}

static int webhook_deliver(void *ctx, const npg_outbox_item_t *item, char *result, size_t len)
{
    npg_hooks_t *h = ctx;
    char sub[40], evid[48], url[1100], secrets[1100];
    const char *nl1 = strchr(item->payload, '\n');
    const char *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
    if (!nl2 || (size_t)(nl1 - item->payload) >= sizeof(sub) ||
        (size_t)(nl2 - nl1 - 1) >= sizeof(evid)) {
        snprintf(result, len, "malformed webhook payload");
        return NPG_EINVAL;
    }
    snprintf(sub, sizeof(sub), "%.*s", (int)(nl1 - item->payload), item->payload);
    snprintf(evid, sizeof(evid), "%.*s", (int)(nl2 - nl1 - 1), nl1 + 1);
    const char *body = nl2 + 1;
    int rc = subscription(h, sub, url, sizeof(url), secrets, sizeof(secrets));
    if (rc == NPG_ENOTFOUND) {
        snprintf(result, len, "dropped: subscription %s was removed or disabled", sub);
        return NPG_OK;
    }
    if (rc != NPG_OK) {
        snprintf(result, len, "subscription %s could not be read: %s", sub, npg_strerror(rc));
        return rc;
    }
    long long ts = (long long)time(NULL);
    char sig[700], h_id[80], h_ts[48], h_sig[740];
    rc = npg_webhook_sign(secrets, evid, ts, body, strlen(body), sig, sizeof(sig));
    if (rc != NPG_OK) {
        snprintf(result, len, "subscription %s has no usable secret", sub);
        return rc;
    }
    snprintf(h_id, sizeof(h_id), "webhook-id: %s", evid);
    snprintf(h_ts, sizeof(h_ts), "webhook-timestamp: %lld", ts);
    snprintf(h_sig, sizeof(h_sig), "webhook-signature: %s", sig);
    npg_hook_http_req_t req = {.url = url,
                               .tls = h->conf,
                               .headers = {h_id, h_ts, h_sig},
                               .body = body,
                               .body_len = strlen(body),
                               .timeout_ms = h->conf->webhooks.timeout_ms};
    npg_hook_http_resp_t resp;
    int64_t t0 = npg_now_ms();
    rc = npg_hook_http_post(&req, &resp);
    if (rc != NPG_OK) {
        snprintf(result, len, "%s: %s", sub, resp.error);
        return rc == NPG_EINVAL ? NPG_EINVAL : NPG_EPEER;
    }
    if (resp.status >= 200 && resp.status < 300)
        snprintf(result, len, "%s: HTTP %ld in %lld ms", sub, resp.status,
                 (long long)(npg_now_ms() - t0));
    else
        snprintf(result, len, "%s: HTTP %ld %.200s", sub, resp.status, resp.body);
    rc = resp.status >= 200 && resp.status < 300 ? NPG_OK : NPG_EPEER;
    npg_hook_http_resp_clear(&resp);
    return rc;
}

/* Parked: an operator looks, then npgwctl hook replay sends it again. */
static int webhook_failed(void *ctx, npg_db_t *db, const npg_outbox_item_t *item, const char *error)
{
    (void)ctx;
    char text[700];
    snprintf(text, sizeof(text),
             "CRM synchronisation error: webhook delivery %llu parked after %d attempts (%s);"
             " npgwctl hook replay %llu sends it again",
             (unsigned long long)item->id, item->attempts, error, (unsigned long long)item->id);
    int rc = hook_note(db, item, "WebhookParked", text);
    if (rc == NPG_OK)
        rc = npg_alarm_raise(db, NPG_ALARM_MAJOR, "webhook", item->port_kind,
                             strcmp(item->port_kind, "none") ? item->port_id : 0, "%s", text);
    return rc;
}

const npg_outbox_handler_t webhook_handler = {
    .kind = HOOK_KIND_WEBHOOK,
    .deliver = webhook_deliver,
    .failed = webhook_failed,
};
