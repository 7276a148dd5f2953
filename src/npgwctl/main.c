/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npgwctl - administration: migrations, operators and ranges, API keys, ports, routing. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapters/adapter.h"
#include "api/apikey.h"
#include "common/cli.h"
#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "db/migrate.h"
#include "hooks/hooks.h"
#include "numbering/operator.h"
#include "porting/alarm.h"
#include "porting/port.h"
#include "porting/query.h"
#include "routing/routing.h"
#include "npgwctl/ctl.h"

typedef int (*cmd_fn)(ctl_t *ctl, int argc, char **argv);

typedef struct cmd {
    const char *group, *name;
    int min_args;
    cmd_fn fn;
    const char *usage;
} cmd_t;

int ctl_fail(int rc, const char *what)
{
    fprintf(stderr, "npgwctl: %s: %s\n", what, npg_strerror(rc));
    return 1;
}

static const char *migrations_dir(const ctl_t *ctl)
{
    return ctl->conf.database.migrations_dir[0] ? ctl->conf.database.migrations_dir
                                                : NPGW_DATADIR "/db";
}

static int cmd_db_migrate(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    int applied = 0, version = 0;
    int rc = npg_db_migrate(ctl->db, migrations_dir(ctl), &applied, &version);
    if (rc != NPG_OK)
        return ctl_fail(rc, "migrate");
    printf("schema version %d (%d migration%s applied)\n", version, applied,
           applied == 1 ? "" : "s");
    return 0;
}

static int cmd_db_version(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    int version = 0;
    int rc = npg_db_schema_version(ctl->db, &version);
    if (rc != NPG_OK)
        return ctl_fail(rc, "version");
    printf("%d\n", version);
    return 0;
}

/*
 * operator add CODE [--name N] [--rn DIGITS] [--ims-domain D] [--naptr sip|tel]
 *                   [--rn-format global|bare] [--self]
 */
static int cmd_operator_add(ctl_t *ctl, int argc, char **argv)
{
    npg_operator_t op = {.naptr_form = "sip", .rn_format = "global"};
    snprintf(op.code, sizeof(op.code), "%s", argv[0]);
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(argv[i], "--self") == 0) {
            op.is_self = true;
            continue;
        }
        if (strcmp(argv[i], "--name") == 0)
            snprintf(op.name, sizeof(op.name), "%s", v);
        else if (strcmp(argv[i], "--rn") == 0)
            snprintf(op.routing_number, sizeof(op.routing_number), "%s", v);
        else if (strcmp(argv[i], "--ims-domain") == 0)
            snprintf(op.ims_domain, sizeof(op.ims_domain), "%s", v);
        else if (strcmp(argv[i], "--naptr") == 0)
            snprintf(op.naptr_form, sizeof(op.naptr_form), "%s", v);
        else if (strcmp(argv[i], "--rn-format") == 0)
            snprintf(op.rn_format, sizeof(op.rn_format), "%s", v);
        else {
            fprintf(stderr, "npgwctl: unknown option %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    int rc = npg_routing_operator_put(ctl->db, &op);
    if (rc != NPG_OK)
        return ctl_fail(rc, "operator add (code: 2-10 capitals/digits, rn: digits, naptr: sip|tel,"
                            " rn-format: global|bare)");
    printf("operator %s saved\n", op.code);
    return 0;
}

static int print_row(const char *const *cols, const size_t *lens, size_t n, void *arg)
{
    (void)lens, (void)arg;
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i ? "\t" : "", cols[i] ? cols[i] : "-");
    printf("\n");
    return 0;
}

static int cmd_operator_list(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("code\tname\trouting_number\tims_domain\tnaptr\trn_format\tself\n");
    int rc = npg_operator_list(ctl->db, print_row, NULL);
    return rc == NPG_OK ? 0 : ctl_fail(rc, "operator list");
}

/* range add CODE FIRST LAST [mobile|fixed]: local or E.164 numbers */
static int cmd_range_add(ctl_t *ctl, int argc, char **argv)
{
    uint64_t first, last;
    long count;
    int rc = npg_e164_range(argv[1], argv[2], ctl->conf.general.country_code, 1000000000L, &first,
                            &last, &count);
    if (rc != NPG_OK)
        return ctl_fail(rc, "range (digits, same length, end not before start)");
    rc = npg_routing_range_add(ctl->db, argv[0], first, last, argc > 3 ? argv[3] : "mobile");
    if (rc != NPG_OK)
        return ctl_fail(rc, "range add");
    printf("range %llu-%llu (%ld numbers) belongs to %s\n", (unsigned long long)first,
           (unsigned long long)last, count, argv[0]);
    return 0;
}

