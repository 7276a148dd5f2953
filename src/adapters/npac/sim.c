/* SPDX-License-Identifier: GPL-3.0-or-later */
/* npsim npac: the NPAC's side of wsdl/npac/npac.wsdl, and the other service provider of every
 * port, in memory. Business rules by the calendar of [npac] and the clock npgwd reads too. */
#include "adapters/npac/sim.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapters/npac/calendar.h"
#include "adapters/npac/npac.h"
#include "adapters/npac/operations.h"
#include "common/log.h"
#include "common/util.h"
#include "http/files.h"
#include "http/server.h"
#include "soap/client.h"
#include "soapH.h"

extern struct Namespace namespaces[];

/* What the scripted old SP of a gateway's port-in does. */
enum answer { ANSWER_CONCUR, ANSWER_CONFLICT, ANSWER_SILENT };
/* Its next step, at next_ms. */
enum next { NX_NONE, NX_ANSWER, NX_RECONFLICT, NX_RESOLVE, NX_CANCEL, NX_CANCEL_ACK, NX_BROADCAST };
/* Notification kinds. */
enum kind { N_CREATE, N_STATUS, N_WINDOW, N_DISCONNECT };

typedef struct rule {
    char match[40]; /* "*", a TN, "A-B" */
    int answer, cause, recause;
    bool reconflict, resolve, cancel, no_cancel_ack, fail_broadcast;
    char partial[64]; /* SPIDs whose local databases miss the broadcast, '+' between */
    int delay_ms;
} rule_t;

typedef struct sv {
    struct sv *next;
    unsigned long id;
    char tn[11], tn_end[11], new_spid[11], old_spid[11], lrn[11];
    enum npac__SvType type;
    bool short_timers;
    time_t created, due, t1, t2;
    enum npac__SvStatus status;
    bool authorization, old_created;
    int cause; /* -1 none */
    time_t conflict_at;
    char cancel_by[11];
    time_t cancel_at, effective;
    bool t1_sent, t2_sent, gateway_new;
    int broadcasts;
    rule_t rule;
    int todo; /* the scripted SP's next step (enum next), at todo_ms */
    int64_t todo_ms;
} sv_t;

/* A notification as sent (and kept: recovery sends it again). */
typedef struct note {
    struct note *next;
    uint64_t seq;
    int kind;
    char message_id[65];
    unsigned long sv;
    char tn[11], tn_end[11], new_spid[11], old_spid[11], lrn[11], initiator[11];
    enum npac__SvType type;
    bool short_timers;
    time_t created, due, at; /* at: StatusAt, ExpiredAt or EffectiveReleaseDate */
    enum npac__SvStatus status;
    int authorization; /* -1 absent */
    int cause;         /* -1 absent */
    int final_window;
    char failed[64];
} note_t;

/* A request already answered: a repeat (the SOA's delivery retried after a crash) gets the same
 * answer again, as the NPAC de-duplicates by MessageId. */
typedef struct answered {
    struct answered *next;
    char message_id[65];
    unsigned long sv;
} answered_t;

static struct {
    const npg_conf_t *conf;
    const npg_npacsim_options_t *opt;
    answered_t *answered;
    npg_npac_calendar_t cal;
    char spid[11];
    pthread_mutex_t lock;
    pthread_cond_t wake;
    rule_t rules[64];
    size_t nrules;
    sv_t *svs;
    unsigned long next_id;
    note_t *notes, *notes_tail; /* every notification, in order */
    uint64_t seq, delivered;    /* the last given out; the gateway took all up to here */
    bool lost, recovering, link_down;
    int attempts;
    int64_t first_try_ms, retry_ms;
    long long run; /* start time: message ids stay unique across runs */
    json_t *log;
    npg_http_server_t *http;
    bool stopping;
    pthread_t worker;
} S = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static time_t now_npac(void)
{
    return npg_npac_now(S.opt->clock_file);
}

/* --- rules ------------------------------------------------------------------------------- */

