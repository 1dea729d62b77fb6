/* Action kind db.query: one named read-only statement through libmysqlclient
 * (explicit timeouts, READ ONLY transaction), its result as a text table. */
#include <errno.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/action_internal.h"
#include "core/sql_guard.h"
#include "core/text.h"

#define QUERY_MAX_ROWS 1000
#define QUERY_CELL_COLS 40
#define QUERY_CONNECT_TIMEOUT 10
#define QUERY_IO_TIMEOUT 30

int action_describe_query(ActionCtx *c) {
    const ActionSpec *s = c->s;
    _cleanup_(freep) char *where = action_db_where(s);
    act_line(c, ACTION_LINE_INFO, "would query database '%s' (%s), read-only:", s->db_id,
             where ? where : "?");
    act_line(c, ACTION_LINE_INFO, "  %s", s->query ? s->query : "");
    act_line(c, ACTION_LINE_INFO,
             "  in a READ ONLY transaction; timeouts %d s to connect, %d s to read; at most %d "
             "rows shown",
             QUERY_CONNECT_TIMEOUT, QUERY_IO_TIMEOUT, QUERY_MAX_ROWS);
    if (s->password) {
        act_line(c, ACTION_LINE_INFO, "  password: *** (from $%s)", s->password_env);
    }
    const char *why = NULL;
    if (!sql_is_read_only(s->query, &why)) {
        return act_fail(c, "refused", -EPERM, "the query is not read-only: %s", why);
    }
    const char *problem = action_db_password_problem(s);
    if (problem) {
        return act_fail(c, "failed", -EINVAL, "database '%s': %s", s->db_id, problem);
    }
    return 0;
}

