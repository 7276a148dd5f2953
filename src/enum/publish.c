/* SPDX-License-Identifier: GPL-3.0-or-later */
/* RFC 2136 publisher: routing read per range, many numbers per UPDATE, TSIG (RFC 8945) via ldns,
 * several UPDATEs in flight on one TCP connection per server (enum/dnspipe). */
#include "enum/publish.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <ldns/ldns.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/e164.h"
#include "common/log.h"
#include "common/util.h"
#include "enum/dnspipe.h"
#include "enum/naptr.h"
#include "enum/updmsg.h"
#include "outbox/outbox.h"

#define WIRE_MAX 65535   /* a DNS message over TCP (RFC 1035 4.2.2) */
#define TSIG_RESERVE 600 /* what signing appends: key and algorithm names, MAC, fixed fields */
#define CHUNK_ROWS 50000 /* routing rows per query: one query for any range up to this many */
#define IN_FLIGHT 64     /* UPDATEs sent to a server and not yet answered */
#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct server {
    char host[INET6_ADDRSTRLEN];
    unsigned port;
    char label[INET6_ADDRSTRLEN + 8]; /* host:port, for messages */
} server_t;

struct npg_publish {
    const npg_conf_t *conf;
    size_t nservers;
    server_t servers[NPG_PUBLISH_MAX_SERVERS];
    char zone[NPG_CONF_STRLEN + 2]; /* absolute, lower case */
    char apex[NPG_CONF_STRLEN + 2];
    char tsig_name[NPG_CONF_STRLEN + 2];
    char tsig_alg[24];
    npg_tsig_key_t key; /* when tsig_name is set */
};

/* "example.", lower case, one trailing dot. */
static void absolute(const char *in, char *out, size_t len)
{
    size_t n = npg_strlcpy(out, in, len);
    for (char *c = out; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (n + 2 <= len && (n == 0 || out[n - 1] != '.'))
        strcat(out, ".");
}

/* True when name is zone or lies below it (both absolute, lower case). */
static bool in_zone(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);
    if (strcmp(zone, ".") == 0 || strcmp(name, zone) == 0)
        return true;
    return n > z && strcmp(name + n - z, zone) == 0 && name[n - z - 1] == '.';
}

static int parse_server(const char *s, server_t *out, char *err, size_t errlen)
{
    char host[INET6_ADDRSTRLEN + 2] = "";
    const char *port = NULL;
    if (*s == '[') { /* [v6]:port */
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof(host))
            goto bad;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        port = end[1] == ':' ? end + 2 : end[1] ? NULL : "53";
    } else {
        const char *colon = strrchr(s, ':');
        bool v6 = colon && strchr(s, ':') != colon; /* bare IPv6, no port */
        size_t n = colon && !v6 ? (size_t)(colon - s) : strlen(s);
        if (n >= sizeof(host))
            goto bad;
        memcpy(host, s, n);
        port = colon && !v6 ? colon + 1 : "53";
    }
    unsigned char addr[16];
    char *end = NULL;
    long p = port ? strtol(port, &end, 10) : 0;
    if (!port || !*port || *end || p < 1 || p > 65535 ||
        (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1))
        goto bad;
    npg_strlcpy(out->host, host, sizeof(out->host));
    out->port = (unsigned)p;
    snprintf(out->label, sizeof(out->label), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host,
             out->port);
    return NPG_OK;
bad:
    snprintf(err, errlen, "dns.servers: '%s' is not an IP address with an optional :port", s);
    return NPG_ECONF;
}