static int rule_add(const char *line)
{
    rule_t r = {.answer = ANSWER_CONCUR, .cause = 54, .recause = 54, .delay_ms = S.opt->delay_ms};
    char actions[256];
    if (S.nrules == NPG_ARRAY_LEN(S.rules) || sscanf(line, " %39s %255s", r.match, actions) != 2) {
        npg_log(LOG_ERR, "npacsim", "--rule '%s': want MATCH ACTION[,ACTION...]", line);
        return NPG_EINVAL;
    }
    for (char *save = NULL, *a = strtok_r(actions, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
        if (strcmp(a, "concur") == 0)
            r.answer = ANSWER_CONCUR;
        else if (strncmp(a, "conflict:", 9) == 0 && atoi(a + 9) >= 50 && atoi(a + 9) <= 54)
            r.answer = ANSWER_CONFLICT, r.cause = atoi(a + 9);
        else if (strcmp(a, "silent") == 0)
            r.answer = ANSWER_SILENT;
        else if (strcmp(a, "resolve") == 0)
            r.resolve = true;
        else if (strncmp(a, "reconflict:", 11) == 0 && atoi(a + 11) >= 50 && atoi(a + 11) <= 54)
            r.reconflict = true, r.recause = atoi(a + 11);
        else if (strcmp(a, "cancel") == 0)
            r.cancel = true;
        else if (strcmp(a, "no-cancel-ack") == 0)
            r.no_cancel_ack = true;
        else if (strcmp(a, "fail-broadcast") == 0)
            r.fail_broadcast = true;
        else if (strncmp(a, "partial:", 8) == 0 && strlen(a + 8) < sizeof(r.partial))
            npg_strlcpy(r.partial, a + 8, sizeof(r.partial));
        else if (strncmp(a, "delay:", 6) == 0 && npg_is_digits(a + 6) && strlen(a + 6) <= 7)
            r.delay_ms = atoi(a + 6);
        else {
            npg_log(LOG_ERR, "npacsim", "--rule '%s': unknown action '%s'", line, a);
            return NPG_EINVAL;
        }
    }
    S.rules[S.nrules++] = r;
    return NPG_OK;
}

/* The last rule that matches wins. */
static rule_t match_rule(const char *tn)
{
    rule_t r = {.answer = ANSWER_CONCUR, .cause = 54, .recause = 54, .delay_ms = S.opt->delay_ms};
    for (size_t i = 0; i < S.nrules; i++) {
        const char *m = S.rules[i].match, *dash = strchr(m, '-');
        bool hit = strcmp(m, "*") == 0 || strcmp(m, tn) == 0;
        if (!hit && dash) {
            unsigned long long a = strtoull(m, NULL, 10), b = strtoull(dash + 1, NULL, 10);
            unsigned long long n = strtoull(tn, NULL, 10);
            hit = n >= a && n <= b;
        }
        if (hit)
            r = S.rules[i];
    }
    return r;
}

/* --- notifications (caller holds the lock) ---------------------------------------------- */

static void log_event(const char *what, const char *op, unsigned long sv, const char *detail)
{
    json_array_append_new(S.log, json_pack("{s:s, s:s, s:I, s:s}", "what", what, "op", op, "sv",
                                           (json_int_t)sv, "detail", detail ? detail : ""));
}

static note_t *note_new(int kind, const sv_t *v)
{
    note_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->seq = ++S.seq;
    n->kind = kind;
    snprintf(n->message_id, sizeof(n->message_id), "NPAC-%lld-%llu", S.run,
             (unsigned long long)n->seq);
    n->sv = v->id;
    memcpy(n->tn, v->tn, sizeof(n->tn));
    memcpy(n->tn_end, v->tn_end, sizeof(n->tn_end));
    memcpy(n->new_spid, v->new_spid, sizeof(n->new_spid));
    memcpy(n->old_spid, v->old_spid, sizeof(n->old_spid));
    memcpy(n->lrn, v->lrn, sizeof(n->lrn));
    n->type = v->type;
    n->short_timers = v->short_timers;
    n->created = v->created;
    n->due = v->due;
    n->at = now_npac();
    n->status = v->status;
    n->authorization = -1;
    n->cause = -1;
    if (S.notes_tail)
        S.notes_tail->next = n;
    else
        S.notes = n;
    S.notes_tail = n;
    pthread_cond_signal(&S.wake);
    return n;
}

/* The version's status to the gateway; initiator: who caused it ("" none). */
static note_t *notify_status(const sv_t *v, const char *initiator)
{
    note_t *n = note_new(N_STATUS, v);
    if (!n)
        return NULL;
    npg_strlcpy(n->initiator, initiator ? initiator : "", sizeof(n->initiator));
    if (v->status == npac__SvStatus__pending)
        n->authorization = v->authorization;
    if (v->status == npac__SvStatus__conflict)
        n->cause = v->cause;
    log_event("notified", "SvStatusNotification", v->id, soap_npac__SvStatus2s(NULL, v->status));
    return n;
}

/* The structure of a note in soap s's memory; *kind says which. */
static void *note_struct(struct soap *s, const note_t *n)
{
    char *id = soap_strdup(s, n->message_id), *svid = soap_malloc(s, 24);
    if (!svid)
        return NULL;
    snprintf(svid, 24, "%lu", n->sv);
    if (n->kind == N_CREATE) {
        struct _npac__SvNewSpCreateNotification *c = soap_malloc(s, sizeof(*c));
        if (!c)
            return NULL;
        soap_default__npac__SvNewSpCreateNotification(s, c);
        c->MessageId = id, c->Sequence = n->seq, c->SvId = svid;
        c->NewSpid = soap_strdup(s, n->new_spid), c->OldSpid = soap_strdup(s, n->old_spid);
        c->TnStart = soap_strdup(s, n->tn), c->TnEnd = soap_strdup(s, n->tn_end);
        c->Lrn = soap_strdup(s, n->lrn), c->DueDate = n->due, c->SvType = n->type;
        c->TimerType = n->short_timers ? npac__TimerType__short_ : npac__TimerType__long_;
        c->CreatedAt = n->created;
        return c;
    }
    if (n->kind == N_STATUS) {
        struct _npac__SvStatusNotification *c = soap_malloc(s, sizeof(*c));
        if (!c)
            return NULL;
        soap_default__npac__SvStatusNotification(s, c);
        c->MessageId = id, c->Sequence = n->seq, c->SvId = svid;
        c->NewSpid = soap_strdup(s, n->new_spid), c->OldSpid = soap_strdup(s, n->old_spid);
        c->TnStart = soap_strdup(s, n->tn), c->TnEnd = soap_strdup(s, n->tn_end);
        c->Status = n->status;
        if (n->authorization >= 0) {
            c->OldSpAuthorization = soap_malloc(s, sizeof(*c->OldSpAuthorization));
            if (c->OldSpAuthorization)
                *c->OldSpAuthorization =
                    n->authorization ? xsd__boolean__true_ : xsd__boolean__false_;
        }
        if (n->cause >= 0 && (c->CauseCode = soap_malloc(s, sizeof(int))))
            *c->CauseCode = n->cause;
        if (n->initiator[0])
            c->Initiator = soap_strdup(s, n->initiator);
        c->Lrn = soap_strdup(s, n->lrn);
        if ((c->DueDate = soap_malloc(s, sizeof(time_t))))
            *c->DueDate = n->due;
        if (n->failed[0]) {
            c->FailedSpid = soap_malloc(s, 8 * sizeof(char *));
            char copy[64];
            npg_strlcpy(copy, n->failed, sizeof(copy));
            for (char *save = NULL, *w = strtok_r(copy, "+", &save);
                 w && c->FailedSpid && c->__sizeFailedSpid < 8; w = strtok_r(NULL, "+", &save))
                c->FailedSpid[c->__sizeFailedSpid++] = soap_strdup(s, w);
        }
        c->StatusAt = n->at;
        return c;
    }
    if (n->kind == N_WINDOW) {
        struct _npac__SvConcurrenceWindowNotification *c = soap_malloc(s, sizeof(*c));
        if (!c)
            return NULL;
        soap_default__npac__SvConcurrenceWindowNotification(s, c);
        c->MessageId = id, c->Sequence = n->seq, c->SvId = svid;
        c->NewSpid = soap_strdup(s, n->new_spid), c->OldSpid = soap_strdup(s, n->old_spid);
        c->TnStart = soap_strdup(s, n->tn);
        c->Window = n->final_window ? npac__Window__final_ : npac__Window__initial;
        c->ExpiredAt = n->at;
        return c;
    }
    struct _npac__SvDisconnectNotification *c = soap_malloc(s, sizeof(*c));
    if (!c)
        return NULL;
    soap_default__npac__SvDisconnectNotification(s, c);
    c->MessageId = id, c->Sequence = n->seq, c->SvId = svid;
    c->Tn = soap_strdup(s, n->tn);
    c->BlockHolderSpid = soap_strdup(s, n->initiator);
    c->EffectiveReleaseDate = n->at;
    return c;
}

static const char *const note_names[] = {
    [N_CREATE] = "SvNewSpCreateNotification",
    [N_STATUS] = "SvStatusNotification",
    [N_WINDOW] = "SvConcurrenceWindowNotification",
    [N_DISCONNECT] = "SvDisconnectNotification",
};

/* Deliver one note to the gateway: SOAP_OK once acknowledged, -2 when refused for good. */
static int deliver(const note_t *n, char *status, size_t len)
{
    npg_soap_client_opts_t o = {.url = S.opt->gateway_url,
                                .tls_conf = S.conf,
                                .connect_timeout = 3,
                                .io_timeout = 10,
                                .user = S.opt->user,
                                .password = S.opt->key,
                                .max_depth = 32,
                                .max_bytes = 1 << 20};
    struct soap *s = npg_soap_client_new(&o);
    if (!s)
        return SOAP_EOM;
    struct _npac__NotificationAck ack;
    soap_default__npac__NotificationAck(s, &ack);
    void *v = note_struct(s, n);
    const char *url = S.opt->gateway_url;
    char action[96];
    snprintf(action, sizeof(action), "urn:npgw:npac:1#%s", note_names[n->kind]);
    int rc = SOAP_EOM;
    if (v && n->kind == N_CREATE)
        rc = soap_call___npac__SvNewSpCreateNotification(s, url, action, v, &ack);
    else if (v && n->kind == N_STATUS)
        rc = soap_call___npac__SvStatusNotification(s, url, action, v, &ack);
    else if (v && n->kind == N_WINDOW)
        rc = soap_call___npac__SvConcurrenceWindowNotification(s, url, action, v, &ack);
    else if (v)
        rc = soap_call___npac__SvDisconnectNotification(s, url, action, v, &ack);
    if (rc == SOAP_OK) {
        npg_strlcpy(status, ack.Status ? ack.Status : "", len);
    } else {
        npg_soap_error_text(s, status, len);
        if (npg_soap_client_fault(s))
            rc = -2;
    }
    npg_soap_client_done(s, note_names[n->kind], NULL);
    return rc;
}

/* --- versions (caller holds the lock) ---------------------------------------------------- */

static sv_t *sv_by_id(const char *id)
{
    unsigned long n = id ? strtoul(id, NULL, 10) : 0;
    for (sv_t *v = S.svs; v; v = v->next)
        if (v->id == n)
            return v;
    return NULL;
}

static bool open_status(enum npac__SvStatus st)
{
    return st != npac__SvStatus__canceled && st != npac__SvStatus__old;
}

/* The open version of a TN (not canceled, not old), the newest; active ones last. */
static sv_t *sv_of_tn(const char *tn, bool pending_only)
{
    sv_t *best = NULL;
    for (sv_t *v = S.svs; v; v = v->next) {
        if (!open_status(v->status) || strcmp(v->tn, tn) > 0 || strcmp(v->tn_end, tn) < 0)
            continue;
        bool live = v->status != npac__SvStatus__active &&
                    v->status != npac__SvStatus__partial_failure &&
                    v->status != npac__SvStatus__disconnect_pending;
        if (pending_only && !live)
            continue;
        if (!best || (live && best->id < v->id))
            best = v;
    }
    return best;
}

static sv_t *sv_find(const char *id, const char *tn)
{
    sv_t *v = id ? sv_by_id(id) : NULL;
    return v ? v : tn ? sv_of_tn(tn, true) : NULL;
}

static sv_t *sv_new(const char *tn, const char *tn_end, const char *new_spid, const char *old_spid,
                    const char *lrn, time_t due, enum npac__SvType type)
{
    sv_t *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->id = ++S.next_id;
    npg_strlcpy(v->tn, tn, sizeof(v->tn));
    npg_strlcpy(v->tn_end, tn_end && tn_end[0] ? tn_end : tn, sizeof(v->tn_end));
    npg_strlcpy(v->new_spid, new_spid, sizeof(v->new_spid));
    npg_strlcpy(v->old_spid, old_spid, sizeof(v->old_spid));
    npg_strlcpy(v->lrn, lrn, sizeof(v->lrn));
    v->type = type;
    v->due = due;
    v->created = now_npac();
    v->short_timers = npg_npac_spid_listed(S.conf->npac.short_timer_spids, old_spid) &&
                      npg_npac_spid_listed(S.conf->npac.short_timer_spids, new_spid);
    const npg_conf_t *c = S.conf;
    v->t1 = npg_npac_add_business_hours(
        &S.cal, v->created, v->short_timers ? c->npac.t1_short_hours : c->npac.t1_long_hours);
    v->t2 = npg_npac_add_business_hours(
        &S.cal, v->t1, v->short_timers ? c->npac.t2_short_hours : c->npac.t2_long_hours);
    v->status = npac__SvStatus__pending;
    v->cause = -1;
    v->gateway_new = strcmp(new_spid, S.spid) == 0;
    v->rule = match_rule(tn);
    v->todo = NX_NONE;
    sv_t **tail = &S.svs;
    while (*tail)
        tail = &(*tail)->next;
    *tail = v;
    return v;
}

static void schedule(sv_t *v, int next)
{
    v->todo_ms = npg_now_ms() + v->rule.delay_ms;
    v->todo = next;
}

/* The activation's broadcast ends: active, partly or wholly failed. */
static void broadcast_done(sv_t *v)
{
    if (v->rule.fail_broadcast && v->broadcasts == 1) {
        v->status = npac__SvStatus__failed;
        note_t *n = notify_status(v, "");
        if (n)
            snprintf(n->failed, sizeof(n->failed), "%s", v->old_spid);
        return;
    }
    for (sv_t *o = S.svs; o; o = o->next) /* the version it replaces is history */
        if (o != v && strcmp(o->tn, v->tn) == 0 &&
            (o->status == npac__SvStatus__active || o->status == npac__SvStatus__partial_failure))
            o->status = npac__SvStatus__old;
    v->status = v->rule.partial[0] && v->gateway_new ? npac__SvStatus__partial_failure
                                                     : npac__SvStatus__active;
    note_t *n = notify_status(v, "");
    if (n && v->status == npac__SvStatus__partial_failure)
        npg_strlcpy(n->failed, v->rule.partial, sizeof(n->failed));
}

/* What the scripted old SP of a gateway's port-in does next. */
static void step(sv_t *v)
{
    int next = v->todo;
    v->todo = NX_NONE;
    switch (next) {
    case NX_ANSWER:
        if (v->status != npac__SvStatus__pending || v->rule.answer == ANSWER_SILENT)
            return;
        v->old_created = true;
        if (v->rule.answer == ANSWER_CONFLICT) {
            v->status = npac__SvStatus__conflict;
            v->cause = v->rule.cause;
            v->conflict_at = now_npac();
            v->authorization = false;
            notify_status(v, v->old_spid);
            if (v->rule.resolve)
                schedule(v, NX_RESOLVE);
            return;
        }
        v->authorization = true;
        notify_status(v, v->old_spid);
        if (v->rule.reconflict)
            schedule(v, NX_RECONFLICT);
        else if (v->rule.cancel)
            schedule(v, NX_CANCEL);
        return;
    case NX_RECONFLICT:
        if (v->status != npac__SvStatus__pending)
            return;
        v->status = npac__SvStatus__conflict;
        v->cause = v->rule.recause;
        v->conflict_at = now_npac();
        v->authorization = false;
        notify_status(v, v->old_spid);
        return;
    case NX_RESOLVE: /* the old SP lifts its own conflict and concurs */
        if (v->status != npac__SvStatus__conflict)
            return;
        v->status = npac__SvStatus__pending;
        v->cause = -1;
        v->authorization = true;
        notify_status(v, v->old_spid);
        return;
    case NX_CANCEL:
        if (v->status != npac__SvStatus__pending)
            return;
        v->status = npac__SvStatus__cancel_pending;
        npg_strlcpy(v->cancel_by, v->old_spid, sizeof(v->cancel_by));
        v->cancel_at = now_npac();
        notify_status(v, v->old_spid);
        return;
    case NX_CANCEL_ACK:
        if (v->status != npac__SvStatus__cancel_pending)
            return;
        v->status = npac__SvStatus__canceled;
        notify_status(v, v->old_spid);
        return;
    case NX_BROADCAST:
        if (v->status == npac__SvStatus__sending)
            broadcast_done(v);
        return;
    }
}

/* The clock's rules: concurrence windows of the gateway's port-outs, cancellation windows,
 * disconnects on their effective date; and the scripted steps that are due. */
static void tick(void)
{
    time_t now = now_npac();
    int64_t ms = npg_now_ms();
    for (sv_t *v = S.svs; v; v = v->next) {
        if (v->todo != NX_NONE && v->todo_ms <= ms)
            step(v);
        if (!v->gateway_new && v->status == npac__SvStatus__pending && !v->old_created &&
            strcmp(v->old_spid, S.spid) == 0) {
            if (!v->t1_sent && now >= v->t1) {
                v->t1_sent = true;
                note_t *n = note_new(N_WINDOW, v);
                if (n)
                    n->at = v->t1;
                log_event("notified", "SvConcurrenceWindowNotification", v->id, "initial");
            }
            if (v->t1_sent && !v->t2_sent && now >= v->t2) {
                v->t2_sent = true;
                note_t *n = note_new(N_WINDOW, v);
                if (n)
                    n->at = v->t2, n->final_window = 1;
                log_event("notified", "SvConcurrenceWindowNotification", v->id, "final");
            }
        }
        if (v->status == npac__SvStatus__cancel_pending &&
            now >= npg_npac_add_business_hours(&S.cal, v->cancel_at,
                                               S.conf->npac.cancel_window_hours)) {
            v->status = npac__SvStatus__canceled; /* nobody answered in time */
            notify_status(v, "");
        }
        if (v->status == npac__SvStatus__disconnect_pending && now >= v->effective) {
            v->status = npac__SvStatus__old;
            if (v->gateway_new)
                notify_status(v, v->new_spid);
            note_t *n = note_new(N_DISCONNECT, v);
            if (n) /* back to the block holder: the old SP of its first port, as far as we know */
                npg_strlcpy(n->initiator, v->old_spid, sizeof(n->initiator)), n->at = v->effective;
            log_event("notified", "SvDisconnectNotification", v->id, v->tn);
        }
    }
}

/* Delivers the notifications in order, and runs the clock. */
static void *worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&S.lock);
    while (!S.stopping) {
        tick();
        note_t *head = S.notes;
        while (head && head->seq <= S.delivered)
            head = head->next;
        int64_t now = npg_now_ms();
        if (!head || S.lost || S.recovering || S.link_down || now < S.retry_ms) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 100 * 1000000L;
            if (ts.tv_nsec >= 1000000000L)
                ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&S.wake, &S.lock, &ts);
            continue;
        }
        note_t copy = *head;
        if (!S.attempts)
            S.first_try_ms = now;
        pthread_mutex_unlock(&S.lock);
        char status[300];
        int rc = deliver(&copy, status, sizeof(status));
        pthread_mutex_lock(&S.lock);
        S.attempts++;
        if (rc == SOAP_OK || rc == -2) { /* taken, or refused for good: the next one */
            npg_log(rc == SOAP_OK ? LOG_INFO : LOG_WARNING, "npacsim", "%s %llu (SV %lu) to %s: %s",
                    note_names[copy.kind], (unsigned long long)copy.seq, copy.sv,
                    S.opt->gateway_url, status);
            if (copy.seq > S.delivered)
                S.delivered = copy.seq;
            S.attempts = 0;
            S.retry_ms = 0;
        } else if (npg_now_ms() - S.first_try_ms > (int64_t)S.opt->retry_max_s * 1000) {
            S.lost = true; /* held until the gateway asks for what it missed */
            S.attempts = 0;
            npg_log(LOG_NOTICE, "npacsim",
                    "the gateway is away (%s): holding notifications from"
                    " %llu until it recovers them",
                    status, (unsigned long long)copy.seq);
        } else {
            S.retry_ms = npg_now_ms() + (200LL << (S.attempts < 4 ? S.attempts : 4));
        }
    }
    pthread_mutex_unlock(&S.lock);
    return NULL;
}