static int cmd_range_list(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("operator\tfirst\tlast\ttype\n");
    int rc = npg_operator_ranges_list(ctl->db, print_row, NULL);
    return rc == NPG_OK ? 0 : ctl_fail(rc, "range list");
}

static int cmd_key_create(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char key[NPG_APIKEY_LEN + 1];
    npg_tier_t tier = npg_tier_parse(argv[1]);
    if (tier == NPG_TIER_NONE) {
        fprintf(stderr, "npgwctl: tier must be admin, pxs or read_only\n");
        return 2;
    }
    int rc = npg_apikey_create(ctl->db, argv[0], tier, key);
    if (rc == NPG_EEXIST) {
        fprintf(stderr, "npgwctl: user %s already has a key (revoke it first)\n", argv[0]);
        return 1;
    }
    if (rc != NPG_OK)
        return ctl_fail(rc, "key create");
    printf("%s %s:%s\n", npg_tier_name(tier), argv[0], key);
    return 0;
}

static int cmd_key_list(ctl_t *ctl, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("user\ttier\tcreated\tlast_used\trevoked\n");
    int rc = npg_apikey_list(ctl->db, print_row, NULL);
    return rc == NPG_OK ? 0 : ctl_fail(rc, "key list");
}

static int cmd_key_revoke(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    int rc = npg_apikey_revoke(ctl->db, argv[0]);
    if (rc != NPG_OK)
        return ctl_fail(rc, "key revoke");
    printf("key of %s revoked\n", argv[0]);
    return 0;
}

/* port-in create --from A --to B [--from ..] --email E --type T --account A [--donor D] ... */
static int cmd_port_in_create(ctl_t *ctl, int argc, char **argv)
{
    npg_port_in_req_t req = {.number_type = "mobile"};
    for (int i = 0; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--override-cooloff") == 0) {
            req.override_cooloff = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "npgwctl: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--from") == 0 && req.nranges < NPG_PORT_MAX_RANGES)
            req.ranges[req.nranges].start = req.ranges[req.nranges].end = v, req.nranges++;
        else if (strcmp(argv[i], "--to") == 0 && req.nranges > 0)
            req.ranges[req.nranges - 1].end = v;
        else if (strcmp(argv[i], "--email") == 0)
            req.email = v;
        else if (strcmp(argv[i], "--type") == 0)
            req.number_type = v;
        else if (strcmp(argv[i], "--account") == 0)
            req.account_type = v;
        else if (strcmp(argv[i], "--donor") == 0)
            req.donor = v;
        else if (strcmp(argv[i], "--contact") == 0)
            req.contact_number = v;
        else if (strcmp(argv[i], "--clearinghouse") == 0)
            req.clearinghouse = v;
        else if (strcmp(argv[i], "--due") == 0) {
            if (npg_time_parse(v, &req.port_time) != NPG_OK) {
                fprintf(stderr, "npgwctl: --due wants YYYY-MM-DDTHH:MM:SSZ, not '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "npgwctl: unknown option %s\n", argv[i]);
            return 2;
        }
        i++;
    }
    char msgid[NPG_MSGID_LEN], err[512];
    int rc = npg_port_in_create(ctl->db, ctl->pt, &req, msgid, err, sizeof(err));
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: port-in create: %s\n", err[0] ? err : npg_strerror(rc));
        return 1;
    }
    printf("%s\n", msgid);
    return 0;
}

static int print_json(int rc, json_t *j, const char *what)
{
    if (rc != NPG_OK)
        return ctl_fail(rc, what);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
    printf("%s\n", s ? s : "null");
    free(s);
    return 0;
}

