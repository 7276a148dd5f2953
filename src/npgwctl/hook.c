/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwctl hook: webhook subscriptions (their secrets are printed only when made), parked
 * deliveries and their replay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "hooks/hooks.h"
#include "npgwctl/ctl.h"

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32 || strcmp(s, "conf") == 0)
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static int print_sub(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n, (void)arg;
    int secrets = 0;
    for (const char *p = c[3]; *p; p++)
        secrets += (p == c[3] || p[-1] == ' ') && *p != ' ';
    printf("%-16s %-8s %d secret%s  %-40s %s\n", c[0], strcmp(c[4], "1") ? "disabled" : "enabled",
           secrets, secrets == 1 ? " " : "s", c[2], c[1]);
    return 0;
}

/* hook list */
int ctl_hook_list(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (ctl->conf.webhooks.url[0])
        printf("%-16s %-8s %s  %-40s %s\n", "conf", "enabled", "(npgw.conf)",
               ctl->conf.webhooks.events, ctl->conf.webhooks.url);
    int rc =
        npg_db_query_each(ctl->db,
                          "SELECT name, url, events, secrets, enabled FROM webhook_subscriptions"
                          " ORDER BY name",
                          NULL, 0, print_sub, NULL);
    return rc == NPG_OK ? 0 : ctl_fail(rc, "hook list");
}

/* hook add NAME URL [--events LIST] [--secret whsec_...] */
int ctl_hook_add(ctl_t *ctl, int argc, char **argv)
{
    const char *events = "*", *secret = NULL;
    char why[200], made[64] = "";
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--events") == 0)
            events = argv[i + 1];
        else if (strcmp(argv[i], "--secret") == 0)
            secret = argv[i + 1];
        else {
            fprintf(stderr, "npgwctl: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (!name_ok(argv[0])) {
        fprintf(stderr, "npgwctl: a name is 1 to 32 letters, digits, '_' or '-' (not 'conf')\n");
        return 2;
    }
    if (strncmp(argv[1], "http://", 7) != 0 && strncmp(argv[1], "https://", 8) != 0) {
        fprintf(stderr, "npgwctl: the URL must be http:// or https://\n");
        return 2;
    }
    if (!npg_hook_events_valid(events, why, sizeof(why))) {
        fprintf(stderr, "npgwctl: events: %s\n", why);
        return 2;
    }
    if (secret && !npg_webhook_secrets_valid(secret, why, sizeof(why))) {
        fprintf(stderr, "npgwctl: secret: %s\n", why);
        return 2;
    }
    if (!secret) {
        if (npg_webhook_secret_new(made) != NPG_OK)
            return ctl_fail(NPG_EIO, "hook add");
        secret = made;
    }
    int rc = npg_db_exec(
        ctl->db,
        "INSERT INTO webhook_subscriptions (name, url, secrets, events)"
        " VALUES (?, ?, ?, ?)",
        NPG_DB_P(NPG_DB_S(argv[0]), NPG_DB_S(argv[1]), NPG_DB_S(secret), NPG_DB_S(events)), NULL,
        NULL);
    if (rc == NPG_EEXIST) {
        fprintf(stderr, "npgwctl: hook add: a subscription %s exists\n", argv[0]);
        return 1;
    }
    if (rc != NPG_OK)
        return ctl_fail(rc, "hook add");
    printf("subscription %s added (events %s)\n", argv[0], events);
    if (made[0])
        printf("secret: %s\n", made); /* shown once: the receiver needs it */
    return 0;
}

/* hook rotate NAME: a new secret signs beside the old ones until "hook secrets" drops them. */
int ctl_hook_rotate(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char made[64] = "";
    if (npg_webhook_secret_new(made) != NPG_OK)
        return ctl_fail(NPG_EIO, "hook rotate");
    uint64_t n = 0;
    int rc = npg_db_exec(ctl->db,
                         "UPDATE webhook_subscriptions SET secrets = CONCAT(?, ' ', secrets)"
                         " WHERE name = ? AND CHAR_LENGTH(secrets) < 900",
                         NPG_DB_P(NPG_DB_S(made), NPG_DB_S(argv[0])), &n, NULL);
    if (rc == NPG_OK && n == 0)
        rc = NPG_ENOTFOUND;
    if (rc != NPG_OK)
        return ctl_fail(rc, "hook rotate");
    printf("new secret: %s\n(the old ones still sign: drop them with npgwctl hook secrets %s"
           " NEW)\n",
           made, argv[0]);
    return 0;
}

/* hook secrets NAME SECRET [SECRET...]: exactly these from now on. */
int ctl_hook_secrets(ctl_t *ctl, int argc, char **argv)
{
    char all[1024] = "", why[200];
    for (int i = 1; i < argc; i++)
        snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i > 1 ? " " : "", argv[i]);
    if (!npg_webhook_secrets_valid(all, why, sizeof(why))) {
        fprintf(stderr, "npgwctl: %s\n", why);
        return 2;
    }
    uint64_t n = 0;
    int rc = npg_db_exec(ctl->db, "UPDATE webhook_subscriptions SET secrets = ? WHERE name = ?",
                         NPG_DB_P(NPG_DB_S(all), NPG_DB_S(argv[0])), &n, NULL);
    if (rc == NPG_OK && n == 0)
        rc = NPG_ENOTFOUND;
    if (rc != NPG_OK)
        return ctl_fail(rc, "hook secrets");
    printf("subscription %s: %d secret%s\n", argv[0], argc - 1, argc == 2 ? "" : "s");
    return 0;
}

