/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every adapter shares: finding one by name, the engine's view of them, stylesheets. */
#include "adapters/adapter.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "xml/xml.h"

const npg_adapter_ops_t *npg_adapter_find(const char *name)
{
    for (size_t i = 0; npg_adapters[i]; i++)
        if (name && strcmp(npg_adapters[i]->name, name) == 0)
            return npg_adapters[i];
    return NULL;
}

int npg_adapters_porting(const npg_conf_t *conf, npg_porting_t **out)
{
    npg_porting_ch_t chs[16];
    size_t n = 0;
    for (size_t i = 0; npg_adapters[i] && n < 16; i++, n++)
        chs[n] = (npg_porting_ch_t){.name = npg_adapters[i]->name,
                                    .operator_code = npg_adapters[i]->operator_code(conf),
                                    .answer_timeout = npg_adapters[i]->answer_timeout(conf),
                                    .element = npg_adapters[i]->element,
                                    .check_port_in = npg_adapters[i]->check_port_in,
                                    .inbound = npg_adapters[i]->inbound};
    return npg_porting_new(conf, chs, n, out);
}

int npg_adapter_stylesheets(const npg_conf_t *conf, const char *name, npg_xslt_t **to,
                            npg_xslt_t **from)
{
    char path[NPG_CONF_STRLEN + 64], err[512] = "";
    const char *dir = conf->general.xslt_dir[0] ? conf->general.xslt_dir : NPGW_DATADIR "/xslt";
    npg_xml_init(); /* libxml2, libxslt and EXSLT, once per process */
    *to = *from = NULL;
    snprintf(path, sizeof(path), "%s/%s/to-canonical.xsl", dir, name);
    int rc = npg_xslt_load(path, to, err, sizeof(err));
    if (rc == NPG_OK) {
        snprintf(path, sizeof(path), "%s/%s/from-canonical.xsl", dir, name);
        rc = npg_xslt_load(path, from, err, sizeof(err));
    }
    if (rc != NPG_OK) {
        npg_log(LOG_ERR, name, "cannot load %s: %s", path, err[0] ? err : npg_strerror(rc));
        npg_xslt_free(to);
        npg_xslt_free(from);
    }
    return rc;
}
