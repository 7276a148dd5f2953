/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "porting/porting.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "porting/engine.h"

int npg_porting_new(const npg_conf_t *conf, const npg_porting_ch_t *chs, size_t n,
                    npg_porting_t **out)
{
    npg_porting_t *pt = calloc(1, sizeof(*pt));
    if (!pt || (n && !(pt->chs = calloc(n, sizeof(*chs))))) {
        free(pt);
        return NPG_ENOMEM;
    }
    pt->conf = conf;
    if (n)
        memcpy(pt->chs, chs, n * sizeof(*chs));
    pt->nchs = n;
    pt->default_ch = port_ch(pt, conf->general.clearinghouse);
    if (!pt->default_ch) {
        npg_log(LOG_ERR, "porting", "[general] clearinghouse '%s' is not an adapter of this build",
                conf->general.clearinghouse);
        npg_porting_free(&pt);
        return NPG_ECONF;
    }
    *out = pt;
    return NPG_OK;
}

void npg_porting_free(npg_porting_t **ptp)
{
    npg_porting_t *pt = ptp ? *ptp : NULL;
    if (!pt)
        return;
    free(pt->chs);
    free(pt);
    *ptp = NULL;
}

void npg_porting_set_hooks(npg_porting_t *pt, const npg_porting_hooks_t *hooks)
{
    pt->hooks = *hooks;
}

const npg_conf_t *npg_porting_conf(const npg_porting_t *pt)
{
    return pt->conf;
}

const npg_porting_hooks_t *npg_porting_hooks(const npg_porting_t *pt)
{
    static const npg_porting_hooks_t none;
    return pt ? &pt->hooks : &none;
}
