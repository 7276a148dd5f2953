/* SPDX-License-Identifier: GPL-3.0-or-later */
/* common/conf.h - configuration: one schema table drives parsing, defaults, checks and the sample
 * file. */
#pragma once
#include <stdbool.h>
#include <stdio.h>
#include "common/error.h"

#define NPG_CONF_STRLEN 256
/* SMS providers, in the order of the sms module's table (sms/sms.h): twilio, vonage, sinch,
 * telnyx, plivo, clicksend (REST), enet, gtt, digicel (SMPP). */
#define NPG_CONF_SMS_PROVIDERS 9

/* One SMS provider's settings ([sms.<name>]). */
typedef struct npg_conf_sms_provider {
    char url[NPG_CONF_STRLEN];         /* REST: API base URL; SMPP: host:port */
    char account[128];                 /* account id, user name or SMPP system_id (not secret) */
    char secret_file[NPG_CONF_STRLEN]; /* file whose first line is the secret (token, password) */
    char sender[32];                   /* From / source_addr */
    int timeout;                       /* seconds one submission may take */
    char ca_file[NPG_CONF_STRLEN];     /* trust anchors for TLS; empty: the system's */
    char tls[4];                       /* SMPP: yes|no */
    char system_type[13];              /* SMPP bind system_type */
    int enquire_link;                  /* SMPP: seconds between enquire_link on the receiver */
    char receipts[4];                  /* SMPP: yes|no, keep a receiver bound for receipts */
} npg_conf_sms_provider_t;

