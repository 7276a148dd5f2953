/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"
#include "common/notify.h"
#include "common/reload.h"

const char *npg_cli_conf_path(const char *path)
{
    if (!path && access(NPG_DEFAULT_CONF, R_OK) == 0)
        path = NPG_DEFAULT_CONF;
    return path;
}

int npg_cli_setup(const char *ident, const char *path, npg_conf_t *conf)
{
    npg_conf_defaults(conf);
    path = npg_cli_conf_path(path);
    if (path && npg_conf_load(conf, path, stderr) != NPG_OK)
        return NPG_ECONF;
    int prio = LOG_INFO;
    if (npg_log_parse_level(conf->general.log_level, &prio) != NPG_OK)
        prio = LOG_INFO;
    npg_log_init(ident,
                 strcasecmp(conf->general.log_target, "syslog") == 0 ? NPG_LOG_SYSLOG
                                                                     : NPG_LOG_STDERR,
                 prio);
    return NPG_OK;
}

void npg_cli_on_stop_signals(void (*stop)(int sig))
{
    struct sigaction sa = {.sa_handler = stop};
    sigemptyset(&sa.sa_mask);
    signal(SIGPIPE, SIG_IGN);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int npg_cli_read_key_file(const char *path, const char *tier, char *user, size_t ulen, char *key,
                          size_t klen)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int rc = NPG_ENOTFOUND;
    while (f && rc != NPG_OK && fgets(line, sizeof(line), f)) {
        char t[32], cred[400];
        char *colon;
        if (sscanf(line, "%31s %399s", t, cred) == 2 && strcmp(t, tier) == 0 &&
            (colon = strchr(cred, ':'))) {
            *colon = '\0';
            snprintf(user, ulen, "%s", cred);
            snprintf(key, klen, "%s", colon + 1);
            rc = NPG_OK;
        }
    }
    if (f)
        fclose(f);
    if (rc != NPG_OK)
        fprintf(stderr, "no '%s user:key' line in %s\n", tier, path);
    return rc;
}

static struct {
    pthread_t thread;
    bool running;
    bool quitting; /* atomic: npg_cli_signals_stop woke the thread, nothing to do */
    sigset_t set;
    const char *path;
    npg_conf_t *live;
    void (*stop)(void *);
    void *arg;
} sig;

static void *signal_main(void *unused)
{
    (void)unused;
    for (;;) {
        int s = 0;
        if (sigwait(&sig.set, &s) != 0)
            continue;
        if (__atomic_load_n(&sig.quitting, __ATOMIC_ACQUIRE))
            return NULL;
        if (s == SIGHUP) {
            if (npg_notify_reloading() != NPG_OK)
                npg_log(LOG_WARNING, "conf", "could not tell systemd about the reload");
            npg_log(LOG_NOTICE, "conf", "SIGHUP: reloading %s", sig.path ? sig.path : "defaults");
            if (npg_reload_run(sig.path, sig.live) != NPG_OK)
                npg_log(LOG_WARNING, "conf", "reload incomplete, see above");
            if (npg_notify("READY=1") != NPG_OK)
                npg_log(LOG_WARNING, "conf", "could not tell systemd the reload is done");
            continue;
        }
        if (npg_notify("STOPPING=1") != NPG_OK)
            npg_log(LOG_WARNING, "conf", "could not tell systemd about the stop");
        if (sig.stop)
            sig.stop(sig.arg);
        return NULL;
    }
}

int npg_cli_signals_start(const char *path, npg_conf_t *live, void (*stop)(void *arg), void *arg)
{
    signal(SIGPIPE, SIG_IGN);
    sig.path = path;
    sig.live = live;
    sig.stop = stop;
    sig.arg = arg;
    sigemptyset(&sig.set);
    sigaddset(&sig.set, SIGTERM);
    sigaddset(&sig.set, SIGINT);
    sigaddset(&sig.set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &sig.set, NULL) != 0 ||
        npg_reload_register("log_level", npg_reload_log_level, NULL) != NPG_OK ||
        pthread_create(&sig.thread, NULL, signal_main, NULL) != 0)
        return NPG_EIO;
    sig.running = true;
    return NPG_OK;
}

void npg_cli_signals_stop(void)
{
    if (!sig.running)
        return;
    __atomic_store_n(&sig.quitting, true, __ATOMIC_RELEASE);
    pthread_kill(sig.thread, SIGTERM); /* blocked everywhere: sigwait takes it */
    pthread_join(sig.thread, NULL);
    sig.running = false;
}
