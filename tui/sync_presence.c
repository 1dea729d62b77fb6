/* Presence: this console announces itself (name, host, mode, read-only) under a
 * key that lives SYNC_PRESENCE_TTL seconds and is renewed every
 * SYNC_PRESENCE_EVERY_MS; the others are found with SCAN and MGET. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/sync_panel_internal.h"

static void scan_reset(PanelSync *ps) {
    for (size_t i = 0; i < ps->n_scan; i++) {
        free(ps->scan_keys[i]);
    }
    ps->n_scan = 0;
    ps->scanning = false;
}

static void others_set(PanelSync *ps, SyncConsole *v, size_t n) {
    sync_consoles_free(ps->others, ps->n_others);
    ps->others = v;
    ps->n_others = n;
    ps->a->dirty = true;
}

int sync_presence_init(PanelSync *ps) {
    if (gethostname(ps->host, sizeof(ps->host) - 1) < 0 || !ps->host[0]) {
        strcpy(ps->host, "localhost");
    }
    snprintf(ps->console_id, sizeof(ps->console_id), "%s-%ld", ps->host, (long)getpid());
    if (asprintf(&ps->presence_key, "%s%s", ps->target.presence, ps->console_id) < 0) {
        ps->presence_key = NULL;
        return -ENOMEM;
    }
    ps->scan_pattern = sync_presence_pattern(&ps->target);
    return ps->scan_pattern ? 0 : -ENOMEM;
}

static int by_name(const void *x, const void *y) {
    const SyncConsole *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->host, b->host);
}

static void on_mget(redisAsyncContext *ac, void *reply_, void *privdata) {
    PanelSync *ps = privdata;
    const redisReply *reply = reply_;
    if (!sync_cmd_reply(ps, ac, reply)) {
        return;
    }
    size_t plen = strlen(ps->target.presence), n = 0;
    SyncConsole *v = calloc(ps->n_scan + 1, sizeof(*v));
    for (size_t i = 0;
         v && reply->type == REDIS_REPLY_ARRAY && i < reply->elements && i < ps->n_scan; i++) {
        const redisReply *e = reply->element[i];
        const char *id = ps->scan_keys[i] + plen;
        if (e->type == REDIS_REPLY_STRING && strcmp(id, ps->console_id) != 0 &&
            sync_presence_decode(id, e->str, e->len, &v[n]) == 0) {
            n++;
        }
    }
    if (v) {
        qsort(v, n, sizeof(*v), by_name);
    }
    others_set(ps, v, v ? n : 0);
    scan_reset(ps);
}

static void scan_next(PanelSync *ps, const char *cursor);

static void on_scan(redisAsyncContext *ac, void *reply_, void *privdata) {
    PanelSync *ps = privdata;
    const redisReply *reply = reply_;
    if (!sync_cmd_reply(ps, ac, reply)) {
        return;
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_STRING ||
        reply->element[1]->type != REDIS_REPLY_ARRAY) {
        scan_reset(ps);
        return;
    }
    const redisReply *keys = reply->element[1];
    for (size_t i = 0; i < keys->elements && ps->n_scan < 4096; i++) {
        if (ps->n_scan == ps->cap_scan) {
            size_t cap = ps->cap_scan ? ps->cap_scan * 2 : 16;
            char **k = realloc(ps->scan_keys, cap * sizeof(*k));
            if (!k) {
                break;
            }
            ps->scan_keys = k;
            ps->cap_scan = cap;
        }
        char *key = strndup(keys->element[i]->str, keys->element[i]->len);
        if (key) {
            ps->scan_keys[ps->n_scan++] = key;
        }
    }
    if (strcmp(reply->element[0]->str, "0") != 0) {
        scan_next(ps, reply->element[0]->str);
        return;
    }
    if (ps->n_scan == 0) {
        others_set(ps, NULL, 0);
        scan_reset(ps);
        return;
    }
    const char **argv = calloc(ps->n_scan + 1, sizeof(*argv));
    if (!argv) {
        scan_reset(ps);
        return;
    }
    argv[0] = "MGET";
    for (size_t i = 0; i < ps->n_scan; i++) {
        argv[i + 1] = ps->scan_keys[i];
    }
    if (!sync_cmd_send(ps, on_mget, (int)ps->n_scan + 1, argv, NULL)) {
        scan_reset(ps);
    }
    free(argv);
}

static void scan_next(PanelSync *ps, const char *cursor) {
    char c[32];
    snprintf(c, sizeof(c), "%s", cursor);
    const char *argv[] = {"SCAN", c, "MATCH", ps->scan_pattern, "COUNT", "1000"};
    if (!sync_cmd_send(ps, on_scan, 6, argv, NULL)) {
        scan_reset(ps);
    }
}

static void on_set(redisAsyncContext *ac, void *reply, void *privdata) {
    (void)sync_cmd_reply(privdata, ac, reply);
}

static void announce(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_presence = 0;
    if (ps->link != LINK_UP) {
        return;
    }
    if (!ps->presence_value) {
        ps->presence_value = sync_presence_encode(a->actor, ps->host,
                                                  a->mode == APP_WALLBOARD ? "wallboard" : "panel",
                                                  app_is_readonly(a));
    }
    char ttl[16];
    snprintf(ttl, sizeof(ttl), "%d", SYNC_PRESENCE_TTL);
    const char *set[] = {"SET", ps->presence_key, ps->presence_value ? ps->presence_value : "{}",
                         "EX", ttl};
    if (!sync_cmd_send(ps, on_set, 5, set, NULL)) {
        return;
    }
    if (!ps->scanning) {
        ps->scanning = true;
        scan_next(ps, "0");
    }
    sync_timer_set(ps, &ps->t_presence, SYNC_PRESENCE_EVERY_MS, announce);
}

void sync_presence_start(PanelSync *ps) {
    announce(ps->a, ps);
}

void sync_presence_leave(PanelSync *ps) {
    if (ps->link != LINK_UP || !ps->cmd.ac || !ps->presence_key) {
        return;
    }
    const char *del[] = {"DEL", ps->presence_key};
    if (redisAsyncCommandArgv(ps->cmd.ac, NULL, NULL, 2, del, NULL) == REDIS_OK) {
        int done = 0;
        /* the socket is non-blocking: this writes what it can, now */
        (void)redisBufferWrite(&ps->cmd.ac->c, &done);
    }
}

void sync_presence_stop(PanelSync *ps) {
    sync_timer_cancel(ps, &ps->t_presence);
    scan_reset(ps);
    others_set(ps, NULL, 0);
}

void sync_presence_free(PanelSync *ps) {
    scan_reset(ps);
    free(ps->scan_keys);
    sync_consoles_free(ps->others, ps->n_others);
    free(ps->presence_key);
    free(ps->presence_value);
    free(ps->scan_pattern);
}
