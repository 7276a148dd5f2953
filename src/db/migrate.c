/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "db/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

#define MAX_MIGRATION_BYTES (4 * 1024 * 1024)

static const char create_version_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INT NOT NULL PRIMARY KEY,"
    " name VARCHAR(128) NOT NULL,"
    " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

static int is_migration(const struct dirent *d)
{
    const char *n = d->d_name;
    size_t len = strlen(n);
    return len > 8 && isdigit((unsigned char)n[0]) && isdigit((unsigned char)n[1]) &&
           isdigit((unsigned char)n[2]) && n[3] == '_' && strcmp(n + len - 4, ".sql") == 0;
}

int npg_db_schema_version(npg_db_t *db, int *version)
{
    int64_t v = 0;
    int rc = npg_db_exec_script_stmt(db, create_version_sql);
    if (rc != NPG_OK)
        return rc;
    rc = npg_db_query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, 0, &v);
    if (rc != NPG_OK)
        return rc;
    *version = (int)v;
    return NPG_OK;
}

/* Statements end with ';' at the end of a line; "--" lines are comments. */
static int run_script(npg_db_t *db, const char *name, char *text)
{
    char *stmt = text;
    int rc = NPG_OK;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        char *end = nl ? nl : line + strlen(line);
        char *last = end;
        while (last > line && isspace((unsigned char)last[-1]))
            last--;
        const char *first = line;
        while (first < end && isspace((unsigned char)*first))
            first++;
        if (end - first >= 2 && first[0] == '-' && first[1] == '-') {
            memset(line, ' ', (size_t)(end - line)); /* blank out the comment */
        } else if (last > line && last[-1] == ';') {
            last[-1] = '\0';
            while (isspace((unsigned char)*stmt))
                stmt++;
            if (*stmt && (rc = npg_db_exec_script_stmt(db, stmt)) != NPG_OK) {
                npg_log(LOG_ERR, "migrate", "%s: %s", name, npg_db_last_error(db));
                return rc;
            }
            stmt = nl ? nl + 1 : end;
        }
        line = nl ? nl + 1 : NULL;
    }
    return rc;
}

int npg_db_migrate(npg_db_t *db, const char *dir, int *applied, int *version)
{
    struct dirent **names = NULL;
    int current = 0, count = 0, rc;
    if ((rc = npg_db_schema_version(db, &current)) != NPG_OK)
        return rc;
    int n = scandir(dir, &names, is_migration, alphasort);
    if (n < 0) {
        npg_log(LOG_ERR, "migrate", "cannot read %s", dir);
        return NPG_EIO;
    }
    for (int i = 0; i < n && rc == NPG_OK; i++) {
        const char *file = names[i]->d_name;
        int num = atoi(file);
        if (num <= current)
            continue;
        char path[4096], *text = NULL;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        if ((rc = npg_read_file(path, MAX_MIGRATION_BYTES, &text, NULL)) != NPG_OK) {
            npg_log(LOG_ERR, "migrate", "cannot read %s: %s", path, npg_strerror(rc));
            break;
        }
        /* DDL commits implicitly in MariaDB: every migration is written to be re-runnable
         * (IF NOT EXISTS), so a crash between its statements and its record is harmless. */
        rc = run_script(db, file, text);
        free(text);
        if (rc == NPG_OK)
            rc = npg_db_exec(db, "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                             NPG_DB_P(NPG_DB_I(num), NPG_DB_S(file)), NULL, NULL);
        if (rc == NPG_OK) {
            npg_log(LOG_NOTICE, "migrate", "applied %s", file);
            current = num;
            count++;
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (applied)
        *applied = count;
    if (version)
        *version = current;
    return rc;
}
