/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwctl route ...: the routing store by hand, and in bulk (CSV). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/e164.h"
#include "npgwctl/ctl.h"
#include "porting/port.h"
#include "routing/routing.h"

/* A local or E.164 number, normalised with the configured country code. */
static int number_arg(const ctl_t *ctl, const char *arg, uint64_t *n)
{
    char e164[NPG_E164_BUFLEN];
    int rc = npg_e164_normalise(arg, ctl->conf.general.country_code, e164);
    if (rc == NPG_OK)
        rc = npg_e164_validate(e164);
    if (rc == NPG_OK)
        rc = npg_e164_to_u64(e164, n);
    if (rc != NPG_OK)
        fprintf(stderr, "npgwctl: '%s' is not a phone number\n", arg);
    return rc;
}

int ctl_route_show(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    uint64_t n;
    npg_route_info_t ri;
    if (number_arg(ctl, argv[0], &n) != NPG_OK)
        return 2;
    int rc = npg_routing_get(ctl->db, n, &ri);
    if (rc == NPG_ENOTFOUND) {
        fprintf(stderr, "npgwctl: %" PRIu64 " is neither ported nor in any operator's range\n", n);
        return 1;
    }
    if (rc != NPG_OK)
        return ctl_fail(rc, "route show");
    printf("number\t%" PRIu64 "\nserving\t%s\nrouting_number\t%s\nhome\t%s\nported\t%s\n"
           "type\t%s\nsource\t%s\nport\t%s\nupdated\t%s\n",
           n, ri.serving.code, ri.ported ? ri.serving.routing_number : "-",
           ri.home_operator[0] ? ri.home_operator : "-", ri.ported ? "yes" : "no", ri.number_type,
           ri.source, ri.port_ref[0] ? ri.port_ref : "-", ri.updated_at[0] ? ri.updated_at : "-");
    return 0;
}

/* route push NUMBER OPERATOR [mobile|fixed] */
int ctl_route_push(ctl_t *ctl, int argc, char **argv)
{
    uint64_t n;
    npg_operator_t op;
    const char *type = argc > 2 ? argv[2] : "mobile";
    if (number_arg(ctl, argv[0], &n) != NPG_OK)
        return 2;
    if (strcmp(type, "mobile") != 0 && strcmp(type, "fixed") != 0) {
        fprintf(stderr, "npgwctl: type must be mobile or fixed\n");
        return 2;
    }
    int rc = npg_operator_get(ctl->db, argv[1], &op);
    if (rc == NPG_OK)
        rc = npg_port_route_change(ctl->db, ctl->pt, n, &op, type, "manual");
    if (rc != NPG_OK)
        return ctl_fail(rc, rc == NPG_ENOTFOUND ? "unknown operator" : "route push");
    printf("%" PRIu64 " routes to %s\n", n, op.code);
    return 0;
}

int ctl_route_delete(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    uint64_t n;
    if (number_arg(ctl, argv[0], &n) != NPG_OK)
        return 2;
    int rc = npg_port_route_change(ctl->db, ctl->pt, n, NULL, NULL, "manual");
    if (rc != NPG_OK)
        return ctl_fail(rc, rc == NPG_ENOTFOUND ? "no routing record" : "route delete");
    printf("%" PRIu64 ": routing record removed\n", n);
    return 0;
}

/* route import FILE|- [--batch N] */
int ctl_route_import(ctl_t *ctl, int argc, char **argv)
{
    long batch = 5000;
    if (argc >= 3 && strcmp(argv[1], "--batch") == 0)
        batch = strtol(argv[2], NULL, 10);
    if (batch < 1 || batch > 1000000) {
        fprintf(stderr, "npgwctl: --batch must be 1..1000000\n");
        return 2;
    }
    FILE *in = strcmp(argv[0], "-") == 0 ? stdin : fopen(argv[0], "r");
    if (!in) {
        perror(argv[0]);
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t count = 0;
    char err[512];
    int rc = npg_routing_import_csv(ctl->db, in, (size_t)batch, &count, err, sizeof(err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (in != stdin)
        fclose(in);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%" PRIu64 " routing records imported in %.1f s\n", count, s);
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: route import stopped at %s (earlier batches are kept)\n", err);
        return 1;
    }
    return 0;
}

/* route export [FILE] */
int ctl_route_export(ctl_t *ctl, int argc, char **argv)
{
    FILE *out = argc > 0 && strcmp(argv[0], "-") != 0 ? fopen(argv[0], "w") : stdout;
    if (!out) {
        perror(argv[0]);
        return 1;
    }
    uint64_t count = 0;
    int rc = npg_routing_export_csv(ctl->db, out, &count);
    if (out != stdout && fclose(out) != 0)
        rc = NPG_EIO;
    if (rc != NPG_OK)
        return ctl_fail(rc, "route export");
    fprintf(stderr, "%" PRIu64 " routing records exported\n", count);
    return 0;
}