/* --- the SOA interface ------------------------------------------------------------------- */

static void reply_sv(struct soap *soap, const char *message_id, const sv_t *v,
                     struct _npac__SvReply *out)
{
    soap_default__npac__SvReply(soap, out);
    out->MessageId = soap_strdup(soap, message_id);
    out->Result = npac__Result__success;
    if (!v)
        return;
    char id[24];
    snprintf(id, sizeof(id), "%lu", v->id);
    out->SvId = soap_strdup(soap, id);
    if ((out->SvStatus = soap_malloc(soap, sizeof(*out->SvStatus))))
        *out->SvStatus = v->status;
    if ((out->TimerType = soap_malloc(soap, sizeof(*out->TimerType))))
        *out->TimerType = v->short_timers ? npac__TimerType__short_ : npac__TimerType__long_;
    if ((out->CreatedAt = soap_malloc(soap, sizeof(time_t))))
        *out->CreatedAt = v->created;
    if ((out->DueDate = soap_malloc(soap, sizeof(time_t))))
        *out->DueDate = v->due;
}

/* The version a repeated request was about (caller holds the lock), or NULL when it is new. */
static const answered_t *repeat(const char *message_id)
{
    for (answered_t *a = S.answered; a; a = a->next)
        if (message_id && strcmp(a->message_id, message_id) == 0)
            return a;
    return NULL;
}

