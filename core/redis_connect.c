#include "core/redis_connect.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/redis_url.h"

static void say(char **ret, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(char **ret, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(ret, fmt, ap) < 0) {
        *ret = NULL;
    }
    va_end(ap);
}

bool redis_connect_unreachable(int r) {
    return r == -ETIMEDOUT || r == -EHOSTUNREACH;
}

/* The context failed (or is NULL: out of memory); errno is still the client's. */
static int conn_error(const RedisEndpoint *e, const redisContext *c, const char *what,
                      char **ret_error) {
    bool timeout = c && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == ETIMEDOUT);
    if (timeout || (c && strstr(c->errstr, "timed out"))) {
        say(ret_error, "%s Redis '%s': no answer within %.1f s", what, e->id,
            (double)e->timeout_ms / 1000);
        return -ETIMEDOUT;
    }
    say(ret_error, "%s Redis '%s': %s", what, e->id, c ? c->errstr : "out of memory");
    return c ? -EHOSTUNREACH : -ENOMEM;
}

int redis_call(const RedisEndpoint *e, redisContext *c, int argc, const char **argv,
               const char *what, redisReply **ret, char **ret_error) {
    *ret_error = NULL;
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    if (!r) {
        return conn_error(e, c, what, ret_error);
    }
    if (r->type == REDIS_REPLY_ERROR) {
        say(ret_error, "%s: Redis '%s' answered: %s", what, e->id, r->str);
        freeReplyObject(r);
        return -EIO;
    }
    *ret = r;
    return 0;
}

static int handshake(const RedisEndpoint *e, const RedisUrl *u, redisContext *c, char **ret_error) {
    redisReply *reply = NULL;
    int r;
    if (e->password) {
        const char *auth[] = {"AUTH", u->user ? u->user : e->password, e->password};
        if ((r = redis_call(e, c, u->user ? 3 : 2, auth, "AUTH", &reply, ret_error)) < 0) {
            return r;
        }
        freeReplyObject(reply);
    }
    if (u->db) {
        char db[16];
        snprintf(db, sizeof(db), "%u", u->db);
        const char *sel[] = {"SELECT", db};
        if ((r = redis_call(e, c, 2, sel, "SELECT", &reply, ret_error)) < 0) {
            return r;
        }
        freeReplyObject(reply);
    }
    return 0;
}

static int open_url(const RedisEndpoint *e, const RedisUrl *u, redisContext **ret,
                    char **ret_error) {
    long long ms = e->timeout_ms > 0 ? e->timeout_ms : 1000;
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
    redisContext *c = u->socket ? redisConnectUnixWithTimeout(u->socket, tv)
                                : redisConnectWithTimeout(u->host, (int)u->port, tv);
    if (!c || c->err) {
        int r = conn_error(e, c, "cannot connect to", ret_error);
        if (c) {
            redisFree(c);
        }
        return r;
    }
    (void)redisSetTimeout(c, tv);
    int r = handshake(e, u, c, ret_error);
    if (r < 0) {
        redisFree(c);
        return r;
    }
    *ret = c;
    return 0;
}

int redis_connect(const RedisEndpoint *e, redisContext **ret, char **ret_error) {
    *ret_error = NULL;
    RedisUrl u = {0};
    const char *why = NULL;
    int r = redis_url_parse(e->url, &u, &why);
    if (r < 0) {
        say(ret_error, "redis URL of '%s': %s", e->id, r == -ENOMEM ? "out of memory" : why);
        return r == -ENOMEM ? -ENOMEM : -EINVAL;
    }
    if (u.tls) {
        say(ret_error, "rediss:// (TLS) is not supported by this build's checks");
        r = -EINVAL;
    } else {
        r = open_url(e, &u, ret, ret_error);
    }
    redis_url_done(&u);
    return r;
}
