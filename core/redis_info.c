#include "core/redis_info.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/redact.h"

static long long mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The value of "key:value\r\n" in an INFO reply, as a new sanitised string, or NULL. */
static char *info_field(const redisReply *r, const char *key, const char *secret) {
    size_t kl = strlen(key);
    for (const char *p = r->str, *end = r->str + r->len; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        if (n > kl && memcmp(p, key, kl) == 0 && p[kl] == ':') {
            size_t vl = n - kl - 1;
            if (vl && p[kl + 1 + vl - 1] == '\r') {
                vl--;
            }
            return redact_sanitize_n(p + kl + 1, vl, secret);
        }
        p += n + 1;
    }
    return NULL;
}

static long long info_number(const redisReply *r, const char *key) {
    _cleanup_(freep) char *v = info_field(r, key, NULL);
    char *end = NULL;
    long long n = v ? strtoll(v, &end, 10) : -1;
    return v && end != v ? n : -1;
}

/* Send one command of no arguments; 0 and *ret, or the error of redis_call(). */
static int call0(const RedisEndpoint *e, redisContext *c, const char *cmd, redisReply **ret,
                 char **ret_error) {
    const char *argv[] = {cmd};
    char *error = NULL;
    int r = redis_call(e, c, 1, argv, cmd, ret, &error);
    if (r < 0) {
        *ret_error = redact_sanitize(error, e->password);
        free(error);
    }
    return r;
}

static int read_role(const RedisEndpoint *e, redisContext *c, RedisInfo *info,
                     const redisReply *inf, char **ret_error) {
    redisReply *r = NULL;
    int k = call0(e, c, "ROLE", &r, ret_error);
    if (k == 0 && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
        r->element[0]->type == REDIS_REPLY_STRING) {
        info->role = redact_sanitize_n(r->element[0]->str, r->element[0]->len, e->password);
    } else if (k == 0 || k == -EIO) {
        /* a server older than ROLE, or one that renamed it: INFO says it too */
        info->role = info_field(inf, "role", e->password);
        *ret_error = mfree(*ret_error);
        k = 0;
    }
    if (r) {
        freeReplyObject(r);
    }
    return k;
}

static int read_all(const RedisEndpoint *e, redisContext *c, RedisInfo *info, char **ret_error) {
    redisReply *r = NULL;
    long long t0 = mono_us();
    int k = call0(e, c, "PING", &r, ret_error);
    if (k < 0) {
        return k;
    }
    info->ping_us = mono_us() - t0;
    freeReplyObject(r);
    if ((k = call0(e, c, "INFO", &r, ret_error)) < 0) {
        return k;
    }
    if (r->type == REDIS_REPLY_STRING) {
        info->version = info_field(r, "redis_version", e->password);
        info->used_memory_human = info_field(r, "used_memory_human", e->password);
        info->used_memory = info_number(r, "used_memory");
        info->connected_clients = info_number(r, "connected_clients");
        k = read_role(e, c, info, r, ret_error);
    }
    freeReplyObject(r);
    return k;
}

int redis_info_probe(const RedisEndpoint *e, RedisInfo **ret, char **ret_error) {
    *ret_error = NULL;
    _cleanup_(redis_info_freep) RedisInfo *info = calloc(1, sizeof(*info));
    if (!info) {
        return -ENOMEM;
    }
    info->ping_us = info->used_memory = info->connected_clients = -1;
    redisContext *c = NULL;
    char *error = NULL;
    int r = redis_connect(e, &c, &error);
    if (r < 0) {
        *ret_error = redact_sanitize(error, e->password);
        free(error);
        return r;
    }
    r = read_all(e, c, info, ret_error);
    redisFree(c);
    if (r < 0) {
        return r;
    }
    *ret = TAKE_PTR(info);
    return 0;
}

RedisInfo *redis_info_free(RedisInfo *i) {
    if (!i) {
        return NULL;
    }
    free(i->role);
    free(i->version);
    free(i->used_memory_human);
    free(i);
    return NULL;
}
