#pragma once
/* One way into a plan's MariaDB/MySQL database, shared by the SQL checks and the
 * health view's database panel: explicit connect, read and write timeouts, no
 * LOCAL INFILE, utf8mb4, and credentials only from the password the caller read
 * from password_env or from the database's option_file.  Blocking: call it from
 * a worker thread (after check_global_init() on the main thread). */
#include <mysql.h>
#include <stdbool.h>
#include <stddef.h>

/* What to connect to; every pointer is borrowed. */
typedef struct DbTarget {
    const char *id;          /* the plan's database id, for messages */
    const char *host;        /* ignored with socket */
    const char *socket;      /* a Unix socket path, or NULL */
    const char *user, *name; /* NULL: none (the option file may give the user) */
    const char *option_file; /* as the plan writes it ("~/" expands); NULL: none */
    const char *password;    /* from password_env; NULL: none */
    unsigned port;
    unsigned timeout_s; /* connect, read and write timeout; 0 counts as 1 */
} DbTarget;

struct CheckSpec;
/* The database a check's spec (core/check.h) names, its timeout in whole
 * seconds; the pointers borrow from s. */
DbTarget db_target_of(const struct CheckSpec *s);

/* Connect.  Returns 0 and *ret (mysql_close() it), or a negative errno and
 * *ret_error, a new sentence saying what failed ("cannot connect to MariaDB
 * 'uplink' at 127.0.0.1:3306: …"):
 *   -ETIMEDOUT     no answer within the timeout
 *   -EHOSTUNREACH  the server cannot be reached (refused, unknown host, lost)
 *   -EIO           the server answered and refused (access denied, no database …)
 *   -ENOENT, -EACCES … the option file cannot be read
 *   -ENOMEM
 * *ret_note (may be NULL) gets a new sentence about something to fix that did
 * not stop the connect (an option file readable by others), or NULL. */
int db_connect(const DbTarget *t, MYSQL **ret, char **ret_error, char **ret_note);

/* The error of db_connect() means the target did not answer (retry sooner). */
bool db_connect_unreachable(int r);
/* A client error code (mysql_errno) that means the connection is gone or never was. */
bool db_errno_unreachable(unsigned e);
/* "'uplink' at 127.0.0.1:3306" or "'uplink' on /run/mysqld/mysqld.sock". */
void db_describe(const DbTarget *t, char *buf, size_t size);
