/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/reload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define MAX_HOOKS 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    const char *name;
    npg_reload_fn fn;
    void *arg;
} hooks[MAX_HOOKS];
static size_t nhooks;

int npg_reload_register(const char *name, npg_reload_fn fn, void *arg)
{
    int rc = NPG_ETOOBIG;
    pthread_mutex_lock(&lock);
    if (nhooks < MAX_HOOKS) {
        hooks[nhooks].name = name;
        hooks[nhooks].fn = fn;
        hooks[nhooks++].arg = arg;
        rc = NPG_OK;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void npg_reload_unregister(npg_reload_fn fn, void *arg)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nhooks; i++)
        if (hooks[i].fn == fn && hooks[i].arg == arg) {
            memmove(&hooks[i], &hooks[i + 1], (nhooks - i - 1) * sizeof(hooks[0]));
            nhooks--;
            break;
        }
    pthread_mutex_unlock(&lock);
}

/* The parser's messages, one log line each (they name the file and line). */
static void log_errors(char *text)
{
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        npg_log(LOG_ERR, "conf", "%s", line);
}

int npg_reload_run(const char *path, npg_conf_t *live)
{
    npg_conf_t *next = malloc(sizeof(*next));
    if (!next)
        return NPG_ENOMEM;
    char *errs = NULL;
    size_t errlen = 0;
    FILE *mem = open_memstream(&errs, &errlen);
    npg_conf_defaults(next);
    int rc = path ? npg_conf_load(next, path, mem) : NPG_OK;
    if (mem)
        fclose(mem);
    if (rc != NPG_OK) {
        if (errs)
            log_errors(errs);
        npg_log(LOG_ERR, "conf", "reload of %s refused: the running configuration stays", path);
        free(errs);
        free(next);
        return rc;
    }
    free(errs);
    npg_conf_reload(live, next);
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < nhooks; i++) {
        char err[512] = "";
        int r = hooks[i].fn(hooks[i].arg, next, err, sizeof(err));
        if (r != NPG_OK) {
            npg_log(LOG_ERR, "conf", "reload of %s failed: %s", hooks[i].name,
                    err[0] ? err : npg_strerror(r));
            if (rc == NPG_OK)
                rc = r;
        }
    }
    pthread_mutex_unlock(&lock);
    free(next);
    npg_log(LOG_NOTICE, "conf", "reloaded %s%s", path ? path : "(defaults)",
            rc == NPG_OK ? "" : " (with errors, see above)");
    return rc;
}

int npg_reload_log_level(void *arg, const npg_conf_t *next, char *err, size_t errlen)
{
    (void)arg;
    int prio;
    if (npg_log_parse_level(next->general.log_level, &prio) != NPG_OK) {
        snprintf(err, errlen, "[general] log_level '%s' is not a level", next->general.log_level);
        return NPG_ECONF;
    }
    npg_log_set_level(prio);
    return NPG_OK;
}
