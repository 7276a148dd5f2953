/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soap/reader.h - the gSOAP context a worker thread reads untrusted envelopes with: strict
 * (the contract's types and elements only), UTF-8 strings, npgw's namespaces, the [http]
 * depth and size limits. One per thread, kept between requests (a fresh context is a 200 KB
 * allocation and its setup every call); the caller empties it (soap_destroy, soap_end) after
 * each request. Freed when the thread exits.
 */
#pragma once
#include <stdbool.h>
#include "common/conf.h"

struct soap;

/*
 * This thread's reader, its modes and limits set for this request, or NULL (no memory).
 * tree: id and href are not followed (SOAP_XML_TREE), for contracts that have none, so the
 * caller may skip soap_end_recv's resolution of them.
 */
struct soap *npg_soap_thread_reader(const npg_conf_t *conf, bool tree);