int npg_publish_new(const npg_conf_t *conf, npg_publish_t **out, char *err, size_t errlen)
{
    *out = NULL;
    npg_publish_t *p = calloc(1, sizeof(*p));
    if (!p)
        return NPG_ENOMEM;
    p->conf = conf;
    int rc = NPG_OK;
    char list[NPG_CONF_STRLEN], *save = NULL;
    npg_strlcpy(list, conf->dns.servers, sizeof(list));
    for (char *tok = strtok_r(list, ",", &save); tok && rc == NPG_OK;
         tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        for (char *e = tok + strlen(tok); e > tok && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        if (!*tok)
            continue;
        if (p->nservers == NPG_PUBLISH_MAX_SERVERS) {
            snprintf(err, errlen, "dns.servers: more than %d servers", NPG_PUBLISH_MAX_SERVERS);
            rc = NPG_ECONF;
        } else {
            rc = parse_server(tok, &p->servers[p->nservers++], err, errlen);
        }
    }
    absolute(conf->dns.zone, p->zone, sizeof(p->zone));
    absolute(conf->dns.apex, p->apex, sizeof(p->apex));
    if (rc == NPG_OK && !in_zone(p->apex, p->zone) && !in_zone(p->zone, p->apex)) {
        snprintf(err, errlen, "dns.zone %s and dns.apex %s: no owner name can be in the zone",
                 p->zone, p->apex);
        rc = NPG_ECONF;
    }
    if (rc == NPG_OK && conf->dns.tsig_name[0]) {
        unsigned char key[sizeof(conf->dns.tsig_secret)];
        size_t n = strlen(conf->dns.tsig_secret);
        if (n == 0 || n % 4 ||
            EVP_DecodeBlock(key, (const unsigned char *)conf->dns.tsig_secret, (int)n) <= 0) {
            snprintf(err, errlen, "dns.tsig_secret: must be the key's base64 secret");
            rc = NPG_ECONF;
        }
        absolute(conf->dns.tsig_name, p->tsig_name, sizeof(p->tsig_name));
        absolute(conf->dns.tsig_algorithm, p->tsig_alg, sizeof(p->tsig_alg));
        if (rc == NPG_OK &&
            npg_tsig_key_init(&p->key, p->tsig_name, p->tsig_alg, conf->dns.tsig_secret) != NPG_OK) {
            snprintf(err, errlen, "dns.tsig_name %s or tsig_algorithm %s: not usable", p->tsig_name,
                     p->tsig_alg);
            rc = NPG_ECONF;
        }
    } else if (rc == NPG_OK && conf->dns.tsig_secret[0]) {
        snprintf(err, errlen, "dns.tsig_secret is set but dns.tsig_name is empty");
        rc = NPG_ECONF;
    }
    if (rc != NPG_OK) {
        free(p);
        return rc;
    }
    *out = p;
    return NPG_OK;
}

void npg_publish_free(npg_publish_t **p)
{
    if (p && *p) {
        free(*p);
        *p = NULL;
    }
}

size_t npg_publish_nservers(const npg_publish_t *p)
{
    return p ? p->nservers : 0;
}

/* --- one publication ------------------------------------------------------------------ */

static void put_u16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* A message a server has not answered yet. */
typedef struct sent {
    uint16_t id;
    size_t numbers;
    int64_t at_ms;
    ldns_rdf *mac; /* our TSIG MAC: the answer's covers it (RFC 8945 5.3) */
} sent_t;

/* One server's connection for a run: messages go out without waiting for earlier answers. */
typedef struct link {
    npg_dnspipe_t *pipe;
    sent_t fl[IN_FLIGHT];
    size_t nfl;
    uint16_t next_id;
} link_t;

typedef struct run {
    npg_publish_t *p;
    link_t link[NPG_PUBLISH_MAX_SERVERS];
    int rc[NPG_PUBLISH_MAX_SERVERS]; /* first failure of each server; it gets nothing more */
    char why[NPG_PUBLISH_MAX_SERVERS][200];
    size_t failed;
    ldns_rdf *zone;
    npg_updmsg_t *msg; /* the message being filled */
    size_t numbers;    /* numbers in msg */
    size_t limit;      /* wire size allowed before signing */
    size_t records, deletes, messages;
    int64_t wait_ms; /* spent waiting for the servers' answers */
    char local[320]; /* a failure on our side (database, configuration) */
} run_t;

static int new_message(run_t *r)
{
    r->numbers = 0;
    return npg_updmsg_start(r->msg, r->p->zone) == NPG_OK ? NPG_OK : NPG_ECONF;
}

static const char *const tsig_errors[] = {
    [16] = "BADSIG", [17] = "BADKEY", [18] = "BADTIME", [22] = "BADTRUNC"};

/* Why the server refused: its RCODE, and the TSIG error it signalled. */
static int refusal(const run_t *r, const ldns_pkt *reply, char *why, size_t len)
{
    ldns_pkt_rcode rcode = ldns_pkt_get_rcode(reply);
    const ldns_lookup_table *name = ldns_lookup_by_id(ldns_rcodes, (int)rcode);
    const ldns_rr *tsig = ldns_pkt_tsig(reply);
    unsigned terr = tsig && ldns_rr_rd_count(tsig) > 5 && ldns_rr_rdf(tsig, 5)
                        ? ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5))
                        : 0;
    char tsigtext[64] = "";
    if (terr)
        snprintf(tsigtext, sizeof(tsigtext), " (TSIG error %s)",
                 terr < NPG_ARRAY_LEN(tsig_errors) && tsig_errors[terr] ? tsig_errors[terr]
                                                                        : "unknown");
    bool auth = rcode == LDNS_RCODE_NOTAUTH || terr;
    snprintf(why, len, "answered %s%s%s", name ? name->name : "an unknown RCODE", tsigtext,
             !auth                ? ""
             : r->p->tsig_name[0] ? ": it does not accept our TSIG key (check dns.tsig_name,"
                                    " tsig_algorithm, tsig_secret and the clocks)"
                                  : ": it wants a TSIG key (set dns.tsig_name and tsig_secret)");
    return auth ? NPG_EAUTH : NPG_EPEER;
}

