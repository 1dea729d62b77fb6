#include "core/db_connect.h"

#include <errmsg.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/check_internal.h"
#include "core/timeutil.h"

static void say(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(char **ret, const char *fmt, ...) {
    if (!ret) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(ret, fmt, ap) < 0) {
        *ret = NULL;
    }
    va_end(ap);
}

bool db_errno_unreachable(unsigned e) {
    return e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR || e == CR_SERVER_GONE_ERROR ||
           e == CR_SERVER_LOST || e == CR_UNKNOWN_HOST || e == CR_SERVER_HANDSHAKE_ERR;
}

bool db_connect_unreachable(int r) {
    return r == -ETIMEDOUT || r == -EHOSTUNREACH;
}

void db_describe(const DbTarget *t, char *buf, size_t size) {
    if (t->socket) {
        snprintf(buf, size, "'%s' on %s", t->id, t->socket);
    } else {
        snprintf(buf, size, "'%s' at %s:%u", t->id, t->host ? t->host : "localhost", t->port);
    }
}

DbTarget db_target_of(const CheckSpec *s) {
    return (DbTarget){.id = s->db_id,
                      .host = s->db_host,
                      .socket = s->db_socket,
                      .user = s->db_user,
                      .name = s->db_name,
                      .option_file = s->db_option_file,
                      .password = s->password,
                      .port = s->db_port,
                      .timeout_s = check_timeout_seconds(s)};
}

/* The option file's expanded path (new), or NULL and a negative errno in *r. */
static char *option_file(const DbTarget *t, int *r, char **ret_error, char **ret_note) {
    char *path = check_expand_home(t->option_file);
    struct stat st;
    if (!path) {
        *r = -ENOMEM;
        say(ret_error, "out of memory");
        return NULL;
    }
    if (stat(path, &st) < 0) {
        *r = -errno;
        say(ret_error, "cannot read option file '%s': %s", path, strerror(errno));
        return mfree(path);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        say(ret_note,
            "option file '%s' is readable by others (mode %03o): chmod 600 it, it holds a "
            "password",
            path, (unsigned)(st.st_mode & 0777));
    }
    return path;
}

int db_connect(const DbTarget *t, MYSQL **ret, char **ret_error, char **ret_note) {
    if (ret_error) {
        *ret_error = NULL;
    }
    if (ret_note) {
        *ret_note = NULL;
    }
    int r = 0;
    _cleanup_(freep) char *optfile = NULL;
    if (t->option_file && !(optfile = option_file(t, &r, ret_error, ret_note))) {
        return r;
    }
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        say(ret_error, "cannot start the MariaDB client: out of memory");
        return -ENOMEM;
    }
    unsigned to = t->timeout_s ? t->timeout_s : 1, zero = 0;
    (void)mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &to);
    (void)mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &zero);
    (void)mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (optfile) {
        (void)mysql_options(m, MYSQL_READ_DEFAULT_FILE, optfile);
        (void)mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
    }
    const char *host = t->socket ? "localhost" : t->host;
    long long t0 = time_mono_ms();
    if (!mysql_real_connect(m, host, t->user, t->password, t->name, t->socket ? 0 : t->port,
                            t->socket, 0)) {
        char where[300];
        db_describe(t, where, sizeof(where));
        if (!db_errno_unreachable(mysql_errno(m))) {
            r = -EIO;
        } else if (time_mono_ms() - t0 >= (long long)to * 1000 - 50) {
            r = -ETIMEDOUT;
        } else {
            r = -EHOSTUNREACH;
        }
        if (r == -ETIMEDOUT) {
            say(ret_error, "cannot connect to MariaDB %s: no answer within %u s (%s)", where, to,
                mysql_error(m));
        } else {
            say(ret_error, "cannot connect to MariaDB %s: %s", where, mysql_error(m));
        }
        mysql_close(m);
        return r;
    }
    *ret = m;
    return 0;
}
