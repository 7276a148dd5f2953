/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "enum/xfr.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/util.h"
#include "db/db.h"
#include "enum/dnswire.h"
#include "enum/naptr.h"

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* --- the request ------------------------------------------------------------------------ */

/* The question's name: uncompressed labels (nothing precedes it to point at). */
static int question_name(const uint8_t *pkt, size_t len, size_t *off)
{
    size_t o = *off;
    for (;;) {
        if (o >= len)
            return -1;
        uint8_t l = pkt[o++];
        if (l == 0)
            break;
        if (l > 63 || o + l > len || o + l - *off > 255)
            return -1;
        o += l;
    }
    *off = o;
    return 0;
}

bool npg_xfr_is_request(const uint8_t *pkt, size_t len)
{
    size_t off = NPG_DNS_HDR;
    if (len < NPG_DNS_HDR || (pkt[2] & 0x80) || ((pkt[2] >> 3) & 0xF) != 0 || get16(pkt + 4) != 1 ||
        question_name(pkt, len, &off) != 0 || off + 4 > len)
        return false;
    uint16_t t = get16(pkt + off);
    return t == NPG_DNS_T_AXFR || t == NPG_DNS_T_IXFR;
}

int npg_xfr_parse(const uint8_t *pkt, size_t len, npg_xfr_query_t *q)
{
    memset(q, 0, sizeof(*q));
    if (len < NPG_DNS_HDR)
        return -1;
    q->id = get16(pkt);
    q->flags = get16(pkt + 2);
    if (q->flags & 0x8000)
        return -1;
    size_t off = NPG_DNS_HDR;
    uint16_t qd = get16(pkt + 4), an = get16(pkt + 6), ns = get16(pkt + 8), ar = get16(pkt + 10);
    if (qd != 1 || question_name(pkt, len, &off) != 0 || off + 4 > len)
        return NPG_DNS_FORMERR;
    q->qname_len = off - NPG_DNS_HDR;
    q->qtype = get16(pkt + off);
    q->qclass = get16(pkt + off + 2);
    off += 4;
    q->question_end = off;
    if (((q->flags >> 11) & 0xF) != 0)
        return NPG_DNS_NOTIMP;
    if (npg_tsig_find(pkt, len, &q->tsig) != NPG_OK)
        return NPG_DNS_FORMERR;
    size_t end = q->tsig.present ? q->tsig.offset : len;
    if (an != 0 || ns > 1 || (q->qtype == NPG_DNS_T_IXFR) != (ns == 1) || ar > 2 ||
        (q->tsig.present && ar == 0))
        return NPG_DNS_FORMERR;
    if (ns == 1) { /* IXFR: the client's SOA (its owner and names may point back) */
        if (npg_dns_skip_name(pkt, end, &off) != 0 || off + 10 > end ||
            get16(pkt + off) != NPG_DNS_T_SOA)
            return NPG_DNS_FORMERR;
        size_t rdlen = get16(pkt + off + 8), rd = off + 10, rdend = rd + rdlen;
        off = rd;
        if (rdend > end || npg_dns_skip_name(pkt, rdend, &off) != 0 ||
            npg_dns_skip_name(pkt, rdend, &off) != 0 || off + 20 != rdend)
            return NPG_DNS_FORMERR;
        q->serial = (uint32_t)get16(pkt + off) << 16 | get16(pkt + off + 2);
        q->has_serial = true;
        off = rdend;
    }
    for (size_t i = 0; i < (size_t)ar - q->tsig.present; i++) { /* only an OPT record */
        if (off + 11 > end || pkt[off] != 0 || get16(pkt + off + 1) != NPG_DNS_T_OPT)
            return NPG_DNS_FORMERR;
        off += 11 + (size_t)get16(pkt + off + 9);
    }
    return off == end ? NPG_DNS_NOERROR : NPG_DNS_FORMERR;
}

/* --- messages of an answer -------------------------------------------------------------- */

