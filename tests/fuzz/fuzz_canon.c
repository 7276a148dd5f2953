/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the canonical message parser (npg_canon_parse), which reads what every
 * adapter's stylesheet made of an inbound message and every outbox row. A message it
 * accepts must pass npg_canon_validate, and must come back unchanged through
 * npg_canon_write and a second parse (what the outbox stores is what the engine meant).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "xml/canon.h"
#include "xml/xml.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_xml_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static npg_canon_msg_t m, again; /* 4 KB each: off the stack */
    char err[512];
    if (npg_canon_parse((const char *)data, size, &m, err, sizeof(err)) != NPG_OK)
        return 0;
    if (npg_canon_validate(&m, err, sizeof(err)) != NPG_OK)
        npg_fuzz_fail("parsed message fails validation: %s", err);
    char *xml = NULL, *xml2 = NULL;
    size_t len = 0, len2 = 0;
    if (npg_canon_write(&m, &xml, &len) != NPG_OK)
        npg_fuzz_fail("parsed message cannot be written");
    if (npg_canon_parse(xml, len, &again, err, sizeof(err)) != NPG_OK)
        npg_fuzz_fail("written message does not parse: %s\n%s", err, xml);
    if (npg_canon_write(&again, &xml2, &len2) != NPG_OK)
        npg_fuzz_fail("re-parsed message cannot be written");
    if (len != len2 || memcmp(xml, xml2, len) != 0)
        npg_fuzz_fail("write/parse round trip changed the message:\n%s\n%s", xml, xml2);
    free(xml);
    free(xml2);
    return 0;
}
