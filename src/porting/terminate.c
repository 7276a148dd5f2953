/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A number we serve leaves service: the clearinghouse is told, the routing record goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/e164.h"
#include "common/util.h"
#include "numbering/numbering.h"
#include "outbox/outbox.h"
#include "porting/engine.h"
#include "routing/routing.h"

struct terminate_args {
    uint64_t number;
    const char *e164, *number_type;
    time_t effective; /* 0: now */
    char msgid[NPG_MSGID_LEN];
};

/* The TerminationRequest, queued for the deployment's clearinghouse. */
static int queue_termination(npg_db_t *db, npg_porting_t *pt, struct terminate_args *a, char *err,
                             size_t errlen)
{
    const npg_conf_t *conf = pt->conf;
    const npg_porting_ch_t *ch = pt->default_ch;
    npg_canon_msg_t m;
    npg_canon_init(&m);
    npg_strlcpy(m.type, "termination", sizeof(m.type));
    npg_strlcpy(m.direction, "out", sizeof(m.direction));
    npg_strlcpy(m.clearinghouse, ch->name, sizeof(m.clearinghouse));
    port_new_message_id(conf, m.message_id);
    npg_strlcpy(m.msgidentifier, a->msgid, sizeof(m.msgidentifier));
    m.timestamp = time(NULL);
    npg_strlcpy(m.sender, conf->general.operator_code, sizeof(m.sender));
    npg_strlcpy(m.receiver, ch->operator_code, sizeof(m.receiver));
    npg_strlcpy(m.number, npg_e164_local_part(a->e164, conf->general.country_code),
                sizeof(m.number));
    npg_strlcpy(m.number_type, a->number_type, sizeof(m.number_type));
    m.port_time = a->effective;
    char *xml = NULL;
    size_t len;
    int rc = npg_canon_write(&m, &xml, &len);
    if (rc != NPG_OK) {
        snprintf(err, errlen, "cannot build the termination: %s", npg_strerror(rc));
        return rc;
    }
    char key[64], idem[128];
    snprintf(key, sizeof(key), "%s:term:%s", ch->name, a->msgid);
    snprintf(idem, sizeof(idem), "%s:termination:%s", ch->name, m.message_id);
    rc = npg_outbox_put(db, ch->name, key, idem, "none", 0, xml);
    free(xml);
    return rc;
}

static int terminate_tx(npg_db_t *db, npg_porting_t *pt, void *arg, char *err, size_t errlen)
{
    struct terminate_args *a = arg;
    const npg_conf_t *conf = pt->conf;
    npg_number_run_t who;
    uint64_t change = 0;
    int rc = npg_numbering_lock(db, a->number, a->number);
    if (rc == NPG_OK)
        rc = npg_numbering_who(db, a->number, &who);
    if (rc != NPG_OK)
        return rc;
    if (strcmp(who.serving, conf->general.operator_code) != 0) {
        if (who.serving[0])
            snprintf(err, errlen,
                     "%s is served by %s, not by %s: only numbers we serve can be"
                     " terminated",
                     a->e164, who.serving, conf->general.operator_code);
        else
            snprintf(err, errlen,
                     "%s is in no number range and has no routing record: it is not"
                     " ours to terminate",
                     a->e164);
        return NPG_ESTATE;
    }
    if ((rc = port_new_msgidentifier(db, conf, a->msgid)) != NPG_OK)
        return rc;
    rc = queue_termination(db, pt, a, err, errlen);
    /* Ported in to us: the number goes back to its home range's owner, everywhere; on a
     * future effective date when the clearinghouse reports it (its disconnect broadcast). */
    if (rc == NPG_OK && who.ported && a->effective <= time(NULL) &&
        (rc = npg_routing_remove(db, a->number, "manual", &change)) == NPG_OK)
        rc = npg_routing_queue_publish(db, a->number, a->number, "none", 0, change);
    return rc;
}

int npg_port_terminate(npg_db_t *db, npg_porting_t *pt, const char *e164, const char *number_type,
                       char msgid[NPG_MSGID_LEN], char *err, size_t errlen)
{
    return npg_port_terminate_at(db, pt, e164, number_type, 0, msgid, err, errlen);
}

int npg_port_terminate_at(npg_db_t *db, npg_porting_t *pt, const char *e164,
                          const char *number_type, time_t effective, char msgid[NPG_MSGID_LEN],
                          char *err, size_t errlen)
{
    struct terminate_args a = {.e164 = e164, .number_type = number_type, .effective = effective};
    if (npg_e164_to_u64(e164, &a.number) != NPG_OK) {
        snprintf(err, errlen, "'%s' is not an E.164 number (digits, no leading +)", e164);
        return NPG_EINVAL;
    }
    if (!number_type || (strcmp(number_type, "mobile") && strcmp(number_type, "fixed"))) {
        snprintf(err, errlen, "type_of_numbers must be mobile or fixed");
        return NPG_EINVAL;
    }
    int rc = port_tx(db, terminate_tx, pt, &a, err, errlen);
    if (rc == NPG_OK)
        npg_strlcpy(msgid, a.msgid, NPG_MSGID_LEN);
    return rc;
}