/* hook remove NAME: its pending deliveries are dropped when their turn comes. */
int ctl_hook_remove(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    uint64_t n = 0;
    int rc = npg_db_exec(ctl->db, "DELETE FROM webhook_subscriptions WHERE name = ?",
                         NPG_DB_P(NPG_DB_S(argv[0])), &n, NULL);
    if (rc == NPG_OK && n == 0)
        rc = NPG_ENOTFOUND;
    if (rc != NPG_OK)
        return ctl_fail(rc, "hook remove");
    printf("subscription %s removed\n", argv[0]);
    return 0;
}

static int print_parked(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n, (void)arg;
    printf("%-8s %-8s %-5s %-30s %3s attempts  %s\n", c[0], c[1], c[2], c[3] ? c[3] : "-", c[4],
           c[5] ? c[5] : "");
    return 0;
}

/* hook parked: deliveries that failed for good */
int ctl_hook_parked(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    int rc = npg_db_query_each(
        ctl->db,
        "SELECT o.id, o.kind, o.port_kind, COALESCE(i.msgidentifier, p.msgidentifier),"
        " o.attempts, o.last_error FROM outbox o"
        " LEFT JOIN port_in i ON o.port_kind = 'in' AND i.id = o.port_id"
        " LEFT JOIN port_out p ON o.port_kind = 'out' AND p.id = o.port_id"
        " WHERE o.state = 'failed' AND o.kind IN ('webhook', 'cgrates', 'sms') ORDER BY o.id",
        NULL, 0, print_parked, NULL);
    return rc == NPG_OK ? 0 : ctl_fail(rc, "hook parked");
}

/* hook replay ID|--all: parked deliveries go out again (same webhook-id, same body). */
int ctl_hook_replay(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    uint64_t id = 0;
    if (strcmp(argv[0], "--all") != 0) {
        if (!npg_is_digits(argv[0]) || (id = strtoull(argv[0], NULL, 10)) == 0) {
            fprintf(stderr, "npgwctl: hook replay ID|--all (ID from npgwctl hook parked)\n");
            return 2;
        }
    }
    int n = 0;
    int rc = npg_hooks_replay(ctl->db, id, &n);
    if (rc == NPG_ENOTFOUND) {
        fprintf(stderr, "npgwctl: hook replay: no parked delivery %s\n", argv[0]);
        return 1;
    }
    if (rc != NPG_OK)
        return ctl_fail(rc, "hook replay");
    printf("%d deliver%s queued again\n", n, n == 1 ? "y" : "ies");
    return 0;
}
