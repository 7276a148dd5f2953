/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xml/xml.h - libxml2 set-up and safe parsing of untrusted XML (no DTD, entities or network). */
#pragma once
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>
#include "common/error.h"

#define NPG_XML_MAX_BYTES (1024 * 1024) /* default size limit of one document */
#define NPG_XML_MAX_DEPTH 32            /* default element nesting limit */
#define NPG_XML_MAX_ATTRIBUTES 128      /* attributes (namespace declarations too) per element */

/*
 * Initialise libxml2, libxslt and EXSLT and route their error output to the
 * per-thread collector below (nothing is printed to stderr). Call once from
 * the main thread before any other thread uses XML; later calls do nothing.
 */
void npg_xml_init(void);

/* Release libxml2/libxslt globals at exit (after every thread is done). */
void npg_xml_cleanup(void);

/*
 * Parse untrusted XML. The document is refused (NPG_EXML) when it has a
 * DOCTYPE (internal or external subset) or any entity declaration, when it is
 * not well-formed, when elements nest deeper than max_depth, or when a start tag
 * has more than NPG_XML_MAX_ATTRIBUTES attributes (counted on the raw bytes first, so
 * an attribute bomb costs one linear pass, not the parser's quadratic check); it is refused
 * with NPG_ETOOBIG when longer than max_bytes. Entities are never substituted,
 * nothing is loaded from the network or the file system. On failure err
 * (errlen bytes; NULL when errlen is 0) holds a readable reason with libxml2's message
 * and line. On success *doc is the caller's: free it with xmlFreeDoc().
 * Thread-safe.
 */
int npg_xml_parse(const char *buf, size_t len, size_t max_bytes, int max_depth, xmlDocPtr *doc,
                  char *err, size_t errlen) NPG_WUR;

/* True when elements below and including root nest deeper than limit (no recursion). */
bool npg_xml_nests_deeper(xmlNodePtr root, int limit);

/*
 * Parse a trusted local file (a stylesheet or schema shipped with npgw) with
 * the same refusals as npg_xml_parse and generous limits; the document keeps
 * path as its URL so relative references resolve. Caller frees *doc.
 */
int npg_xml_parse_file(const char *path, xmlDocPtr *doc, char *err, size_t errlen) NPG_WUR;

/*
 * Error collection for code that calls libxml2/libxslt directly: between
 * begin and end, every error message either library reports on this thread is
 * appended to err (always NUL-terminated, truncated to errlen). Not nested.
 */
void npg_xml_errors_begin(char *err, size_t errlen);
void npg_xml_errors_end(void);

/*
 * Move len bytes of libxml2-allocated text into a malloc'ed, NUL-terminated
 * copy for callers that free with free(); src stays the caller's to xmlFree.
 */
int npg_xml_copy_out(const xmlChar *src, int len, char **out, size_t *outlen) NPG_WUR;

/* An error handler with libxml2's generic signature that feeds the collector. */
void npg_xml_error_sink(void *ctx, const char *fmt, ...) NPG_PRINTF(2, 3);