struct npg_enum_xfr {
    const npg_conf_t *conf;
    npg_enum_index_t *ix;
    npg_enum_responder_t *r;
    bool home; /* [enum] transfer_home */
};

int npg_enum_xfr_new(const npg_conf_t *conf, npg_enum_index_t *ix, npg_enum_responder_t *r,
                     npg_enum_xfr_t **out)
{
    npg_enum_xfr_t *x = calloc(1, sizeof(*x));
    if (!x)
        return NPG_ENOMEM;
    x->conf = conf, x->ix = ix, x->r = r;
    x->home = strcmp(conf->enumd.transfer_home, "no") != 0;
    *out = x;
    return NPG_OK;
}

void npg_enum_xfr_free(npg_enum_xfr_t **x)
{
    free(*x);
    *x = NULL;
}

#define MSG_MAX 65535

/* One answer in the making: messages of up to 64 KiB, each signed, chained by MAC. */
typedef struct xmsg {
    npg_enum_xfr_t *x;
    const uint8_t *pkt;
    const npg_xfr_query_t *q;
    const npg_tsig_key_t *key;
    const char *digits; /* the zone's country digits */
    size_t ndigits;
    npg_xfr_send_fn send;
    void *arg;
    npg_dns_out_t o;
    uint8_t buf[MSG_MAX];
    uint8_t mac[NPG_TSIG_MAX_MAC];
    size_t mac_len;
    size_t messages, records;
    time_t now;
    int rc;
} xmsg_t;

static void msg_start(xmsg_t *m)
{
    /* the question in every message, so owners can point at the zone's name (offset 12) */
    npg_dns_query_t dq = {.id = m->q->id, .flags = m->q->flags, .question_end = m->q->question_end};
    m->o = (npg_dns_out_t){.buf = m->buf, .cap = MSG_MAX - npg_tsig_size(m->key)};
    npg_dns_begin(&m->o, m->pkt, &dq, true, NPG_DNS_NOERROR);
}

static int msg_flush(xmsg_t *m)
{
    size_t n = npg_dns_finish(&m->o);
    bool first = m->messages == 0;
    int rc = npg_tsig_sign(m->buf, &n, MSG_MAX, m->key, first ? m->q->tsig.mac : m->mac,
                           first ? m->q->tsig.mac_len : m->mac_len, !first, m->now, 0, m->mac,
                           &m->mac_len);
    if (rc == NPG_OK)
        rc = m->send(m->buf, n, m->arg);
    m->messages++;
    msg_start(m);
    return rc;
}

typedef void (*rr_writer)(xmsg_t *m, const void *arg);

/* Add one record; a full message is sent first. */
static int msg_add(xmsg_t *m, rr_writer w, const void *arg)
{
    if (m->rc)
        return m->rc;
    for (int tries = 0; tries < 2; tries++) {
        size_t start = m->o.len;
        w(m, arg);
        if (!m->o.overflow) {
            m->o.ancount++;
            m->records++;
            return NPG_OK;
        }
        m->o.len = start;
        m->o.overflow = false;
        if (m->o.ancount == 0)
            break; /* one record larger than a message */
        if ((m->rc = msg_flush(m)) != NPG_OK)
            return m->rc;
    }
    return m->rc = NPG_ETOOBIG;
}

static void write_soa(xmsg_t *m, const void *arg)
{
    const uint32_t *serial = arg;
    npg_enum_responder_put_soa(m->x->r, &m->o, NPG_DNS_HDR, (uint32_t)m->x->conf->enumd.ttl,
                               *serial);
}

static void write_ns(xmsg_t *m, const void *arg)
{
    npg_enum_responder_put_ns(m->x->r, &m->o, NPG_DNS_HDR, *(const size_t *)arg);
}

/* One number's NAPTR, its owner the digits after the zone's, reversed, then the zone. */
typedef struct naptr_arg {
    uint64_t number;
    const npg_enum_answer_t *a;
} naptr_arg_t;