/* Server i is out of this run: remember why, drop its connection. */
static void fail(run_t *r, size_t i, int rc)
{
    link_t *l = &r->link[i];
    r->rc[i] = rc;
    r->failed++;
    npg_log(LOG_WARNING, "dns", "UPDATE to %s after %zu messages: %s", r->p->servers[i].label,
            r->messages, r->why[i]);
    npg_dnspipe_close(&l->pipe);
    for (size_t k = 0; k < l->nfl; k++)
        ldns_rdf_deep_free(l->fl[k].mac);
    l->nfl = 0;
}

static void fail_io(run_t *r, size_t i, int sys)
{
    snprintf(r->why[i], sizeof(r->why[i]), "no answer: %s (timeout %d s)",
             sys ? strerror(sys) : "connection lost", r->p->conf->dns.timeout);
    fail(r, i, NPG_EIO);
}

/* Read server i's next answer and check it against the message it answers. */
static void await_answer(run_t *r, size_t i)
{
    link_t *l = &r->link[i];
    const uint8_t *wire = NULL;
    size_t len = 0;
    ldns_pkt *reply = NULL;
    errno = 0;
    if (npg_dnspipe_recv(l->pipe, &wire, &len) != NPG_OK) {
        fail_io(r, i, errno);
        return;
    }
    size_t k = 0;
    if (ldns_wire2pkt(&reply, wire, len) == LDNS_STATUS_OK)
        while (k < l->nfl && l->fl[k].id != ldns_pkt_id(reply))
            k++;
    int rc = NPG_OK;
    if (!reply || k == l->nfl) {
        rc = NPG_EPEER;
        snprintf(r->why[i], sizeof(r->why[i]), "answered something other than an UPDATE reply");
    } else if (ldns_pkt_get_rcode(reply) != LDNS_RCODE_NOERROR) {
        rc = refusal(r, reply, r->why[i], sizeof(r->why[i]));
    } else if (l->fl[k].mac && !ldns_pkt_tsig_verify(reply, wire, len, r->p->tsig_name,
                                                     r->p->conf->dns.tsig_secret, l->fl[k].mac)) {
        rc = NPG_EAUTH;
        snprintf(r->why[i], sizeof(r->why[i]), "its answer's TSIG does not verify");
    } else if (ldns_pkt_get_opcode(reply) != LDNS_PACKET_UPDATE || !ldns_pkt_qr(reply)) {
        rc = NPG_EPEER;
        snprintf(r->why[i], sizeof(r->why[i]), "answered something other than an UPDATE reply");
    }
    ldns_pkt_free(reply);
    if (rc != NPG_OK) {
        fail(r, i, rc);
        return;
    }
    npg_log_debug("dns", "UPDATE of %zu numbers to %s: %lld ms", l->fl[k].numbers,
                  r->p->servers[i].label, (long long)(npg_now_ms() - l->fl[k].at_ms));
    ldns_rdf_deep_free(l->fl[k].mac);
    l->fl[k] = l->fl[--l->nfl];
}

