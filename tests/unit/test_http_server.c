/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The listener's reply framing: every 401 carries exactly one challenge in our realm. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"
#include "stdsoap2.h"

/* Each path answers one way a 401 can leave the listener. */
static int handle(npg_http_req_t *req)
{
    if (strcmp(req->path, "/reply") == 0)
        return npg_http_reply(req, 401, "application/json", "{\"Reason\":\"no key\"}", 19);
    if (strcmp(req->path, "/gsoap") == 0) { /* gSOAP's own bare 401, with its own realm */
        req->soap->authrealm = "gSOAP's";
        req->status = 401;
        soap_send_empty_response(req->soap, 401);
        return NPG_OK;
    }
    if (strcmp(req->path, "/forbidden") == 0)
        return npg_http_reply(req, 403, "text/plain", "no", 2);
    return npg_http_reply(req, 200, "text/plain", "ok", 2);
}

static int run_rc = -1;
static void *run(void *arg)
{
    run_rc = npg_http_server_run(arg);
    return NULL;
}

/* GET path from the server on port; the whole response in buf. */
static void get(int port, const char *path, char *buf, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    char req[128];
    int n =
        snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
    assert_int_equal(write(fd, req, (size_t)n), n);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < len && (r = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(fd);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void every_401_challenges_once(void **state)
{
    (void)state;
    npg_conf_t conf;
    npg_conf_defaults(&conf);
    snprintf(conf.http.listen, sizeof(conf.http.listen), "127.0.0.1");
    conf.http.port = 0;
    conf.http.threads = 1;
    npg_http_options_t opt = {.conf = &conf, .handle = handle};
    npg_http_server_t *srv = NULL;
    assert_int_equal(npg_http_server_new(&opt, &srv), NPG_OK);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, run, srv), 0);
    int port = npg_http_server_port(srv);
    char buf[4096];

    get(port, "/reply", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 401 "));
    assert_int_equal(count(buf, "WWW-Authenticate:"), 1);
    assert_non_null(strstr(buf, "\r\nWWW-Authenticate: " NPG_HTTP_CHALLENGE "\r\n"));
    assert_non_null(strstr(buf, "Content-Type: application/json\r\n"));
    assert_non_null(strstr(buf, "\r\n\r\n{\"Reason\":\"no key\"}"));

    get(port, "/gsoap", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 401 "));
    assert_int_equal(count(buf, "WWW-Authenticate:"), 1);
    assert_non_null(strstr(buf, "\r\nWWW-Authenticate: " NPG_HTTP_CHALLENGE "\r\n"));

    get(port, "/forbidden", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 403 "));
    assert_int_equal(count(buf, "WWW-Authenticate:"), 0);
    get(port, "/", buf, sizeof(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 200 "));
    assert_int_equal(count(buf, "WWW-Authenticate:"), 0);

    npg_http_server_stop(srv);
    pthread_join(t, NULL);
    assert_int_equal(run_rc, NPG_OK);
    npg_http_server_free(&srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_401_challenges_once),
    };
    return cmocka_run_group_tests_name("http_server", tests, NULL, NULL);
}
