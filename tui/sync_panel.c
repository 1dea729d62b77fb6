/* Journal sync in the panel: connections, rounds, following the stream, the fold. */
#include "tui/sync_panel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "tui/loop.h"
#include "tui/sync_panel_internal.h"

static void kick(App *a, void *userdata);
static void xread_issue(PanelSync *ps);

/* ---- timers ---- */

void sync_timer_set(PanelSync *ps, int *id, long long in_ms, LoopTimerFn fn) {
    loop_cancel_timer(ps->a, *id);
    *id = loop_add_timer(ps->a, time_mono_ms() + in_ms, fn, ps);
    if (*id < 0) {
        *id = 0;
    }
}

void sync_timer_cancel(PanelSync *ps, int *id) {
    loop_cancel_timer(ps->a, *id);
    *id = 0;
}

/* ---- the fold ---- */

static int reset_fold(void *userdata) {
    App *a = userdata;
    State *s = NULL;
    int r = state_new(a->plan, &s);
    EventLog *l = r >= 0 ? event_log_new(5000) : NULL;
    if (!l) {
        state_free(s);
        return -ENOMEM;
    }
    state_free(a->state);
    a->state = s;
    event_log_free(a->activity);
    a->activity = l;
    return 0;
}

static int fold_one(const JournalEvent *ev, void *userdata) {
    App *a = userdata;
    a->sync->folded++;
    return app_fold_event(a, ev);
}

bool sync_panel_settle(App *a) {
    PanelSync *ps = a->sync;
    if (!ps) {
        return false;
    }
    sync_timer_cancel(ps, &ps->t_settle);
    int r = sync_log_fold(ps->sync->log, reset_fold, fold_one, a);
    if (r < 0) {
        app_message(a, ROLE_FAIL, "Cannot fold the synced journal: %s.", strerror(-r));
    }
    return r == 1;
}

/* Settle, and show it when anything changed. */
static void settle_show(PanelSync *ps) {
    size_t before = ps->folded;
    if (sync_panel_settle(ps->a) || ps->folded != before) {
        ps->a->state_changed_at = time_now();
        app_refresh_views(ps->a);
    }
    ps->a->dirty = true; /* the badge may have changed */
}

static void settle_timer(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_settle = 0;
    settle_show(ps);
}

int sync_panel_take(App *a, const JournalEvent *ev) {
    PanelSync *ps = a->sync;
    int r = sync_log_add(ps->sync->log, ev);
    if (r < 0) {
        return r;
    }
    if (r == 1 && ps->sync->writable) {
        const SyncEvent *se = sync_log_find(ps->sync->log, ev->uid);
        if (se && stream_id_is_none(se->sid)) {
            ps->want_round = true; /* a pending event: push it soon */
            if (!ps->t_kick && ps->link == LINK_UP) {
                sync_timer_set(ps, &ps->t_kick, 0, kick);
            }
        }
    }
    if (sync_log_needs_refold(ps->sync->log)) {
        /* once, before the next redraw, however many records come in this batch */
        if (!ps->t_settle) {
            sync_timer_set(ps, &ps->t_settle, 0, settle_timer);
        }
        return 0;
    }
    r = sync_log_fold(ps->sync->log, NULL, fold_one, a);
    return r < 0 ? r : 0;
}

/* ---- writing what sync brings ---- */

static void round_pump(PanelSync *ps);

static void round_resume(PanelSync *ps, unsigned gen, int result) {
    if (!ps->round || ps->round_gen != gen || !sync_round_waiting(ps->round)) {
        return;
    }
    sync_round_written(ps->round, result);
    if (ps->round_left == 0) {
        round_pump(ps);
    }
}

static void on_written(App *a, SyncBatch *b, int result, void *userdata) {
    PanelSync *ps = a->sync;
    if (result >= 0) {
        result = sync_batch_apply(ps->sync, b);
    } else {
        app_message(a, ROLE_FAIL,
                    "Sync: cannot write what other consoles did to the journal (%s); it stays "
                    "in the stream and is taken in again on the next start.",
                    strerror(-result));
    }
    settle_show(ps);
    if (userdata) {
        round_resume(ps, (unsigned)(uintptr_t)userdata, result);
    }
}

/* Write b (taken over); for_round: the round waits for it. */
static void write_batch(PanelSync *ps, SyncBatch *b, bool for_round) {
    void *ud = for_round ? (void *)(uintptr_t)ps->round_gen : NULL;
    if (!ps->writer) {
        int r = sync_batch_apply(ps->sync, b); /* read-only: memory only */
        sync_batch_free(b);
        settle_show(ps);
        if (for_round) {
            round_resume(ps, ps->round_gen, r);
        }
        return;
    }
    if (sync_writer_submit(ps->writer, b, on_written, ud) < 0 && for_round) {
        round_resume(ps, ps->round_gen, -ENOMEM);
    }
}