/* Sign the message for server i and send it; a failure takes the server out of this run. */
static void send_to(run_t *r, size_t i)
{
    link_t *l = &r->link[i];
    const server_t *s = &r->p->servers[i];
    errno = 0;
    if (!l->pipe) {
        if (npg_dnspipe_open(s->host, s->port, r->p->conf->dns.timeout, &l->pipe) != NPG_OK) {
            fail_io(r, i, errno);
            return;
        }
        if (npg_random_bytes((unsigned char *)&l->next_id, sizeof(l->next_id)) != NPG_OK)
            l->next_id = (uint16_t)npg_now_ms();
    }
    while (l->nfl == IN_FLIGHT && r->rc[i] == NPG_OK)
        await_answer(r, i);
    if (r->rc[i] != NPG_OK)
        return;
    uint16_t id = l->next_id++; /* unique among the messages in flight */
    uint8_t macbuf[2 + NPG_TSIG_MAC_MAX];
    size_t maclen = 0;
    const npg_tsig_key_t *key = r->p->tsig_name[0] ? &r->p->key : NULL;
    if (npg_updmsg_sign(r->msg, id, key, time(NULL), macbuf + 2, &maclen) != NPG_OK) {
        snprintf(r->why[i], sizeof(r->why[i]), "cannot sign the message");
        fail(r, i, NPG_EIO);
        return;
    }
    /* kept as ldns's MAC field (size, then bytes) to verify the answer with */
    ldns_rdf *mac = NULL;
    put_u16(macbuf, maclen);
    if (key && !(mac = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, 2 + maclen, macbuf))) {
        snprintf(r->why[i], sizeof(r->why[i]), "out of memory");
        fail(r, i, NPG_ENOMEM);
        return;
    }
    errno = 0;
    int rc = npg_dnspipe_send(l->pipe, r->msg->buf, r->msg->wire_len);
    int sys = errno;
    if (rc != NPG_OK) {
        ldns_rdf_deep_free(mac);
        fail_io(r, i, sys);
        return;
    }
    l->fl[l->nfl++] = (sent_t){.id = id, .numbers = r->numbers, .at_ms = npg_now_ms(), .mac = mac};
}

/* Wait for every answer still due. */
static void drain(run_t *r)
{
    for (size_t i = 0; i < r->p->nservers; i++) {
        int64_t t0 = npg_now_ms();
        while (r->rc[i] == NPG_OK && r->link[i].nfl > 0)
            await_answer(r, i);
        r->wait_ms += npg_now_ms() - t0;
    }
}

/* Send the message being filled to every server still in the run, then start the next one. */
static int flush(run_t *r)
{
    if (r->numbers == 0)
        return NPG_OK;
    for (size_t i = 0; i < r->p->nservers; i++) {
        if (r->rc[i] != NPG_OK)
            continue;
        int64_t t0 = npg_now_ms();
        send_to(r, i);
        r->wait_ms += npg_now_ms() - t0;
    }
    r->messages++;
    int rc = new_message(r);
    if (rc == NPG_OK && r->failed == r->p->nservers)
        rc = NPG_EIO; /* nobody left to send to: stop reading */
    return rc;
}