static void remember(const char *message_id, const sv_t *v)
{
    answered_t *a = calloc(1, sizeof(*a));
    if (!a)
        return;
    npg_strlcpy(a->message_id, message_id ? message_id : "", sizeof(a->message_id));
    a->sv = v ? v->id : 0;
    a->next = S.answered;
    S.answered = a;
}

/* A repeat: the same success again, with the version as it is now. */
static bool answer_again(struct soap *soap, const char *message_id, struct _npac__SvReply *out)
{
    const answered_t *a = repeat(message_id);
    if (!a)
        return false;
    char id[24];
    snprintf(id, sizeof(id), "%lu", a->sv);
    reply_sv(soap, message_id, a->sv ? sv_by_id(id) : NULL, out);
    log_event("repeated", "", a->sv, message_id);
    return true;
}

static int refuse(struct soap *soap, const char *message_id, int code, const char *text,
                  struct _npac__SvReply *out)
{
    soap_default__npac__SvReply(soap, out);
    out->MessageId = soap_strdup(soap, message_id);
    out->Result = npac__Result__failure;
    if ((out->ErrorCode = soap_malloc(soap, sizeof(int))))
        *out->ErrorCode = code;
    out->ErrorText = soap_strdup(soap, text);
    log_event("refused", "", 0, text);
    return SOAP_OK;
}

