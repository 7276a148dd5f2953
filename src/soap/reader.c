/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "soap/reader.h"

#include <pthread.h>

#include "soapH.h"

extern struct Namespace namespaces[];

static pthread_key_t reader_key;
static pthread_once_t reader_once = PTHREAD_ONCE_INIT;
static bool key_made;

static void reader_free(void *p)
{
    struct soap *s = p;
    soap_destroy(s);
    soap_end(s);
    soap_free(s);
}

static void reader_key_make(void)
{
    key_made = pthread_key_create(&reader_key, reader_free) == 0;
}

struct soap *npg_soap_thread_reader(const npg_conf_t *conf, bool tree)
{
    pthread_once(&reader_once, reader_key_make);
    if (!key_made)
        return NULL;
    struct soap *s = pthread_getspecific(reader_key);
    if (!s) {
        if (!(s = soap_new1(SOAP_C_UTFSTRING)))
            return NULL;
        soap_set_namespaces(s, namespaces);
        if (pthread_setspecific(reader_key, s) != 0) {
            reader_free(s);
            return NULL;
        }
    }
    /* set for every request: the thread serves several contracts, and limits are reloaded */
    soap_mode mode = SOAP_XML_STRICT | SOAP_C_UTFSTRING | (tree ? SOAP_XML_TREE : 0);
    soap_imode(s, mode);
    soap_omode(s, mode);
    s->maxlevel = (unsigned)conf->http.max_xml_depth;
    s->recv_maxlength = (ULONG64)conf->http.max_request_bytes;
    return s;
}