/* ---- the command connection ---- */

static void cmd_timeout(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_cmd = 0;
    char why[64];
    snprintf(why, sizeof(why), "no answer within %d s", SYNC_CMD_TIMEOUT_MS / 1000);
    sync_link_down(ps, why);
}

bool sync_cmd_send(PanelSync *ps, redisCallbackFn *fn, int argc, const char **argv,
                   const size_t *lens) {
    if (ps->link == LINK_DOWN || !ps->cmd.ac) {
        return false;
    }
    if (redisAsyncCommandArgv(ps->cmd.ac, fn, ps, argc, argv, lens) != REDIS_OK) {
        sync_link_down(ps, "cannot send a command to Redis");
        return false;
    }
    if (ps->cmd_outstanding++ == 0) {
        sync_timer_set(ps, &ps->t_cmd, SYNC_CMD_TIMEOUT_MS, cmd_timeout);
    }
    return true;
}

bool sync_cmd_reply(PanelSync *ps, const redisAsyncContext *ac, const void *reply) {
    if (ps->tearing || ps->link == LINK_DOWN || ac != ps->cmd.ac) {
        return false;
    }
    if (ps->cmd_outstanding > 0 && --ps->cmd_outstanding > 0) {
        sync_timer_set(ps, &ps->t_cmd, SYNC_CMD_TIMEOUT_MS, cmd_timeout);
    } else {
        sync_timer_cancel(ps, &ps->t_cmd);
    }
    if (!reply) {
        sync_link_down(ps, ps->cmd.ac && ps->cmd.ac->errstr ? ps->cmd.ac->errstr
                                                            : "the connection was lost");
        return false;
    }
    return true;
}

/* ---- rounds ---- */

void sync_unlock(PanelSync *ps) {
    if (ps->locked) {
        (void)flock(ps->lock_fd, LOCK_UN);
        ps->locked = false;
    }
}

/* The push lock of the journal, without waiting: 0, -EWOULDBLOCK, -errno. */
static int try_lock(PanelSync *ps) {
    if (ps->lock_fd < 0) {
        char path[4096];
        snprintf(path, sizeof(path), "%s.sync-lock", ps->a->journal_path);
        ps->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (ps->lock_fd < 0) {
            return -errno;
        }
    }
    if (flock(ps->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        return -errno;
    }
    ps->locked = true;
    return 0;
}

static void round_finish(PanelSync *ps) {
    SyncRound *r = ps->round;
    const char *err = sync_round_error(r);
    if (err && ps->link == LINK_UP) {
        app_message(ps->a, ROLE_WARN, "Sync: %s. Trying again with the next change.", err);
    }
    const SyncRoundStats *st = sync_round_stats(r);
    if (st->reseeded && !err) {
        app_message(ps->a, ROLE_WARN,
                    "Sync: the stream had lost events (Redis restarted empty?); re-seeded it "
                    "from this journal (%zu pushed).",
                    st->pushed);
    }
    StreamId top = sync_round_top(r);
    if (stream_id_cmp(top, ps->xread_from) > 0) {
        ps->xread_from = top;
    }
    bool pushed = st->pushed > 0;
    ps->round = sync_round_free(r);
    sync_unlock(ps);
    if (!ps->first_done && ps->link == LINK_UP) {
        ps->first_done = true;
        xread_issue(ps);
    }
    settle_show(ps);
    if (ps->want_round || (pushed && sync_log_n_pending(ps->sync->log) > 0 && !err)) {
        sync_timer_set(ps, &ps->t_kick, 0, kick);
    }
}

static void on_round_reply(redisAsyncContext *ac, void *reply, void *privdata) {
    PanelSync *ps = privdata;
    if (!sync_cmd_reply(ps, ac, reply) || !ps->round) {
        return;
    }
    ps->round_left--;
    (void)sync_round_reply(ps->round, reply);
    SyncBatch *b = sync_round_batch(ps->round);
    if (b) {
        write_batch(ps, b, true);
    }
    if (ps->round && ps->round_left == 0 && !sync_round_waiting(ps->round)) {
        round_pump(ps);
    }
}

static void round_pump(PanelSync *ps) {
    const SyncCmd *cmds;
    size_t n = sync_round_next(ps->round, &cmds);
    if (n == 0) {
        if (!sync_round_waiting(ps->round)) {
            round_finish(ps);
        }
        return;
    }
    ps->round_left = n;
    for (size_t i = 0; i < n; i++) {
        if (!sync_cmd_send(ps, on_round_reply, cmds[i].argc, cmds[i].argv, cmds[i].argvlen)) {
            return; /* down: the round was aborted there */
        }
    }
}

static void kick(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_kick = 0;
    if (ps->link != LINK_UP || ps->round) {
        return; /* want_round stays: the round in flight or the next connect does it */
    }
    bool push = ps->sync->writable;
    if (push) {
        int r = try_lock(ps);
        if (r == -EWOULDBLOCK) {
            /* another opsdeck on this journal is pushing: it will ack; look again */
            ps->want_round = true;
            sync_timer_set(ps, &ps->t_kick, 100, kick);
            return;
        }
        if (r < 0) {
            app_message(a, ROLE_WARN, "Sync: cannot lock '%s.sync-lock' (%s); not pushing.",
                        a->journal_path, strerror(-r));
            push = false;
        }
    }
    ps->want_round = false;
    /* acks other processes on this journal wrote meanwhile */
    (void)app_sync_journal(a);
    /* the first round after connecting checks the stream was not lost */
    unsigned flags = (push ? SYNC_ROUND_PUSH : 0) | (ps->first_done ? SYNC_ROUND_NO_PROBE : 0);
    if (sync_round_new(ps->sync, ps->target.key, flags, &ps->round) < 0) {
        sync_unlock(ps);
        return;
    }
    ps->round_gen++;
    round_pump(ps);
}

/* ---- following the stream ---- */

static void rd_timeout(App *a, void *userdata) {
    PanelSync *ps = userdata;
    ps->t_rd = 0;
    sync_link_down(ps, "the stream reader got no answer");
}

static const redisReply *xread_entries(const redisReply *reply) {
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1) {
        return NULL;
    }
    const redisReply *stream = reply->element[0];
    if (stream->type != REDIS_REPLY_ARRAY || stream->elements != 2) {
        return NULL;
    }
    return stream->element[1];
}

