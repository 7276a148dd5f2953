/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xml/xml.h"

#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxslt/security.h>
#include <libxslt/xsltutils.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* Stylesheets and schemas shipped with npgw are small; this bounds a typo'd path to a big file. */
#define TRUSTED_MAX_BYTES (4 * 1024 * 1024)

/*
 * Options for every parse: no entity substitution (no XML_PARSE_NOENT), no
 * DTD loading or defaulted attributes, no network, and errors are kept in the
 * parser context instead of printed.
 */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static _Thread_local struct {
    char *buf;
    size_t len;
} sink;

void npg_xml_error_sink(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    if (!sink.buf || sink.len == 0)
        return;
    size_t used = strlen(sink.buf);
    if (used + 1 >= sink.len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sink.buf + used, sink.len - used, fmt, ap);
    va_end(ap);
}

void npg_xml_errors_begin(char *err, size_t errlen)
{
    sink.buf = err;
    sink.len = err ? errlen : 0;
    if (sink.len)
        err[0] = '\0';
}

void npg_xml_errors_end(void)
{
    size_t n = sink.buf ? strlen(sink.buf) : 0;
    while (n && (sink.buf[n - 1] == '\n' || sink.buf[n - 1] == ' '))
        sink.buf[--n] = '\0';
    sink.buf = NULL;
    sink.len = 0;
}

int npg_xml_copy_out(const xmlChar *src, int len, char **out, size_t *outlen)
{
    if (!src || len <= 0)
        return NPG_EINVAL;
    char *copy = malloc((size_t)len + 1);
    if (!copy)
        return NPG_ENOMEM;
    memcpy(copy, src, (size_t)len);
    copy[len] = '\0';
    *out = copy;
    *outlen = (size_t)len;
    return NPG_OK;
}

static void init_once(void)
{
    xmlInitParser();
    exsltRegisterAll();
    /* libxml2 keeps these per thread: set ours and the default for new threads */
    xmlSetGenericErrorFunc(NULL, npg_xml_error_sink);
    xmlThrDefSetGenericErrorFunc(NULL, npg_xml_error_sink);
    xsltSetGenericErrorFunc(NULL, npg_xml_error_sink);
}

void npg_xml_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
}

void npg_xml_cleanup(void)
{
    xsltSecurityPrefsPtr sec = xsltGetDefaultSecurityPrefs();
    xsltSetDefaultSecurityPrefs(NULL);
    if (sec)
        xsltFreeSecurityPrefs(sec);
    xsltCleanupGlobals();
    xmlCleanupParser();
}

/* A DOCTYPE stops the parser at once, before any declaration in it is read. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    (void)name, (void)ext, (void)sys;
    xmlParserCtxtPtr ctxt = ctx;
    ctxt->_private = (void *)"DOCTYPE";
    xmlStopParser(ctxt);
}

static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                          const xmlChar *sys, xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    xmlParserCtxtPtr ctxt = ctx;
    ctxt->_private = (void *)"entity declaration";
    xmlStopParser(ctxt);
}

/* The element at or after n among its siblings, or NULL. */
static xmlNodePtr element_from(xmlNodePtr n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

bool npg_xml_nests_deeper(xmlNodePtr root, int limit)
{
    int depth = 1;
    for (xmlNodePtr n = root;;) {
        if (depth > limit)
            return true;
        xmlNodePtr child = element_from(n->children);
        if (child) {
            n = child;
            depth++;
            continue;
        }
        while (n != root && !element_from(n->next)) {
            n = n->parent;
            depth--;
        }
        if (n == root)
            return false;
        n = element_from(n->next);
    }
}

/*
 * Attributes per start tag, counted on the raw bytes in one pass before any parser sees
 * them: libxml2 (and gSOAP after it) check attribute names against each other, so tens of
 * thousands on one element cost minutes of CPU. Comments, CDATA and processing
 * instructions are skipped; '=' outside quotes inside a tag counts one attribute.
 */
static bool too_many_attributes(const char *p, size_t len, int limit)
{
    const char *end = p + len;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt)
            return false;
        p = lt + 1;
        const char *close = NULL;
        if (end - p >= 3 && memcmp(p, "!--", 3) == 0)
            close = "-->";
        else if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0)
            close = "]]>";
        else if (p < end && *p == '?')
            close = "?>";
        if (close) {
            const char *q = memmem(p, (size_t)(end - p), close, strlen(close));
            if (!q)
                return false; /* not well-formed: the parser says so */
            p = q + strlen(close);
            continue;
        }
        int n = 0;
        char quote = 0;
        for (; p < end && (quote || *p != '>'); p++) {
            if (quote) {
                if (*p == quote)
                    quote = 0;
            } else if (*p == '"' || *p == '\'') {
                quote = *p;
            } else if (*p == '=' && ++n > limit) {
                return true;
            }
        }
    }
    return false;
}

