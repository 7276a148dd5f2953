/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/uk/store.h"

#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "numbering/operator.h"

int npg_uk_archive(npg_db_t *db, const char *folder, uint64_t port_id, const char *msgtype,
                   const char *message_id, const char *body, size_t len, uint64_t *xml_id)
{
    char filename[160], uniq[17] = "";
    unsigned char r[8];
    /* One file per message; a BSS request has no id of its own, so add a random part. */
    if (npg_random_bytes(r, sizeof(r)) == NPG_OK)
        npg_hex(r, sizeof(r), uniq);
    snprintf(filename, sizeof(filename), "uk_%s_%s_%s.xml", msgtype, message_id, uniq);
    for (char *p = filename; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *p))
            *p = '_';
    return npg_db_exec(db,
                       "INSERT INTO xml_messages (folder, filename, port_kind, port_id, msgtype,"
                       " message_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_S(folder), NPG_DB_S(filename),
                                NPG_DB_S(port_id ? "in" : "none"),
                                port_id ? NPG_DB_U(port_id) : NPG_DB_NUL, NPG_DB_S(msgtype),
                                NPG_DB_S(message_id), NPG_DB_SN(body, len)),
                       NULL, xml_id);
}

int npg_uk_archive_xchg(npg_db_t *db, uint64_t port_id, const npg_uk_xchg_t *x, uint64_t *recv_id)
{
    char answer[40];
    int rc = NPG_OK;
    if (x->sent)
        rc = npg_uk_archive(db, "output_XML", port_id, x->op, x->message_id, x->sent, x->sent_len,
                            NULL);
    snprintf(answer, sizeof(answer), "%sResponse", x->op);
    if (rc == NPG_OK && x->recv)
        rc = npg_uk_archive(db, "input_XML", port_id, answer, x->message_id, x->recv, x->recv_len,
                            recv_id);
    return rc;
}

int npg_uk_link_store(npg_db_t *db, const npg_uk_port_link_t *l)
{
    char req[NPG_UK_DATE_LEN], port[NPG_UK_DATE_LEN], issued[NPG_UK_DATE_LEN];
    npg_uk_date_format(l->requested_date, req);
    npg_uk_date_format(l->port_date, port);
    npg_uk_date_format(l->pac_issued, issued);
    return npg_db_exec(db,
                       "INSERT INTO uk_port_in (port_in_id, subscription_number, pac, number,"
                       " requested_date, port_date, pac_issued) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       NPG_DB_P(NPG_DB_U(l->port_in_id), NPG_DB_U(l->subscription_number),
                                NPG_DB_S(l->pac), NPG_DB_S(l->number), NPG_DB_S(req),
                                NPG_DB_S(port), NPG_DB_S(issued)),
                       NULL, NULL);
}

static int day_of(const char *s, npg_uk_day_t *day)
{
    return npg_uk_date_parse(s ? s : "", day);
}

int npg_uk_port_find(npg_db_t *db, const char *number, const char *pac, npg_uk_port_view_t *out)
{
    npg_db_rows_t *rows;
    int rc = npg_db_query(db,
                          "SELECT p.msgidentifier, p.state, u.subscription_number,"
                          " DATE_FORMAT(u.port_date, '%Y-%m-%d') FROM uk_port_in u"
                          " JOIN port_in p ON p.id = u.port_in_id WHERE u.number = ? AND u.pac = ?"
                          " ORDER BY u.port_in_id DESC LIMIT 1",
                          NPG_DB_P(NPG_DB_S(number), NPG_DB_S(pac)), &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) != 1) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    npg_strlcpy(out->msgid, npg_db_rows_get(rows, 0, 0), sizeof(out->msgid));
    out->state = (int)npg_db_rows_int(rows, 0, 1, 0);
    out->subscription_number = (unsigned)npg_db_rows_int(rows, 0, 2, 0);
    rc = day_of(npg_db_rows_get(rows, 0, 3), &out->port_date);
    npg_db_rows_free(&rows);
    return rc;
}

int npg_uk_number_is_ours(npg_db_t *db, const npg_conf_t *conf, uint64_t number)
{
    npg_db_rows_t *rows;
    int rc = npg_db_query(db,
                          "SELECT o.code FROM routing r JOIN operators o ON o.id = r.operator_id"
                          " WHERE r.number = ?",
                          NPG_DB_P(NPG_DB_U(number)), &rows);
    if (rc != NPG_OK)
        return rc;
    if (npg_db_rows_count(rows) == 1) {
        bool ours = strcmp(npg_db_rows_get(rows, 0, 0), conf->general.operator_code) == 0;
        npg_db_rows_free(&rows);
        return ours ? NPG_OK : NPG_ENOTFOUND;
    }
    npg_db_rows_free(&rows);
    char owner[NPG_OPERATOR_CODE_LEN];
    rc = npg_operator_owner(db, number, owner);
    if (rc != NPG_OK)
        return rc;
    return strcmp(owner, conf->general.operator_code) == 0 ? NPG_OK : NPG_ENOTFOUND;
}

int npg_uk_pac_store(npg_db_t *db, const npg_uk_pac_t *pac, const npg_uk_xchg_t *x)
{
    char issued[NPG_UK_DATE_LEN], expiry[NPG_UK_DATE_LEN];
    uint64_t xml_id = 0;
    npg_uk_date_format(pac->issued, issued);
    npg_uk_date_format(pac->expiry, expiry);
    int rc = npg_db_begin(db);
    if (rc != NPG_OK)
        return rc;
    rc = npg_uk_archive_xchg(db, 0, x, &xml_id);
    if (rc == NPG_OK)
        rc = npg_db_exec(
            db,
            "INSERT INTO uk_pacs (pac, number, subscription_number,"
            " external_reference, issue_date, expiry_date, xml_message_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            NPG_DB_P(NPG_DB_S(pac->pac), NPG_DB_U(pac->number), NPG_DB_U(pac->subscription_number),
                     pac->external_reference ? NPG_DB_S(pac->external_reference) : NPG_DB_NUL,
                     NPG_DB_S(issued), NPG_DB_S(expiry), xml_id ? NPG_DB_U(xml_id) : NPG_DB_NUL),
            NULL, NULL);
    if (rc == NPG_OK)
        rc = npg_db_commit(db);
    else
        npg_db_rollback(db);
    return rc;
}
