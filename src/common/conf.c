/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "common/conf.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"

typedef enum conf_type {
    CONF_STR,    /* free text up to the field size */
    CONF_DIGITS, /* text of digits only */
    CONF_INT,    /* integer within [min, max] */
    CONF_CHOICE, /* one of the words in choices, separated by '|' */
    CONF_SECRET, /* text that is never printed back */
} conf_type_t;

typedef struct conf_item {
    const char *section;
    const char *key;
    conf_type_t type;
    size_t offset;
    size_t size;
    long min, max;
    const char *choices;
    const char *def;
    const char *help;
} conf_item_t;

#define F(field) offsetof(npg_conf_t, field), sizeof(((npg_conf_t *)0)->field)

static const char *const section_help[][2] = {
    {"general", "Who we are and how we log."},
    {"database", "MariaDB/MySQL connection. Use socket for a local server, host/port otherwise."},
    {"pxs", "PortingXS clearinghouse: where we send, and the receiver it delivers to."},
    {"outbox", "Delivery of outbound messages: retries with exponential back-off."},
    {"dns", "External DNS servers fed by RFC 2136 UPDATE (TSIG) whenever routing changes."},
    {"uk", "UK porting: the PortIn service for BSS clients (/np_api/uk/portin) and the UK porting"
           " platform npgwd calls (PAC validation, port dates, PAC close and creation)."},
    {"npac", "NPAC (US): the SOA interface npgwd calls, its notifications at /np_api/npac/notify,"
             " the business-day calendar and the concurrence timers (docs/npac.md)."},
    {"http", "The npgwd HTTP listener: SOAP services, clearinghouse receiver, REST API, WSDLs."},
    {"tls", "Outbound TLS: how npgw checks the servers it calls (clearinghouse, UK platform, BSS,"
            " charging, SMS) and the client certificate it shows them."},
    {"enum", "npenumd, the authoritative ENUM responder (UDP and TCP)."},
    {"sms", "SMS routing validation through the CPaaS providers, and their delivery receipts"
            " (docs/sms.md). One [sms.<provider>] section each."},
    {"sms.twilio", "Twilio Messages API: account = Account SID, secret_file holds the Auth Token."},
    {"sms.vonage", "Vonage SMS API: account = API key, secret_file holds the API secret."},
    {"sms.sinch",
     "Sinch SMS REST API: account = service plan id, secret_file holds the API token."},
    {"sms.telnyx", "Telnyx Messaging API v2: secret_file holds the API key (account unused)."},
    {"sms.plivo", "Plivo Message API (the seed's \"Pilvo\"): account = Auth ID, secret_file holds"
                  " the Auth Token."},
    {"sms.clicksend", "ClickSend REST v3: account = user name, secret_file holds the API key."},
    {"sms.enet", "Enet over SMPP 3.4: url = host:port, account = system_id, secret_file holds the"
                 " password."},
    {"sms.gtt", "GTT over SMPP 3.4: url = host:port, account = system_id, secret_file holds the"
                " password."},
    {"sms.digicel", "Digicel over SMPP 3.4: url = host:port, account = system_id, secret_file"
                    " holds the password."},
    {"bss", "Port-out eligibility call-out to the BSS (docs/integrations.md)."},
    {"webhooks", "Lifecycle webhooks to BSS/CRM, signed per Standard Webhooks; more subscriptions"
                 " with npgwctl hook."},
    {"charging", "Charging platform (CGrateS JSON-RPC): accounts on port-in, deactivation at the"
                 " port time of a port-out."},
    {"welcome", "Welcome SMS to a subscriber whose number was ported in."},
    {"metrics", "Prometheus metrics (GET /metrics) of npgwd and npenumd, each on a listener of its"
                " own: no API key, so keep it on loopback or a management network."},
    {"alarms", "Named alarms raised and cleared by npgwd's checks (docs/operations.md); open ones"
               " make /health degraded."},
};

/* The keys every SMS provider has; i is its index in sms.provider[]. */
#define SMS_KEYS(sec, i, url_def, url_help)                                                        \
    {sec, "url", CONF_STR, F(sms.provider[i].url), 0, 0, NULL, url_def, url_help},                 \
        {sec,                                                                                      \
         "account",                                                                                \
         CONF_STR,                                                                                 \
         F(sms.provider[i].account),                                                               \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "",                                                                                       \
         "Account identifier (see the section's comment); not a secret."},                         \
        {sec,                                                                                      \
         "secret_file",                                                                            \
         CONF_STR,                                                                                 \
         F(sms.provider[i].secret_file),                                                           \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "",                                                                                       \
         "File whose first line is the secret; read at each use, never logged. Empty: the"         \
         " provider is used only with a request's apiKey."},                                       \
        {sec,                                                                                      \
         "sender",                                                                                 \
         CONF_STR,                                                                                 \
         F(sms.provider[i].sender),                                                                \
         0,                                                                                        \
         0,                                                                                        \
         NULL,                                                                                     \
         "NPGW",                                                                                   \
         "Sender id: a number (digits) or up to 11 letters and digits."},                          \
        {sec,                                                                                      \
         "timeout",                                                                                \
         CONF_INT,                                                                                 \
         F(sms.provider[i].timeout),                                                               \
         1,                                                                                        \
         120,                                                                                      \
         NULL,                                                                                     \
         "10",                                                                                     \
         "Seconds one submission may take, connecting included; other providers never wait"        \
         " for it."},                                                                              \
    {                                                                                              \
        sec, "ca_file", CONF_STR, F(sms.provider[i].ca_file), 0, 0, NULL, "",                      \
            "PEM file of trusted CAs for TLS to the provider; empty: the system's."                \
    }
#define SMS_REST(sec, i, url_def)                                                                  \
    SMS_KEYS(sec, i, url_def,                                                                      \
             "API base URL (https; plain http only to a loopback address, for stand-ins).")
