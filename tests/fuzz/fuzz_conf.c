/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the configuration file (npg_conf_load through inih, then what
 * `npgwd --check-config` and the daemons check at start: [dns] servers and TSIG key, the
 * clearinghouses, each adapter's own check (the UK calendar), npenumd's zones). The input is
 * the file, kept in memory (memfd) and read through its /proc/self/fd path. Paths it names
 * are not followed (bank holidays file, static zones): a fuzzer must not read the disk.
 * Property: a value that loads keeps its schema's bounds (here: the integers checked below).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "adapters/adapter.h"
#include "enum/publish.h"
#include "enum/responder.h"
#include "fuzz.h"

static int fd = -1;
static char path[64];
static npg_enum_index_t *ix;
static FILE *devnull; /* the error lines are written, and dropped */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    npg_fuzz_quiet();
    fd = memfd_create("npgw-fuzz-conf", 0);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    devnull = fopen("/dev/null", "w");
    return fd < 0 || !devnull || npg_enum_index_new(&ix) != NPG_OK;
}

/* What npgwd and npenumd refuse at start, beyond the file's syntax. */
static void start_checks(npg_conf_t *conf)
{
    char err[512];
    npg_publish_t *p = NULL;
    if (npg_publish_new(conf, &p, err, sizeof(err)) == NPG_OK)
        npg_publish_free(&p);
    npg_porting_t *pt = NULL;
    if (npg_adapters_porting(conf, &pt) == NPG_OK)
        npg_porting_free(&pt);
    conf->uk.bank_holidays_file[0] = '\0';
    conf->enumd.static_zones[0] = '\0';
    for (size_t i = 0; npg_adapters[i]; i++)
        if (npg_adapters[i]->check)
            (void)!npg_adapters[i]->check(conf, err, sizeof(err));
    npg_enum_responder_t *r = NULL;
    if (npg_enum_responder_new(conf, ix, &r, err, sizeof(err)) == NPG_OK)
        npg_enum_responder_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static npg_conf_t conf;
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    npg_conf_defaults(&conf);
    int rc = npg_conf_load(&conf, path, devnull);
    if (conf.http.port < 1 || conf.http.port > 65535 || conf.http.max_xml_depth < 4 ||
        conf.http.max_xml_depth > 1000 || conf.enumd.max_udp_payload < 512 ||
        conf.enumd.max_udp_payload > 4096)
        npg_fuzz_fail("an integer left its schema range");
    if (rc == NPG_OK)
        start_checks(&conf);
    return 0;
}