static int port_list(ctl_t *ctl, npg_port_kind_t kind, int argc, char **argv)
{
    int state = -1, limit = 30;
    for (int i = 0; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--state") == 0)
            state = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--limit") == 0)
            limit = atoi(argv[i + 1]);
    }
    json_t *list = NULL;
    int rc = npg_port_list_json(ctl->db, &ctl->conf, kind, limit > 0 ? limit : 30, 0, state, &list);
    if (rc != NPG_OK)
        return ctl_fail(rc, "list");
    size_t i;
    json_t *p;
    printf("msgidentifier\tstate\toperator\ttype\tranges\tupdated\n");
    json_array_foreach(list, i, p)
    {
        json_t *r = json_array_get(json_object_get(p, "phone_number_ranges"), 0);
        printf("%s\t%s\t%s\t%s\t%s-%s\t%s\n",
               json_string_value(json_object_get(p, "msgidentifier")),
               json_string_value(json_object_get(p, "PortingStateString")),
               json_string_value(json_object_get(
                   p, kind == NPG_PORT_IN ? "donornetworkoperator" : "recipientnetworkoperator")),
               json_string_value(json_object_get(p, "Type_of_Numbers")),
               json_string_value(json_object_get(r, "telephonenumberseriestart")),
               json_string_value(json_object_get(r, "telephonenumberserieend")),
               json_string_value(json_object_get(p, "update_timestamp")));
    }
    json_decref(list);
    return 0;
}

static int cmd_port_in_list(ctl_t *ctl, int argc, char **argv)
{
    return port_list(ctl, NPG_PORT_IN, argc, argv);
}

static int cmd_port_out_list(ctl_t *ctl, int argc, char **argv)
{
    return port_list(ctl, NPG_PORT_OUT, argc, argv);
}

static int cmd_port_in_show(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    json_t *j = NULL;
    int rc = npg_port_json(ctl->db, &ctl->conf, NPG_PORT_IN, argv[0], &j);
    return print_json(rc, j, argv[0]);
}

static int cmd_port_out_show(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    json_t *j = NULL;
    int rc = npg_port_json(ctl->db, &ctl->conf, NPG_PORT_OUT, argv[0], &j);
    return print_json(rc, j, argv[0]);
}

/* The port actions share one shape: an identifier in, a sentence out on refusal. */
static int port_action(int rc, const char *err, const char *msgid, const char *done)
{
    if (rc != NPG_OK) {
        fprintf(stderr, "npgwctl: %s\n", err[0] ? err : npg_strerror(rc));
        return 1;
    }
    printf("%s %s\n", msgid, done);
    return 0;
}

static int cmd_port_in_instruct(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char err[512];
    int rc = npg_port_in_instruct(ctl->db, ctl->pt, argv[0], err, sizeof(err));
    return port_action(rc, err, argv[0], "instructed");
}

static int cmd_port_in_abort(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char err[512];
    int rc = npg_port_in_abort(ctl->db, ctl->pt, argv[0], err, sizeof(err));
    return port_action(rc, err, argv[0], "aborted");
}

static int cmd_port_out_authorise(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char err[512];
    int rc = npg_port_out_authorise(ctl->db, ctl->pt, argv[0], err, sizeof(err));
    return port_action(rc, err, argv[0], "authorised");
}

static int cmd_port_out_reject(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    char err[512];
    int rc = npg_port_out_reject(ctl->db, ctl->pt, argv[0], argv[1], err, sizeof(err));
    return port_action(rc, err, argv[0], "rejected");
}

static int cmd_alarm_list(ctl_t *ctl, int argc, char **argv)
{
    bool all = argc > 0 && strcmp(argv[0], "--all") == 0;
    json_t *list = NULL;
    int rc = npg_alarm_list_json(ctl->db, !all, 1000, &list);
    if (rc != NPG_OK)
        return ctl_fail(rc, "alarm list");
    size_t i;
    json_t *a;
    printf("id\tseverity\traised\tport|alarm\ttext%s\n", all ? "\tcleared" : "");
    json_array_foreach(list, i, a)
    {
        const char *port = json_string_value(json_object_get(a, "msgidentifier"));
        const char *name = json_string_value(json_object_get(a, "name"));
        char named[96];
        if (name) { /* a named alarm is about its source, not a port */
            snprintf(named, sizeof(named), "%s/%s", name,
                     json_string_value(json_object_get(a, "source")));
            port = named;
        }
        printf("%lld\t%s\t%s\t%s\t%s", (long long)json_integer_value(json_object_get(a, "id")),
               json_string_value(json_object_get(a, "severity")),
               json_string_value(json_object_get(a, "raised_at")), port ? port : "-",
               json_string_value(json_object_get(a, "text")));
        if (all) {
            const char *c = json_string_value(json_object_get(a, "cleared_at"));
            printf("\t%s", c ? c : "-");
        }
        printf("\n");
    }
    json_decref(list);
    return 0;
}