/* SMPP providers: no default host, TLS and receipts on the session. */
#define SMS_SMPP(sec, i)                                                                           \
    SMS_KEYS(sec, i, "", "SMSC address as host:port (empty: not configured)."),                    \
        {sec,                                                                                      \
         "tls",                                                                                    \
         CONF_CHOICE,                                                                              \
         F(sms.provider[i].tls),                                                                   \
         0,                                                                                        \
         0,                                                                                        \
         "no|yes",                                                                                 \
         "no",                                                                                     \
         "Connect with TLS (the SMSC's certificate is checked against ca_file and its name)."},    \
        {sec,                                                                                      \
         "system_type",                                                                            \
         CONF_STR,                                                                                 \
         F(sms.provider[i].system_type),                                                           \
         0,                                                                                        \
         12,                                                                                       \
         NULL,                                                                                     \
         "",                                                                                       \
         "system_type sent in the bind, if the SMSC wants one."},                                  \
        {sec,                                                                                      \
         "receipts",                                                                               \
         CONF_CHOICE,                                                                              \
         F(sms.provider[i].receipts),                                                              \
         0,                                                                                        \
         0,                                                                                        \
         "yes|no",                                                                                 \
         "yes",                                                                                    \
         "Keep a bind_receiver session open in npgwd for the deliver_sm delivery receipts."},      \
    {                                                                                              \
        sec, "enquire_link", CONF_INT, F(sms.provider[i].enquire_link), 5, 3600, NULL, "30",       \
            "Seconds between enquire_link on the receiver session; a silent SMSC is reconnected."  \
    }

