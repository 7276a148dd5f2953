/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xmltest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

char *xt_path(const char *rel)
{
    const char *top = getenv("top_srcdir");
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", top && *top ? top : "..", rel) > 0);
    return p;
}

char *xt_read(const char *rel, size_t *len)
{
    char *path = xt_path(rel);
    char *buf = NULL;
    size_t n = 0;
    int rc = npg_read_file(path, 1 << 20, &buf, &n);
    if (rc != 0)
        fail_msg("cannot read %s: %d", path, rc);
    free(path);
    if (len)
        *len = n;
    return buf;
}

static char *c14n(const char *xml, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                                  XML_PARSE_NOBLANKS | XML_PARSE_NONET | XML_PARSE_NOERROR);
    if (!doc)
        fail_msg("not XML:\n%.*s", (int)len, xml);
    xmlChar *out = NULL;
    assert_true(xmlC14NDocDumpMemory(doc, NULL, XML_C14N_1_0, NULL, 0, &out) > 0);
    xmlFreeDoc(doc);
    char *copy = strdup((const char *)out);
    xmlFree(out);
    return copy;
}

void xt_assert_same_xml(const char *a, size_t alen, const char *b, size_t blen)
{
    char *ca = c14n(a, alen), *cb = c14n(b, blen);
    if (strcmp(ca, cb) != 0)
        fail_msg("XML differs:\n got: %s\nwant: %s", ca, cb);
    free(ca);
    free(cb);
}

const char *xt_direction(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot ? dot + 1 : "in";
}