static void write_naptr(xmsg_t *m, const void *argp)
{
    const naptr_arg_t *arg = argp;
    char e164[24], regexp[512];
    int n = snprintf(e164, sizeof(e164), "%" PRIu64, arg->number);
    npg_naptr_route_t nr = {.e164 = e164,
                            .rn = arg->a->kind == NPG_ENUM_PORTED ? arg->a->op.rn : NULL,
                            .ims_domain = arg->a->op.ims_domain,
                            .form = arg->a->op.form,
                            .rn_format = arg->a->op.rn_format};
    if (npg_naptr_regexp(&nr, regexp, sizeof(regexp)) < 0) {
        m->o.overflow = true; /* cannot happen for numbers the caller checked */
        return;
    }
    npg_dns_out_t *o = &m->o;
    for (int i = n - 1; i >= (int)m->ndigits; i--) {
        npg_dns_put_u8(o, 1);
        npg_dns_put_u8(o, (uint8_t)e164[i]);
    }
    npg_dns_put_u16(o, 0xC000 | NPG_DNS_HDR);
    npg_dns_put_u16(o, NPG_DNS_T_NAPTR);
    npg_dns_put_u16(o, NPG_DNS_C_IN);
    npg_dns_put_u32(o, (uint32_t)m->x->conf->enumd.ttl);
    size_t at = o->len;
    npg_dns_put_u16(o, 0);
    npg_dns_put_u16(o, NPG_NAPTR_ORDER);
    npg_dns_put_u16(o, NPG_NAPTR_PREF);
    npg_dns_put_cstr(o, "u");
    npg_dns_put_cstr(o, npg_naptr_service(nr.form));
    npg_dns_put_cstr(o, regexp);
    npg_dns_put_u8(o, 0);
    npg_dns_rr_end(o, at);
}

/* Is the number in this zone (its digits start with the zone's) and can it be written? */
static bool in_zone(const xmsg_t *m, uint64_t number, const npg_enum_answer_t *a)
{
    char e164[24];
    int n = snprintf(e164, sizeof(e164), "%" PRIu64, number);
    if ((size_t)n <= m->ndigits || strncmp(e164, m->digits, m->ndigits) != 0)
        return false;
    char regexp[512];
    npg_naptr_route_t nr = {.e164 = e164,
                            .rn = a->kind == NPG_ENUM_PORTED ? a->op.rn : NULL,
                            .ims_domain = a->op.ims_domain,
                            .form = a->op.form,
                            .rn_format = a->op.rn_format};
    return npg_naptr_regexp(&nr, regexp, sizeof(regexp)) >= 0; /* as npenumd answers */
}

static int each_naptr(uint64_t number, const npg_enum_answer_t *a, void *argp)
{
    xmsg_t *m = argp;
    if (!in_zone(m, number, a))
        return 0;
    naptr_arg_t arg = {number, a};
    return msg_add(m, write_naptr, &arg);
}

static int axfr(xmsg_t *m, const npg_enum_snap_t *snap)
{
    uint32_t serial = npg_enum_serial(npg_enum_snap_serial(snap));
    msg_add(m, write_soa, &serial);
    for (size_t i = 0; i < npg_enum_responder_nns(m->x->r); i++)
        msg_add(m, write_ns, &i);
    if (m->rc == NPG_OK)
        npg_enum_snap_each(snap, m->x->home, each_naptr, m);
    msg_add(m, write_soa, &serial);
    return m->rc;
}

/* --- IXFR from the change log ------------------------------------------------------------- */

typedef struct change {
    uint64_t number, id;
    uint32_t op, prev; /* operator ids; 0: no row */
} change_t;

typedef struct changes {
    change_t *v;
    size_t n, cap, max;
    bool epoch, too_many;
} changes_t;