static int cmd_alarm_clear(ctl_t *ctl, int argc, char **argv)
{
    (void)argc;
    const char *who = getenv("USER");
    int rc = npg_alarm_clear(ctl->db, strtoull(argv[0], NULL, 10), who ? who : "npgwctl");
    if (rc == NPG_ENOTFOUND) {
        fprintf(stderr, "npgwctl: no open alarm %s\n", argv[0]);
        return 1;
    }
    if (rc != NPG_OK)
        return ctl_fail(rc, "alarm clear");
    printf("alarm %s cleared\n", argv[0]);
    return 0;
}

static const cmd_t commands[] = {
    {"port-in", "create", 0, cmd_port_in_create,
     "--from N [--to N] [--from ..] --email E --account Prepaid|Postpaid [--type mobile|fixed]"
     " [--donor CODE|Auto] [--contact N] [--override-cooloff] [--clearinghouse NAME]"
     " [--due YYYY-MM-DDTHH:MM:SSZ]"},
    {"port-in", "list", 0, cmd_port_in_list, "[--state N] [--limit N]"},
    {"port-in", "show", 1, cmd_port_in_show, "MSGIDENTIFIER (JSON; follows resubmissions)"},
    {"port-in", "instruct", 1, cmd_port_in_instruct, "MSGIDENTIFIER"},
    {"port-in", "abort", 1, cmd_port_in_abort, "MSGIDENTIFIER"},
    {"port-out", "list", 0, cmd_port_out_list, "[--state N] [--limit N]"},
    {"port-out", "show", 1, cmd_port_out_show, "MSGIDENTIFIER"},
    {"port-out", "authorise", 1, cmd_port_out_authorise, "MSGIDENTIFIER"},
    {"port-out", "reject", 2, cmd_port_out_reject,
     "MSGIDENTIFIER "
     "account_mismatch|outstanding_balance|fraudulent_request|number_not_active|CODE"},
    {"status", "", 0, ctl_status, "(daemons, database, open alarms, queues; exit 1 unless all well)"},
    {"alarm", "list", 0, cmd_alarm_list, "[--all] (open alarms, newest first)"},
    {"alarm", "clear", 1, cmd_alarm_clear, "ID"},
    {"db", "migrate", 0, cmd_db_migrate, "apply pending migrations"},
    {"db", "version", 0, cmd_db_version, "print the schema version"},
    {"operator", "add", 1, cmd_operator_add,
     "CODE [--name N] [--rn DIGITS] [--ims-domain D] [--naptr sip|tel]"
     " [--rn-format global|bare] [--self]"},
    {"operator", "list", 0, cmd_operator_list, ""},
    {"range", "add", 3, cmd_range_add, "OPERATOR FIRST LAST [mobile|fixed]"},
    {"range", "list", 0, cmd_range_list, ""},
    {"key", "create", 2, cmd_key_create, "USER admin|pxs|read_only (prints the key once)"},
    {"key", "list", 0, cmd_key_list, ""},
    {"key", "revoke", 1, cmd_key_revoke, "USER"},
    {"route", "show", 1, ctl_route_show, "NUMBER"},
    {"route", "push", 2, ctl_route_push, "NUMBER OPERATOR [mobile|fixed] (queues DNS publication)"},
    {"route", "delete", 1, ctl_route_delete, "NUMBER"},
    {"route", "import", 1, ctl_route_import, "FILE|- [--batch N] (CSV: number,operator[,type])"},
    {"route", "export", 0, ctl_route_export, "[FILE] (CSV)"},
    {"hook", "list", 0, ctl_hook_list, "(webhook subscriptions; secrets are never shown)"},
    {"hook", "add", 2, ctl_hook_add,
     "NAME URL [--events port_in.*,service.*|*] [--secret whsec_...] (prints a new secret)"},
    {"hook", "rotate", 1, ctl_hook_rotate, "NAME (a new secret signs beside the old ones)"},
    {"hook", "secrets", 2, ctl_hook_secrets, "NAME SECRET [SECRET...] (exactly these from now)"},
    {"hook", "remove", 1, ctl_hook_remove, "NAME"},
    {"hook", "parked", 0, ctl_hook_parked, "(webhook, charging and SMS deliveries given up)"},
    {"hook", "replay", 1, ctl_hook_replay, "ID|--all (send parked deliveries again)"},
    {"reconcile", "", 0, ctl_reconcile,
     "[--range FIRST-LAST] [--fix] [--report FILE] [--clearinghouse NAME] (drift report, JSON;"
     " exit 3 when drift is left)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: npgwctl [-c FILE] COMMAND ...\n");
    for (size_t i = 0; i < NPG_ARRAY_LEN(commands); i++)
        fprintf(out, "  %s %s %s\n", commands[i].group, commands[i].name, commands[i].usage);
    for (size_t i = 0; npg_adapters[i]; i++) /* each adapter's own operations */
        if (npg_adapters[i]->ctl && npg_adapters[i]->ctl_usage)
            fputs(npg_adapters[i]->ctl_usage, out);
}

