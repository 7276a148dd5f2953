/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"

int npg_cli_setup(const char *ident, const char *path, npg_conf_t *conf)
{
    npg_conf_defaults(conf);
    if (!path && access(NPG_DEFAULT_CONF, R_OK) == 0)
        path = NPG_DEFAULT_CONF;
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
