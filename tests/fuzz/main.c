/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tests/fuzz/main.c - the replay main of a fuzz target when libFuzzer is not linked (the
 * ordinary build): every file of the target's corpus goes once through
 * LLVMFuzzerTestOneInput, one TAP line each, so `make check` keeps every seed and every
 * regression input passing. Arguments: files or directories; none: the target's seed corpus,
 * $top_srcdir/tests/fuzz/corpus/NAME for a program called fuzz_NAME.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Optional in a target, as in libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int ntests;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One input, the way libFuzzer hands it over: a malloc'ed copy of exactly its bytes, so
 * ASan sees a read past the end. */
static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("not ok %d - %s: %s\n", ++ntests, path, strerror(errno));
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p)
                free(buf);
            buf = p;
        }
    }
    fclose(f);
    if (!buf) {
        printf("not ok %d - %s: out of memory\n", ++ntests, path);
        return 1;
    }
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(buf);
        printf("not ok %d - %s: out of memory\n", ++ntests, path);
        return 1;
    }
    memcpy(exact, buf, len);
    free(buf);
    fflush(stdout); /* what ran before a crash stays in the log */
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    printf("ok %d - %s\n", ++ntests, path);
    return 0;
}

/* A directory's regular files in name order (the TAP numbers stay put between runs). */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        printf("not ok %d - %s: %s\n", ++ntests, dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int failed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
            if (!p) {
                failed = 1;
                break;
            }
            names = p;
        }
        if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2))) {
            failed = 1;
            break;
        }
        sprintf(names[n++], "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (!failed && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            failed |= replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return failed;
}

int main(int argc, char **argv)
{
    char dflt[4096];
    char *dflt_argv[] = {argv[0], dflt, NULL};
    if (argc < 2) {
        const char *base = strrchr(argv[0], '/');
        base = base ? base + 1 : argv[0];
        if (strncmp(base, "fuzz_", 5) == 0)
            base += 5;
        snprintf(dflt, sizeof(dflt), "%s/tests/fuzz/corpus/%s", npg_fuzz_srcdir(), base);
        argc = 2;
        argv = dflt_argv;
    }
    if (LLVMFuzzerInitialize && LLVMFuzzerInitialize(&argc, &argv) != 0) {
        printf("1..1\nnot ok 1 - LLVMFuzzerInitialize failed\n");
        return 1;
    }
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            failed |= replay_dir(argv[i]);
        else
            failed |= replay_file(argv[i]);
    }
    printf("1..%d\n", ntests);
    return failed;
}