static const conf_item_t schema[] = {
    {"general", "country_code", CONF_DIGITS, F(general.country_code), 1, 3, NULL, "1",
     "E.164 country code added to local numbers (1 to 3 digits)."},
    {"general", "country_iso", CONF_STR, F(general.country_iso), 2, 2, NULL, "XX",
     "Two capital letters that start every message identifier (XX202501-CARR-00001)."},
    {"general", "operator_code", CONF_STR, F(general.operator_code), 2, 10, NULL, "CARR",
     "Our operator code at the clearinghouse (2 to 10 capitals or digits)."},
    {"general", "max_range_size", CONF_INT, F(general.max_range_size), 1, 1000000, NULL, "10000",
     "Most numbers one port request may carry."},
    {"general", "log_level", CONF_CHOICE, F(general.log_level), 0, 0,
     "error|warning|notice|info|debug", "info", "Lowest priority that is logged."},
    {"general", "log_target", CONF_CHOICE, F(general.log_target), 0, 0, "stderr|syslog", "stderr",
     "Where log lines go."},
    {"general", "xslt_dir", CONF_STR, F(general.xslt_dir), 0, 0, NULL, "",
     "Folder with canonical.xsd and one folder of stylesheets per clearinghouse "
     "(pxs/to-canonical.xsl, pxs/from-canonical.xsl); empty: the installed ones."},
    {"general", "clearinghouse", CONF_STR, F(general.clearinghouse), 1, 16, NULL, "pxs",
     "The clearinghouse adapter (pxs, uk, npac) that carries port-ins created through the REST API"
     " and npgwctl, and terminations."},

    {"database", "host", CONF_STR, F(database.host), 0, 0, NULL, "127.0.0.1",
     "Server address, used when socket is empty."},
    {"database", "port", CONF_INT, F(database.port), 1, 65535, NULL, "3306", "Server TCP port."},
    {"database", "socket", CONF_STR, F(database.socket), 0, 0, NULL, "",
     "Unix socket path; when set, host and port are not used."},
    {"database", "user", CONF_STR, F(database.user), 1, 0, NULL, "npgw", "Account name."},
    {"database", "password", CONF_SECRET, F(database.password), 0, 0, NULL, "",
     "Account password (never logged)."},
    {"database", "name", CONF_STR, F(database.name), 1, 0, NULL, "npgw", "Database (schema) name."},
    {"database", "connect_timeout", CONF_INT, F(database.connect_timeout), 1, 300, NULL, "5",
     "Seconds to wait for a connection."},
    {"database", "read_timeout", CONF_INT, F(database.read_timeout), 1, 3600, NULL, "30",
     "Seconds to wait for a query result."},
    {"database", "write_timeout", CONF_INT, F(database.write_timeout), 1, 3600, NULL, "30",
     "Seconds to wait while sending a query."},
    {"database", "pool_size", CONF_INT, F(database.pool_size), 1, 256, NULL, "8",
     "Connections shared by the worker threads."},
    {"database", "migrations_dir", CONF_STR, F(database.migrations_dir), 0, 0, NULL, "",
     "Folder of numbered SQL migrations for 'npgwctl db migrate'; empty: the installed ones."},
    {"database", "nodes", CONF_STR, F(database.nodes), 0, 0, NULL, "",
     "Other Galera nodes as host:port, comma-separated, tried in turn when the server above is"
     " down or not synced (docs/scale.md)."},
    {"database", "sync_wait", CONF_INT, F(database.sync_wait), 0, 15, NULL, "1",
     "On a Galera node: wsrep_sync_wait of each session (1: a read sees every commit made"
     " anywhere before it; 0: off). Ignored elsewhere."},

    {"http", "listen", CONF_STR, F(http.listen), 1, 0, NULL, "127.0.0.1",
     "Address npgwd listens on."},
    {"http", "port", CONF_INT, F(http.port), 1, 65535, NULL, "8780", "TCP port npgwd listens on."},
    {"http", "threads", CONF_INT, F(http.threads), 1, 1024, NULL, "8",
     "Worker threads handling requests; they only ever see a whole request, read before."},
    {"http", "backlog", CONF_INT, F(http.backlog), 1, 65535, NULL, "128", "Listen queue length."},
    {"http", "recv_timeout", CONF_INT, F(http.recv_timeout), 1, 3600, NULL, "10",
     "Seconds a client has to send a whole request from its first byte; also the longest"
     " a keep-alive connection may stay idle."},
    {"http", "send_timeout", CONF_INT, F(http.send_timeout), 1, 3600, NULL, "10",
     "Seconds a client may leave a reply unread before its connection is dropped."},
    {"http", "transfer_timeout", CONF_INT, F(http.transfer_timeout), 1, 3600, NULL, "60",
     "Seconds a whole reply may take to send."},
    {"http", "keepalive_max", CONF_INT, F(http.keepalive_max), 1, 100000, NULL, "100",
     "Requests served on one keep-alive connection."},
    {"http", "max_connections", CONF_INT, F(http.max_connections), 16, 1000000, NULL, "4096",
     "Open client connections in all; at the limit the oldest idle keep-alive one is shed."},
    {"http", "max_connections_per_client", CONF_INT, F(http.max_connections_per_client), 1, 1000000,
     NULL, "256", "Open connections from one client address."},
    {"http", "max_header_bytes", CONF_INT, F(http.max_header_bytes), 1024, 1048576, NULL, "16384",
     "Largest request line and headers accepted; larger ones are refused with 431."},
    {"http", "max_request_bytes", CONF_INT, F(http.max_request_bytes), 1024, 1073741824, NULL,
     "1048576", "Largest request body accepted; larger ones are refused with 413."},
    {"http", "max_xml_depth", CONF_INT, F(http.max_xml_depth), 4, 1000, NULL, "32",
     "Deepest XML element nesting accepted in a request."},
    {"http", "wsdl_dir", CONF_STR, F(http.wsdl_dir), 0, 0, NULL, "",
     "Folder served under /wsdl/ (WSDL and XSD files); empty: the installed ones."},
    {"http", "web_dir", CONF_STR, F(http.web_dir), 0, 0, NULL, "",
     "Folder of npgw's own web files (swagger.json, doc.html); empty: the installed ones."},
    {"http", "swagger_ui_dir", CONF_STR, F(http.swagger_ui_dir), 0, 0, NULL,
     "/usr/share/nodejs/swagger-ui-dist",
     "Folder of the swagger-ui-dist package, served under /np_api/doc/ (nothing is loaded"
     " from the internet)."},
    {"http", "ui_lib_dir", CONF_STR, F(http.ui_lib_dir), 0, 0, NULL, "/usr/share/nodejs",
     "Folder holding the npm packages htm and uplot, which the ops UI (/ui/) serves under"
     " /ui/lib/ (nothing is loaded from the internet)."},
    {"http", "route_index", CONF_CHOICE, F(http.route_index), 0, 0, "yes|no", "yes",
     "REST routing reads from npgwd's copy of the routing rows in memory (19 bytes a row),"
     " kept current from the change log every [enum] follow_ms; no: a database read each."},
    {"http", "plain_http", CONF_CHOICE, F(http.plain_http), 0, 0, "yes|no", "no",
     "Serve plain HTTP on port even when listen is not a loopback address (loopback always is)."},
    {"http", "tls_port", CONF_INT, F(http.tls_port), 0, 65535, NULL, "0",
     "HTTPS port (TLS 1.2 and 1.3) beside the plain one; 0: no HTTPS."},
    {"http", "tls_cert_file", CONF_STR, F(http.tls_cert_file), 0, 0, NULL, "",
     "Server certificate chain (PEM), read again on SIGHUP."},
    {"http", "tls_key_file", CONF_STR, F(http.tls_key_file), 0, 0, NULL, "",
     "Private key of tls_cert_file (PEM), read again on SIGHUP."},
    {"http", "tls_client_ca_file", CONF_STR, F(http.tls_client_ca_file), 0, 0, NULL, "",
     "CAs whose client certificates are asked for and checked; empty: none are asked."},
    {"http", "tls_client_cert_paths", CONF_STR, F(http.tls_client_cert_paths), 0, 0, NULL, "",
     "Path prefixes (space-separated) that need a client certificate, e.g. /np_api/pxs/recv/; /: "
     "all."},
    {"http", "tls_ciphers", CONF_STR, F(http.tls_ciphers), 1, 0, NULL,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
     "TLS 1.2 cipher list (forward secrecy, AEAD only); TLS 1.3 uses OpenSSL's suites."},

    {"tls", "ca_file", CONF_STR, F(tls.ca_file), 0, 0, NULL, "",
     "CAs that sign the servers npgw calls over https; empty: the system's trust store."},
    {"tls", "cert_file", CONF_STR, F(tls.cert_file), 0, 0, NULL, "",
     "Client certificate chain (PEM) shown to servers that ask; empty: none."},
    {"tls", "key_file", CONF_STR, F(tls.key_file), 0, 0, NULL, "",
     "Private key of cert_file (PEM)."},

    {"pxs", "deployment_prefix", CONF_STR, F(pxs.deployment_prefix), 1, 32, NULL, "pxs",
     "Receiver path segment: the clearinghouse delivers to /np_api/{prefix}/recv/."},
    {"pxs", "clearinghouse_url", CONF_STR, F(pxs.clearinghouse_url), 1, 0, NULL,
     "http://127.0.0.1:8781/pxs", "PortingXS clearinghouse SOAP endpoint."},
    {"pxs", "clearinghouse_user", CONF_STR, F(pxs.clearinghouse_user), 0, 0, NULL, "",
     "HTTP Basic user for the clearinghouse (empty: none)."},
    {"pxs", "clearinghouse_password", CONF_SECRET, F(pxs.clearinghouse_password), 0, 0, NULL, "",
     "HTTP Basic password for the clearinghouse (never logged)."},
    {"pxs", "clearinghouse_operator", CONF_STR, F(pxs.clearinghouse_operator), 2, 10, NULL, "PXS",
     "The clearinghouse's own operator code."},
    {"pxs", "answer_timeout", CONF_INT, F(pxs.answer_timeout), 1, 2592000, NULL, "86400",
     "Seconds to wait for a clearinghouse answer before a port times out locally."},
    {"pxs", "connect_timeout", CONF_INT, F(pxs.connect_timeout), 1, 300, NULL, "5",
     "Seconds to connect to the clearinghouse."},
    {"pxs", "io_timeout", CONF_INT, F(pxs.io_timeout), 1, 3600, NULL, "30",
     "Seconds a send or receive to the clearinghouse may block."},

    {"outbox", "workers", CONF_INT, F(outbox.workers), 0, 64, NULL, "2",
     "Dispatcher threads in npgwd (0: npgwd delivers nothing)."},
    {"outbox", "poll_ms", CONF_INT, F(outbox.poll_ms), 10, 60000, NULL, "200",
     "How often an idle dispatcher looks for due messages."},
    {"outbox", "retry_base_ms", CONF_INT, F(outbox.retry_base_ms), 10, 3600000, NULL, "500",
     "First retry delay; it doubles with every failed attempt."},
    {"outbox", "retry_max_ms", CONF_INT, F(outbox.retry_max_ms), 10, 86400000, NULL, "60000",
     "Longest retry delay."},
    {"outbox", "max_attempts", CONF_INT, F(outbox.max_attempts), 1, 1000000, NULL, "1000",
     "Attempts before a message is marked failed on its port."},
    {"outbox", "lease_s", CONF_INT, F(outbox.lease_s), 5, 3600, NULL, "60",
     "Seconds a dispatcher holds a message it is delivering; then another may retry it."},

    {"enum", "listen", CONF_STR, F(enumd.listen), 1, 0, NULL, "127.0.0.1",
     "Address npenumd answers on (UDP and TCP)."},
    {"enum", "port", CONF_INT, F(enumd.port), 1, 65535, NULL, "8753", "DNS port."},
    {"enum", "zones", CONF_STR, F(enumd.zones), 0, 0, NULL, "",
     "Comma-separated ENUM zones, at most 16: digit labels (reversed) then any apex, e.g."
     " 1.e164.arpa, 1.e164enum.net, 1.enum.carrier.example. Empty: the country code's zone"
     " under e164.arpa."},
    {"enum", "ttl", CONF_INT, F(enumd.ttl), 0, 86400, NULL, "60",
     "TTL of NAPTR answers, seconds; short, as routing changes take effect at once."},
    {"enum", "ns", CONF_STR, F(enumd.ns), 1, 0, NULL, "ns1.npgw.invalid.",
     "Comma-separated name servers of the zones (NS records); the first is the SOA MNAME."},
    {"enum", "soa_rname", CONF_STR, F(enumd.soa_rname), 1, 0, NULL, "hostmaster.npgw.invalid.",
     "SOA RNAME: the zone administrator's mailbox as a domain name."},
    {"enum", "negative_ttl", CONF_INT, F(enumd.negative_ttl), 0, 86400, NULL, "60",
     "SOA MINIMUM: how long resolvers may cache NXDOMAIN and NODATA."},
    {"enum", "udp_threads", CONF_INT, F(enumd.udp_threads), 1, 256, NULL, "2",
     "UDP worker threads, each on its own SO_REUSEPORT socket."},
    {"enum", "udp_coalesce_us", CONF_INT, F(enumd.udp_coalesce_us), 0, 5000, NULL, "0",
     "Microseconds a UDP worker pauses after a batch that was not full, to take the next"
     " queries together (200: about 15 % less CPU at 30k q/s, 150 us more latency); 0: none."},
    {"enum", "max_udp_payload", CONF_INT, F(enumd.max_udp_payload), 512, 4096, NULL, "1232",
     "Largest UDP answer even when EDNS0 offers more; larger answers are truncated (TC)."},
    {"enum", "tcp_clients", CONF_INT, F(enumd.tcp_clients), 1, 4096, NULL, "64",
     "TCP connections served at once; more wait in the listen queue."},
    {"enum", "tcp_idle_ms", CONF_INT, F(enumd.tcp_idle_ms), 100, 120000, NULL, "10000",
     "A TCP connection idle this long, or slower than this to send a query, is closed."},
    {"enum", "follow_ms", CONF_INT, F(enumd.follow_ms), 10, 60000, NULL, "50",
     "How often npenumd reads new routing changes from the database (one indexed read; a"
     " committed change is answered within about this long)."},
    {"enum", "index_file", CONF_STR, F(enumd.index_file), 0, 0, NULL, "",
     "File npenumd keeps its index in (10 bytes a number), read at start instead of the"
     " routing table when the change log still holds its last change (docs/enum.md). Empty:"
     " none."},
    {"enum", "index_file_interval", CONF_INT, F(enumd.index_file_interval), 10, 86400, NULL,
     "300", "Seconds between writes of the index file while routing changes."},
    {"enum", "static_zones", CONF_STR, F(enumd.static_zones), 0, 0, NULL, "",
     "Zone file (master format, $ORIGIN and $TTL allowed) with the static 3GPP zones: EPC,"
     " IMS and pub zones with their SRV, NAPTR and A records. Empty: none."},
    {"enum", "tsig_key_file", CONF_STR, F(enumd.tsig_key_file), 0, 0, NULL, "",
     "File with the TSIG key ([hmac-sha256:]name:base64, as kdig -y) that signs zone transfers,"
     " NOTIFY and signed queries. Empty: no transfers."},
    {"enum", "notify", CONF_STR, F(enumd.notify), 0, 0, NULL, "",
     "Secondaries sent a NOTIFY (signed) when the zones change: IP:port, comma-separated."},
    {"enum", "transfer_home", CONF_CHOICE, F(enumd.transfer_home), 0, 0, "yes|no", "yes",
     "yes: transfers carry every number of every home range as npenumd answers it; no: only"
     " numbers whose routing moved."},

    {"dns", "servers", CONF_STR, F(dns.servers), 0, 0, NULL, "",
     "Comma-separated host:port list of primary servers to UPDATE (IP addresses; port 53 when"
     " left out); empty: routing changes are not pushed anywhere."},
    {"dns", "zone", CONF_STR, F(dns.zone), 1, 0, NULL, "e164.arpa",
     "Zone the updates are for (the servers' zone holding our numbers, e.g. 1.e164.arpa)."},
    {"dns", "apex", CONF_STR, F(dns.apex), 1, 0, NULL, "e164.arpa",
     "ENUM tree of the owner names: +15550100 -> 0.0.1.0.5.5.5.1.<apex>; must lie in zone."},
    {"dns", "tsig_name", CONF_STR, F(dns.tsig_name), 0, 0, NULL, "",
     "TSIG key name the servers know (empty: updates are sent unsigned)."},
    {"dns", "tsig_algorithm", CONF_CHOICE, F(dns.tsig_algorithm), 0, 0,
     "hmac-sha256|hmac-sha512|hmac-sha1", "hmac-sha256", "TSIG algorithm of the key."},
    {"dns", "tsig_secret", CONF_SECRET, F(dns.tsig_secret), 0, 0, NULL, "",
     "TSIG key secret, base64 as in the servers' configuration (never logged)."},
    {"dns", "ttl", CONF_INT, F(dns.ttl), 0, 86400, NULL, "300",
     "TTL of the NAPTR records we publish."},
    {"dns", "batch_size", CONF_INT, F(dns.batch_size), 1, 100000, NULL, "1000",
     "Most numbers per UPDATE message; a message also stops short of 64 KiB."},
    {"dns", "timeout", CONF_INT, F(dns.timeout), 1, 3600, NULL, "10",
     "Seconds to connect to a server, and to wait for each answer."},

    {"uk", "platform_url", CONF_STR, F(uk.platform_url), 1, 0, NULL, "http://127.0.0.1:8782/uk",
     "UK porting platform SOAP endpoint (wsdl/uk-mnp.wsdl)."},
    {"uk", "platform_user", CONF_STR, F(uk.platform_user), 0, 0, NULL, "",
     "HTTP Basic user for the platform (empty: none)."},
    {"uk", "platform_password", CONF_SECRET, F(uk.platform_password), 0, 0, NULL, "",
     "HTTP Basic password for the platform (never logged)."},
    {"uk", "platform_operator", CONF_STR, F(uk.platform_operator), 2, 10, NULL, "UKMNP",
     "The platform's own operator code (the sender of what it delivers to us)."},
    {"uk", "answer_timeout", CONF_INT, F(uk.answer_timeout), 1, 2592000, NULL, "604800",
     "Seconds to wait for the platform's next message before a UK port times out locally"
     " (PortCompleted comes on the port date, days after the confirmation)."},
    {"uk", "connect_timeout", CONF_INT, F(uk.connect_timeout), 1, 60, NULL, "3",
     "Seconds to connect to the platform; a BSS waits for PAC and date checks."},
    {"uk", "io_timeout", CONF_INT, F(uk.io_timeout), 1, 300, NULL, "10",
     "Seconds to wait for the platform's answer."},
    {"uk", "bank_holidays_file", CONF_STR, F(uk.bank_holidays_file), 0, 0, NULL,
     NPGW_DATADIR "/uk-bank-holidays.txt",
     "Bank holidays file, one YYYY-MM-DD a line, '#' comments (as shipped: England and Wales)."
     " Empty: none. npgwd does not start when it cannot read the file or a line is bad."},
    {"uk", "bank_holidays", CONF_STR, F(uk.bank_holidays), 0, 0, NULL, "",
     "More bank holidays (YYYY-MM-DD, comma separated), added to the file's."},
    {"uk", "cutoff_hour", CONF_INT, F(uk.cutoff_hour), 0, 23, NULL, "18",
     "A port-in may be cancelled until this hour (UK time) on the working day before its date."},
    {"uk", "timezone", CONF_CHOICE, F(uk.timezone), 0, 0, "Europe/London", "Europe/London",
     "Time zone of port dates and the cut-off (GMT, BST from the last Sunday of March to the"
     " last Sunday of October)."},
    {"uk", "test_clock_file", CONF_STR, F(uk.test_clock_file), 0, 0, NULL, "",
     "Tests only: when set, the UK rules take \"now\" from this file (YYYY-MM-DDTHH:MM:SSZ);"
     " empty: the real clock."},

    {"sms", "callback_url", CONF_STR, F(sms.callback_url), 0, 0, NULL, "",
     "Base URL at which the REST providers reach npgwd for delivery receipts"
     " (https://npgw.example.com); empty: none are asked for."},
    SMS_REST("sms.twilio", 0, "https://api.twilio.com"),
    SMS_REST("sms.vonage", 1, "https://rest.nexmo.com"),
    SMS_REST("sms.sinch", 2, "https://us.sms.api.sinch.com"),
    SMS_REST("sms.telnyx", 3, "https://api.telnyx.com"),
    SMS_REST("sms.plivo", 4, "https://api.plivo.com"),
    SMS_REST("sms.clicksend", 5, "https://rest.clicksend.com"),
    SMS_SMPP("sms.enet", 6),
    SMS_SMPP("sms.gtt", 7),
    SMS_SMPP("sms.digicel", 8),
    {"npac", "url", CONF_STR, F(npac.url), 1, 0, NULL, "http://127.0.0.1:8783/npac",
     "The NPAC's SOA endpoint (wsdl/npac/npac.wsdl, service NpacSoa)."},
    {"npac", "user", CONF_STR, F(npac.user), 0, 0, NULL, "",
     "HTTP Basic user at the NPAC (empty: none)."},
    {"npac", "password", CONF_SECRET, F(npac.password), 0, 0, NULL, "",
     "HTTP Basic password at the NPAC (never logged)."},
    {"npac", "npac_operator", CONF_STR, F(npac.npac_operator), 2, 10, NULL, "NPAC",
     "The NPAC's own code, the sender of its notifications."},
    {"npac", "lrn", CONF_DIGITS, F(npac.lrn), 0, 10, NULL, "",
     "Our location routing number for port-ins (10 digits NPA-NXX-XXXX); required when"
     " [general] clearinghouse is npac."},
    {"npac", "answer_timeout", CONF_INT, F(npac.answer_timeout), 1, 7776000, NULL, "2592000",
     "Seconds to wait for the NPAC's next message before a port times out locally (conflicts"
     " may last weeks)."},
    {"npac", "connect_timeout", CONF_INT, F(npac.connect_timeout), 1, 60, NULL, "3",
     "Seconds to connect to the NPAC."},
    {"npac", "io_timeout", CONF_INT, F(npac.io_timeout), 1, 300, NULL, "10",
     "Seconds to wait for the NPAC's reply."},
    {"npac", "timezone", CONF_CHOICE, F(npac.timezone), 0, 0,
     "America/Chicago|America/New_York|America/Denver|America/Los_Angeles|UTC", "America/Chicago",
     "Clock of business hours and due dates (US daylight saving built in)."},
    {"npac", "day_start_hour", CONF_INT, F(npac.day_start_hour), 0, 23, NULL, "7",
     "Business hours start at this local hour, Monday to Friday."},
    {"npac", "day_end_hour", CONF_INT, F(npac.day_end_hour), 1, 24, NULL, "19",
     "Business hours end at this local hour (after day_start_hour)."},
    {"npac", "holidays_file", CONF_STR, F(npac.holidays_file), 0, 0, NULL,
     NPGW_DATADIR "/npac-holidays.txt",
     "NPAC holidays, one YYYY-MM-DD a line, '#' comments (as shipped: 2026-2030). Empty: none."},
    {"npac", "holidays", CONF_STR, F(npac.holidays), 0, 0, NULL, "",
     "More holidays (YYYY-MM-DD, comma separated), added to the file's."},
    {"npac", "t1_long_hours", CONF_INT, F(npac.t1_long_hours), 1, 240, NULL, "9",
     "Initial concurrence window (T1) of long timers, in business hours."},
    {"npac", "t2_long_hours", CONF_INT, F(npac.t2_long_hours), 1, 240, NULL, "9",
     "Final concurrence window (T2) of long timers, in business hours."},
    {"npac", "t1_short_hours", CONF_INT, F(npac.t1_short_hours), 1, 240, NULL, "1",
     "Initial concurrence window (T1) of short timers, in business hours."},
    {"npac", "t2_short_hours", CONF_INT, F(npac.t2_short_hours), 1, 240, NULL, "1",
     "Final concurrence window (T2) of short timers, in business hours."},
    {"npac", "short_timer_spids", CONF_STR, F(npac.short_timer_spids), 0, 0, NULL, "",
     "SPIDs that use short timers (comma separated); a version gets them when both SPs are"
     " listed, long ones otherwise."},
    {"npac", "conflict_restriction_hour", CONF_INT, F(npac.conflict_restriction_hour), 0, 24, NULL,
     "12",
     "The old SP may not put a version into conflict after this local hour of the business"
     " day before its due date."},
    {"npac", "conflict_resolution_hours", CONF_INT, F(npac.conflict_resolution_hours), 0, 240, NULL,
     "6", "Business hours after a conflict before the new SP may remove it."},
    {"npac", "cancel_window_hours", CONF_INT, F(npac.cancel_window_hours), 1, 240, NULL, "9",
     "Business hours a cancel-pending version waits for the other SP (npsim npac)."},
    {"npac", "auto_activate", CONF_CHOICE, F(npac.auto_activate), 0, 0, "yes|no", "yes",
     "yes: npgwd activates a concurred port-in on its due date; no: people instruct it."},
    {"npac", "recovery_interval", CONF_INT, F(npac.recovery_interval), 5, 86400, NULL, "300",
     "Seconds between asks for missed notifications (also at start, after a gap or a lost"
     " link)."},
    {"npac", "test_clock_file", CONF_STR, F(npac.test_clock_file), 0, 0, NULL, "",
     "Tests only: when set, NPAC rules take \"now\" from this file (YYYY-MM-DDTHH:MM:SSZ);"
     " empty: the real clock."},
    {"bss", "mode", CONF_CHOICE, F(bss.mode), 0, 0, "off|manual|auto", "off",
     "off: people decide port-outs; manual: the BSS answer is shown to them; auto: it authorises"
     " or rejects."},
    {"bss", "url", CONF_STR, F(bss.url), 0, 0, NULL, "",
     "BSS eligibility endpoint npgw POSTs to (https://bss.example/np/eligibility)."},
    {"bss", "token", CONF_SECRET, F(bss.token), 0, 0, NULL, "",
     "Bearer token sent to the BSS (empty: none; never logged)."},
    {"bss", "timeout_ms", CONF_INT, F(bss.timeout_ms), 100, 120000, NULL, "5000",
     "No answer within this: the port-out waits for people, with an alarm."},
    {"bss", "undecided_alarm_s", CONF_INT, F(bss.undecided_alarm_s), 0, 2592000, NULL, "3600",
     "A port-out still undecided this long after it arrived raises a critical alarm (0: never)."},

    {"webhooks", "url", CONF_STR, F(webhooks.url), 0, 0, NULL, "",
     "Receiver of the configured subscription (empty: none; npgwctl hook adds more)."},
    {"webhooks", "secrets", CONF_SECRET, F(webhooks.secrets), 0, 0, NULL, "",
     "Its whsec_ secrets, space separated; each one signs every delivery (rotation)."},
    {"webhooks", "events", CONF_STR, F(webhooks.events), 0, 0, NULL, "*",
     "Events it gets, comma separated: port_in.completed, port_out.*, service.*, * for all."},
    {"webhooks", "timeout_ms", CONF_INT, F(webhooks.timeout_ms), 100, 120000, NULL, "5000",
     "Time for a receiver to answer one delivery."},
    {"webhooks", "max_attempts", CONF_INT, F(webhooks.max_attempts), 1, 1000, NULL, "10",
     "Failed attempts before a delivery is parked with an alarm (npgwctl hook replay)."},

    {"charging", "url", CONF_STR, F(charging.url), 0, 0, NULL, "",
     "CGrateS JSON-RPC URL (http://127.0.0.1:2080/jsonrpc); empty: no charging calls."},
    {"charging", "tenant", CONF_STR, F(charging.tenant), 1, 0, NULL, "cgrates.org",
     "CGrateS tenant of the accounts and attribute profiles."},
    {"charging", "action_plans", CONF_STR, F(charging.action_plans), 0, 0, NULL, "",
     "Action plans of a new account, comma separated (recurring charges)."},
    {"charging", "contexts", CONF_STR, F(charging.contexts), 1, 0, NULL, "*any",
     "Contexts of the routing attribute profiles, comma separated."},
    {"charging", "user", CONF_STR, F(charging.user), 0, 0, NULL, "",
     "HTTP Basic user for CGrateS (empty: none)."},
    {"charging", "password", CONF_SECRET, F(charging.password), 0, 0, NULL, "",
     "HTTP Basic password for CGrateS (never logged)."},
    {"charging", "timeout_ms", CONF_INT, F(charging.timeout_ms), 100, 120000, NULL, "5000",
     "Time for CGrateS to answer one call."},
    {"charging", "remove_account", CONF_CHOICE, F(charging.remove_account), 0, 0, "no|yes", "no",
     "yes: a ported-out account is removed at the port time, not only disabled."},

    {"welcome", "url", CONF_STR, F(welcome.url), 0, 0, NULL, "",
     "SMS HTTP endpoint of the welcome message (empty: none is sent)."},
    {"welcome", "token", CONF_SECRET, F(welcome.token), 0, 0, NULL, "",
     "Bearer token sent to the SMS endpoint (empty: none; never logged)."},
    {"welcome", "sender", CONF_STR, F(welcome.sender), 0, 0, NULL, "",
     "Sender of the welcome SMS (empty: our operator code)."},
    {"welcome", "text", CONF_STR, F(welcome.text), 1, 0, NULL,
     "Welcome! Your number {number} now works on our network.",
     "Template; {number} is the number (E.164), {msgidentifier} the port."},
    {"welcome", "number_types", CONF_CHOICE, F(welcome.number_types), 0, 0, "mobile|all", "mobile",
     "Ports that get one: mobile numbers only, or all."},
    {"welcome", "timeout_ms", CONF_INT, F(welcome.timeout_ms), 100, 120000, NULL, "5000",
     "Time for the SMS endpoint to answer."},

    {"metrics", "listen", CONF_STR, F(metrics.listen), 1, 0, NULL, "127.0.0.1",
     "IP address of the metrics listeners of npgwd and npenumd (not a host name)."},
    {"metrics", "port", CONF_INT, F(metrics.port), 0, 65535, NULL, "8785",
     "npgwd's metrics port; 0: no metrics listener."},
    {"metrics", "enum_port", CONF_INT, F(metrics.enum_port), 0, 65535, NULL, "8786",
     "npenumd's metrics port; 0: no metrics listener."},

    {"alarms", "interval", CONF_INT, F(alarms.interval), 1, 3600, NULL, "10",
     "Seconds between two checks of every alarm condition."},
    {"alarms", "delivery_attempts", CONF_INT, F(alarms.delivery_attempts), 1, 1000, NULL, "3",
     "A message of an outbox kind still undelivered after this many attempts raises its kind's"
     " alarm (clearinghouse, ENUM, CRM, charging)."},
    {"alarms", "delivery_window", CONF_INT, F(alarms.delivery_window), 60, 604800, NULL, "3600",
     "Seconds a message that failed for good keeps its kind's alarm raised."},
    {"alarms", "enum_kinds", CONF_STR, F(alarms.enum_kinds), 0, 0, NULL, "dns",
     "Outbox kinds whose failures are ENUM provisioning failures (comma separated)."},
    {"alarms", "crm_kinds", CONF_STR, F(alarms.crm_kinds), 0, 0, NULL, "bss,webhook",
     "Outbox kinds whose failures are CRM synchronisation errors (comma separated)."},
    {"alarms", "charging_kinds", CONF_STR, F(alarms.charging_kinds), 0, 0, NULL,
     "cgrates,charging", "Outbox kinds whose failures are charging platform failures."},
    {"alarms", "rejection_window", CONF_INT, F(alarms.rejection_window), 60, 604800, NULL, "3600",
     "Seconds of port-in authorisation answers the rejection rate is taken over."},
    {"alarms", "rejection_threshold", CONF_INT, F(alarms.rejection_threshold), 1, 100, NULL, "50",
     "Percent of those answers that, rejected, is an abnormal rejection rate."},
    {"alarms", "rejection_min", CONF_INT, F(alarms.rejection_min), 1, 100000, NULL, "10",
     "Fewest answers in the window before the rate is judged at all."},
};

