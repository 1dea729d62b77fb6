/* Catching up from the stream before answering; pushing what is pending. */
#include "cli/sync_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/out.h"
#include "core/sync_conn.h"

/* Pushing is one process at a time per journal: PATH.sync-lock, flock'd.  A
 * panel holds it for one round at most (its commands time out). */
static int lock_push(SessionSync *ss, const char *journal_path) {
    if (ss->lock_fd < 0) {
        _cleanup_(freep) char *path = NULL;
        if (asprintf(&path, "%s.sync-lock", journal_path) < 0) {
            return -ENOMEM;
        }
        ss->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (ss->lock_fd < 0) {
            return -errno;
        }
    }
    while (flock(ss->lock_fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

static void unlock_push(SessionSync *ss) {
    if (ss->lock_fd >= 0) {
        (void)flock(ss->lock_fd, LOCK_UN);
    }
}

static void set_reason(char **slot, const char *why) {
    free(*slot);
    *slot = strdup(why ? why : "unknown reason");
}

/* One round over the open connection: under the push lock when pushing (after
 * reading what other processes appended meanwhile). */
static void run_round(Session *s, SessionSync *ss) {
    if (!ss->conn) {
        return;
    }
    bool push = ss->sync->writable;
    int r = push ? lock_push(ss, s->journal_path) : 0;
    if (r < 0) {
        char buf[256];
        snprintf(buf, sizeof(buf), "cannot lock '%s.sync-lock': %s", s->journal_path, strerror(-r));
        set_reason(&ss->failed, buf);
        push = false;
    }
    r = sync_read_journal(ss->sync);
    _cleanup_(sync_round_freep) SyncRound *round = NULL;
    if (r >= 0) {
        /* the connection probed for a lost stream in its first round already */
        unsigned flags = (push ? SYNC_ROUND_PUSH : 0) | (ss->rounds ? SYNC_ROUND_NO_PROBE : 0);
        r = sync_round_new(ss->sync, ss->target.key, flags, &round);
        ss->rounds++;
    }
    if (r < 0) {
        set_reason(&ss->failed, strerror(-r));
    } else {
        _cleanup_(freep) char *why = NULL;
        if (sync_conn_run(ss->conn, ss->sync, round, &why) < 0) {
            set_reason(&ss->failed, why);
            if (ss->conn->err != 0) {
                /* the connection itself broke: Redis is down from here on */
                set_reason(&ss->down, why);
                redisFree(ss->conn);
                ss->conn = NULL;
            }
        } else {
            free(ss->failed);
            ss->failed = NULL;
        }
        const SyncRoundStats *st = sync_round_stats(round);
        ss->total.read += st->read;
        ss->total.added += st->added;
        ss->total.pushed += st->pushed;
        ss->total.acked += st->acked;
        ss->total.reseeded |= st->reseeded;
    }
    if (push) {
        unlock_push(ss);
    }
}

static int reset_state(void *userdata) {
    Session *s = userdata;
    State *fresh = NULL;
    int r = state_new(s->plan, &fresh);
    if (r < 0) {
        return r;
    }
    state_free(s->state);
    s->state = fresh;
    return 0;
}

static int fold_one(const JournalEvent *ev, void *userdata) {
    Session *s = userdata;
    return state_apply(s->state, ev);
}

static int fold(Session *s) {
    int r = sync_log_fold(s->sync->sync->log, reset_state, fold_one, s);
    return r < 0 ? r : 0;
}

int session_sync_open(Session *s, const Options *o, unsigned flags) {
    SessionSync *ss = calloc(1, sizeof(*ss));
    if (!ss) {
        return -ENOMEM;
    }
    ss->lock_fd = -1;
    s->sync = ss;
    int r = sync_new(s->journal, cli_actor(o), &ss->sync);
    if (r < 0) {
        return r;
    }
    r = sync_read_journal(ss->sync);
    session_print_warnings(s);
    if (r < 0) {
        return r;
    }
    _cleanup_(freep) char *why = NULL;
    r = sync_target_init(s->plan, &ss->target, &why);
    if (r == -ENOMEM) {
        return r;
    }
    ss->have_target = r == 0;
    if (r < 0) {
        set_reason(&ss->down, why);
    } else if (sync_conn_open(&ss->target, SYNC_CLI_TIMEOUT_MS, &ss->conn, &why) < 0) {
        set_reason(&ss->down, why);
    } else {
        run_round(s, ss);
    }
    session_print_warnings(s);
    if (flags & SESSION_NO_READ) {
        return 0; /* the caller reads (session_read) and folds itself */
    }
    return fold(s);
}

int session_fold_cb(const JournalEvent *ev, void *userdata) {
    Session *s = userdata;
    if (s->sync) {
        return sync_log_add_cb(ev, s->sync->sync->log);
    }
    return state_apply(s->state, ev);
}

void session_sync_push(Session *s) {
    if (!s->sync) {
        return;
    }
    run_round(s, s->sync);
    session_print_warnings(s);
    (void)fold(s);
}

int session_read(const Session *s, JournalEventFn fn, void *userdata) {
    if (s->sync) {
        return sync_log_foreach(s->sync->sync->log, fn, userdata);
    }
    return journal_read(s->journal, fn, userdata);
}

/* Records this process appended without telling the log (journal_append with
 * another fn): read the journal again through a fresh handle; the log keeps each
 * record once. */
static void reread_missed(Session *s, SessionSync *ss) {
    if (journal_last_seq(s->journal) <= sync_log_max_seq(ss->sync->log)) {
        return;
    }
    Journal *fresh = NULL;
    if (journal_open(s->journal_path, JOURNAL_READONLY, &fresh) >= 0) {
        (void)journal_read(fresh, sync_log_add_cb, ss->sync->log);
        journal_free(fresh);
    }
}

void session_sync_close(Session *s) {
    SessionSync *ss = s->sync;
    if (!ss) {
        return;
    }
    /* events this process appended by other paths (an action run) go out too */
    if (ss->conn && ss->sync->writable && sync_read_journal(ss->sync) >= 0) {
        reread_missed(s, ss);
        if (sync_log_n_pending(ss->sync->log) > 0) {
            run_round(s, ss);
        }
    }
    size_t pending = sync_log_n_pending(ss->sync->log);
    if (ss->down) {
        fputs("opsdeck: sync: redis unreachable (", stderr);
        out_text(stderr, ss->down);
        fprintf(stderr, "); %zu pending%s\n", pending,
                pending ? ", kept in the journal until Redis is back" : "");
    } else if (ss->failed) {
        fputs("opsdeck: sync: ", stderr);
        out_text(stderr, ss->failed);
        fprintf(stderr, "; %zu pending\n", pending);
    } else if (ss->total.reseeded) {
        fprintf(stderr,
                "opsdeck: sync: the stream had lost events (Redis restarted empty?); re-seeded "
                "it from this journal (%zu pushed)\n",
                ss->total.pushed);
    }
    if (ss->conn) {
        redisFree(ss->conn);
    }
    if (ss->lock_fd >= 0) {
        close(ss->lock_fd);
    }
    free(ss->down);
    free(ss->failed);
    sync_free(ss->sync);
    if (ss->have_target) {
        sync_target_done(&ss->target);
    }
    free(ss);
    s->sync = NULL;
}
