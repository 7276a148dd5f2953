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
        char web_dir[NPG_CONF_STRLEN];        /* our pages: swagger.json, doc.html */
        char swagger_ui_dir[NPG_CONF_STRLEN]; /* the swagger-ui-dist package's files */
    } http;
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
        int max_udp_payload;
        int tcp_clients;
        int tcp_idle_ms;
        int follow_ms;
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

/* Set one key from a string, as the file would; msg receives the reason on failure. */
int npg_conf_set(npg_conf_t *conf, const char *section, const char *key, const char *value,
                 char *msg, size_t msglen) NPG_WUR;