/* `npgwctl <adapter> ARGS`: an adapter's own operations, with the database and the engine. */
static int adapter_ctl(const npg_adapter_ops_t *a, const char *conf_path, int argc, char **argv)
{
    ctl_t ctl = {0};
    if (npg_cli_setup("npgwctl", conf_path, &ctl.conf) != NPG_OK)
        return 1;
    int rc = npg_adapters_porting(&ctl.conf, &ctl.pt);
    if (rc != NPG_OK)
        return ctl_fail(rc, "configuration");
    if ((rc = npg_db_open(&ctl.conf, &ctl.db)) != NPG_OK) {
        npg_porting_free(&ctl.pt);
        return ctl_fail(rc, "database");
    }
    npg_adapter_env_t env = {.conf = &ctl.conf, .pt = ctl.pt};
    int ret = a->ctl(&env, ctl.db, argc, argv);
    npg_db_close(&ctl.db);
    npg_porting_free(&ctl.pt);
    return ret;
}

int main(int argc, char **argv)
{
    const char *conf_path = NULL;
    int c;
    while ((c = getopt(argc, argv, "+c:h")) != -1) {
        if (c == 'c') {
            conf_path = optarg;
        } else {
            usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    const npg_adapter_ops_t *a = argc > optind ? npg_adapter_find(argv[optind]) : NULL;
    if (a && a->ctl)
        return adapter_ctl(a, conf_path, argc - optind - 1, argv + optind + 1);
    if (argc - optind >= 1 && strcmp(argv[optind], "status") == 0)
        return ctl_status_run(conf_path, 0, NULL); /* before the database: it may be down */
    if (argc - optind < 1) {
        usage(stderr);
        return 2;
    }
    const char *group = argv[optind], *name = argc - optind > 1 ? argv[optind + 1] : "";
    const cmd_t *cmd = NULL;
    int words = 2; /* group and name; a command without a name ("reconcile") takes one */
    for (size_t i = 0; i < NPG_ARRAY_LEN(commands); i++) {
        if (strcmp(commands[i].group, group) != 0)
            continue;
        if (!commands[i].name[0])
            cmd = &commands[i], words = 1;
        else if (strcmp(commands[i].name, name) == 0)
            cmd = &commands[i];
    }
    int nargs = argc - optind - words;
    if (!cmd || nargs < cmd->min_args) {
        usage(stderr);
        return 2;
    }
    ctl_t ctl = {0};
    if (npg_cli_setup("npgwctl", conf_path, &ctl.conf) != NPG_OK)
        return 1;
    npg_hooks_t *hooks = NULL;
    int rc = npg_adapters_porting(&ctl.conf, &ctl.pt);
    if (rc == NPG_OK) /* what people do here causes the same deliveries as in npgwd */
        rc = npg_hooks_new(&ctl.conf, NULL, &hooks);
    if (rc != NPG_OK) {
        npg_porting_free(&ctl.pt);
        return ctl_fail(rc, "configuration");
    }
    npg_hooks_install(hooks, ctl.pt);
    if ((rc = npg_db_open(&ctl.conf, &ctl.db)) != NPG_OK) {
        npg_porting_free(&ctl.pt);
        npg_hooks_free(&hooks);
        return ctl_fail(rc, "database");
    }
    int ret = cmd->fn(&ctl, nargs, argv + optind + words);
    npg_db_close(&ctl.db);
    npg_porting_free(&ctl.pt);
    npg_hooks_free(&hooks);
    return ret;
}