/* What takes effect on SIGHUP: read at each use, or applied by a reload hook. The rest (sockets,
 * threads, pools, what is compiled or copied at start) waits for a restart. */
static const char *const reloadable[][2] = {
    {"general", "log_level"},
    {"http", "recv_timeout"},
    {"http", "send_timeout"},
    {"http", "transfer_timeout"},
    {"http", "keepalive_max"},
    {"http", "max_connections"},
    {"http", "max_connections_per_client"},
    {"http", "max_header_bytes"},
    {"pxs", "connect_timeout"},
    {"pxs", "io_timeout"},
    {"uk", "connect_timeout"},
    {"uk", "io_timeout"},
    {"outbox", "poll_ms"},
    {"outbox", "retry_base_ms"},
    {"outbox", "retry_max_ms"},
    {"outbox", "max_attempts"},
    {"outbox", "lease_s"},
    {"dns", "ttl"},
    {"dns", "batch_size"},
    {"dns", "timeout"},
    {"enum", "ttl"},
    {"enum", "negative_ttl"},
    {"enum", "max_udp_payload"},
    {"enum", "tcp_idle_ms"},
    {"enum", "follow_ms"},
    {"alarms", "*"},
};

static const conf_item_t *find_item(const char *section, const char *key)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(schema); i++)
        if (strcasecmp(schema[i].section, section) == 0 && strcasecmp(schema[i].key, key) == 0)
            return &schema[i];
    return NULL;
}

