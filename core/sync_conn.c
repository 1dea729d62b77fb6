/* The blocking side of sync: connect, drive rounds, stream info, presence. */
#include "core/sync_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/text.h"

static void json_freep(cJSON **p) {
    cJSON_Delete(*p);
}

static int why_dup(char **ret_why, const char *what, const char *detail) {
    if (ret_why) {
        char *raw = NULL;
        if (asprintf(&raw, "%s%s%s", what, detail ? ": " : "", detail ? detail : "") < 0) {
            raw = NULL;
        }
        *ret_why = raw ? text_sanitize(raw, strlen(raw)) : NULL;
        free(raw);
    }
    return -EIO;
}

/* A reason for a failed connection or command, in the operator's words. */
static int conn_why(const redisContext *c, int timeout_ms, char **ret_why) {
    if (!c) {
        return why_dup(ret_why, "out of memory", NULL);
    }
    if (c->err == REDIS_ERR_IO &&
        (strstr(c->errstr, "temporarily unavailable") || strstr(c->errstr, "timed out"))) {
        char buf[64];
        snprintf(buf, sizeof(buf), "no answer within %.1f s", timeout_ms / 1000.0);
        return why_dup(ret_why, buf, NULL);
    }
    if (c->err == REDIS_ERR_EOF) {
        return why_dup(ret_why, "the server closed the connection", NULL);
    }
    return why_dup(ret_why, c->errstr[0] ? c->errstr : "connection failed", NULL);
}

static int simple(redisContext *c, int timeout_ms, int argc, const char **argv, const char *what,
                  char **ret_why) {
    redisReply *rep = redisCommandArgv(c, argc, argv, NULL);
    if (!rep) {
        return conn_why(c, timeout_ms, ret_why);
    }
    int r = 0;
    if (rep->type == REDIS_REPLY_ERROR) {
        r = why_dup(ret_why, what, rep->str);
    }
    freeReplyObject(rep);
    return r;
}

int sync_conn_open(const SyncTarget *t, int timeout_ms, redisContext **ret, char **ret_why) {
    if (ret_why) {
        *ret_why = NULL;
    }
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    redisContext *c = t->url.socket ? redisConnectUnixWithTimeout(t->url.socket, tv)
                                    : redisConnectWithTimeout(t->url.host, (int)t->url.port, tv);
    if (!c || c->err) {
        int r = conn_why(c, timeout_ms, ret_why);
        if (c) {
            redisFree(c);
        }
        return r;
    }
    (void)redisSetTimeout(c, tv);
    int r = 0;
    if (t->password) {
        const char *auth[] = {"AUTH", t->url.user ? t->url.user : t->password, t->password};
        r = simple(c, timeout_ms, t->url.user ? 3 : 2, auth, "AUTH refused", ret_why);
    }
    if (r == 0 && t->url.db) {
        char db[16];
        snprintf(db, sizeof(db), "%u", t->url.db);
        const char *sel[] = {"SELECT", db};
        r = simple(c, timeout_ms, 2, sel, "SELECT refused", ret_why);
    }
    if (r < 0) {
        redisFree(c);
        return r;
    }
    *ret = c;
    return 0;
}

/* Write what the round hands out, the blocking way. */
static void drain(Sync *s, SyncRound *r) {
    SyncBatch *b;
    while ((b = sync_round_batch(r))) {
        int e = sync_batch_commit(s, b);
        sync_batch_free(b);
        sync_round_written(r, e);
    }
}

