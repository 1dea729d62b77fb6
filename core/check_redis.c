/* Redis checks through hiredis: connect with the check's timeout, AUTH from
 * password_env, SELECT the URL's database, run the command (split on spaces)
 * and take an integer or string reply as the value. */
#include <errno.h>
#include <hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check_internal.h"
#include "core/redis_connect.h"

#define MAX_ARGS 64

/* A failure of the shared connect path: unreachable targets are retried sooner;
 * a URL that cannot be used is unknown, not failing. */
static void fail_with(CheckRaw *raw, int r, const char *error) {
    raw->unreachable = redis_connect_unreachable(r);
    check_raw_fail(raw, r == -EINVAL || r == -ENOMEM ? CHECK_STATUS_UNKNOWN : CHECK_STATUS_FAIL,
                   "%s", error ? error : "out of memory");
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

static void run_command(const CheckSpec *s, const RedisEndpoint *e, redisContext *c,
                        CheckRaw *raw) {
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
    redisReply *reply = NULL;
    _cleanup_(freep) char *error = NULL;
    int r = redis_call(e, c, argc, argv, argv[0], &reply, &error);
    if (r < 0) {
        fail_with(raw, r, error);
        return;
    }
    take_value(reply, raw);
    freeReplyObject(reply);
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
    RedisEndpoint e = {.id = s->redis_id,
                       .url = s->redis_url,
                       .password = s->password,
                       .timeout_ms = s->timeout_ms};
    redisContext *c = NULL;
    _cleanup_(freep) char *error = NULL;
    int r = redis_connect(&e, &c, &error);
    if (r < 0) {
        fail_with(raw, r, error);
        return;
    }
    run_command(s, &e, c, raw);
    redisFree(c);
}