/* A character-string field (RFC 1035 3.3), taken as is (no zone-file escapes). */
static size_t put_str(uint8_t *p, const char *s)
{
    size_t n = strlen(s);
    p[0] = (uint8_t)n;
    memcpy(p + 1, s, n);
    return n + 1;
}

/* The NAPTR RDATA of a route (RFC 3403 4.1); 0 when the route cannot give one. */
static size_t naptr_rdata(const npg_naptr_route_t *route, uint8_t *out)
{
    char regexp[512];
    const char *service = npg_naptr_service(route->form);
    if (npg_naptr_regexp(route, regexp, sizeof(regexp)) < 0 || strlen(regexp) > 255 ||
        strlen(service) > 255)
        return 0;
    size_t n = 0;
    put_u16(out, NPG_NAPTR_ORDER);
    put_u16(out + 2, NPG_NAPTR_PREF);
    n = 4;
    n += put_str(out + n, "u");
    n += put_str(out + n, service);
    n += put_str(out + n, regexp);
    out[n++] = 0; /* replacement: the root */
    return n;
}

/* One number: delete its NAPTR RRset, then add its current record (route NULL: none). */
static int add_number(run_t *r, uint64_t number, const npg_naptr_route_t *route)
{
    char e164[NPG_E164_BUFLEN], name[128];
    npg_e164_from_u64(number, e164);
    int rc = npg_e164_enum_name(e164, r->p->apex, name, sizeof(name));
    if (rc != NPG_OK || !in_zone(name, r->p->zone)) {
        snprintf(r->local, sizeof(r->local), "owner %.80s of +%s is outside zone %.80s", name, e164,
                 r->p->zone);
        return NPG_ECONF;
    }
    uint8_t rdata[4 + 3 * 256 + 1];
    size_t rdlen = route ? naptr_rdata(route, rdata) : 0;
    if (route && rdlen == 0) {
        snprintf(r->local, sizeof(r->local),
                 "cannot build the NAPTR of +%s: its operator needs digits as routing number and,"
                 " for the sip form, an IMS domain",
                 e164);
        return NPG_ECONF; /* retried: fixing the operator lets it through */
    }
    const uint8_t *rd = route ? rdata : NULL;
    uint32_t ttl = (uint32_t)r->p->conf->dns.ttl;
    if (r->numbers >= (size_t)r->p->conf->dns.batch_size)
        rc = flush(r);
    if (rc == NPG_OK)
        rc = npg_updmsg_replace(r->msg, name, LDNS_RR_TYPE_NAPTR, ttl, rd, rdlen, r->limit);
    if (rc == NPG_ETOOBIG && r->numbers) { /* it does not fit: it starts the next message */
        rc = flush(r);
        if (rc == NPG_OK)
            rc = npg_updmsg_replace(r->msg, name, LDNS_RR_TYPE_NAPTR, ttl, rd, rdlen, r->limit);
    }
    if (rc == NPG_EINVAL || rc == NPG_ETOOBIG) {
        snprintf(r->local, sizeof(r->local), "owner %.80s of +%s: not a name an UPDATE can carry",
                 name, e164);
        return NPG_ECONF;
    }
    if (rc != NPG_OK)
        return rc;
    r->numbers++;
    if (route)
        r->records++;
    else
        r->deletes++;
    return NPG_OK;
}

static int route_from(const char *rn, const char *domain, const char *form, const char *rn_format,
                      const char *e164, npg_naptr_route_t *out)
{
    *out = (npg_naptr_route_t){.e164 = e164, .rn = rn, .ims_domain = domain ? domain : ""};
    int rc = npg_naptr_form_parse(form ? form : "sip", &out->form);
    return rc == NPG_OK
               ? npg_naptr_rn_format_parse(rn_format ? rn_format : "global", &out->rn_format)
               : rc;
}