static void seen(const char *op, const sv_t *v, const char *detail)
{
    log_event("received", op, v ? v->id : 0, detail);
}

static int on_create(struct soap *soap, struct _npac__SvCreateRequest *in,
                     struct _npac__SvReply *out)
{
    pthread_mutex_lock(&S.lock);
    if (answer_again(soap, in->MessageId, out)) {
        pthread_mutex_unlock(&S.lock);
        return SOAP_OK;
    }
    int rc;
    if (strcmp(in->NewSpid, S.spid) != 0) {
        rc = refuse(soap, in->MessageId, 6001, "NewSpid is not the SOA's SPID", out);
    } else if (sv_of_tn(in->TnStart, true)) {
        rc = refuse(soap, in->MessageId, 6002, "an open version of the TN exists", out);
    } else {
        sv_t *v = sv_new(in->TnStart, in->TnEnd, in->NewSpid, in->OldSpid, in->Lrn, in->DueDate,
                         in->SvType);
        if (v) {
            seen("SvCreateRequest", v, v->tn);
            schedule(v, NX_ANSWER);
            reply_sv(soap, in->MessageId, v, out);
            remember(in->MessageId, v);
        }
        rc = v ? SOAP_OK : SOAP_EOM;
    }
    pthread_mutex_unlock(&S.lock);
    return rc;
}

/* The old SP (the gateway, on its port-out) answers the new SP's version. */
static int old_sp_answer(struct soap *soap, const char *op, const char *message_id,
                         const char *spid, const char *svid, const char *tn, int cause,
                         struct _npac__SvReply *out)
{
    pthread_mutex_lock(&S.lock);
    if (answer_again(soap, message_id, out)) {
        pthread_mutex_unlock(&S.lock);
        return SOAP_OK;
    }
    sv_t *v = sv_find(svid, tn);
    int rc = SOAP_OK;
    seen(op, v, tn);
    if (!v || strcmp(v->old_spid, spid) != 0)
        rc = refuse(soap, message_id, 6010, "no open version of the TN with this old SP", out);
    else if (v->status != npac__SvStatus__pending && v->status != npac__SvStatus__conflict)
        rc = refuse(soap, message_id, 6011, "the version is not pending", out);
    else if (cause >= 0 && now_npac() > npg_npac_conflict_deadline(
                                            &S.cal, v->due, S.conf->npac.conflict_restriction_hour))
        rc =
            refuse(soap, message_id, 6012,
                   "the conflict restriction window closed (NANC 012): concur or stay silent", out);
    else {
        v->old_created = true;
        v->authorization = cause < 0;
        v->status = cause < 0 ? npac__SvStatus__pending : npac__SvStatus__conflict;
        v->cause = cause;
        if (cause >= 0)
            v->conflict_at = now_npac();
        reply_sv(soap, message_id, v, out);
        remember(message_id, v);
    }
    pthread_mutex_unlock(&S.lock);
    return rc;
}

static int on_release(struct soap *soap, struct _npac__SvReleaseRequest *in,
                      struct _npac__SvReply *out)
{
    return old_sp_answer(soap, "SvReleaseRequest", in->MessageId, in->OldSpid, in->SvId,
                         in->TnStart, -1, out);
}

static int on_release_conflict(struct soap *soap, struct _npac__SvReleaseInConflictRequest *in,
                               struct _npac__SvReply *out)
{
    return old_sp_answer(soap, "SvReleaseInConflictRequest", in->MessageId, in->OldSpid, in->SvId,
                         in->TnStart, in->CauseCode, out);
}

/* Lift a conflict: a request of the gateway, or (control) of the simulated new SP. */
static int remove_conflict(sv_t *v, const char *spid, char *why, size_t len)
{
    if (!v || v->status != npac__SvStatus__conflict) {
        snprintf(why, len, "the version is not in conflict");
        return 6020;
    }
    bool new_sp = strcmp(spid, v->new_spid) == 0;
    if (!new_sp && strcmp(spid, v->old_spid) != 0) {
        snprintf(why, len, "%s is neither SP of the version", spid);
        return 6021;
    }
    if (new_sp && (v->cause == 50 || v->cause == 51)) {
        snprintf(why, len, "cause %d can only be lifted by the old SP", v->cause);
        return 6022;
    }
    if (new_sp &&
        now_npac() < npg_npac_add_business_hours(&S.cal, v->conflict_at,
                                                 S.conf->npac.conflict_resolution_hours)) {
        snprintf(why, len, "the conflict resolution restriction (%d business hours) runs",
                 S.conf->npac.conflict_resolution_hours);
        return 6023;
    }
    v->status = npac__SvStatus__pending;
    v->authorization = false;
    v->cause = -1;
    notify_status(v, spid);
    if (v->gateway_new && new_sp) { /* the old SP now concurs */
        v->rule.answer = ANSWER_CONCUR;
        v->rule.reconflict = v->rule.cancel = false;
        schedule(v, NX_ANSWER);
    }
    return 0;
}