bool npg_conf_reloadable(const char *section, const char *key)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(reloadable); i++)
        if (strcasecmp(reloadable[i][0], section) == 0 &&
            (strcmp(reloadable[i][1], "*") == 0 || strcasecmp(reloadable[i][1], key) == 0))
            return true;
    return false;
}

void npg_conf_reload(npg_conf_t *live, const npg_conf_t *next)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(schema); i++) {
        const conf_item_t *it = &schema[i];
        char *dst = (char *)live + it->offset;
        const char *src = (const char *)next + it->offset;
        if (memcmp(dst, src, it->type == CONF_INT ? sizeof(int) : strnlen(src, it->size) + 1) ==
            0)
            continue;
        if (!npg_conf_reloadable(it->section, it->key))
            npg_log(LOG_NOTICE, "conf", "[%s] %s changed: it takes effect at the next restart",
                    it->section, it->key);
        else if (it->type == CONF_INT)
            __atomic_store_n((int *)dst, *(const int *)src, __ATOMIC_RELAXED);
    }
}

static bool known_section(const char *section)
{
    for (size_t i = 0; i < NPG_ARRAY_LEN(schema); i++)
        if (strcasecmp(schema[i].section, section) == 0)
            return true;
    return false;
}

static bool choice_ok(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (const char *p = choices; *p;) {
        const char *end = strchr(p, '|');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncasecmp(p, value, n) == 0)
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

static int set_item(npg_conf_t *conf, const conf_item_t *it, const char *value, char *msg,
                    size_t msglen)
{
    char *field = (char *)conf + it->offset;
    size_t len = strlen(value);
    switch (it->type) {
    case CONF_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end) {
            snprintf(msg, msglen, "%s.%s: '%s' is not a whole number", it->section, it->key, value);
            return NPG_ECONF;
        }
        if (v < it->min || v > it->max) {
            snprintf(msg, msglen, "%s.%s: %ld is outside %ld..%ld", it->section, it->key, v,
                     it->min, it->max);
            return NPG_ECONF;
        }
        *(int *)field = (int)v;
        return NPG_OK;
    }
    case CONF_CHOICE:
        if (!choice_ok(it->choices, value)) {
            snprintf(msg, msglen, "%s.%s: '%s' is not one of %s", it->section, it->key, value,
                     it->choices);
            return NPG_ECONF;
        }
        break;
    case CONF_DIGITS:
        if (strspn(value, "0123456789") != len) {
            snprintf(msg, msglen, "%s.%s: '%s' must be digits only", it->section, it->key, value);
            return NPG_ECONF;
        }
        /* fall through */
    case CONF_STR:
    case CONF_SECRET:
        if ((it->min && len < (size_t)it->min) || (it->max && len > (size_t)it->max)) {
            snprintf(msg, msglen, "%s.%s: length %zu is outside %ld..%ld", it->section, it->key,
                     len, it->min, it->max ? it->max : (long)it->size - 1);
            return NPG_ECONF;
        }
        break;
    }
    if (len >= it->size) {
        snprintf(msg, msglen, "%s.%s: value longer than %zu characters", it->section, it->key,
                 it->size - 1);
        return NPG_ECONF;
    }
    memcpy(field, value, len + 1);
    return NPG_OK;
}

