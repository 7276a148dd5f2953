/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xml/xslt.h"

#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/xml.h"

struct npg_xslt {
    xsltStylesheetPtr style;  /* read-only once compiled: shared by every thread */
    xsltSecurityPrefsPtr sec; /* read-only: forbids all five kinds of access */
    size_t max_bytes;
    int max_depth;
};

static const xsltSecurityOption forbidden[] = {
    XSLT_SECPREF_READ_FILE,    XSLT_SECPREF_WRITE_FILE,    XSLT_SECPREF_CREATE_DIRECTORY,
    XSLT_SECPREF_READ_NETWORK, XSLT_SECPREF_WRITE_NETWORK,
};

/* A policy forbidding each option in list, or NULL when out of memory. */
static xsltSecurityPrefsPtr new_prefs(const xsltSecurityOption *list, size_t n)
{
    xsltSecurityPrefsPtr sec = xsltNewSecurityPrefs();
    if (!sec)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (xsltSetSecurityPrefs(sec, list[i], xsltSecurityForbid) != 0) {
            xsltFreeSecurityPrefs(sec);
            return NULL;
        }
    }
    return sec;
}

/*
 * At load time xsl:include/xsl:import go through libxslt's default policy:
 * make it refuse everything but reading local files. Set once
 * (npg_xml_cleanup frees it).
 */
static void set_load_policy(void)
{
    if (xsltGetDefaultSecurityPrefs())
        return;
    xsltSecurityPrefsPtr sec = new_prefs(forbidden + 1, NPG_ARRAY_LEN(forbidden) - 1);
    if (sec)
        xsltSetDefaultSecurityPrefs(sec);
}

int npg_xslt_load(const char *path, npg_xslt_t **sheet, char *err, size_t errlen)
{
    *sheet = NULL;
    int rc = NPG_ENOMEM;
    xmlDocPtr doc = NULL;
    npg_xslt_t *s = calloc(1, sizeof(*s));
    if (!s)
        goto fail;
    s->max_bytes = NPG_XML_MAX_BYTES;
    s->max_depth = NPG_XML_MAX_DEPTH;
    s->sec = new_prefs(forbidden, NPG_ARRAY_LEN(forbidden));
    if (!s->sec)
        goto fail;
    set_load_policy();
    rc = npg_xml_parse_file(path, &doc, err, errlen);
    if (rc != NPG_OK)
        goto fail;
    char why[512];
    npg_xml_errors_begin(why, sizeof(why));
    s->style = xsltParseStylesheetDoc(doc);
    npg_xml_errors_end();
    if (!s->style || s->style->errors) {
        snprintf(err, errlen, "%s: not a valid stylesheet: %s", path, why);
        rc = NPG_EXSLT;
        goto fail;
    }
    *sheet = s;
    return NPG_OK;
fail:
    if (s && s->style)
        doc = NULL; /* owned by the stylesheet now */
    xmlFreeDoc(doc);
    npg_xslt_free(&s);
    return rc;
}

void npg_xslt_free(npg_xslt_t **sheet)
{
    if (!sheet || !*sheet)
        return;
    npg_xslt_t *s = *sheet;
    if (s->style)
        xsltFreeStylesheet(s->style);
    if (s->sec)
        xsltFreeSecurityPrefs(s->sec);
    free(s);
    *sheet = NULL;
}

void npg_xslt_set_limits(npg_xslt_t *sheet, size_t max_bytes, int max_depth)
{
    sheet->max_bytes = max_bytes;
    sheet->max_depth = max_depth;
}

int npg_xslt_transform_doc(const npg_xslt_t *sheet, xmlDocPtr doc, const char **params,
                           xmlDocPtr *out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = NPG_ENOMEM;
    xmlDocPtr result = NULL;
    char why[512] = "";
    npg_xml_errors_begin(why, sizeof(why));
    xsltTransformContextPtr ctxt = xsltNewTransformContext(sheet->style, doc);
    if (!ctxt)
        goto done;
    rc = NPG_EXSLT;
    xsltSetTransformErrorFunc(ctxt, NULL, npg_xml_error_sink);
    if (xsltSetCtxtSecurityPrefs(sheet->sec, ctxt) != 0)
        goto done;
    if (params && xsltQuoteUserParams(ctxt, params) != 0)
        goto done;
    result = xsltApplyStylesheetUser(sheet->style, doc, NULL, NULL, NULL, ctxt);
    if (!result || ctxt->state != XSLT_STATE_OK)
        goto done;
    *out = result;
    result = NULL;
    rc = NPG_OK;
done:
    npg_xml_errors_end();
    if (rc == NPG_EXSLT)
        snprintf(err, errlen, "transform failed: %s", why[0] ? why : "no output");
    else if (rc == NPG_ENOMEM)
        snprintf(err, errlen, "out of memory");
    xmlFreeDoc(result);
    if (ctxt)
        xsltFreeTransformContext(ctxt);
    return rc;
}

int npg_xslt_apply_doc(const npg_xslt_t *sheet, xmlDocPtr doc, const char **params, char **out,
                       size_t *outlen, char *err, size_t errlen)
{
    *out = NULL;
    *outlen = 0;
    xmlDocPtr result = NULL;
    xmlChar *res = NULL;
    int reslen = 0;
    int rc = npg_xslt_transform_doc(sheet, doc, params, &result, err, errlen);
    if (rc != NPG_OK)
        return rc;
    if (xsltSaveResultToString(&res, &reslen, result, sheet->style) != 0 || !res || reslen <= 0) {
        snprintf(err, errlen, "transform failed: no output");
        rc = NPG_EXSLT;
    } else {
        rc = npg_xml_copy_out(res, reslen, out, outlen);
    }
    xmlFree(res);
    xmlFreeDoc(result);
    return rc;
}

int npg_xslt_apply(const npg_xslt_t *sheet, const char *xml, size_t len, const char **params,
                   char **out, size_t *outlen, char *err, size_t errlen)
{
    xmlDocPtr doc = NULL;
    *out = NULL;
    *outlen = 0;
    int rc = npg_xml_parse(xml, len, sheet->max_bytes, sheet->max_depth, &doc, err, errlen);
    if (rc != NPG_OK)
        return rc;
    rc = npg_xslt_apply_doc(sheet, doc, params, out, outlen, err, errlen);
    xmlFreeDoc(doc);
    return rc;
}
