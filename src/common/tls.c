/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

const char *npg_tls_errors(char *buf, size_t len)
{
    size_t used = 0;
    unsigned long e;
    buf[0] = '\0';
    while ((e = ERR_get_error()) != 0) {
        char one[256];
        ERR_error_string_n(e, one, sizeof(one));
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "; " : "", one);
    }
    if (!buf[0])
        snprintf(buf, len, "no detail from OpenSSL");
    return buf;
}

static int fail(char *err, size_t errlen, const char *what, const char *file)
{
    char why[400];
    snprintf(err, errlen, "%s %s: %s", what, file, npg_tls_errors(why, sizeof(why)));
    return NPG_ECONF;
}

/* What every context of ours has: TLS 1.2 at least, no compression, no renegotiation. */
static SSL_CTX *ctx_new(const SSL_METHOD *method)
{
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (!ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    return ctx;
}

int npg_tls_server_ctx(const npg_conf_t *conf, SSL_CTX **out, char *err, size_t errlen)
{
    const char *cert = conf->http.tls_cert_file, *key = conf->http.tls_key_file;
    *out = NULL;
    ERR_clear_error();
    if (!cert[0] || !key[0]) {
        snprintf(err, errlen, "[http] tls_port needs tls_cert_file and tls_key_file");
        return NPG_ECONF;
    }
    SSL_CTX *ctx = ctx_new(TLS_server_method());
    if (!ctx)
        return fail(err, errlen, "TLS context", "");
    int rc = NPG_OK;
    /* partial writes: the front writes what the socket takes and comes back for the rest */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (SSL_CTX_set_cipher_list(ctx, conf->http.tls_ciphers) != 1)
        rc = fail(err, errlen, "[http] tls_ciphers", conf->http.tls_ciphers);
    else if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
        rc = fail(err, errlen, "certificate", cert);
    else if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        rc = fail(err, errlen, "private key", key);
    else if (SSL_CTX_check_private_key(ctx) != 1)
        rc = fail(err, errlen, "private key (it does not match the certificate)", key);
    const char *ca = conf->http.tls_client_ca_file;
    if (rc == NPG_OK && ca[0]) {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
        if (!names || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            rc = fail(err, errlen, "client CA file", ca);
        } else {
            SSL_CTX_set_client_CA_list(ctx, names);
            /* asked for, checked when shown; whether one is required is per path */
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
            static const unsigned char sid[] = "npgw";
            SSL_CTX_set_session_id_context(ctx, sid, sizeof(sid) - 1);
        }
    }
    if (rc != NPG_OK) {
        SSL_CTX_free(ctx);
        return rc;
    }
    *out = ctx;
    return NPG_OK;
}

SSL *npg_tls_accept_new(SSL_CTX *ctx, int fd)
{
    SSL *ssl = SSL_new(ctx);
    if (ssl && SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        return NULL;
    }
    if (ssl)
        SSL_set_accept_state(ssl);
    return ssl;
}

static npg_tls_io_t io_result(SSL *ssl, int r)
{
    switch (SSL_get_error(ssl, r)) {
    case SSL_ERROR_WANT_READ:
        return NPG_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return NPG_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return NPG_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return NPG_TLS_WANT_READ;
        return NPG_TLS_FAILED;
    default:
        return NPG_TLS_FAILED;
    }
}

npg_tls_io_t npg_tls_handshake(SSL *ssl, char *why, size_t whylen)
{
    ERR_clear_error();
    int r = SSL_do_handshake(ssl);
    if (r == 1)
        return NPG_TLS_OK;
    npg_tls_io_t io = io_result(ssl, r);
    if (io == NPG_TLS_FAILED || io == NPG_TLS_CLOSED) {
        long v = SSL_get_verify_result(ssl);
        if (v != X509_V_OK)
            snprintf(why, whylen, "client certificate: %s", X509_verify_cert_error_string(v));
        else
            npg_tls_errors(why, whylen);
        return NPG_TLS_FAILED;
    }
    return io;
}

bool npg_tls_client_verified(SSL *ssl)
{
    X509 *peer = SSL_get1_peer_certificate(ssl);
    bool ok = peer && SSL_get_verify_result(ssl) == X509_V_OK;
    X509_free(peer);
    return ok;
}

npg_tls_io_t npg_tls_read(SSL *ssl, void *buf, size_t len, size_t *n)
{
    ERR_clear_error();
    if (SSL_read_ex(ssl, buf, len, n) == 1)
        return NPG_TLS_OK;
    return io_result(ssl, 0);
}

npg_tls_io_t npg_tls_write(SSL *ssl, const void *buf, size_t len, size_t *n)
{
    ERR_clear_error();
    if (SSL_write_ex(ssl, buf, len, n) == 1)
        return NPG_TLS_OK;
    npg_tls_io_t io = io_result(ssl, 0);
    return io == NPG_TLS_CLOSED ? NPG_TLS_FAILED : io; /* nobody reads what we would write */
}

bool npg_tls_pending(SSL *ssl)
{
    return SSL_pending(ssl) > 0;
}

void npg_tls_close(SSL **ssl)
{
    if (!*ssl)
        return;
    if (SSL_is_init_finished(*ssl))
        SSL_shutdown(*ssl); /* one try, never waited for */
    ERR_clear_error();
    SSL_free(*ssl);
    *ssl = NULL;
}

int npg_tls_url_host(const char *url, char *host, size_t len)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strpbrk(p, "@/");
    if (at && *at == '@')
        p = at + 1; /* user:password@ */
    size_t n;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        if (!end)
            return NPG_EINVAL;
        p++;
        n = (size_t)(end - p);
    } else {
        n = strcspn(p, ":/?#");
    }
    if (n == 0 || n >= len)
        return NPG_EINVAL;
    memcpy(host, p, n);
    host[n] = '\0';
    return NPG_OK;
}

int npg_tls_client_setup(SSL_CTX *ctx, const char *ca, const char *cert, const char *key,
                         const char *host, char *err, size_t errlen)
{
    ERR_clear_error();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if ((ca[0] ? SSL_CTX_load_verify_locations(ctx, ca, NULL)
               : SSL_CTX_set_default_verify_paths(ctx)) != 1)
        return fail(err, errlen, "[tls] ca_file", ca[0] ? ca : "(the system's store)");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    /* the name is checked by OpenSSL in the handshake: DNS names and IP literals alike */
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    unsigned char ip[16];
    bool literal = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if ((literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
                 : X509_VERIFY_PARAM_set1_host(param, host, 0)) != 1)
        return fail(err, errlen, "server name", host);
    if (cert[0]) {
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
            return fail(err, errlen, "[tls] cert_file", cert);
        if (SSL_CTX_use_PrivateKey_file(ctx, key[0] ? key : cert, SSL_FILETYPE_PEM) != 1)
            return fail(err, errlen, "[tls] key_file", key[0] ? key : cert);
    }
    return NPG_OK;
}