int sync_conn_run(redisContext *c, Sync *s, SyncRound *r, char **ret_why) {
    if (ret_why) {
        *ret_why = NULL;
    }
    const SyncCmd *cmds;
    size_t n;
    while ((n = sync_round_next(r, &cmds)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (redisAppendCommandArgv(c, cmds[i].argc, cmds[i].argv, cmds[i].argvlen) !=
                REDIS_OK) {
                sync_round_abort(r, "out of memory");
                break;
            }
        }
        for (size_t i = 0; i < n && !sync_round_done(r); i++) {
            redisReply *rep = NULL;
            if (redisGetReply(c, (void **)&rep) != REDIS_OK) {
                char *why = NULL;
                conn_why(c, 2000, &why);
                sync_round_abort(r, why ? why : "the connection to Redis was lost");
                free(why);
                break;
            }
            (void)sync_round_reply(r, rep);
            freeReplyObject(rep);
            drain(s, r);
        }
        drain(s, r);
        if (sync_round_error(r)) {
            break;
        }
    }
    if (sync_round_error(r)) {
        return why_dup(ret_why, sync_round_error(r), NULL);
    }
    return 0;
}

/* ---- stream info ---- */

static const redisReply *map_get(const redisReply *m, const char *key) {
    for (size_t i = 0; m && m->type == REDIS_REPLY_ARRAY && i + 1 < m->elements; i += 2) {
        const redisReply *k = m->element[i];
        if ((k->type == REDIS_REPLY_STRING || k->type == REDIS_REPLY_STATUS) && k->str &&
            streq(k->str, key)) {
            return m->element[i + 1];
        }
    }
    return NULL;
}

static StreamId entry_id(const redisReply *e) {
    StreamId id = STREAM_ID_NONE;
    if (e && e->type == REDIS_REPLY_ARRAY && e->elements >= 1 &&
        e->element[0]->type == REDIS_REPLY_STRING) {
        (void)stream_id_parse(e->element[0]->str, e->element[0]->len, &id);
    }
    return id;
}

int sync_conn_stream_info(redisContext *c, const char *key, SyncStreamInfo *ret, char **ret_why) {
    *ret = (SyncStreamInfo){0};
    const char *argv[] = {"XINFO", "STREAM", key};
    redisReply *rep = redisCommandArgv(c, 3, argv, NULL);
    if (!rep) {
        return conn_why(c, 2000, ret_why);
    }
    int r = 0;
    if (rep->type == REDIS_REPLY_ERROR) {
        if (!strstr(rep->str, "no such key")) {
            r = why_dup(ret_why, "XINFO refused", rep->str);
        }
    } else {
        const redisReply *len = map_get(rep, "length");
        ret->exists = true;
        ret->length = len && len->type == REDIS_REPLY_INTEGER ? (size_t)len->integer : 0;
        ret->first = entry_id(map_get(rep, "first-entry"));
        ret->last = entry_id(map_get(rep, "last-entry"));
    }
    freeReplyObject(rep);
    return r;
}

/* ---- presence ---- */

char *sync_presence_encode(const char *name, const char *host, const char *mode, bool readonly) {
    _cleanup_(json_freep) cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "name", name ? name : "?") ||
        !cJSON_AddStringToObject(o, "host", host ? host : "?") ||
        !cJSON_AddStringToObject(o, "mode", mode ? mode : "panel") ||
        !cJSON_AddBoolToObject(o, "readonly", readonly)) {
        return NULL;
    }
    return cJSON_PrintUnformatted(o);
}

static char *clean_field(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    const char *s = cJSON_IsString(v) ? v->valuestring : "?";
    return text_sanitize(s, MIN(strlen(s), (size_t)64));
}

int sync_presence_decode(const char *id, const char *json, size_t len, SyncConsole *ret) {
    *ret = (SyncConsole){0};
    if (len > 4096) {
        return -EBADMSG;
    }
    _cleanup_(json_freep) cJSON *o = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(o)) {
        return -EBADMSG;
    }
    SyncConsole c = {
        .id = text_sanitize(id, MIN(strlen(id), (size_t)128)),
        .name = clean_field(o, "name"),
        .host = clean_field(o, "host"),
        .mode = clean_field(o, "mode"),
        .readonly = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "readonly")),
    };
    if (!c.id || !c.name || !c.host || !c.mode) {
        sync_console_done(&c);
        return -ENOMEM;
    }
    *ret = c;
    return 0;
}

