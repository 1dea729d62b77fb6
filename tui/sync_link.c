/* Journal sync in the panel: connecting, going down and coming back with
 * backoff, the life of a->sync, and what the header shows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/loop.h"
#include "tui/sync_panel_internal.h"

/* ---- connecting, going down, coming back ---- */

static void connect_all(PanelSync *ps);

static void reconnect(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_reconnect = 0;
    if (ps->link == LINK_DOWN || ps->link == LINK_OFF) {
        connect_all(ps);
    }
}

/* Outside any hiredis callback: free the contexts (their callbacks see tearing). */
static void teardown(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_teardown = 0;
    ps->tearing = true;
    redis_loop_close(&ps->cmd);
    redis_loop_close(&ps->rd);
    ps->tearing = false;
}

void sync_link_down(PanelSync *ps, const char *why) {
    if (ps->link == LINK_DOWN) {
        return;
    }
    bool was_up = ps->link == LINK_UP;
    ps->link = LINK_DOWN;
    sync_resolve_forget(ps); /* a name is looked up again on the next attempt */
    free(ps->why);
    ps->why = strdup(why && *why ? why : "connection failed");
    sync_round_stop(ps);
    sync_presence_stop(ps);
    sync_timer_set(ps, &ps->t_teardown, 0, teardown);
    ps->backoff_ms =
        ps->backoff_ms ? MIN(ps->backoff_ms * 2, SYNC_BACKOFF_MAX_MS) : SYNC_BACKOFF_MIN_MS;
    sync_timer_set(ps, &ps->t_reconnect, ps->backoff_ms, reconnect);
    size_t pending = sync_log_n_pending(ps->sync->log);
    if (was_up || ps->backoff_ms == SYNC_BACKOFF_MIN_MS) {
        app_message(ps->a, ROLE_WARN,
                    "Sync: cannot reach Redis %s: %s. Retrying in %.1f s; %zu event%s pending "
                    "in the journal.",
                    ps->target.url_shown, ps->why, ps->backoff_ms / 1000.0, pending,
                    pending == 1 ? "" : "s");
    }
    ps->a->dirty = true;
}

static void on_setup(redisAsyncContext *ac, void *reply_, void *privdata) {
    PanelSync *ps = privdata;
    const redisReply *reply = reply_;
    bool on_cmd = ac == ps->cmd.ac;
    if (on_cmd ? !sync_cmd_reply(ps, ac, reply) : (ps->tearing || ps->link == LINK_DOWN)) {
        return;
    }
    if (!reply) {
        sync_link_down(ps, ac->errstr[0] ? ac->errstr : "the connection was lost");
    } else if (reply->type == REDIS_REPLY_ERROR) {
        char why[256];
        snprintf(why, sizeof(why), "Redis refused the login: %s", reply->str);
        sync_link_down(ps, why);
    }
}

static void on_ping(redisAsyncContext *ac, void *reply_, void *privdata) {
    PanelSync *ps = privdata;
    const redisReply *reply = reply_;
    if (!sync_cmd_reply(ps, ac, reply) || reply->type == REDIS_REPLY_ERROR ||
        ps->link != LINK_CONNECTING) {
        return;
    }
    ps->link = LINK_UP;
    ps->backoff_ms = 0;
    free(ps->why);
    ps->why = NULL;
    ps->a->dirty = true;
    sync_presence_start(ps);
    sync_kick_soon(ps, 0); /* the first round: catch up, re-seed, push */
}

static void on_connect(const redisAsyncContext *ac, int status) {
    PanelSync *ps = ac->data;
    if (status != REDIS_OK && ps && !ps->tearing) {
        sync_link_down(ps, ac->errstr[0] ? ac->errstr : "cannot connect");
    }
}

static void on_disconnect(const redisAsyncContext *ac, int status) {
    PanelSync *ps = ac->data;
    if (ps && !ps->tearing) {
        sync_link_down(ps, ac->errstr[0] ? ac->errstr : "the server closed the connection");
    }
}

/* Open one connection and queue its login (AUTH, SELECT). */
static bool open_one(PanelSync *ps, RedisLoop *slot) {
    const RedisUrl *u = &ps->target.url;
    /* a host name was resolved first (sync_resolve.c): hiredis would block on DNS */
    redisAsyncContext *ac = u->socket
                                ? redisAsyncConnectUnix(u->socket)
                                : redisAsyncConnect(ps->addr ? ps->addr : u->host, (int)u->port);
    if (!ac || ac->err) {
        char why[256];
        snprintf(why, sizeof(why), "%s", ac ? ac->errstr : "out of memory");
        if (ac) {
            redisAsyncFree(ac);
        }
        sync_link_down(ps, why);
        return false;
    }
    ac->data = ps;
    redis_loop_attach(slot, ps->a, ac);
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    bool on_cmd = slot == &ps->cmd;
    if (ps->target.password) {
        const char *auth[] = {"AUTH", u->user ? u->user : ps->target.password, ps->target.password};
        int n = u->user ? 3 : 2;
        if (on_cmd ? !sync_cmd_send(ps, on_setup, n, auth, NULL)
                   : redisAsyncCommandArgv(ac, on_setup, ps, n, auth, NULL) != REDIS_OK) {
            return false;
        }
    }
    if (u->db) {
        char db[16];
        snprintf(db, sizeof(db), "%u", u->db);
        const char *sel[] = {"SELECT", db};
        if (on_cmd ? !sync_cmd_send(ps, on_setup, 2, sel, NULL)
                   : redisAsyncCommandArgv(ac, on_setup, ps, 2, sel, NULL) != REDIS_OK) {
            return false;
        }
    }
    return true;
}

