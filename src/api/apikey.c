/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "api/apikey.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "common/util.h"

static const struct {
    const char *name;
    npg_tier_t tier;
} tiers[] = {{"admin", NPG_TIER_ADMIN}, {"pxs", NPG_TIER_PXS}, {"read_only", NPG_TIER_READ_ONLY}};

npg_tier_t npg_tier_parse(const char *name)
{
    for (size_t i = 0; name && i < NPG_ARRAY_LEN(tiers); i++)
        if (strcmp(name, tiers[i].name) == 0)
            return tiers[i].tier;
    return NPG_TIER_NONE;
}

const char *npg_tier_name(npg_tier_t tier)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(tiers); i++)
        if (tiers[i].tier == tier)
            return tiers[i].name;
    return "none";
}

/* Keys carry 256 random bits, so one salted SHA-256 is enough: there is no dictionary to try. */
/* SHA-256 fetched from the provider once: EVP_sha256() makes OpenSSL 3 look it up again on
 * every digest, which cost more than the digest of a key. */
static EVP_MD *sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_fetch(void)
{
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int hash_key(const unsigned char salt[16], const char *key, unsigned char out[32])
{
    unsigned int len = 0;
    pthread_once(&sha256_once, sha256_fetch);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, sha256 ? sha256 : EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, salt, 16) &&
             EVP_DigestUpdate(ctx, key, strlen(key)) && EVP_DigestFinal_ex(ctx, out, &len) &&
             len == 32;
    EVP_MD_CTX_free(ctx);
    return ok ? NPG_OK : NPG_EIO;
}

static bool user_valid(const char *user)
{
    size_t n = user ? strlen(user) : 0;
    return n >= 1 && n <= 64 &&
           strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") == n;
}

int npg_apikey_create(npg_db_t *db, const char *user, npg_tier_t tier, char key[NPG_APIKEY_LEN + 1])
{
    unsigned char raw[32], salt[16], hash[32];
    if (!user_valid(user) || tier == NPG_TIER_NONE)
        return NPG_EINVAL;
    int rc = npg_random_bytes(raw, sizeof(raw));
    if (rc == NPG_OK)
        rc = npg_random_bytes(salt, sizeof(salt));
    if (rc != NPG_OK)
        return rc;
    npg_hex(raw, sizeof(raw), key);
    if ((rc = hash_key(salt, key, hash)) != NPG_OK)
        return rc;
    return npg_db_exec(
        db, "INSERT INTO api_keys (username, tier, salt, key_hash) VALUES (?, ?, ?, ?)",
        NPG_DB_P(NPG_DB_S(user), NPG_DB_S(npg_tier_name(tier)), NPG_DB_SN((const char *)salt, 16),
                 NPG_DB_SN((const char *)hash, 32)),
        NULL, NULL);
}

int npg_apikey_verify(npg_db_t *db, const char *user, const char *key, npg_tier_t *tier)
{
    if (!user_valid(user) || !key || strlen(key) > 256)
        return NPG_EAUTH;
    npg_db_rows_t *rows;
    int rc = npg_db_query(db,
                          "SELECT tier, HEX(salt), LOWER(HEX(key_hash)) FROM api_keys"
                          " WHERE username = ? AND revoked_at IS NULL",
                          NPG_DB_P(NPG_DB_S(user)), &rows);
    if (rc != NPG_OK)
        return rc;
    rc = NPG_EAUTH;
    if (npg_db_rows_count(rows) == 1) {
        unsigned char salt[16], hash[32];
        char want_hex[65];
        const char *salt_hex = npg_db_rows_get(rows, 0, 1);
        for (int i = 0; i < 16; i++)
            sscanf(salt_hex + 2 * i, "%2hhx", &salt[i]);
        if (hash_key(salt, key, hash) == NPG_OK) {
            npg_hex(hash, 32, want_hex);
            const char *have = npg_db_rows_get(rows, 0, 2);
            if (have && strlen(have) == 64 && CRYPTO_memcmp(have, want_hex, 64) == 0) {
                *tier = npg_tier_parse(npg_db_rows_get(rows, 0, 0));
                rc = NPG_OK;
            }
        }
    }
    npg_db_rows_free(&rows);
    return rc;
}

