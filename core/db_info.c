#include "core/db_info.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/redact.h"

/* The connection's database, or every schema that is not the server's own. */
#define TABLES_SQL                                                                                 \
    "SELECT TABLE_SCHEMA, TABLE_NAME, COALESCE(DATA_LENGTH, 0) + COALESCE(INDEX_LENGTH, 0) AS b, " \
    "COALESCE(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' "      \
    "AND (TABLE_SCHEMA = DATABASE() OR (DATABASE() IS NULL AND TABLE_SCHEMA NOT IN "               \
    "('mysql', 'information_schema', 'performance_schema', 'sys'))) "                              \
    "ORDER BY b DESC, TABLE_SCHEMA, TABLE_NAME LIMIT %zu"

typedef void (*RowFn)(DbInfo *info, MYSQL_ROW row, const unsigned long *len, const char *secret);

typedef struct Probe {
    const DbTarget *t;
    MYSQL *m;
    DbInfo *info;
    char **ret_error;
} Probe;

static long long mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long number(const char *s) {
    char *end = NULL;
    long long v = s ? strtoll(s, &end, 10) : -1;
    return s && end != s ? v : -1;
}

/* The query failed: the error names the target and what was asked. */
static int fail(Probe *p, const char *what) {
    char where[300], *msg = NULL;
    db_describe(p->t, where, sizeof(where));
    unsigned e = mysql_errno(p->m);
    if (asprintf(&msg, "cannot read %s of MariaDB %s: %s", what, where, mysql_error(p->m)) >= 0) {
        *p->ret_error = redact_sanitize(msg, p->t->password);
        free(msg);
    }
    return db_errno_unreachable(e) ? -EHOSTUNREACH : -EIO;
}

/* Run sql and hand every row to fn.  Returns 0 or fail(). */
static int query(Probe *p, const char *sql, const char *what, RowFn fn) {
    if (mysql_real_query(p->m, sql, strlen(sql)) != 0) {
        return fail(p, what);
    }
    MYSQL_RES *res = mysql_store_result(p->m);
    if (!res) {
        return fail(p, what);
    }
    for (MYSQL_ROW row; (row = mysql_fetch_row(res));) {
        fn(p->info, row, mysql_fetch_lengths(res), p->t->password);
    }
    mysql_free_result(res);
    return 0;
}

static void take_version(DbInfo *info, MYSQL_ROW row, const unsigned long *len,
                         const char *secret) {
    free(info->version);
    info->version = row[0] ? redact_sanitize_n(row[0], len[0], secret) : NULL;
    info->max_connections = number(row[1]);
}

static void take_status(DbInfo *info, MYSQL_ROW row, const unsigned long *len, const char *secret) {
    if (!row[0]) {
        return;
    }
    if (strcasecmp(row[0], "Uptime") == 0) {
        info->uptime_s = number(row[1]);
    } else if (strcasecmp(row[0], "Threads_connected") == 0) {
        info->threads_connected = number(row[1]);
    } else if (strcasecmp(row[0], "Slow_queries") == 0) {
        info->slow_queries = number(row[1]);
    }
}

static void take_table(DbInfo *info, MYSQL_ROW row, const unsigned long *len, const char *secret) {
    if (info->n_tables >= DB_INFO_TABLES) {
        return;
    }
    DbTable *t = &info->tables[info->n_tables];
    t->schema = redact_sanitize_n(row[0] ? row[0] : "", row[0] ? len[0] : 0, secret);
    t->name = redact_sanitize_n(row[1] ? row[1] : "", row[1] ? len[1] : 0, secret);
    t->bytes = (uint64_t)MAX(number(row[2]), 0);
    t->rows = (uint64_t)MAX(number(row[3]), 0);
    info->n_tables++;
}

static void ignore_row(DbInfo *info, MYSQL_ROW row, const unsigned long *len, const char *secret) {
}

static int read_all(Probe *p, size_t n_tables) {
    int r;
    long long t0 = mono_us();
    if ((r = query(p, "SELECT 1", "SELECT 1", ignore_row)) < 0) {
        return r;
    }
    p->info->select1_us = mono_us() - t0;
    if ((r = query(p, "SELECT VERSION(), @@max_connections", "the version", take_version)) < 0 ||
        (r = query(p,
                   "SHOW GLOBAL STATUS WHERE Variable_name IN "
                   "('Uptime', 'Threads_connected', 'Slow_queries')",
                   "the status", take_status)) < 0) {
        return r;
    }
    if (n_tables == 0) {
        return 0;
    }
    char sql[sizeof(TABLES_SQL) + 32];
    snprintf(sql, sizeof(sql), TABLES_SQL, MIN(n_tables, (size_t)DB_INFO_TABLES));
    return query(p, sql, "the table sizes", take_table);
}

int db_info_probe(const DbTarget *t, size_t n_tables, DbInfo **ret, char **ret_error) {
    *ret_error = NULL;
    _cleanup_(db_info_freep) DbInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        return -ENOMEM;
    }
    info->uptime_s = info->select1_us = info->threads_connected = -1;
    info->max_connections = info->slow_queries = -1;
    char *error = NULL, *note = NULL;
    MYSQL *m = NULL;
    int r = db_connect(t, &m, &error, &note);
    info->note = redact_sanitize(note, t->password);
    free(note);
    if (r < 0) {
        *ret_error = redact_sanitize(error, t->password);
        free(error);
        return r;
    }
    Probe p = {.t = t, .m = m, .info = info, .ret_error = ret_error};
    r = read_all(&p, n_tables);
    mysql_close(m);
    if (r < 0) {
        return r;
    }
    *ret = TAKE_PTR(info);
    return 0;
}

DbInfo *db_info_free(DbInfo *i) {
    if (!i) {
        return NULL;
    }
    free(i->version);
    free(i->note);
    for (size_t k = 0; k < i->n_tables; k++) {
        free(i->tables[k].schema);
        free(i->tables[k].name);
    }
    free(i);
    return NULL;
}
