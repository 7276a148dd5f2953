/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tests/fuzz/fuzz.h - what every fuzz target shares. A target defines LLVMFuzzerTestOneInput
 * (and LLVMFuzzerInitialize when it needs set-up); with --enable-fuzzers libFuzzer drives it,
 * otherwise main.c replays its corpus. A target must never keep state between inputs that
 * changes what the next input does, and must free everything an input allocated.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: once before the first input; non-zero stops the run. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The source tree (stylesheets, contracts, data): $top_srcdir, or where configure ran from. */
const char *npg_fuzz_srcdir(void);

/* data as a malloc'ed NUL-terminated string, as the HTTP front hands bodies over; aborts
 * when out of memory (a fuzz input that big is the fuzzer's -rss_limit's business). */
char *npg_fuzz_cstr(const uint8_t *data, size_t size);

/* Stop with a message: an input broke a property the target checks (libFuzzer saves it). */
void npg_fuzz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Silence npg_log below LOG_CRIT: refusals are expected, their lines only slow fuzzing. */
void npg_fuzz_quiet(void);
