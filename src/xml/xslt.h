/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xml/xslt.h - compiled stylesheets, applied with all file and network access forbidden. */
#pragma once
#include <libxml/tree.h>
#include <stddef.h>
#include "common/error.h"

/* A compiled stylesheet (opaque). */
typedef struct npg_xslt npg_xslt_t;

/*
 * Load and compile the stylesheet at path once. The file is parsed with
 * npg_xml_parse_file (no network, no DTD, no entities); xsl:include and
 * xsl:import may read local files at load time but never the network.
 * npg_xml_init() must have been called. Not thread-safe with respect to other
 * loads: call it at start-up. On success *sheet is the caller's, released with
 * npg_xslt_free(). Errors: NPG_ENOTFOUND/NPG_EIO (file), NPG_EXML (not XML),
 * NPG_EXSLT (not a valid stylesheet), NPG_ENOMEM; err (may be NULL when errlen is 0) says why.
 */
int npg_xslt_load(const char *path, npg_xslt_t **sheet, char *err, size_t errlen) NPG_WUR;

/* Free a stylesheet and set *sheet to NULL; NULL and *sheet == NULL are fine. */
void npg_xslt_free(npg_xslt_t **sheet);

/*
 * Limits for the input npg_xslt_apply parses (defaults NPG_XML_MAX_BYTES and
 * NPG_XML_MAX_DEPTH). Call before the sheet is shared between threads.
 */
void npg_xslt_set_limits(npg_xslt_t *sheet, size_t max_bytes, int max_depth);

/*
 * Parse xml (len bytes, untrusted: see npg_xml_parse) and transform it.
 * params is NULL or a NULL-terminated list of name, value, name, value, ...;
 * each value is passed as a plain string (never evaluated as XPath), so it
 * may contain any character. Reading or writing files, creating directories
 * and network access are forbidden during the transform: document('file:…')
 * or document('http://…') fails the transform with NPG_EXSLT.
 * On success *out is a malloc'ed, NUL-terminated serialisation (xsl:output
 * rules) of *outlen bytes that the caller frees with free(); on failure *out
 * is NULL and err (errlen bytes; NULL when errlen is 0) holds the reason, including
 * xsl:message terminate text. Errors: NPG_EXML / NPG_ETOOBIG (input),
 * NPG_EXSLT (transform failed or produced nothing), NPG_ENOMEM.
 * Thread-safe: one sheet may be applied from many threads at once.
 */
int npg_xslt_apply(const npg_xslt_t *sheet, const char *xml, size_t len, const char **params,
                   char **out, size_t *outlen, char *err, size_t errlen) NPG_WUR;

/* As npg_xslt_apply, for a document the caller has already parsed (and still owns). */
int npg_xslt_apply_doc(const npg_xslt_t *sheet, xmlDocPtr doc, const char **params, char **out,
                       size_t *outlen, char *err, size_t errlen) NPG_WUR;

/*
 * As npg_xslt_apply_doc, the result left as a document (*out, the caller's: xmlFreeDoc)
 * for a caller that reads it in memory instead of serialising it.
 */
int npg_xslt_transform_doc(const npg_xslt_t *sheet, xmlDocPtr doc, const char **params,
                           xmlDocPtr *out, char *err, size_t errlen) NPG_WUR;