/* The row of ops (ordered by id) of operator id, or -1. */
static ssize_t op_row(const npg_db_rows_t *ops, int64_t id)
{
    size_t lo = 0, hi = npg_db_rows_count(ops);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t v = npg_db_rows_int(ops, mid, 0, 0);
        if (v == id)
            return (ssize_t)mid;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/*
 * Every number of [first, last]: its routing rows and home ranges, each read by one range
 * scan. The routing rows are read without their operators: joined, the server reads and
 * sorts the whole rest of the range for every chunk of CHUNK_ROWS, which made a 1M-number
 * publication quadratic. The operators, a small table, are read after each chunk, so every
 * operator its rows name is there (they cannot be deleted while routed to).
 */
static int walk_range(run_t *r, npg_db_t *db, uint64_t first, uint64_t last)
{
    npg_db_rows_t *home = NULL, *ported = NULL, *ops = NULL;
    int rc =
        npg_db_query(db,
                     "SELECT r.range_start, r.range_end, o.ims_domain, o.naptr_form,"
                     " o.rn_format FROM operator_ranges r JOIN operators o ON o.id = r.operator_id"
                     " WHERE r.range_end >= ? AND r.range_start <= ? ORDER BY r.range_start",
                     NPG_DB_P(NPG_DB_U(first), NPG_DB_U(last)), &home);
    size_t h = 0, nh = npg_db_rows_count(home);
    uint64_t n = first;
    while (rc == NPG_OK && n <= last) {
        rc = npg_db_query(db,
                          "SELECT number, lrn, operator_id FROM routing"
                          " WHERE number BETWEEN ? AND ? ORDER BY number LIMIT " STR(CHUNK_ROWS),
                          NPG_DB_P(NPG_DB_U(n), NPG_DB_U(last)), &ported);
        npg_db_rows_free(&ops);
        if (rc == NPG_OK)
            rc = npg_db_query(db,
                              "SELECT id, routing_number, ims_domain, naptr_form, rn_format"
                              " FROM operators ORDER BY id",
                              NULL, 0, &ops);
        size_t np = npg_db_rows_count(ported), k = 0;
        uint64_t upto = np == CHUNK_ROWS ? (uint64_t)npg_db_rows_int(ported, np - 1, 0, 0) : last;
        for (; rc == NPG_OK && n <= upto; n++) {
            char e164[NPG_E164_BUFLEN];
            npg_e164_from_u64(n, e164);
            npg_naptr_route_t route;
            const npg_naptr_route_t *rp = NULL;
            ssize_t o = -1;
            if (k < np && (uint64_t)npg_db_rows_int(ported, k, 0, 0) == n)
                o = op_row(ops, npg_db_rows_int(ported, k++, 2, 0));
            if (o >= 0) {
                const char *lrn = npg_db_rows_get(ported, k - 1, 1);
                rc = route_from(lrn ? lrn : npg_db_rows_get(ops, (size_t)o, 1),
                                npg_db_rows_get(ops, (size_t)o, 2),
                                npg_db_rows_get(ops, (size_t)o, 3),
                                npg_db_rows_get(ops, (size_t)o, 4), e164, &route);
                rp = &route;
            } else {
                while (h < nh && (uint64_t)npg_db_rows_int(home, h, 1, 0) < n)
                    h++;
                if (h < nh && (uint64_t)npg_db_rows_int(home, h, 0, 0) <= n) {
                    rc = route_from("", npg_db_rows_get(home, h, 2), npg_db_rows_get(home, h, 3),
                                    npg_db_rows_get(home, h, 4), e164, &route);
                    rp = &route;
                }
            }
            if (rc == NPG_OK)
                rc = add_number(r, n, rp);
            else
                snprintf(r->local, sizeof(r->local), "+%s: unknown NAPTR form or rn format", e164);
        }
        npg_db_rows_free(&ported);
    }
    npg_db_rows_free(&ops);
    npg_db_rows_free(&home);
    if (rc != NPG_OK && !r->local[0] && r->failed < r->p->nservers)
        snprintf(r->local, sizeof(r->local), "reading the routing of %" PRIu64 "-%" PRIu64 ": %s",
                 first, last, npg_strerror(rc));
    return rc;
}

/* Summary, or every server's failure. */
static int report(run_t *r, int rc, char *result, size_t len)
{
    size_t off = 0;
    int worst = NPG_OK;
    if (r->failed) {
        off =
            (size_t)snprintf(result, len, "%zu of %zu servers failed:", r->failed, r->p->nservers);
        for (size_t i = 0; i < r->p->nservers && off < len; i++) {
            if (r->rc[i] == NPG_OK)
                continue;
            off += (size_t)snprintf(result + off, len - off, " %s %s;", r->p->servers[i].label,
                                    r->why[i]);
            if (worst == NPG_OK || r->rc[i] == NPG_EAUTH)
                worst = r->rc[i];
        }
    }
    if (r->local[0] && off < len)
        snprintf(result + off, len - off, "%s%s", off ? " " : "", r->local);
    if (worst != NPG_OK)
        return worst;
    if (rc != NPG_OK)
        return rc;
    int end = snprintf(result, len, "published %zu records to %zu server%s in %zu message%s",
                       r->records, r->p->nservers, r->p->nservers == 1 ? "" : "s", r->messages,
                       r->messages == 1 ? "" : "s");
    if (r->deletes && end > 0 && (size_t)end < len)
        snprintf(result + end, len - (size_t)end, "; %zu numbers served by no one: deleted",
                 r->deletes);
    return NPG_OK;
}

int npg_publish_ranges(npg_publish_t *p, npg_db_t *db, const uint64_t *firsts,
                       const uint64_t *lasts, size_t n, char *result, size_t len)
{
    if (p->nservers == 0) {
        snprintf(result, len, "no external DNS servers configured: nothing to push");
        return NPG_OK;
    }
    run_t *r = calloc(1, sizeof(*r));
    if (!r)
        return NPG_ENOMEM;
    r->p = p;
    int64_t t0 = npg_now_ms();
    r->msg = malloc(sizeof(*r->msg));
    int rc = r->msg ? NPG_OK : NPG_ENOMEM;
    r->limit = WIRE_MAX - TSIG_RESERVE - 2 * strlen(p->tsig_name);
    if (rc == NPG_OK)
        rc = new_message(r);
    for (size_t i = 0; rc == NPG_OK && i < n; i++)
        rc = walk_range(r, db, firsts[i], lasts[i]);
    if (rc == NPG_OK)
        rc = flush(r);
    if (rc == NPG_OK)
        drain(r);
    rc = report(r, rc, result, len);
    if (rc == NPG_OK)
        npg_log(LOG_INFO, "dns", "%s in %lld ms, %lld of them waiting for the servers", result,
                (long long)(npg_now_ms() - t0), (long long)r->wait_ms);
    free(r->msg);
    for (size_t i = 0; i < p->nservers; i++) {
        npg_dnspipe_close(&r->link[i].pipe);
        for (size_t k = 0; k < r->link[i].nfl; k++)
            ldns_rdf_deep_free(r->link[i].fl[k].mac);
    }
    free(r);
    return rc;
}

/* --- the outbox row ------------------------------------------------------------------- */

static bool known_kind(const char *k)
{
    return strcmp(k, "in") == 0 || strcmp(k, "out") == 0 || strcmp(k, "none") == 0;
}

static int parse_u64(const char **s, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)**s))
        return NPG_EINVAL;
    errno = 0;
    unsigned long long v = strtoull(*s, &end, 10);
    if (errno || end - *s > 20)
        return NPG_EINVAL;
    *s = end;
    *out = v;
    return NPG_OK;
}

