/* SQL checks through the MariaDB/MySQL client library: connect with the check's
 * timeout as connect, read and write timeout, run the query, and take the first
 * column of the first row as the value.  Credentials come only from the
 * database's password_env (read into the spec) or its option_file. */
#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/check_internal.h"
#include "core/timeutil.h"

void check_sql_global_init(void) {
    (void)mysql_library_init(0, NULL, NULL);
}

static bool is_unreachable(unsigned e) {
    return e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR || e == CR_SERVER_GONE_ERROR ||
           e == CR_SERVER_LOST || e == CR_UNKNOWN_HOST || e == CR_SERVER_HANDSHAKE_ERR;
}

/* "'uplink' at 127.0.0.1:3306" or "'uplink' on /run/mysqld/mysqld.sock". */
static void describe(const CheckSpec *s, char *buf, size_t size) {
    if (s->db_socket) {
        snprintf(buf, size, "'%s' on %s", s->db_id, s->db_socket);
    } else {
        snprintf(buf, size, "'%s' at %s:%u", s->db_id, s->db_host ? s->db_host : "localhost",
                 s->db_port);
    }
}

/* Checks the option file; returns its expanded path (new) or NULL with raw failed. */
static char *option_file(const CheckSpec *s, CheckRaw *raw) {
    char *path = check_expand_home(s->db_option_file);
    struct stat st;
    if (!path) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "out of memory");
        return NULL;
    }
    if (stat(path, &st) < 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot read option file '%s': %s", path,
                       strerror(errno));
        return mfree(path);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        check_raw_note(raw,
                       "option file '%s' is readable by others (mode %03o): chmod 600 it, it "
                       "holds a password",
                       path, (unsigned)(st.st_mode & 0777));
    }
    return path;
}

static void query(const CheckSpec *s, MYSQL *m, CheckRaw *raw) {
    if (mysql_real_query(m, s->query, strlen(s->query)) != 0) {
        raw->unreachable = is_unreachable(mysql_errno(m));
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
        raw->unreachable = is_unreachable(mysql_errno(m));
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
    _cleanup_(freep) char *optfile = NULL;
    if (s->db_option_file && !(optfile = option_file(s, raw))) {
        return;
    }
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot start the MariaDB client: out of memory");
        return;
    }
    unsigned to = check_timeout_seconds(s), zero = 0;
    (void)mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &zero);
    (void)mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (optfile) {
        (void)mysql_options(m, MYSQL_READ_DEFAULT_FILE, optfile);
        (void)mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
    }
    const char *host = s->db_socket ? "localhost" : s->db_host;
    long long t0 = time_mono_ms();
    if (!mysql_real_connect(m, host, s->db_user, s->password, s->db_name,
                            s->db_socket ? 0 : s->db_port, s->db_socket, 0)) {
        char where[300];
        describe(s, where, sizeof(where));
        raw->unreachable = is_unreachable(mysql_errno(m));
        if (raw->unreachable && time_mono_ms() - t0 >= (long long)to * 1000 - 50) {
            check_raw_fail(raw, CHECK_STATUS_FAIL,
                           "cannot connect to MariaDB %s: no answer within %u s (%s)", where, to,
                           mysql_error(m));
        } else {
            check_raw_fail(raw, CHECK_STATUS_FAIL, "cannot connect to MariaDB %s: %s", where,
                           mysql_error(m));
        }
        mysql_close(m);
        return;
    }
    query(s, m, raw);
    mysql_close(m);
}