int npg_apikey_revoke(npg_db_t *db, const char *user)
{
    uint64_t n = 0;
    int rc = npg_db_exec(db,
                         "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP"
                         " WHERE username = ? AND revoked_at IS NULL",
                         NPG_DB_P(NPG_DB_S(user)), &n, NULL);
    if (rc == NPG_OK && n == 0)
        rc = NPG_ENOTFOUND;
    return rc;
}

/*
 * What the database said about a user, for a second: its salt and key hash (or that it has no
 * valid key), so a busy client costs one SHA-256 per request and one query per second, and a
 * revocation is seen within a second. The presented key is never kept, only compared.
 */
#define KEY_CACHE_SIZE 256
#define KEY_CACHE_MS 1000
typedef struct key_entry {
    const npg_db_pool_t *pool;
    char user[65];
    bool valid; /* false: unknown or revoked */
    npg_tier_t tier;
    unsigned char salt[16], hash[32];
    int64_t fetched_ms;
} key_entry_t;

static key_entry_t key_cache[KEY_CACHE_SIZE];
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

static int fetch(npg_db_pool_t *pool, const char *user, key_entry_t *e)
{
    npg_db_t *db = NULL;
    if (npg_db_pool_get(pool, 5000, &db) != NPG_OK)
        return NPG_EDBDOWN;
    npg_db_rows_t *rows = NULL;
    int rc = npg_db_query(db,
                          "SELECT tier, HEX(salt), HEX(key_hash) FROM api_keys"
                          " WHERE username = ? AND revoked_at IS NULL",
                          NPG_DB_P(NPG_DB_S(user)), &rows);
    npg_db_pool_put(pool, &db);
    if (rc != NPG_OK)
        return rc;
    memset(e, 0, sizeof(*e));
    e->pool = pool;
    npg_strlcpy(e->user, user, sizeof(e->user));
    const char *salt = npg_db_rows_get(rows, 0, 1), *hash = npg_db_rows_get(rows, 0, 2);
    if (npg_db_rows_count(rows) == 1 && salt && hash && strlen(salt) == 32 && strlen(hash) == 64) {
        e->valid = true;
        e->tier = npg_tier_parse(npg_db_rows_get(rows, 0, 0));
        for (int i = 0; i < 16; i++)
            sscanf(salt + 2 * i, "%2hhx", &e->salt[i]);
        for (int i = 0; i < 32; i++)
            sscanf(hash + 2 * i, "%2hhx", &e->hash[i]);
    }
    npg_db_rows_free(&rows);
    e->fetched_ms = npg_now_ms();
    return NPG_OK;
}

int npg_apikey_check(npg_db_pool_t *pool, const char *user, const char *key, npg_tier_t *tier)
{
    if (!user || !key || !user_valid(user) || strlen(key) > 256)
        return NPG_EAUTH;
    key_entry_t e = {0};
    bool hit = false;
    size_t slot = 0, oldest = 0;
    int64_t now = npg_now_ms();
    pthread_mutex_lock(&key_lock);
    for (size_t i = 0; i < KEY_CACHE_SIZE && !hit; i++) {
        if (key_cache[i].pool == pool && strcmp(key_cache[i].user, user) == 0) {
            slot = i;
            hit = now - key_cache[i].fetched_ms < KEY_CACHE_MS;
            if (hit)
                e = key_cache[i];
            oldest = SIZE_MAX; /* refresh this slot, not another */
        } else if (oldest != SIZE_MAX && key_cache[i].fetched_ms < key_cache[oldest].fetched_ms) {
            oldest = i;
        }
    }
    pthread_mutex_unlock(&key_lock);
    if (!hit) {
        int rc = fetch(pool, user, &e);
        if (rc != NPG_OK)
            return rc;
        pthread_mutex_lock(&key_lock);
        key_cache[oldest == SIZE_MAX ? slot : oldest] = e;
        pthread_mutex_unlock(&key_lock);
    }
    unsigned char hash[32];
    if (!e.valid || hash_key(e.salt, key, hash) != NPG_OK || CRYPTO_memcmp(hash, e.hash, 32) != 0)
        return NPG_EAUTH;
    *tier = e.tier;
    return NPG_OK;
}

int npg_apikey_list(npg_db_t *db, npg_db_row_fn fn, void *arg)
{
    return npg_db_query_each(db,
                             "SELECT username, tier, created_at, last_used_at, revoked_at"
                             " FROM api_keys ORDER BY username",
                             NULL, 0, fn, arg);
}
