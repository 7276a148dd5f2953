/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the PortingXS adapter's inbound decode, what npgwd's receiver runs on every
 * body a clearinghouse delivers: safe parse, strict contract check with the generated gSOAP
 * reader, xslt/pxs/to-canonical.xsl, npg_canon_parse. It needs no database (db is unused).
 * Property: what it accepts is a valid canonical message from this clearinghouse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/pxs/pxs.h"
#include "fuzz.h"

static npg_conf_t conf;
static void *pxs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_fuzz_quiet();
    npg_conf_defaults(&conf);
    snprintf(conf.general.xslt_dir, sizeof(conf.general.xslt_dir), "%s/xslt", npg_fuzz_srcdir());
    conf.http.max_request_bytes = 64 * 1024;
    return npg_adapter_pxs.create(&conf, &pxs) != NPG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static npg_canon_msg_t m;
    char err[512];
    char *body = npg_fuzz_cstr(data, size); /* the HTTP front hands bodies over so */
    int rc = npg_adapter_pxs.decode(pxs, NULL, body, size, &m, err, sizeof(err));
    free(body);
    if (rc != NPG_OK)
        return 0;
    if (npg_canon_validate(&m, err, sizeof(err)) != NPG_OK)
        npg_fuzz_fail("decoded message is not valid: %s", err);
    if (strcmp(m.direction, "in") != 0 || strcmp(m.clearinghouse, "pxs") != 0)
        npg_fuzz_fail("decoded message is %s from '%s'", m.direction, m.clearinghouse);
    return 0;
}
