/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the secure XML parser (npg_xml_parse), which sees every inbound SOAP body
 * first. Besides not crashing, a document it accepts must keep its promises: no DOCTYPE,
 * no entity declaration or reference, nesting within the limit, no element with more
 * attributes (namespace declarations included) than NPG_XML_MAX_ATTRIBUTES.
 */
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "xml/xml.h"

#define DEPTH 8 /* small, so inputs reach the limit often */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_xml_init();
    return 0;
}

static void check_node(xmlNodePtr n, int depth)
{
    for (; n; n = n->next) {
        if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_DECL ||
            n->type == XML_DTD_NODE || n->type == XML_DOCUMENT_TYPE_NODE)
            npg_fuzz_fail("accepted document holds node type %d", (int)n->type);
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (depth > DEPTH)
            npg_fuzz_fail("accepted document nests %d deep (limit %d)", depth, DEPTH);
        int attrs = 0;
        for (xmlAttrPtr a = n->properties; a; a = a->next)
            attrs++;
        for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next)
            attrs++;
        if (attrs > NPG_XML_MAX_ATTRIBUTES)
            npg_fuzz_fail("accepted element <%s> has %d attributes", (const char *)n->name, attrs);
        check_node(n->children, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmlDocPtr doc = NULL;
    char err[512];
    int rc = npg_xml_parse((const char *)data, size, 64 * 1024, DEPTH, &doc, err, sizeof(err));
    if (rc == NPG_OK) {
        if (!doc || doc->intSubset || doc->extSubset)
            npg_fuzz_fail("accepted document without a tree, or with a DOCTYPE");
        check_node(doc->children, 1);
        xmlFreeDoc(doc);
    } else if (doc) {
        npg_fuzz_fail("refused document (%s) left a tree behind", err);
    }
    return 0;
}
