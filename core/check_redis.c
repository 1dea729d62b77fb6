/* Redis checks through hiredis: connect with the check's timeout, AUTH from
 * password_env, SELECT the URL's database, run the command (split on spaces)
 * and take an integer or string reply as the value. */
#include <errno.h>
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/check_internal.h"
#include "core/redis_url.h"

#define MAX_ARGS 64

static void conn_error(const CheckSpec *s, const redisContext *c, const char *what, CheckRaw *raw) {
    raw->unreachable = true;
    bool timeout = c && c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == ETIMEDOUT);
    if (timeout || (c && strstr(c->errstr, "timed out"))) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "%s Redis '%s': no answer within %.1f s", what,
                       s->redis_id, (double)s->timeout_ms / 1000);
    } else {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "%s Redis '%s': %s", what, s->redis_id,
                       c ? c->errstr : "out of memory");
    }
}

/* Send argv; returns the reply (caller frees) or NULL with raw failed. */
static redisReply *call(const CheckSpec *s, redisContext *c, int argc, const char **argv,
                        const char *what, CheckRaw *raw) {
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    if (!r) {
        conn_error(s, c, what, raw);
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "%s: Redis '%s' answered: %s", what, s->redis_id,
                       r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static void take_value(const redisReply *r, CheckRaw *raw) {
    switch (r->type) {
    case REDIS_REPLY_INTEGER:
        check_raw_value(raw, "%lld", r->integer);
        break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
        check_raw_value(raw, "%.*s", (int)MIN(r->len, (size_t)4096), r->str);
        break;
    case REDIS_REPLY_NIL:
        check_raw_value(raw, "nil");
        break;
    default:
        check_raw_value(raw, "%zu", r->elements);
        check_raw_note(raw, "the reply is a list of %zu elements; the value is its length",
                       r->elements);
        break;
    }
    raw->judge = true;
}

static void run_command(const CheckSpec *s, redisContext *c, CheckRaw *raw) {
    _cleanup_(freep) char *copy = strdup(s->command ? s->command : "");
    const char *argv[MAX_ARGS];
    int argc = 0;
    char *save = NULL;
    for (char *t = copy ? strtok_r(copy, " \t", &save) : NULL; t && argc < MAX_ARGS;
         t = strtok_r(NULL, " \t", &save)) {
        argv[argc++] = t;
    }
    if (argc == 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "the check has no command");
        return;
    }
    redisReply *r = call(s, c, argc, argv, argv[0], raw);
    if (r) {
        take_value(r, raw);
        freeReplyObject(r);
    }
}

static void run(const CheckSpec *s, const RedisUrl *u, CheckRaw *raw) {
    struct timeval tv = {.tv_sec = s->timeout_ms / 1000, .tv_usec = (s->timeout_ms % 1000) * 1000};
    redisContext *c = u->socket ? redisConnectUnixWithTimeout(u->socket, tv)
                                : redisConnectWithTimeout(u->host, (int)u->port, tv);
    if (!c || c->err) {
        conn_error(s, c, "cannot connect to", raw);
        if (c) {
            redisFree(c);
        }
        return;
    }
    (void)redisSetTimeout(c, tv);
    redisReply *r = NULL;
    if (s->password) {
        const char *auth[] = {"AUTH", u->user ? u->user : s->password, s->password};
        if (!(r = call(s, c, u->user ? 3 : 2, auth, "AUTH", raw))) {
            goto out;
        }
        freeReplyObject(r);
    }
    if (u->db) {
        char db[16];
        snprintf(db, sizeof(db), "%u", u->db);
        const char *sel[] = {"SELECT", db};
        if (!(r = call(s, c, 2, sel, "SELECT", raw))) {
            goto out;
        }
        freeReplyObject(r);
    }
    run_command(s, c, raw);
out:
    redisFree(c);
}

void check_run_redis(const CheckSpec *s, CheckRaw *raw) {
    if (!s->redis_url) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "the plan has no redis target '%s'",
                       s->redis_id ? s->redis_id : "");
        return;
    }
    if (s->password_missing) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN,
                       "the environment variable %s (password_env of redis '%s') is not set",
                       s->password_env, s->redis_id);
        return;
    }
    RedisUrl u = {0};
    const char *why = NULL;
    int r = redis_url_parse(s->redis_url, &u, &why);
    if (r < 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "redis URL of '%s': %s", s->redis_id,
                       r == -ENOMEM ? "out of memory" : why);
        return;
    }
    if (u.tls) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN,
                       "rediss:// (TLS) is not supported by this build's checks");
    } else {
        run(s, &u, raw);
    }
    redis_url_done(&u);
}