static void on_xread(redisAsyncContext *ac, void *reply_, void *privdata) {
    PanelSync *ps = privdata;
    const redisReply *reply = reply_;
    if (ps->tearing || ps->link == LINK_DOWN || ac != ps->rd.ac) {
        return;
    }
    sync_timer_cancel(ps, &ps->t_rd);
    ps->xread_out = false;
    if (!reply) {
        sync_link_down(ps, "the connection was lost");
        return;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        char why[256];
        snprintf(why, sizeof(why), "Redis refused XREAD: %s", reply->str);
        sync_link_down(ps, why);
        return;
    }
    const redisReply *entries = reply->type == REDIS_REPLY_NIL ? NULL : xread_entries(reply);
    if (entries) {
        SyncIngest st;
        SyncBatch *b = NULL;
        int r = sync_ingest_prepare(ps->sync, entries, NULL, &st, &b);
        if (r >= 0 && st.entries > 0 && stream_id_cmp(st.last, ps->xread_from) > 0) {
            ps->xread_from = st.last;
        }
        if (b) {
            write_batch(ps, b, false);
        }
    }
    xread_issue(ps);
}

static void xread_issue(PanelSync *ps) {
    if (ps->xread_out || ps->link != LINK_UP || !ps->rd.ac) {
        return;
    }
    char from[STREAM_ID_MAX], block[16];
    if (stream_id_is_none(ps->xread_from)) {
        strcpy(from, "0-0");
    } else {
        stream_id_format(ps->xread_from, from);
    }
    snprintf(block, sizeof(block), "%d", SYNC_BLOCK_MS);
    const char *argv[] = {"XREAD", "BLOCK",   block,          "COUNT",
                          "1000",  "STREAMS", ps->target.key, from};
    if (redisAsyncCommandArgv(ps->rd.ac, on_xread, ps, 8, argv, NULL) != REDIS_OK) {
        sync_link_down(ps, "cannot send XREAD");
        return;
    }
    ps->xread_out = true;
    sync_timer_set(ps, &ps->t_rd, SYNC_BLOCK_MS + SYNC_CMD_TIMEOUT_MS, rd_timeout);
}

void sync_kick_soon(PanelSync *ps, long long in_ms) {
    sync_timer_set(ps, &ps->t_kick, in_ms, kick);
}

void sync_round_stop(PanelSync *ps) {
    if (ps->round) {
        sync_round_abort(ps->round, ps->why);
        SyncBatch *b = sync_round_batch(ps->round); /* acks XADD did answer */
        if (b) {
            write_batch(ps, b, false);
        }
        ps->round = sync_round_free(ps->round);
        ps->want_round = true;
    }
    sync_unlock(ps);
    ps->xread_out = false;
    ps->first_done = false;
    ps->cmd_outstanding = ps->round_left = 0;
    sync_timer_cancel(ps, &ps->t_cmd);
    sync_timer_cancel(ps, &ps->t_rd);
    sync_timer_cancel(ps, &ps->t_kick);
}
