/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwctl reconcile: our routing against the clearinghouse's view (adapters/reconcile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/reconcile.h"
#include "common/e164.h"
#include "npgwctl/ctl.h"

/* reconcile [--range A-B] [--fix] [--report FILE] [--clearinghouse NAME] */
int ctl_reconcile(ctl_t *ctl, int argc, char **argv)
{
    npg_reconcile_opts_t o = {.actor = "npgwctl"};
    const char *report = NULL, *chname = ctl->conf.general.clearinghouse;
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--fix") == 0) {
            o.fix = true;
            continue;
        }
        if (!v || (strcmp(argv[i], "--range") && strcmp(argv[i], "--report") &&
                   strcmp(argv[i], "--clearinghouse"))) {
            fprintf(stderr, "npgwctl: reconcile: unknown option or missing value: %s\n", argv[i]);
            return 2;
        }
        i++;
        if (strcmp(argv[i - 1], "--report") == 0) {
            report = v;
        } else if (strcmp(argv[i - 1], "--clearinghouse") == 0) {
            chname = v;
        } else {
            char a[32], *dash = strchr(v, '-');
            long count;
            snprintf(a, sizeof(a), "%.*s", dash ? (int)(dash - v) : (int)strlen(v), v);
            if (npg_e164_range(a, dash ? dash + 1 : a, ctl->conf.general.country_code, 100000000L,
                               &o.first, &o.last, &count) != NPG_OK) {
                fprintf(stderr, "npgwctl: --range %s: want FIRST-LAST, digits of one length\n", v);
                return 2;
            }
        }
    }
    const npg_adapter_ops_t *ops = npg_adapter_find(chname);
    if (!ops) {
        fprintf(stderr, "npgwctl: no clearinghouse adapter '%s'\n", chname);
        return 2;
    }
    if (!ops->serving) {
        fprintf(stderr, "npgwctl: the %s clearinghouse cannot say who serves a number\n",
                ops->title);
        return 2;
    }
    FILE *out = report ? fopen(report, "w") : stdout;
    if (!out) {
        fprintf(stderr, "npgwctl: cannot write %s\n", report);
        return 1;
    }
    void *state = NULL;
    int rc = ops->create ? ops->create(&ctl->conf, &state) : NPG_OK;
    npg_reconcile_result_t res;
    char err[600] = "";
    if (rc == NPG_OK)
        rc = npg_reconcile(ctl->db, &ctl->conf, ops, state, &o, out, &res, err, sizeof(err));
    if (ops->destroy && state)
        ops->destroy(&state);
    if (report && fclose(out) != 0 && rc == NPG_OK)
        rc = NPG_EIO;
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: reconcile: %s\n", err[0] ? err : npg_strerror(rc));
        return 1;
    }
    uint64_t drift = res.checked - res.agree;
    fprintf(stderr,
            "reconcile: %llu numbers checked with %s, %llu agree, %llu drift"
            " (%llu routed differently, %llu ours not routed, %llu routed not ours,"
            " %llu unknown there)%s",
            (unsigned long long)res.checked, ops->title, (unsigned long long)res.agree,
            (unsigned long long)drift, (unsigned long long)res.drift[NPG_DRIFT_ROUTED_DIFFERENTLY],
            (unsigned long long)res.drift[NPG_DRIFT_OURS_NOT_ROUTED],
            (unsigned long long)res.drift[NPG_DRIFT_ROUTED_NOT_OURS],
            (unsigned long long)res.drift[NPG_DRIFT_UNKNOWN_THERE], o.fix ? "" : "\n");
    if (o.fix)
        fprintf(stderr, "; %llu fixed, %llu left\n", (unsigned long long)res.fixed,
                (unsigned long long)res.not_fixed);
    return (o.fix ? res.not_fixed : drift) ? 3 : 0; /* 3: drift is left */
}
