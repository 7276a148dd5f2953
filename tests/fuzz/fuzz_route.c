/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a line of the routing CSV import (npg_routing_csv_line), as
 * `npgwctl route import` reads files from other systems. The input is split into lines as
 * getline would. Properties: an accepted line gives a full E.164 number (1-15 digits, no
 * leading 0), an operator code without a comma, and the type mobile or fixed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "routing/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t at = 0;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t n = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
        char *line = npg_fuzz_cstr(data + at, n);
        uint64_t number = 0;
        char *op = NULL, err[256];
        const char *type = NULL;
        if (npg_routing_csv_line(line, &number, &op, &type, err, sizeof(err)) == NPG_OK) {
            if (number < 1 || number > 999999999999999ULL)
                npg_fuzz_fail("accepted number %llu", (unsigned long long)number);
            if (!op || strchr(op, ','))
                npg_fuzz_fail("accepted operator '%s'", op ? op : "(null)");
            if (!type || (strcmp(type, "mobile") != 0 && strcmp(type, "fixed") != 0))
                npg_fuzz_fail("accepted type '%s'", type ? type : "(null)");
        }
        free(line);
        at += n;
    }
    return 0;
}
