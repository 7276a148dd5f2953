/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench/http/echo - the anchor of the HTTP benchmarks: a bare gSOAP server doing nothing but
 * HTTP, with gSOAP's own classic threading (one thread accepts, a pool of THREADS serves
 * keep-alive connections). Every GET and every POST (its body read whole) gets the same small
 * JSON reply. What npgwd does beyond this is what npgw costs.
 *
 *   echo PORT THREADS
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soapH.h"
#include "stdsoap2.h"

#define QUEUE 4096
static SOAP_SOCKET queue[QUEUE];
static int head, tail;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;
static int (*orig_fparse)(struct soap *);

static const char reply[] = "{\"status\":\"ok\",\"version\":\"echo\",\"database\":\"up\"}";

static int send_reply(struct soap *soap)
{
    soap->http_content = "application/json";
    if (soap_response(soap, SOAP_FILE) || soap_send_raw(soap, reply, sizeof(reply) - 1) ||
        soap_end_send(soap))
        return soap_closesock(soap);
    return SOAP_OK;
}

static int on_get(struct soap *soap)
{
    return send_reply(soap);
}

static int on_form(struct soap *soap)
{
    size_t len = 0;
    if (soap->length > 0 && !soap_http_get_body(soap, &len))
        return soap->error;
    return send_reply(soap);
}

/* POSTs are not SOAP here: read as a form, like npgwd's non-SOAP paths */
static int on_parse(struct soap *soap)
{
    soap->fform = NULL;
    int rc = orig_fparse(soap);
    if (rc == SOAP_OK && soap->status == SOAP_POST) {
        soap->fform = on_form;
        return soap->error = SOAP_STOP;
    }
    return rc;
}

static void *worker(void *arg)
{
    struct soap *soap = arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (head == tail)
            pthread_cond_wait(&more, &lock);
        soap->socket = queue[tail];
        tail = (tail + 1) % QUEUE;
        pthread_mutex_unlock(&lock);
        /* what soap_accept sets on the master: keep-alive allowed, the client's header decides
         * (copies made before the first accept would otherwise close after every reply) */
        soap->keep_alive = -(((soap->imode | soap->omode) & SOAP_IO_KEEPALIVE) != 0);
        do { /* keep-alive: request after request on this connection */
            if (soap_begin_serve(soap) != SOAP_OK)
                break;
            soap_destroy(soap);
            soap_end(soap);
        } while (soap->keep_alive);
        soap_destroy(soap);
        soap_end(soap);
        soap_closesock(soap);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: echo PORT THREADS\n");
        return 2;
    }
    struct soap *master = soap_new1(SOAP_IO_KEEPALIVE);
    master->bind_flags = SO_REUSEADDR;
    master->fget = on_get;
    orig_fparse = master->fparse;
    master->fparse = on_parse;
    master->recv_timeout = master->send_timeout = 10;
    if (!soap_valid_socket(soap_bind(master, "127.0.0.1", atoi(argv[1]), 1024))) {
        soap_print_fault(master, stderr);
        return 1;
    }
    int n = atoi(argv[2]);
    for (int i = 0; i < n; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker, soap_copy(master));
    }
    for (;;) {
        SOAP_SOCKET s = soap_accept(master);
        if (!soap_valid_socket(s))
            continue;
        pthread_mutex_lock(&lock);
        queue[head] = s;
        head = (head + 1) % QUEUE;
        pthread_cond_signal(&more);
        pthread_mutex_unlock(&lock);
    }
}
