/* SQL checks through the MariaDB/MySQL client library: connect with the check's
 * timeout as connect, read and write timeout, run the query, and take the first
 * column of the first row as the value.  Credentials come only from the
 * database's password_env (read into the spec) or its option_file. */
#include <errno.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check_internal.h"
#include "core/db_connect.h"

void check_sql_global_init(void) {
    (void)mysql_library_init(0, NULL, NULL);
}

static void query(const CheckSpec *s, MYSQL *m, CheckRaw *raw) {
    if (mysql_real_query(m, s->query, strlen(s->query)) != 0) {
        raw->unreachable = db_errno_unreachable(mysql_errno(m));
        check_raw_fail(raw, CHECK_STATUS_FAIL, "the query failed: %s", mysql_error(m));
        return;
    }
    MYSQL_RES *res = mysql_use_result(m);
    if (!res) {
        if (mysql_field_count(m) == 0) {
            check_raw_fail(raw, CHECK_STATUS_FAIL, "the statement returned no rows to check");
        } else {
            check_raw_fail(raw, CHECK_STATUS_FAIL, "cannot read the result: %s", mysql_error(m));
        }
        return;
    }
    MYSQL_ROW row = mysql_fetch_row(res);
    if (row) {
        unsigned long *len = mysql_fetch_lengths(res);
        if (row[0]) {
            check_raw_value(raw, "%.*s", (int)MIN(len[0], 4096ul), row[0]);
        } else {
            check_raw_value(raw, "NULL");
        }
        raw->judge = true;
    } else if (mysql_errno(m)) {
        raw->unreachable = db_errno_unreachable(mysql_errno(m));
        check_raw_fail(raw, CHECK_STATUS_FAIL, "cannot read the result: %s", mysql_error(m));
    } else {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "the query returned no rows");
    }
    mysql_free_result(res); /* reads and drops the rest */
    while (mysql_more_results(m) && mysql_next_result(m) == 0) {
        MYSQL_RES *more = mysql_use_result(m);
        if (more) {
            mysql_free_result(more);
        }
    }
}

void check_run_sql(const CheckSpec *s, CheckRaw *raw) {
    if (!s->db_host && !s->db_socket) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "the plan has no database '%s'",
                       s->db_id ? s->db_id : "");
        return;
    }
    if (s->password_missing) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN,
                       "the environment variable %s (password_env of database '%s') is not set",
                       s->password_env, s->db_id);
        return;
    }
    DbTarget t = db_target_of(s);
    MYSQL *m = NULL;
    _cleanup_(freep) char *error = NULL, *note = NULL;
    int r = db_connect(&t, &m, &error, &note);
    if (note) {
        check_raw_note(raw, "%s", note);
    }
    if (r < 0) {
        raw->unreachable = db_connect_unreachable(r);
        check_raw_fail(raw,
                       r == -EIO || raw->unreachable ? CHECK_STATUS_FAIL : CHECK_STATUS_UNKNOWN,
                       "%s", error ? error : "out of memory");
        return;
    }
    query(s, m, raw);
    mysql_close(m);
}
