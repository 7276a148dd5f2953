/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "adapters/uk/store.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "porting/archive.h"
#include "numbering/numbering.h"

int npg_uk_archive(npg_db_t *db, const char *folder, uint64_t port_id, const char *msgtype,
                   const char *body, size_t len, uint64_t *xml_id)
{
    npg_archive_entry_t e = {.folder = folder,
                             .port_kind = port_id ? "in" : "none",
                             .port_id = port_id,
                             .msgtype = msgtype,
                             .body = body,
                             .len = len};
    return npg_archive_put(db, &e, xml_id);
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
    /* Every port-in of that PAC and number (one, unless it was resubmitted): the newest is
     * picked here, as ORDER BY ... LIMIT 1 made the server plan a sort on every call. */
    int rc = npg_db_query(db,
                          "SELECT p.msgidentifier, p.state, u.subscription_number,"
                          " DATE_FORMAT(u.port_date, '%Y-%m-%d'), u.port_in_id FROM uk_port_in u"
                          " JOIN port_in p ON p.id = u.port_in_id WHERE u.pac = ? AND u.number = ?",
                          NPG_DB_P(NPG_DB_S(pac), NPG_DB_S(number)), &rows);
    if (rc != NPG_OK)
        return rc;
    size_t newest = SIZE_MAX;
    for (size_t i = 0; i < npg_db_rows_count(rows); i++)
        if (newest == SIZE_MAX ||
            npg_db_rows_int(rows, i, 4, 0) > npg_db_rows_int(rows, newest, 4, 0))
            newest = i;
    if (newest == SIZE_MAX) {
        npg_db_rows_free(&rows);
        return NPG_ENOTFOUND;
    }
    npg_strlcpy(out->msgid, npg_db_rows_get(rows, newest, 0), sizeof(out->msgid));
    out->state = (int)npg_db_rows_int(rows, newest, 1, 0);
    out->subscription_number = (unsigned)npg_db_rows_int(rows, newest, 2, 0);
    rc = day_of(npg_db_rows_get(rows, newest, 3), &out->port_date);
    npg_db_rows_free(&rows);
    return rc;
}

int npg_uk_number_is_ours(npg_db_t *db, const npg_conf_t *conf, uint64_t number)
{
    npg_number_run_t who;
    int rc = npg_numbering_who(db, number, &who);
    if (rc != NPG_OK)
        return rc;
    return strcmp(who.serving, conf->general.operator_code) == 0 ? NPG_OK : NPG_ENOTFOUND;
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
    rc = npg_archive_xchg(db, "none", 0, NULL, x, &xml_id);
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