int npg_publish_parse(const char *payload, npg_publish_job_t *job)
{
    memset(job, 0, sizeof(*job));
    const char *colon = strchr(payload, ':');
    if (!colon || (size_t)(colon - payload) >= sizeof(job->port_kind))
        return NPG_EINVAL;
    memcpy(job->port_kind, payload, (size_t)(colon - payload));
    const char *s = colon + 1;
    if (!known_kind(job->port_kind) || parse_u64(&s, &job->port_id) != NPG_OK)
        return NPG_EINVAL;
    size_t cap = 0;
    for (const char *c = s; *c; c++)
        cap += *c == '-';
    if (cap > NPG_PUBLISH_MAX_RANGES)
        return NPG_ETOOBIG;
    job->firsts = calloc(cap ? cap : 1, sizeof(uint64_t));
    job->lasts = calloc(cap ? cap : 1, sizeof(uint64_t));
    if (!job->firsts || !job->lasts) {
        npg_publish_job_clear(job);
        return NPG_ENOMEM;
    }
    while (*s == ' ') {
        s++;
        uint64_t a, b;
        char da[NPG_E164_BUFLEN + 8], db[NPG_E164_BUFLEN + 8];
        if (parse_u64(&s, &a) != NPG_OK || *s++ != '-' || parse_u64(&s, &b) != NPG_OK || b < a ||
            job->n == cap)
            goto bad;
        snprintf(da, sizeof(da), "%" PRIu64, a);
        snprintf(db, sizeof(db), "%" PRIu64, b);
        if (npg_e164_validate(da) != NPG_OK || npg_e164_validate(db) != NPG_OK)
            goto bad;
        job->firsts[job->n] = a;
        job->lasts[job->n] = b;
        job->n++;
    }
    if (*s)
        goto bad;
    return NPG_OK;
bad:
    npg_publish_job_clear(job);
    return NPG_EINVAL;
}