static int parse(const char *buf, size_t len, const char *url, int max_depth, xmlDocPtr *doc,
                 char *err, size_t errlen)
{
    int rc = NPG_EXML;
    if (too_many_attributes(buf, len, NPG_XML_MAX_ATTRIBUTES)) {
        snprintf(err, errlen, "XML refused: an element has more than %d attributes",
                 NPG_XML_MAX_ATTRIBUTES);
        return NPG_EXML;
    }
    xmlDocPtr d = NULL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        rc = NPG_ENOMEM;
        goto fail;
    }
    ctxt->sax->internalSubset = refuse_dtd;
    ctxt->sax->externalSubset = refuse_dtd;
    ctxt->sax->entityDecl = refuse_entity;
    d = xmlCtxtReadMemory(ctxt, buf, (int)len, url, NULL, PARSE_OPTIONS);
    if (ctxt->_private) {
        snprintf(err, errlen, "XML refused: it contains a %s", (const char *)ctxt->_private);
        goto fail;
    }
    if (!d || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e && e->message)
            snprintf(err, errlen, "XML not well-formed: line %d: %.*s", e->line,
                     (int)strcspn(e->message, "\n"), e->message);
        else
            snprintf(err, errlen, "XML not well-formed");
        goto fail;
    }
    /* defence in depth: the SAX hooks above should have stopped both already */
    if (d->intSubset || d->extSubset) {
        snprintf(err, errlen, "XML refused: it contains a DOCTYPE");
        goto fail;
    }
    xmlNodePtr root = xmlDocGetRootElement(d);
    if (!root) {
        snprintf(err, errlen, "XML has no root element");
        goto fail;
    }
    if (npg_xml_nests_deeper(root, max_depth)) {
        snprintf(err, errlen, "XML refused: elements nest deeper than %d", max_depth);
        goto fail;
    }
    xmlFreeParserCtxt(ctxt);
    *doc = d;
    return NPG_OK;
fail:
    xmlFreeDoc(d);
    if (ctxt)
        xmlFreeParserCtxt(ctxt);
    return rc;
}

int npg_xml_parse(const char *buf, size_t len, size_t max_bytes, int max_depth, xmlDocPtr *doc,
                  char *err, size_t errlen)
{
    *doc = NULL;
    if (!buf || len == 0) {
        snprintf(err, errlen, "XML document is empty");
        return NPG_EXML;
    }
    if (len > max_bytes || len > INT32_MAX) {
        snprintf(err, errlen, "XML document of %zu bytes is over the limit of %zu", len, max_bytes);
        return NPG_ETOOBIG;
    }
    return parse(buf, len, NULL, max_depth, doc, err, errlen);
}

int npg_xml_parse_file(const char *path, xmlDocPtr *doc, char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    *doc = NULL;
    int rc = npg_read_file(path, TRUSTED_MAX_BYTES, &buf, &len);
    if (rc != NPG_OK) {
        snprintf(err, errlen, "%s: cannot read: %s", path, npg_strerror(rc));
        return rc;
    }
    char why[512];
    rc = parse(buf, len, path, 256, doc, why, sizeof(why));
    if (rc != NPG_OK)
        snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return rc;
}