static int change_row(const char *const *c, const size_t *l, size_t n, void *arg)
{
    (void)l, (void)n;
    changes_t *ch = arg;
    if (strcmp(c[2], "epoch") == 0) {
        ch->epoch = true;
        return 1;
    }
    if (ch->n == ch->max) {
        ch->too_many = true;
        return 1;
    }
    if (ch->n == ch->cap) {
        size_t cap = ch->cap ? ch->cap * 2 : 1024;
        change_t *v = realloc(ch->v, cap * sizeof(*v));
        if (!v)
            return NPG_ENOMEM;
        ch->v = v, ch->cap = cap;
    }
    ch->v[ch->n++] = (change_t){
        .id = strtoull(c[0], NULL, 10),
        .number = strtoull(c[1], NULL, 10),
        .op = strcmp(c[2], "upsert") == 0 && c[3] ? (uint32_t)strtoul(c[3], NULL, 10) : 0,
        .prev = c[4] ? (uint32_t)strtoul(c[4], NULL, 10) : 0,
    };
    return 0;
}

static int cmp_change(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * The changes after position from up to to, one per number (the state before the first,
 * the state after the last). NPG_ENOTFOUND when an IXFR cannot be given: history gone,
 * an epoch between, or more changes than the zone holds records (a full zone is smaller).
 */
static int load_changes(npg_enum_xfr_t *x, uint64_t from, uint64_t to, size_t max, changes_t *ch)
{
    npg_db_t *db = NULL;
    int64_t ixfr_from = 0;
    int rc = npg_db_open(x->conf, &db);
    if (rc == NPG_OK)
        rc = npg_db_query_int(db, "SELECT ixfr_from FROM routing_serial WHERE id = 1", NULL, 0,
                              &ixfr_from);
    if (rc == NPG_OK && from < (uint64_t)ixfr_from)
        rc = NPG_ENOTFOUND;
    ch->max = max;
    if (rc == NPG_OK)
        rc = npg_db_query_each(db,
                               "SELECT id, number, op, operator_id, prev_operator_id"
                               " FROM routing_changes WHERE id > ? AND id <= ? ORDER BY id",
                               NPG_DB_P(NPG_DB_U(from), NPG_DB_U(to)), change_row, ch);
    npg_db_close(&db);
    if (rc == 1 || ch->epoch || ch->too_many)
        return NPG_ENOTFOUND;
    if (rc == NPG_OK && ch->n != to - from)
        return NPG_ENOTFOUND; /* ids are gap-free since db/012: this is not that log */
    if (rc != NPG_OK)
        return rc;
    qsort(ch->v, ch->n, sizeof(*ch->v), cmp_change);
    size_t w = 0;
    for (size_t i = 0; i < ch->n; i++) {
        if (w && ch->v[w - 1].number == ch->v[i].number) {
            ch->v[w - 1].op = ch->v[i].op; /* the state after the last change */
            continue;
        }
        ch->v[w++] = ch->v[i]; /* prev: the state before the first */
    }
    ch->n = w;
    return NPG_OK;
}

static bool same_answer(const npg_enum_answer_t *a, const npg_enum_answer_t *b)
{
    return a->kind == b->kind && (a->kind == NPG_ENUM_NONE || strcmp(a->op.code, b->op.code) == 0);
}

static int ixfr_diff(xmsg_t *m, const npg_enum_snap_t *snap, const changes_t *ch, uint32_t from,
                     uint32_t to)
{
    msg_add(m, write_soa, &to);
    msg_add(m, write_soa, &from);
    for (int pass = 0; pass < 2 && m->rc == NPG_OK; pass++) { /* deleted, then added */
        for (size_t i = 0; i < ch->n && m->rc == NPG_OK; i++) {
            npg_enum_answer_t before, after;
            npg_enum_snap_answer(snap, ch->v[i].number, ch->v[i].prev, m->x->home, &before);
            npg_enum_snap_answer(snap, ch->v[i].number, ch->v[i].op, m->x->home, &after);
            const npg_enum_answer_t *a = pass == 0 ? &before : &after;
            if (same_answer(&before, &after) || a->kind == NPG_ENUM_NONE ||
                !in_zone(m, ch->v[i].number, a))
                continue;
            naptr_arg_t arg = {ch->v[i].number, a};
            msg_add(m, write_naptr, &arg);
        }
        if (pass == 0)
            msg_add(m, write_soa, &to);
    }
    msg_add(m, write_soa, &to);
    return m->rc;
}

/* Is serial a newer than b (RFC 1982)? */
static bool serial_gt(uint32_t a, uint32_t b)
{
    return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* A question's name for a log line (digits, letters and hyphens only; others as '?'). */
static void wire_to_text(const uint8_t *w, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t o = 0; o < len && w[o] && n + 2 < cap;) {
        uint8_t l = w[o++];
        for (uint8_t i = 0; i < l && o < len && n + 2 < cap; i++, o++) {
            char c = (char)w[o];
            out[n++] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               c == '-'
                           ? c
                           : '?';
        }
        out[n++] = '.';
    }
    out[n ? n - 1 : 0] = '\0';
}

static int refuse(xmsg_t *m, int rcode)
{
    npg_dns_query_t dq = {.id = m->q->id, .flags = m->q->flags, .question_end = m->q->question_end};
    npg_dns_out_t o = {.buf = m->buf, .cap = MSG_MAX};
    npg_dns_begin(&o, m->pkt, &dq, false, rcode);
    size_t n = npg_dns_finish(&o);
    return n ? m->send(m->buf, n, m->arg) : NPG_OK;
}

int npg_enum_xfr_serve(npg_enum_xfr_t *x, const uint8_t *pkt, size_t len, npg_xfr_send_fn send,
                       void *arg, char *what, size_t whatlen)
{
    xmsg_t *m = calloc(1, sizeof(*m));
    if (!m)
        return NPG_ENOMEM;
    npg_xfr_query_t q;
    int rc = npg_xfr_parse(pkt, len, &q);
    *m = (xmsg_t){.x = x, .pkt = pkt, .q = &q, .send = send, .arg = arg, .now = time(NULL)};
    m->key = npg_enum_responder_key(x->r);
    const char *type = q.qtype == NPG_DNS_T_IXFR ? "IXFR" : "AXFR";
    snprintf(what, whatlen, "%s refused", type);
    if (rc < 0) {
        free(m);
        return NPG_OK;
    }
    if (rc != NPG_DNS_NOERROR) {
        snprintf(what, whatlen, "malformed transfer request (rcode %d)", rc);
        rc = refuse(m, rc);
        free(m);
        return rc;
    }
    m->digits = npg_enum_responder_apex(x->r, pkt + NPG_DNS_HDR, q.qname_len);
    m->ndigits = m->digits ? strlen(m->digits) : 0;
    if (!m->digits || q.qclass != NPG_DNS_C_IN) {
        snprintf(what, whatlen, "%s of a zone not served", type);
        rc = refuse(m, NPG_DNS_NOTAUTH);
        free(m);
        return rc;
    }
    if (!m->key || !q.tsig.present) {
        snprintf(what, whatlen, "%s refused: %s", type,
                 m->key ? "not signed with the TSIG key" : "no [enum] tsig_key_file");
        rc = refuse(m, NPG_DNS_REFUSED);
        free(m);
        return rc;
    }
    int terr = npg_tsig_verify(pkt, len, &q.tsig, m->key, m->now);
    if (terr) {
        snprintf(what, whatlen, "%s refused: TSIG error %d", type, terr);
        size_t n = npg_tsig_refusal(pkt, q.question_end, &q.tsig, m->key, terr, m->now, m->buf,
                                    sizeof(m->buf));
        rc = n ? send(m->buf, n, arg) : NPG_OK;
        free(m);
        return rc;
    }
    npg_enum_snap_t *snap = NULL;
    int64_t t0 = npg_now_ms();
    if ((rc = npg_enum_index_snapshot(x->ix, &snap)) != NPG_OK) {
        free(m);
        return rc;
    }
    uint64_t at = npg_enum_snap_serial(snap);
    uint32_t serial = npg_enum_serial(at);
    msg_start(m);
    const char *how = "AXFR";
    changes_t ch = {0};
    if (q.qtype == NPG_DNS_T_IXFR && (q.serial == serial || serial_gt(q.serial, serial))) {
        how = "IXFR (up to date)";
        msg_add(m, write_soa, &serial);
    } else if (q.qtype == NPG_DNS_T_IXFR && at >= (uint32_t)(serial - q.serial) &&
               load_changes(x, at - (uint32_t)(serial - q.serial), at,
                            (size_t)(npg_enum_snap_size(snap, x->home) / 2 + 100), &ch) == NPG_OK) {
        how = "IXFR";
        ixfr_diff(m, snap, &ch, q.serial, serial);
    } else {
        how = q.qtype == NPG_DNS_T_IXFR ? "IXFR (as a full zone)" : "AXFR";
        axfr(m, snap);
    }
    if (m->rc == NPG_OK && m->o.ancount)
        m->rc = msg_flush(m);
    char zone[256];
    wire_to_text(pkt + NPG_DNS_HDR, q.qname_len, zone, sizeof(zone));
    long ms = (long)(npg_now_ms() - t0);
    if (q.has_serial)
        snprintf(what, whatlen, "%s of %s from serial %u to %u: %zu records in %zu messages, %ld ms",
                 how, zone, q.serial, serial, m->records, m->messages, ms);
    else
        snprintf(what, whatlen, "%s of %s at serial %u: %zu records in %zu messages, %ld ms", how,
                 zone, serial, m->records, m->messages, ms);
    rc = m->rc;
    free(ch.v);
    npg_enum_snap_free(&snap);
    free(m);
    return rc;
}

/* --- NOTIFY ------------------------------------------------------------------------------ */

size_t npg_xfr_notify_message(const npg_enum_responder_t *r, const char *zone, uint16_t id,
                              uint32_t serial, uint8_t *buf, size_t cap)
{
    npg_dns_out_t o = {.buf = buf, .cap = cap};
    npg_dns_put_u16(&o, id);
    npg_dns_put_u16(&o, NPG_DNS_OP_NOTIFY << 11 | 0x0400); /* opcode NOTIFY, AA */
    npg_dns_put_u16(&o, 1);
    for (int i = 0; i < 3; i++)
        npg_dns_put_u16(&o, 0);
    npg_dns_put_name(&o, zone);
    npg_dns_put_u16(&o, NPG_DNS_T_SOA);
    npg_dns_put_u16(&o, NPG_DNS_C_IN);
    npg_enum_responder_put_soa(r, &o, NPG_DNS_HDR, 0, serial);
    o.ancount = 1;
    return o.overflow ? 0 : npg_dns_finish(&o);
}

int npg_xfr_fuzz_input(const uint8_t *data, size_t size)
{
    static const char key_text[] = "hmac-sha256:npgw-fuzz:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==";
    npg_tsig_key_t key;
    char err[128];
    if (npg_tsig_key_parse(key_text, &key, err, sizeof(err)) != NPG_OK)
        return 0;
    npg_xfr_query_t q;
    (void)npg_xfr_is_request(data, size);
    int rc = npg_xfr_parse(data, size, &q);
    if (rc >= 0 && q.tsig.present) {
        int terr = npg_tsig_verify(data, size, &q.tsig, &key, 1700000000);
        uint8_t out[1024];
        if (terr)
            (void)npg_tsig_refusal(data, q.question_end, &q.tsig, &key, terr, 1700000000, out,
                                   sizeof(out));
    }
    npg_tsig_rr_t rr;
    if (npg_tsig_find(data, size, &rr) == NPG_OK && rr.present)
        (void)npg_tsig_verify(data, size, &rr, &key, 1700000000);
    return 0;
}