void npg_publish_job_clear(npg_publish_job_t *job)
{
    free(job->firsts);
    free(job->lasts);
    job->firsts = job->lasts = NULL;
    job->n = 0;
}

int npg_publish_queue(npg_db_t *db, const char *port_kind, uint64_t port_id, uint64_t change_ref,
                      const uint64_t *firsts, const uint64_t *lasts, size_t n)
{
    if (!known_kind(port_kind) || n > NPG_PUBLISH_MAX_RANGES)
        return NPG_EINVAL;
    size_t cap = 32 + n * 44;
    char *payload = malloc(cap), idem[96];
    if (!payload)
        return NPG_ENOMEM;
    size_t off = (size_t)snprintf(payload, cap, "%s:%" PRIu64, port_kind, port_id);
    for (size_t i = 0; i < n; i++) {
        if (lasts[i] < firsts[i]) {
            free(payload);
            return NPG_EINVAL;
        }
        off += (size_t)snprintf(payload + off, cap - off, " %" PRIu64 "-%" PRIu64, firsts[i],
                                lasts[i]);
    }
    int rc = NPG_OK;
    if (change_ref) {
        snprintf(idem, sizeof(idem), "dns:change:%" PRIu64, change_ref);
    } else if (strcmp(port_kind, "none") == 0) {
        unsigned char nonce[12];
        char hex[2 * sizeof(nonce) + 1];
        rc = npg_random_bytes(nonce, sizeof(nonce));
        npg_hex(nonce, sizeof(nonce), hex);
        snprintf(idem, sizeof(idem), "dns:none:%s", hex);
    } else {
        snprintf(idem, sizeof(idem), "dns:%s:%" PRIu64, port_kind, port_id);
    }
    if (rc == NPG_OK)
        rc = npg_outbox_put(db, "dns", "dns", idem, port_kind, port_id, payload);
    free(payload);
    return rc;
}