void sync_console_done(SyncConsole *c) {
    free(c->id);
    free(c->name);
    free(c->host);
    free(c->mode);
    *c = (SyncConsole){0};
}

void sync_consoles_free(SyncConsole *v, size_t n) {
    for (size_t i = 0; v && i < n; i++) {
        sync_console_done(&v[i]);
    }
    free(v);
}

char *sync_presence_pattern(const SyncTarget *t) {
    char *p = malloc(strlen(t->presence) * 2 + 2), *o = p;
    if (!p) {
        return NULL;
    }
    for (const char *s = t->presence; *s; s++) {
        if (strchr("*?[]\\", *s)) {
            *o++ = '\\';
        }
        *o++ = *s;
    }
    *o++ = '*';
    *o = '\0';
    return p;
}

/* One MGET over keys[0..n); consoles appended to *v. */
static int fetch_values(redisContext *c, const SyncTarget *t, char **keys, size_t n, SyncConsole *v,
                        size_t *nv) {
    const char **argv = calloc(n + 1, sizeof(*argv));
    if (!argv) {
        return -ENOMEM;
    }
    argv[0] = "MGET";
    for (size_t i = 0; i < n; i++) {
        argv[i + 1] = keys[i];
    }
    redisReply *rep = redisCommandArgv(c, (int)n + 1, argv, NULL);
    free(argv);
    if (!rep) {
        return -EIO;
    }
    size_t plen = strlen(t->presence);
    for (size_t i = 0; rep->type == REDIS_REPLY_ARRAY && i < rep->elements && i < n; i++) {
        const redisReply *e = rep->element[i];
        if (e->type == REDIS_REPLY_STRING &&
            sync_presence_decode(keys[i] + plen, e->str, e->len, &v[*nv]) == 0) {
            (*nv)++;
        }
    }
    freeReplyObject(rep);
    return 0;
}

int sync_conn_consoles(redisContext *c, const SyncTarget *t, SyncConsole **ret, size_t *ret_n,
                       char **ret_why) {
    *ret = NULL;
    *ret_n = 0;
    _cleanup_(freep) char *pattern = sync_presence_pattern(t);
    if (!pattern) {
        return -ENOMEM;
    }
    char **keys = NULL;
    size_t n = 0, cap = 0;
    char cursor[32] = "0";
    int r = 0;
    for (int round = 0; round < 1000 && r == 0; round++) {
        const char *argv[] = {"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
        redisReply *rep = redisCommandArgv(c, 6, argv, NULL);
        if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements != 2) {
            r = rep ? why_dup(ret_why, "SCAN refused", rep->str) : conn_why(c, 2000, ret_why);
            freeReplyObject(rep);
            break;
        }
        snprintf(cursor, sizeof(cursor), "%s", rep->element[0]->str ? rep->element[0]->str : "0");
        const redisReply *list = rep->element[1];
        for (size_t i = 0; list->type == REDIS_REPLY_ARRAY && i < list->elements && r == 0; i++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                char **k = realloc(keys, cap * sizeof(*k));
                if (!k) {
                    r = -ENOMEM;
                    break;
                }
                keys = k;
            }
            if (!(keys[n] = strndup(list->element[i]->str, list->element[i]->len))) {
                r = -ENOMEM;
                break;
            }
            n++;
        }
        freeReplyObject(rep);
        if (streq(cursor, "0")) {
            break;
        }
    }
    SyncConsole *v = r == 0 && n ? calloc(n, sizeof(*v)) : NULL;
    size_t nv = 0;
    if (r == 0 && n && !v) {
        r = -ENOMEM;
    }
    for (size_t i = 0; r == 0 && i < n; i += 256) {
        r = fetch_values(c, t, keys + i, MIN(n - i, (size_t)256), v, &nv);
        if (r == -EIO) {
            r = conn_why(c, 2000, ret_why);
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(keys[i]);
    }
    free(keys);
    if (r < 0) {
        sync_consoles_free(v, nv);
        return r;
    }
    *ret = v;
    *ret_n = nv;
    return 0;
}
