#pragma once
/* What a plan's MariaDB/MySQL database looks like, read once for the health
 * view's database panel: the server's version and uptime, the round trip of
 * SELECT 1, connections against the limit, slow queries and the largest
 * tables.  Blocking (it connects through core/db_connect.h, bounded by the
 * target's timeout): call it from a worker thread. */
#include <stddef.h>
#include <stdint.h>

#include "core/db_connect.h"
#include "core/macro.h"

#define DB_INFO_TABLES 10

typedef struct DbTable {
    char *schema, *name; /* owned, sanitised */
    uint64_t bytes;      /* DATA_LENGTH + INDEX_LENGTH */
    uint64_t rows;       /* TABLE_ROWS: an estimate for InnoDB */
} DbTable;

/* Every string is owned, sanitised for display (core/text.h) and free of the
 * password.  A number the server did not give is -1. */
typedef struct DbInfo {
    char *version;                  /* SELECT VERSION() */
    long long uptime_s;             /* SHOW GLOBAL STATUS: Uptime */
    long long select1_us;           /* the round trip of SELECT 1, microseconds */
    long long threads_connected;    /* Threads_connected (this probe's connection included) */
    long long max_connections;      /* @@max_connections */
    long long slow_queries;         /* Slow_queries */
    DbTable tables[DB_INFO_TABLES]; /* largest first (bytes, then schema and name) */
    size_t n_tables;
    char *note; /* something to fix that did not stop the probe (an option file
                   readable by others), or NULL */
} DbInfo;

/* Connect to t and read it all; the largest n_tables (at most DB_INFO_TABLES)
 * base tables of the connection's database, or of every non-system schema when
 * the target names no database.  Returns 0, or a negative errno as
 * db_connect() (-ETIMEDOUT and -EHOSTUNREACH: the target did not answer; -EIO:
 * it answered with an error) with *ret_error a new sanitised sentence saying
 * what failed. */
int db_info_probe(const DbTarget *t, size_t n_tables, DbInfo **ret, char **ret_error);
DbInfo *db_info_free(DbInfo *i);
DEFINE_FREEP(DbInfo, db_info_free)