/* The frame of an operation on one version: a repeated MessageId is answered as before; the
 * version is found by id or TN; op decides (0, or an NPAC error code with why). */
typedef int (*sv_op_fn)(sv_t *v, const char *spid, char *why, size_t len);

static int serve_sv_op(struct soap *soap, const char *name, const char *message_id,
                       const char *sv_id, const char *tn, bool pending_only, const char *spid,
                       sv_op_fn op, struct _npac__SvReply *out)
{
    pthread_mutex_lock(&S.lock);
    if (answer_again(soap, message_id, out)) {
        pthread_mutex_unlock(&S.lock);
        return SOAP_OK;
    }
    sv_t *v = sv_id ? sv_by_id(sv_id) : sv_of_tn(tn, pending_only);
    char why[160];
    seen(name, v, tn);
    int code = op(v, spid, why, sizeof(why));
    int rc = code ? refuse(soap, message_id, code, why, out) : SOAP_OK;
    if (!code) {
        reply_sv(soap, message_id, v, out);
        remember(message_id, v);
    }
    pthread_mutex_unlock(&S.lock);
    return rc;
}

static int on_remove_conflict(struct soap *soap, struct _npac__SvRemoveFromConflictRequest *in,
                              struct _npac__SvReply *out)
{
    return serve_sv_op(soap, "SvRemoveFromConflictRequest", in->MessageId, in->SvId, in->TnStart,
                       true, in->Spid, remove_conflict, out);
}

/* Activate: by the gateway (its port-in) or (control) the simulated new SP. */
static int activate(sv_t *v, const char *spid, char *why, size_t len)
{
    time_t now = now_npac();
    if (!v || strcmp(v->new_spid, spid) != 0) {
        snprintf(why, len, "no version of this new SP");
        return 6030;
    }
    if (v->status != npac__SvStatus__pending && v->status != npac__SvStatus__failed) {
        snprintf(why, len, "the version is %s", soap_npac__SvStatus2s(NULL, v->status));
        return 6031;
    }
    if (!v->authorization && now < v->t2) {
        snprintf(why, len, "the old SP has not concurred and the final window has not expired");
        return 6032;
    }
    if (now < v->due) {
        snprintf(why, len, "the due date has not come");
        return 6033;
    }
    v->status = npac__SvStatus__sending;
    v->broadcasts++;
    schedule(v, NX_BROADCAST);
    return 0;
}

static int on_activate(struct soap *soap, struct _npac__SvActivateRequest *in,
                       struct _npac__SvReply *out)
{
    return serve_sv_op(soap, "SvActivateRequest", in->MessageId, in->SvId, in->TnStart, true,
                       in->NewSpid, activate, out);
}

/* Cancel: at once when the other SP never created (or cancelled too), else cancel-pending. */
static int cancel(sv_t *v, const char *spid, char *why, size_t len)
{
    if (!v || (strcmp(spid, v->new_spid) != 0 && strcmp(spid, v->old_spid) != 0)) {
        snprintf(why, len, "no version of this SP");
        return 6040;
    }
    if (v->status == npac__SvStatus__cancel_pending && strcmp(v->cancel_by, spid) != 0) {
        v->status = npac__SvStatus__canceled; /* both cancelled */
        notify_status(v, spid);
        return 0;
    }
    if (v->status != npac__SvStatus__pending && v->status != npac__SvStatus__conflict) {
        snprintf(why, len, "the version is %s", soap_npac__SvStatus2s(NULL, v->status));
        return 6041;
    }
    bool new_sp = strcmp(spid, v->new_spid) == 0;
    bool other_created = new_sp ? v->old_created : true;
    npg_strlcpy(v->cancel_by, spid, sizeof(v->cancel_by));
    v->cancel_at = now_npac();
    v->status = other_created ? npac__SvStatus__cancel_pending : npac__SvStatus__canceled;
    notify_status(v, spid);
    if (other_created && v->gateway_new && new_sp && !v->rule.no_cancel_ack)
        schedule(v, NX_CANCEL_ACK); /* the old SP agrees */
    return 0;
}

static int on_cancel(struct soap *soap, struct _npac__SvCancelRequest *in,
                     struct _npac__SvReply *out)
{
    return serve_sv_op(soap, "SvCancelRequest", in->MessageId, in->SvId, in->TnStart, true,
                       in->Spid, cancel, out);
}

/* The other SP agrees to a cancel: the version is cancelled. */
static int cancel_ack(sv_t *v, const char *spid, char *why, size_t len)
{
    if (!v || v->status != npac__SvStatus__cancel_pending || strcmp(v->cancel_by, spid) == 0) {
        snprintf(why, len, "no cancel of the other SP waits for this SP");
        return 6050;
    }
    v->status = npac__SvStatus__canceled;
    return 0;
}

static int on_cancel_ack(struct soap *soap, struct _npac__SvCancelAckRequest *in,
                         struct _npac__SvReply *out)
{
    return serve_sv_op(soap, "SvCancelAckRequest", in->MessageId, in->SvId, in->TnStart, false,
                       in->Spid, cancel_ack, out);
}

/* Disconnect a ported TN on its effective release date. */
static int disconnect(const char *tn, const char *spid, time_t effective, sv_t **out)
{
    sv_t *v = NULL;
    for (sv_t *o = S.svs; o; o = o->next)
        if (strcmp(o->tn, tn) <= 0 && strcmp(o->tn_end, tn) >= 0 &&
            (o->status == npac__SvStatus__active || o->status == npac__SvStatus__partial_failure) &&
            (!spid || strcmp(o->new_spid, spid) == 0))
            v = o;
    if (!v)
        return 6060;
    v->status = npac__SvStatus__disconnect_pending;
    v->effective = effective;
    *out = v;
    return 0;
}