static void connect_all(PanelSync *ps) {
    if (!ps->have_target || ps->cmd.ac || ps->rd.ac) {
        return;
    }
    ps->link = LINK_CONNECTING;
    ps->a->dirty = true;
    if (sync_resolve_needed(ps)) {
        int r = sync_resolve_start(ps);
        if (r < 0) {
            sync_link_down(ps, strerror(-r));
        }
        return;
    }
    if (!open_one(ps, &ps->cmd) || !open_one(ps, &ps->rd)) {
        return;
    }
    const char *ping[] = {"PING"};
    (void)sync_cmd_send(ps, on_ping, 1, ping, NULL);
}

void sync_link_resolved(PanelSync *ps) {
    connect_all(ps);
}

/* ---- life ---- */

int sync_panel_new(App *a) {
    if (!a->plan->sync_redis) {
        return 0;
    }
    PanelSync *ps = calloc(1, sizeof(*ps));
    if (!ps) {
        return -ENOMEM;
    }
    *ps = (PanelSync){.a = a, .lock_fd = -1, .resolve_fd = -1, .cmd = {.fd = -1}, .rd = {.fd = -1}};
    a->sync = ps;
    int r = sync_new(a->journal, a->actor, &ps->sync);
    if (r < 0) {
        return r;
    }
    r = sync_target_init(a->plan, &ps->target, &ps->config_why);
    if (r == -ENOMEM) {
        return r;
    }
    ps->have_target = r == 0;
    return ps->have_target ? sync_presence_init(ps) : 0;
}

void sync_panel_start(App *a) {
    PanelSync *ps = a->sync;
    if (!ps) {
        return;
    }
    if (!ps->have_target) {
        app_message(a, ROLE_FAIL, "Sync is off: %s. This panel works from its own journal.",
                    ps->config_why ? ps->config_why : "out of memory");
        return;
    }
    ps->sync->writable = !app_is_readonly(a) && !journal_is_readonly(a->journal);
    if (ps->sync->writable) {
        int r = sync_writer_new(a, a->journal_path, &ps->writer);
        if (r < 0) {
            ps->sync->writable = false;
            app_message(a, ROLE_WARN,
                        "Sync: cannot open a second handle on the journal (%s); what other "
                        "consoles do is shown but not recorded here.",
                        strerror(-r));
        }
    }
    connect_all(ps);
}

PanelSync *sync_panel_free(PanelSync *ps) {
    if (!ps) {
        return NULL;
    }
    sync_presence_leave(ps);
    ps->tearing = true;
    ps->round = sync_round_free(ps->round);
    redis_loop_close(&ps->cmd);
    redis_loop_close(&ps->rd);
    sync_resolve_forget(ps);
    ps->writer = sync_writer_free(ps->writer);
    sync_unlock(ps);
    if (ps->lock_fd >= 0) {
        close(ps->lock_fd);
    }
    sync_presence_free(ps);
    sync_free(ps->sync);
    if (ps->have_target) {
        sync_target_done(&ps->target);
    }
    free(ps->config_why);
    free(ps->why);
    free(ps);
    return NULL;
}

/* ---- what the header shows ---- */

size_t sync_panel_consoles(const App *a) {
    const PanelSync *ps = a->sync;
    return ps && ps->link == LINK_UP ? ps->n_others + 1 : 0;
}

size_t sync_panel_badges(App *a, HeaderBadge *out, size_t max) {
    PanelSync *ps = a->sync;
    if (!ps || max == 0) {
        return 0;
    }
    size_t pending = sync_log_n_pending(ps->sync->log), n = 0;
    Role role = ROLE_OK;
    if (!ps->have_target) {
        snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync off");
        role = ROLE_FAIL;
    } else if (ps->link == LINK_DOWN) {
        if (pending) {
            snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync down: %zu pending", pending);
        } else {
            snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync down");
        }
        role = ROLE_FAIL;
    } else if (ps->link != LINK_UP) {
        snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync …");
        role = ROLE_WARN;
    } else if (pending) {
        snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync: %zu pending", pending);
        role = ROLE_WARN;
    } else {
        snprintf(ps->badge[0], sizeof(ps->badge[0]), "sync ok");
    }
    out[n++] = (HeaderBadge){ps->badge[0], role};
    if (ps->link == LINK_UP && ps->n_others > 0 && n < max) {
        /* who else: "+2 carol, bob" as far as it fits */
        char *p = ps->badge[1], *end = p + sizeof(ps->badge[1]);
        p += snprintf(p, (size_t)(end - p), "+%zu", ps->n_others);
        for (size_t i = 0; i < ps->n_others && end - p > 24; i++) {
            p += snprintf(p, (size_t)(end - p), "%s%.20s", i ? ", " : " ", ps->others[i].name);
        }
        out[n++] = (HeaderBadge){ps->badge[1], ROLE_ACTIVE};
    }
    return n;
}
