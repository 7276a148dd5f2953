/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the UK adapter's inbound decode (a PortCompleted from the platform). Its
 * decode finds the port in the database between reading the body and mapping it; this
 * target runs the two halves it is made of (npg_uk_notify_read, npg_uk_notify_map) with a
 * fixed port in place of the look-up, so every byte of the body is still parsed as in
 * npgwd. Property: an accepted body maps, when the stylesheet and the canonical check accept
 * it, to a "ported" event of that port from the UK platform.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/uk/adapter.h"
#include "fuzz.h"

static npg_conf_t conf;
static void *uk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_fuzz_quiet();
    npg_conf_defaults(&conf);
    snprintf(conf.general.xslt_dir, sizeof(conf.general.xslt_dir), "%s/xslt", npg_fuzz_srcdir());
    snprintf(conf.general.operator_code, sizeof(conf.general.operator_code), "CARR");
    conf.uk.bank_holidays_file[0] = '\0';
    conf.http.max_request_bytes = 64 * 1024;
    return npg_adapter_uk.create(&conf, &uk) != NPG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static npg_canon_msg_t m;
    char err[512], pac[10], number[16];
    xmlDocPtr doc = NULL;
    char *body = npg_fuzz_cstr(data, size); /* the HTTP front hands bodies over so */
    int rc = npg_uk_notify_read(&conf, body, size, &doc, pac, number, err, sizeof(err));
    free(body);
    if (rc != NPG_OK) {
        if (doc)
            npg_fuzz_fail("refused body (%s) left a document behind", err);
        return 0;
    }
    /* gSOAP checks no xs:pattern (no fsvalidate is set): the number is looked up as text */
    if (strlen(pac) > 9 || strlen(number) > 15)
        npg_fuzz_fail("PAC '%s' or number '%s' overran its buffer", pac, number);
    rc = npg_uk_notify_map(uk, doc, "XX203003-CARR-00001", &m, err, sizeof(err));
    xmlFreeDoc(doc);
    if (rc != NPG_OK)
        return 0; /* the stylesheet or the canonical check refused it: a Client fault */
    if (strcmp(m.type, "ported") != 0 || strcmp(m.msgidentifier, "XX203003-CARR-00001") != 0 ||
        strcmp(m.clearinghouse, "uk") != 0)
        npg_fuzz_fail("mapped to %s of %s from %s", m.type, m.msgidentifier, m.clearinghouse);
    return 0;
}