static MYSQL *connect_db(ActionCtx *c) {
    const ActionSpec *s = c->s;
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        return NULL;
    }
    unsigned ct = QUERY_CONNECT_TIMEOUT, io = QUERY_IO_TIMEOUT;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (s->db_option_file) {
        mysql_options(m, MYSQL_READ_DEFAULT_FILE, s->db_option_file);
        mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
    }
    if (s->db_socket) {
        unsigned proto = MYSQL_PROTOCOL_SOCKET;
        mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
    }
    if (!mysql_real_connect(m, s->db_socket ? "localhost" : s->db_host, s->db_user, s->password,
                            s->db_name, s->db_port, s->db_socket, 0)) {
        _cleanup_(freep) char *where = action_db_where(s);
        act_fail(c, "failed", -ECONNREFUSED, "cannot connect to MariaDB '%s' (%s): %s", s->db_id,
                 where ? where : "?", mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    return m;
}

/* Display columns of one code point. */
static int cp_width(unsigned cp) {
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

/* A sanitised cell cut to QUERY_CELL_COLS columns ("…" marks the cut). */
static char *cell(const char *v, unsigned long len) {
    if (!v) {
        return strdup("NULL");
    }
    char *safe = text_sanitize(v, len);
    if (!safe || text_width(safe) <= QUERY_CELL_COLS) {
        return safe;
    }
    size_t i = 0, n = strlen(safe);
    int w = 0;
    while (i < n) {
        unsigned cp;
        size_t l = text_utf8_len((const unsigned char *)safe + i, n - i, &cp);
        l = l ? l : 1;
        if (w + cp_width(cp) > QUERY_CELL_COLS - 1) {
            break;
        }
        w += cp_width(cp);
        i += l;
    }
    char *out = malloc(i + sizeof("…"));
    if (out) {
        memcpy(out, safe, i);
        memcpy(out + i, "…", sizeof("…"));
    }
    free(safe);
    return out;
}

typedef struct Table {
    size_t cols, rows;
    char **cells; /* (rows + 1) * cols: the header first */
    size_t *width;
} Table;

static void table_free(Table *t) {
    for (size_t i = 0; t->cells && i < (t->rows + 1) * t->cols; i++) {
        free(t->cells[i]);
    }
    free(t->cells);
    free(t->width);
}

static void emit_row(ActionCtx *c, const Table *t, size_t row) {
    size_t len = 0;
    char *line = NULL;
    FILE *f = open_memstream(&line, &len);
    if (!f) {
        return;
    }
    for (size_t k = 0; k < t->cols; k++) {
        const char *v = t->cells[row * t->cols + k];
        fputs(v ? v : "", f);
        if (k + 1 < t->cols) {
            for (size_t pad = v ? text_width(v) : 0; pad < t->width[k] + 2; pad++) {
                fputc(' ', f);
            }
        }
    }
    if (fclose(f) == 0 && c->sink && c->sink->line) {
        c->sink->line(c->sink->userdata, ACTION_LINE_OUT, line); /* cells are sanitised */
    }
    free(line);
}

static void emit_table(ActionCtx *c, const Table *t) {
    emit_row(c, t, 0);
    _cleanup_(freep) char *rule = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&rule, &len);
    for (size_t k = 0; f && k < t->cols; k++) {
        for (size_t i = 0; i < t->width[k]; i++) {
            fputc('-', f);
        }
        fputs(k + 1 < t->cols ? "  " : "", f);
    }
    if (f && fclose(f) == 0) {
        act_line(c, ACTION_LINE_OUT, "%s", rule);
    }
    for (size_t r = 1; r <= t->rows; r++) {
        emit_row(c, t, r);
    }
}

static int read_table(MYSQL_RES *res, Table *t, bool *ret_more) {
    t->cols = mysql_num_fields(res);
    size_t cap = 16;
    t->cells = calloc((cap + 1) * t->cols, sizeof(char *));
    t->width = calloc(t->cols ? t->cols : 1, sizeof(size_t));
    if (!t->cells || !t->width) {
        return -ENOMEM;
    }
    MYSQL_FIELD *fields = mysql_fetch_fields(res);
    for (size_t k = 0; k < t->cols; k++) {
        t->cells[k] = cell(fields[k].name, fields[k].name_length);
    }
    MYSQL_ROW row;
    *ret_more = false;
    while ((row = mysql_fetch_row(res))) {
        if (t->rows == QUERY_MAX_ROWS) {
            *ret_more = true;
            continue; /* counted by the server; drained here */
        }
        if (t->rows == cap) {
            char **n = realloc(t->cells, (2 * cap + 1) * t->cols * sizeof(char *));
            if (!n) {
                return -ENOMEM;
            }
            memset(n + (cap + 1) * t->cols, 0, cap * t->cols * sizeof(char *));
            t->cells = n, cap *= 2;
        }
        unsigned long *lens = mysql_fetch_lengths(res);
        t->rows++;
        for (size_t k = 0; k < t->cols; k++) {
            t->cells[t->rows * t->cols + k] = cell(row[k], lens[k]);
        }
    }
    for (size_t i = 0; i < (t->rows + 1) * t->cols; i++) {
        size_t w = t->cells[i] ? text_width(t->cells[i]) : 0;
        t->width[i % t->cols] = MAX(t->width[i % t->cols], w);
    }
    return 0;
}

int action_exec_query(ActionCtx *c) {
    const ActionSpec *s = c->s;
    const char *why = NULL;
    if (!sql_is_read_only(s->query, &why)) {
        return act_fail(c, "refused", -EPERM, "the query is not read-only: %s", why);
    }
    const char *problem = action_db_password_problem(s);
    if (problem) {
        return act_fail(c, "failed", -EINVAL, "cannot query database '%s': %s%s%s", s->db_id,
                        problem, s->password_missing ? ": " : "",
                        s->password_missing ? s->password_env : "");
    }
    mysql_thread_init();
    MYSQL *m = connect_db(c);
    if (!m) {
        mysql_thread_end();
        return c->res && c->res->error ? -ECONNREFUSED
                                       : act_fail(c, "failed", -ENOMEM, "out of memory");
    }
    int r = 0;
    if (mysql_query(m, "START TRANSACTION READ ONLY") != 0 || mysql_query(m, s->query) != 0) {
        r = act_fail(c, "failed", -EIO, "the query failed: %s", mysql_error(m));
    } else {
        MYSQL_RES *res = mysql_use_result(m);
        if (!res) {
            act_line(c, ACTION_LINE_INFO, "%llu rows affected",
                     (unsigned long long)mysql_affected_rows(m));
        } else {
            Table t = {0};
            bool more = false;
            r = read_table(res, &t, &more);
            mysql_free_result(res);
            if (r < 0) {
                r = act_fail(c, "failed", r, "out of memory reading the result");
            } else {
                emit_table(c, &t);
                act_line(c, ACTION_LINE_INFO, "(%zu row%s%s)", t.rows, t.rows == 1 ? "" : "s",
                         more ? "; more rows were not shown" : "");
                act_extra_num(c, "rows", (double)t.rows);
                act_extra_num(c, "columns", (double)t.cols);
            }
            table_free(&t);
        }
        (void)mysql_query(m, "ROLLBACK");
    }
    mysql_close(m);
    mysql_thread_end();
    return r;
}