static int on_disconnect(struct soap *soap, struct _npac__SvDisconnectRequest *in,
                         struct _npac__SvReply *out)
{
    pthread_mutex_lock(&S.lock);
    if (answer_again(soap, in->MessageId, out)) {
        pthread_mutex_unlock(&S.lock);
        return SOAP_OK;
    }
    sv_t *v = NULL;
    int code = disconnect(in->TnStart, in->Spid, in->EffectiveReleaseDate, &v);
    seen("SvDisconnectRequest", v, in->TnStart);
    int rc =
        code ? refuse(soap, in->MessageId, code, "no active version of the TN is this SP's", out)
             : SOAP_OK;
    if (!code) {
        notify_status(v, in->Spid);
        reply_sv(soap, in->MessageId, v, out);
        remember(in->MessageId, v);
    }
    pthread_mutex_unlock(&S.lock);
    return rc;
}

/* Send what I missed: every notification after the gateway's mark; new ones wait. */
static int on_recovery(struct soap *soap, struct _npac__NotificationRecoveryRequest *in,
                       struct _npac__NotificationRecoveryReply *out)
{
    pthread_mutex_lock(&S.lock);
    soap_default__npac__NotificationRecoveryReply(soap, out);
    out->MessageId = soap_strdup(soap, in->MessageId);
    out->Result = npac__Result__success;
    size_t n = 0;
    for (note_t *x = S.notes; x; x = x->next)
        n += x->seq > in->AfterSequence;
    n = n > 1000 ? 1000 : n;
    S.recovering = true;
    out->Notification = n ? soap_malloc(soap, n * sizeof(*out->Notification)) : NULL;
    for (note_t *x = S.notes; x && out->Notification && (size_t)out->__sizeNotification < n;
         x = x->next) {
        if (x->seq <= in->AfterSequence)
            continue;
        struct _npac__NotificationRecoveryReply_Notification *r =
            &out->Notification[out->__sizeNotification++];
        memset(r, 0, sizeof(*r));
        void *v = note_struct(soap, x);
        if (x->kind == N_CREATE)
            r->SvNewSpCreateNotification = v;
        else if (x->kind == N_STATUS)
            r->SvStatusNotification = v;
        else if (x->kind == N_WINDOW)
            r->SvConcurrenceWindowNotification = v;
        else
            r->SvDisconnectNotification = v;
    }
    char d[80];
    snprintf(d, sizeof(d), "after %llu: %d", (unsigned long long)in->AfterSequence,
             out->__sizeNotification);
    log_event("received", "NotificationRecoveryRequest", 0, d);
    pthread_mutex_unlock(&S.lock);
    return SOAP_OK;
}

static int on_recovery_complete(struct soap *soap, struct _npac__NotificationRecoveryComplete *in,
                                struct _npac__SvReply *out)
{
    pthread_mutex_lock(&S.lock);
    if (in->UpToSequence > S.delivered)
        S.delivered = in->UpToSequence;
    S.recovering = S.lost = false;
    S.attempts = 0;
    S.retry_ms = 0;
    char d[48];
    snprintf(d, sizeof(d), "up to %llu", (unsigned long long)in->UpToSequence);
    log_event("received", "NotificationRecoveryComplete", 0, d);
    reply_sv(soap, in->MessageId, NULL, out);
    pthread_cond_signal(&S.wake);
    pthread_mutex_unlock(&S.lock);
    return SOAP_OK;
}

static const npg_npac_handlers_t handlers = {
    .SvCreateRequest = on_create,
    .SvReleaseRequest = on_release,
    .SvReleaseInConflictRequest = on_release_conflict,
    .SvRemoveFromConflictRequest = on_remove_conflict,
    .SvActivateRequest = on_activate,
    .SvCancelRequest = on_cancel,
    .SvCancelAckRequest = on_cancel_ack,
    .SvDisconnectRequest = on_disconnect,
    .NotificationRecoveryRequest = on_recovery,
    .NotificationRecoveryComplete = on_recovery_complete,
};

/* --- control and views (HTTP) -------------------------------------------------------------- */

/* The value of name in a query string ("" when absent). */
static void param(const char *query, const char *name, char *out, size_t len)
{
    size_t n = strlen(name);
    out[0] = '\0';
    for (const char *p = query; p && *p;) {
        const char *amp = strchr(p, '&');
        size_t l = amp ? (size_t)(amp - p) : strlen(p);
        if (l > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t v = l - n - 1 < len - 1 ? l - n - 1 : len - 1;
            memcpy(out, p + n + 1, v);
            out[v] = '\0';
            return;
        }
        p = amp ? amp + 1 : NULL;
    }
}

static json_t *sv_json(const sv_t *v)
{
    char due[32], t1[32], t2[32];
    npg_time_iso(v->due, true, due, sizeof(due));
    npg_time_iso(v->t1, true, t1, sizeof(t1));
    npg_time_iso(v->t2, true, t2, sizeof(t2));
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:i}", "sv",
                     (json_int_t)v->id, "tn", v->tn, "tn_end", v->tn_end, "new", v->new_spid, "old",
                     v->old_spid, "lrn", v->lrn, "status", soap_npac__SvStatus2s(NULL, v->status),
                     "authorization", v->authorization, "due", due, "t1", t1, "t2", t2, "cause",
                     v->cause);
}