/* The whole configuration as plain values; every field has a schema row in conf.c. */
typedef struct npg_conf {
    struct {
        char country_code[4];   /* E.164 country code, digits */
        char country_iso[3];    /* two letters, starts every message identifier */
        char operator_code[11]; /* our own operator code */
        int max_range_size;     /* most numbers one port may carry */
        char log_level[16];
        char log_target[16];
        char xslt_dir[NPG_CONF_STRLEN]; /* stylesheets, one folder per clearinghouse */
        char clearinghouse[17];         /* the adapter of new port-ins and terminations */
    } general;
    struct {
        char host[NPG_CONF_STRLEN];
        int port;
        char socket[NPG_CONF_STRLEN];
        char user[64];
        char password[128];
        char name[64];
        int connect_timeout;
        int read_timeout;
        int write_timeout;
        int pool_size;
        char migrations_dir[NPG_CONF_STRLEN];
        char nodes[NPG_CONF_STRLEN]; /* more Galera nodes, host:port, tried in turn */
        int sync_wait;               /* wsrep_sync_wait of each session on a Galera node */
    } database;
    struct {
        char listen[64];
        int port;
        int threads;
        int backlog;
        int recv_timeout;
        int send_timeout;
        int transfer_timeout;
        int keepalive_max;
        int max_connections;            /* open client connections in all */
        int max_connections_per_client; /* from one client address */
        int max_header_bytes;
        int max_request_bytes;
        int max_xml_depth;
        char wsdl_dir[NPG_CONF_STRLEN];
        char web_dir[NPG_CONF_STRLEN];            /* our pages: swagger.json, doc.html */
        char swagger_ui_dir[NPG_CONF_STRLEN];     /* the swagger-ui-dist package's files */
        char ui_lib_dir[NPG_CONF_STRLEN];         /* npm packages the ops UI serves (htm, uplot) */
        char plain_http[4];                       /* yes|no: plain HTTP off loopback */
        char route_index[4];                      /* yes|no: REST routing reads from memory */
        int tls_port;                             /* HTTPS beside HTTP; 0: none */
        char tls_cert_file[NPG_CONF_STRLEN];      /* server certificate chain, PEM */
        char tls_key_file[NPG_CONF_STRLEN];       /* its private key, PEM */
        char tls_client_ca_file[NPG_CONF_STRLEN]; /* CAs of client certificates; "": none asked */
        char tls_client_cert_paths[NPG_CONF_STRLEN]; /* path prefixes that require one */
        char tls_ciphers[NPG_CONF_STRLEN];           /* TLS 1.2 cipher list (1.3: OpenSSL's) */
    } http;
    struct {                             /* outbound TLS: every HTTPS call npgw makes */
        char ca_file[NPG_CONF_STRLEN];   /* trust anchors; "": the system's */
        char cert_file[NPG_CONF_STRLEN]; /* client certificate chain for peers that ask */
        char key_file[NPG_CONF_STRLEN];
    } tls;
    struct {
        char deployment_prefix[33]; /* receiver path: /np_api/{prefix}/recv/ */
        char clearinghouse_url[NPG_CONF_STRLEN];
        char clearinghouse_user[64];
        char clearinghouse_password[128];
        char clearinghouse_operator[11]; /* the clearinghouse's own operator code */
        int answer_timeout;              /* seconds to wait for a clearinghouse answer */
        int connect_timeout;
        int io_timeout;
    } pxs;
    struct {
        int workers;
        int poll_ms;
        int retry_base_ms;
        int retry_max_ms;
        int max_attempts;
        int lease_s;
    } outbox;
    struct {
        char listen[64];
        int port;
        char zones[NPG_CONF_STRLEN];
        int ttl;
        char ns[NPG_CONF_STRLEN];
        char soa_rname[NPG_CONF_STRLEN];
        int negative_ttl;
        int udp_threads;
        int udp_coalesce_us;
        int max_udp_payload;
        int tcp_clients;
        int tcp_idle_ms;
        int follow_ms;
        char index_file[NPG_CONF_STRLEN]; /* empty: none */
        int index_file_interval;          /* seconds */
        char static_zones[NPG_CONF_STRLEN];
        char tsig_key_file[NPG_CONF_STRLEN]; /* key of transfers, NOTIFY, signed queries */
        char notify[NPG_CONF_STRLEN];        /* secondaries to NOTIFY: ip:port, ... */
        char transfer_home[4];               /* yes|no: home-range numbers in transfers */
    } enumd; /* [enum] */
    struct {
        char servers[NPG_CONF_STRLEN]; /* host:port,host:port; empty: nothing is pushed */
        char zone[NPG_CONF_STRLEN];    /* the zone the UPDATEs name */
        char apex[NPG_CONF_STRLEN];    /* ENUM tree the owner names hang under */
        char tsig_name[NPG_CONF_STRLEN];
        char tsig_algorithm[16];
        char tsig_secret[128]; /* base64 */
        int ttl;
        int batch_size;
        int timeout;
    } dns;
    struct {
        char platform_url[NPG_CONF_STRLEN];
        char platform_user[64];
        char platform_password[128];
        char platform_operator[11]; /* the platform's own code, sender of its messages */
        int answer_timeout;         /* seconds to wait for the platform's next message */
        int connect_timeout;
        int io_timeout;
        char bank_holidays_file[NPG_CONF_STRLEN]; /* one YYYY-MM-DD a line; "": none */
        char bank_holidays[2048];                 /* more: YYYY-MM-DD, comma separated */
        int cutoff_hour;   /* cancellation cut-off, UK time, working day before the port */
        char timezone[32]; /* only Europe/London: GMT/BST rules built in */
        char test_clock_file[NPG_CONF_STRLEN]; /* tests only: "now" read from this file */
    } uk;
    struct {
        char callback_url[NPG_CONF_STRLEN]; /* how providers reach npgwd; "": no receipts */
        npg_conf_sms_provider_t provider[NPG_CONF_SMS_PROVIDERS];
    } sms;
    struct {
        char url[NPG_CONF_STRLEN]; /* the NPAC's SOA interface (wsdl/npac/npac.wsdl) */
        char user[64];
        char password[128];
        char npac_operator[11]; /* the NPAC's own code, the sender of its notifications */
        char lrn[16];           /* our location routing number: 10 digits NPA-NXX-XXXX */
        int answer_timeout;     /* seconds to wait for the NPAC's next message */
        int connect_timeout;
        int io_timeout;
        char timezone[24];  /* the business-day clock: US zones with US daylight saving */
        int day_start_hour; /* business hours, local time, Monday to Friday */
        int day_end_hour;
        char holidays_file[NPG_CONF_STRLEN]; /* one YYYY-MM-DD a line; "": none */
        char holidays[1024];                 /* more: YYYY-MM-DD, comma separated */
        int t1_long_hours, t2_long_hours;    /* concurrence windows, business hours */
        int t1_short_hours, t2_short_hours;
        char short_timer_spids[512];   /* SPIDs on short timers; both sides listed: short */
        int conflict_restriction_hour; /* no new conflict after it, business day before due */
        int conflict_resolution_hours; /* business hours before the new SP may lift one */
        int cancel_window_hours;       /* business hours a cancel waits for the other side */
        char auto_activate[4];         /* yes: activate port-ins on their due date */
        int recovery_interval;         /* seconds between checks for missed notifications */
        char test_clock_file[NPG_CONF_STRLEN]; /* tests only: "now" read from this file */
    } npac;
    struct {
        char mode[8];              /* off | manual | auto */
        char url[NPG_CONF_STRLEN]; /* the BSS eligibility endpoint (HTTPS JSON) */
        char token[256];           /* bearer token, "": none */
        int timeout_ms;            /* no answer within: manual decision and an alarm */
        int undecided_alarm_s;     /* a port-out undecided this long: critical alarm */
    } bss;
    struct {
        char url[NPG_CONF_STRLEN]; /* the configured subscription; "": none */
        char secrets[256];         /* whsec_ secrets, space separated */
        char events[NPG_CONF_STRLEN];
        int timeout_ms;
        int max_attempts; /* then parked, with an alarm */
    } webhooks;
    struct {
        char url[NPG_CONF_STRLEN]; /* CGrateS JSON-RPC (http://host:2080/jsonrpc); "": off */
        char tenant[64];
        char action_plans[NPG_CONF_STRLEN];
        char contexts[128];
        char user[64];
        char password[128];
        int timeout_ms;
        char remove_account[4]; /* yes | no */
    } charging;
    struct {
        char url[NPG_CONF_STRLEN]; /* SMS HTTP endpoint; "": no welcome SMS */
        char token[256];
        char sender[16];
        char text[NPG_CONF_STRLEN];
        char number_types[8]; /* mobile | all */
        int timeout_ms;
    } welcome;
    struct {
        char listen[64]; /* the metrics listeners' address (loopback by default) */
        int port;        /* npgwd's /metrics; 0: none */
        int enum_port;   /* npenumd's /metrics; 0: none */
    } metrics;
    struct {
        int interval;               /* seconds between two checks of the conditions */
        int delivery_attempts;      /* failed attempts of one message that make a delivery alarm */
        int delivery_window;        /* seconds a message that failed for good keeps its alarm */
        char enum_kinds[128];       /* outbox kinds of ENUM provisioning */
        char crm_kinds[128];        /* outbox kinds of CRM/BSS synchronisation */
        char charging_kinds[128];   /* outbox kinds of the charging platform */
        int rejection_window;       /* seconds of port-in answers the rejection rate looks at */
        int rejection_threshold;    /* percent of rejected answers that is abnormal */
        int rejection_min;          /* fewer answers than this in the window: no verdict */
    } alarms;
} npg_conf_t;

/* Fill every field with its schema default. */
void npg_conf_defaults(npg_conf_t *conf);

/*
 * Read an INI file over the defaults. Every error is written to errs (may be
 * NULL) as "FILE:LINE: message" and counted; returns NPG_OK or NPG_ECONF.
 */
int npg_conf_load(npg_conf_t *conf, const char *path, FILE *errs) NPG_WUR;

/* Write the documented sample configuration (every key, its default and help). */
void npg_conf_write_sample(FILE *out);

/*
 * SIGHUP: the integer items that take effect at run time (the sample says "Reloaded on
 * SIGHUP") are copied from next into live, each with an atomic store, so a thread reading
 * live sees the old or the new value; the text ones among them are for reload hooks to
 * apply (common/reload.h). Items that changed but need a restart are named in the log.
 */
void npg_conf_reload(npg_conf_t *live, const npg_conf_t *next);
/* Whether section.key is applied at run time on SIGHUP. */
bool npg_conf_reloadable(const char *section, const char *key);

/* Set one key from a string, as the file would; msg receives the reason on failure. */
int npg_conf_set(npg_conf_t *conf, const char *section, const char *key, const char *value,
                 char *msg, size_t msglen) NPG_WUR;