int npg_conf_set(npg_conf_t *conf, const char *section, const char *key, const char *value,
                 char *msg, size_t msglen)
{
    const conf_item_t *it = find_item(section, key);
    if (!it) {
        if (known_section(section))
            snprintf(msg, msglen, "unknown key '%s' in section [%s]", key, section);
        else
            snprintf(msg, msglen, "unknown section [%s]", section);
        return NPG_ECONF;
    }
    return set_item(conf, it, value, msg, msglen);
}

void npg_conf_defaults(npg_conf_t *conf)
{
    memset(conf, 0, sizeof(*conf));
    for (size_t i = 0; i < NPG_ARRAY_LEN(schema); i++) {
        char msg[256];
        if (set_item(conf, &schema[i], schema[i].def, msg, sizeof(msg)) != NPG_OK)
            npg_log(LOG_ERR, "conf", "bad built-in default: %s", msg);
    }
}

/* inih calls the reader once per line, so counting calls gives each key's line. */
struct load_state {
    npg_conf_t *conf;
    FILE *in;
    FILE *errs;
    const char *path;
    int line;
    int errors;
};

static char *count_lines_reader(char *str, int num, void *stream)
{
    struct load_state *st = stream;
    char *r = fgets(str, num, st->in);
    if (r)
        st->line++;
    return r;
}

