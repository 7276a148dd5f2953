/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim - clearinghouse simulator: `npsim [-c FILE] <adapter> ARGS` runs that adapter's. */
#include <stdio.h>
#include <string.h>

#include "adapters/adapter.h"

static void usage(FILE *out)
{
    for (size_t i = 0; npg_adapters[i]; i++)
        if (npg_adapters[i]->simulate)
            fputs(npg_adapters[i]->sim_usage, out);
}

int main(int argc, char **argv)
{
    const char *conf_path = NULL;
    if (argc > 2 && strcmp(argv[1], "-c") == 0) {
        conf_path = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        usage(stdout);
        return 0;
    }
    const npg_adapter_ops_t *a = argc >= 2 ? npg_adapter_find(argv[1]) : NULL;
    if (!a || !a->simulate) {
        usage(stderr);
        return 2;
    }
    return a->simulate(conf_path, argc - 1, argv + 1);
}