/* POST /npac/control/ACTION?...: what the other SPs do, and the link. */
static int control(npg_http_req_t *req, const char *action)
{
    char tn[16], tn_end[16], spid[16], lrn[16], due[32], sv[24], eff[32], type[16], st[8];
    const char *q = req->query;
    param(q, "tn", tn, sizeof(tn));
    param(q, "tn_end", tn_end, sizeof(tn_end));
    param(q, "new", spid, sizeof(spid));
    param(q, "lrn", lrn, sizeof(lrn));
    param(q, "due", due, sizeof(due));
    param(q, "sv", sv, sizeof(sv));
    param(q, "effective", eff, sizeof(eff));
    param(q, "type", type, sizeof(type));
    param(q, "state", st, sizeof(st));
    char why[200] = "";
    int code = 0;
    json_t *j = NULL;
    pthread_mutex_lock(&S.lock);
    sv_t *v = sv[0] ? sv_by_id(sv) : NULL;
    if (strcmp(action, "create") == 0) { /* a new SP takes a TN of the gateway's */
        time_t d = 0;
        if (strlen(tn) != 10 || !npg_is_digits(tn) || !spid[0] || strlen(lrn) != 10 ||
            npg_time_parse(due, &d) != NPG_OK) {
            code = 400;
            snprintf(why, sizeof(why), "create wants tn, [tn_end], new, lrn, due (UTC), [type]");
        } else if (sv_of_tn(tn, true)) {
            code = 409;
            snprintf(why, sizeof(why), "an open version of %s exists", tn);
        } else if ((v = sv_new(tn, tn_end, spid, S.spid, lrn, d,
                               strcmp(type, "wireless") == 0 ? npac__SvType__wireless
                                                             : npac__SvType__wireline))) {
            note_new(N_CREATE, v);
            log_event("notified", "SvNewSpCreateNotification", v->id, v->tn);
            j = sv_json(v);
        }
    } else if (strcmp(action, "activate") == 0) {
        code = activate(v, v ? v->new_spid : "", why, sizeof(why));
    } else if (strcmp(action, "cancel") == 0) {
        code = cancel(v, v ? v->new_spid : "", why, sizeof(why));
    } else if (strcmp(action, "resolve") == 0) {
        code = remove_conflict(v, v ? v->new_spid : "", why, sizeof(why));
    } else if (strcmp(action, "disconnect") == 0) { /* any current SP disconnects a TN */
        time_t e = 0;
        if (npg_time_parse(eff, &e) != NPG_OK || disconnect(tn, NULL, e, &v) != 0) {
            code = 404;
            snprintf(why, sizeof(why), "no active version of '%s' (or no effective time)", tn);
        }
    } else if (strcmp(action, "link") == 0) { /* the association: down holds everything */
        S.link_down = strcmp(st, "down") == 0;
        if (!S.link_down) {
            note_t *head = S.notes;
            while (head && head->seq <= S.delivered)
                head = head->next;
            S.lost = S.lost || head; /* what waited must be recovered, as after a lost link */
        }
        pthread_cond_signal(&S.wake);
    } else {
        code = 404;
        snprintf(why, sizeof(why), "no control action %s", action);
    }
    if (!j && v && !code)
        j = sv_json(v);
    pthread_mutex_unlock(&S.lock);
    if (code)
        return npg_http_reply_error(req, code >= 400 && code < 600 ? code : 409, "error", why);
    return npg_http_reply_json(req, 200, j ? j : json_pack("{s:s}", "result", "ok"));
}

static int http(npg_http_req_t *req)
{
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/npac") == 0 &&
        strcmp(req->query, "wsdl") == 0)
        return npg_http_send_file(
            req, S.conf->http.wsdl_dir[0] ? S.conf->http.wsdl_dir : NPGW_DATADIR "/wsdl",
            "npac/npac.wsdl");
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/health") == 0)
        return npg_http_reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
    if (req->method == NPG_HTTP_POST && strncmp(req->path, "/npac/control/", 14) == 0)
        return control(req, req->path + 14);
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/npac/log") == 0) {
        pthread_mutex_lock(&S.lock);
        json_t *notes = json_array();
        for (note_t *n = S.notes; n; n = n->next)
            json_array_append_new(
                notes, json_pack("{s:I, s:s, s:I, s:s, s:b}", "seq", (json_int_t)n->seq, "type",
                                 note_names[n->kind], "sv", (json_int_t)n->sv, "status",
                                 n->kind == N_STATUS ? soap_npac__SvStatus2s(NULL, n->status) : "",
                                 "delivered", n->seq <= S.delivered));
        json_t *j = json_pack("{s:O, s:o, s:b, s:b, s:b}", "events", S.log, "notifications", notes,
                              "lost", S.lost, "recovering", S.recovering, "link_down", S.link_down);
        pthread_mutex_unlock(&S.lock);
        return npg_http_reply_json(req, 200, j);
    }
    if (req->method == NPG_HTTP_GET && strcmp(req->path, "/npac/svs") == 0) {
        pthread_mutex_lock(&S.lock);
        json_t *list = json_array();
        for (sv_t *v = S.svs; v; v = v->next)
            json_array_append_new(list, sv_json(v));
        pthread_mutex_unlock(&S.lock);
        return npg_http_reply_json(req, 200, list);
    }
    return npg_http_reply_error(req, 404, "error",
                                "npsim npac serves POST /npac, POST /npac/control/ACTION,"
                                " GET /npac/log, GET /npac/svs");
}

static bool is_soap(const char *path, void *app)
{
    (void)app;
    return strcmp(path, "/npac") == 0;
}

int npg_npacsim_run(const npg_conf_t *conf, const npg_npacsim_options_t *opt)
{
    static npg_conf_t listen_conf;
    char msg[512];
    S.conf = conf;
    S.opt = opt;
    S.log = json_array();
    S.run = (long long)time(NULL);
    npg_strlcpy(S.spid, opt->spid && opt->spid[0] ? opt->spid : conf->general.operator_code,
                sizeof(S.spid));
    int rc = npg_npac_calendar_load(conf, &S.cal, msg, sizeof(msg));
    if (rc != NPG_OK) {
        npg_log(LOG_ERR, "npacsim", "%s", msg);
        return rc;
    }
    for (size_t i = 0; i < opt->nrules && rc == NPG_OK; i++)
        rc = rule_add(opt->rules[i]);
    if (rc != NPG_OK)
        return rc;
    listen_conf = *conf;
    npg_strlcpy(listen_conf.http.listen, opt->listen, sizeof(listen_conf.http.listen));
    listen_conf.http.port = opt->port;
    npg_http_options_t hopt = {.conf = &listen_conf,
                               .handle = http,
                               .is_soap = is_soap,
                               .namespaces = namespaces,
                               .app = NULL};
    npg_npac_set_handlers(&handlers);
    rc = npg_http_server_new(&hopt, &S.http);
    if (rc != NPG_OK)
        return rc;
    npg_log(LOG_NOTICE, "npacsim", "NPAC on http://%s:%d/npac, notifying %s (SOA %s)", opt->listen,
            npg_http_server_port(S.http), opt->gateway_url, S.spid);
    if (pthread_create(&S.worker, NULL, worker_main, NULL) != 0)
        return NPG_EIO;
    rc = npg_http_server_run(S.http);
    pthread_mutex_lock(&S.lock);
    S.stopping = true;
    pthread_cond_signal(&S.wake);
    pthread_mutex_unlock(&S.lock);
    pthread_join(S.worker, NULL);
    npg_http_server_free(&S.http);
    json_decref(S.log);
    while (S.svs) {
        sv_t *v = S.svs;
        S.svs = v->next;
        free(v);
    }
    while (S.notes) {
        note_t *n = S.notes;
        S.notes = n->next;
        free(n);
    }
    while (S.answered) {
        answered_t *a = S.answered;
        S.answered = a->next;
        free(a);
    }
    return rc;
}

void npg_npacsim_stop(void)
{
    if (S.http)
        npg_http_server_stop(S.http);
}