static int load_handler(void *user, const char *section, const char *key, const char *value)
{
    struct load_state *st = user;
    char msg[512];
    if (!key) /* a section header alone */
        return 1;
    if (npg_conf_set(st->conf, section, key, value, msg, sizeof(msg)) != NPG_OK) {
        st->errors++;
        if (st->errs)
            fprintf(st->errs, "%s:%d: %s\n", st->path, st->line, msg);
    }
    return 1;
}

int npg_conf_load(npg_conf_t *conf, const char *path, FILE *errs)
{
    struct load_state st = {.conf = conf, .errs = errs, .path = path};
    st.in = fopen(path, "r");
    if (!st.in) {
        if (errs)
            fprintf(errs, "%s: cannot open: %s\n", path, strerror(errno));
        return NPG_ECONF;
    }
    int rc = ini_parse_stream(count_lines_reader, &st, load_handler, &st);
    fclose(st.in);
    if (rc > 0) { /* a syntax error that inih itself found */
        st.errors++;
        if (errs)
            fprintf(errs, "%s:%d: syntax error (expected [section] or key = value)\n", path, rc);
    }
    return st.errors ? NPG_ECONF : NPG_OK;
}

void npg_conf_write_sample(FILE *out)
{
    fprintf(out, "# npgw configuration. Every key is optional; the value shown is its default.\n"
                 "# Check a file with: npgwd --check-config FILE\n");
    const char *section = "";
    for (size_t i = 0; i < NPG_ARRAY_LEN(schema); i++) {
        const conf_item_t *it = &schema[i];
        if (strcmp(section, it->section) != 0) {
            section = it->section;
            fprintf(out, "\n[%s]\n", section);
            for (size_t s = 0; s < NPG_ARRAY_LEN(section_help); s++)
                if (strcmp(section_help[s][0], section) == 0)
                    fprintf(out, "# %s\n", section_help[s][1]);
        }
        fprintf(out, "\n# %s", it->help);
        if (it->type == CONF_INT)
            fprintf(out, " Range %ld..%ld.", it->min, it->max);
        else if (it->type == CONF_CHOICE)
            fprintf(out, " One of %s.", it->choices);
        if (npg_conf_reloadable(it->section, it->key))
            fprintf(out, " Reloaded on SIGHUP.");
        fprintf(out, "\n%s = %s\n", it->key, it->def);
    }
}
