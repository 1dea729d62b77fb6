/* A sync round as a state machine over pipelines of Redis commands:
 *
 *   PROBE  XRANGE key LAST LAST   does the stream still have the last id we know?
 *                                 no: it was lost (a Redis restarted empty) → re-seed
 *   READ   XRANGE key (FROM + COUNT n, until a short batch; ingest each
 *   PUSH   XADD key * uid U ev JSON for every pending event (re-seed: every event
 *          the stream lacks, with its original id while ids still increase),
 *          then one sync-ack record for what got an id
 *
 * An explicit id the stream refuses (another console re-seeded past it) sends
 * the round back to READ to see who has what, a few times, then it uses '*'. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sync.h"

#define READ_COUNT 10000
#define PUSH_MAX 1000
#define EXPLICIT_TRIES 3

typedef enum Step { STEP_PROBE, STEP_READ, STEP_PUSH, STEP_DONE } Step;

/* One command's argument storage. */
typedef struct CmdBuf {
    const char *argv[8];
    size_t len[8];
    char id[STREAM_ID_MAX], end[STREAM_ID_MAX], count[24];
    char *payload; /* owned */
    SyncEvent *se; /* XADD: the event pushed */
    bool was_pending, explicit_id;
} CmdBuf;

struct SyncRound {
    Sync *s;
    char *key;
    bool push;
    Step step;
    bool reseed;
    bool star_only; /* explicit ids gave up */
    int tries;      /* READs forced by refused explicit ids */
    StreamId from;  /* read after this; none: from the start */
    StreamId top;   /* the last id the stream was seen to have */
    bool sent;      /* the pipeline of this step is out */
    size_t n_cmds, fed;
    CmdBuf *bufs; /* PUSH_MAX of them */
    SyncCmd *cmds;
    SyncAck *acks; /* from this pipeline's XADDs */
    size_t n_acks;
    bool refused;     /* an explicit id was refused in this pipeline */
    SyncUidSet *seen; /* re-seeding: every uid the stream has */
    SyncBatch *out;   /* to be written before going on; handed out */
    bool waiting;     /* for sync_round_written() */
    enum { CONT_READ_MORE, CONT_READ_DONE, CONT_PUSH } cont;
    SyncRoundStats st;
    char *error;
};

int sync_round_new(Sync *s, const char *key, unsigned flags, SyncRound **ret) {
    SyncRound *r = calloc(1, sizeof(*r));
    if (!r) {
        return -ENOMEM;
    }
    r->s = s;
    r->push = (flags & SYNC_ROUND_PUSH) && s->writable;
    r->key = strdup(key);
    r->bufs = calloc(PUSH_MAX, sizeof(*r->bufs));
    r->cmds = calloc(PUSH_MAX, sizeof(*r->cmds));
    r->acks = calloc(PUSH_MAX, sizeof(*r->acks));
    if (!r->key || !r->bufs || !r->cmds || !r->acks) {
        sync_round_free(r);
        return -ENOMEM;
    }
    StreamId last = sync_log_last_id(s->log);
    r->from = sync_log_cursor(s->log);
    r->step = stream_id_is_none(last) || (flags & SYNC_ROUND_NO_PROBE) ? STEP_READ : STEP_PROBE;
    *ret = r;
    return 0;
}

static void bufs_clear(SyncRound *r) {
    for (size_t i = 0; i < r->n_cmds; i++) {
        free(r->bufs[i].payload);
        r->bufs[i] = (CmdBuf){0};
    }
    r->n_cmds = r->fed = 0;
}

SyncRound *sync_round_free(SyncRound *r) {
    if (!r) {
        return NULL;
    }
    if (r->bufs) {
        bufs_clear(r);
    }
    free(r->bufs);
    free(r->cmds);
    free(r->acks);
    free(r->key);
    free(r->error);
    sync_uid_set_free(r->seen);
    sync_batch_free(r->out);
    free(r);
    return NULL;
}

static void fail(SyncRound *r, const char *what, const char *arg) {
    if (!r->error) {
        char buf[512];
        snprintf(buf, sizeof(buf), "%s%s", what, arg ? arg : "");
        r->error = strdup(buf);
    }
    r->step = STEP_DONE;
}

static void add_arg(CmdBuf *b, int *argc, const char *s, size_t len) {
    b->argv[*argc] = s;
    b->len[*argc] = len;
    (*argc)++;
}

static SyncCmd *next_cmd(SyncRound *r, CmdBuf **ret_buf) {
    size_t i = r->n_cmds++;
    *ret_buf = &r->bufs[i];
    r->cmds[i] = (SyncCmd){.argv = r->bufs[i].argv, .argvlen = r->bufs[i].len};
    return &r->cmds[i];
}

/* XRANGE key START END COUNT n; none as START is "-", as END "+". */
static void build_xrange(SyncRound *r, StreamId start, StreamId end, size_t count) {
    CmdBuf *b;
    SyncCmd *c = next_cmd(r, &b);
    if (stream_id_is_none(start)) {
        strcpy(b->id, "-");
    } else {
        stream_id_format(start, b->id);
    }
    if (stream_id_is_none(end)) {
        strcpy(b->end, "+");
    } else {
        stream_id_format(end, b->end);
    }
    snprintf(b->count, sizeof(b->count), "%zu", count);
    add_arg(b, &c->argc, "XRANGE", 6);
    add_arg(b, &c->argc, r->key, strlen(r->key));
    add_arg(b, &c->argc, b->id, strlen(b->id));
    add_arg(b, &c->argc, b->end, strlen(b->end));
    add_arg(b, &c->argc, "COUNT", 5);
    add_arg(b, &c->argc, b->count, strlen(b->count));
}

static bool build_xadd(SyncRound *r, SyncEvent *se, bool explicit_id) {
    CmdBuf *b;
    SyncCmd *c = next_cmd(r, &b);
    size_t len;
    int e = sync_payload_encode(&se->ev, &b->payload, &len);
    if (e < 0) {
        r->n_cmds--;
        return e != -ENOMEM; /* an event the codec refuses stays local; go on */
    }
    b->se = se;
    b->was_pending = stream_id_is_none(se->sid);
    b->explicit_id = explicit_id;
    if (explicit_id) {
        stream_id_format(se->sid, b->id);
    } else {
        strcpy(b->id, "*");
    }
    add_arg(b, &c->argc, "XADD", 4);
    add_arg(b, &c->argc, r->key, strlen(r->key));
    add_arg(b, &c->argc, b->id, strlen(b->id));
    add_arg(b, &c->argc, "uid", 3);
    add_arg(b, &c->argc, se->ev.uid, strlen(se->ev.uid));
    add_arg(b, &c->argc, "ev", 2);
    add_arg(b, &c->argc, b->payload, len);
    return true;
}

/* What to push next: pending events (re-seed: every event not in the stream;
 * first those that can keep their id, then the rest with new ids). */
static void build_push(SyncRound *r) {
    SyncLog *log = r->s->log;
    size_t n = sync_log_size(log);
    if (!r->reseed) {
        size_t first = n;
        while (first > 0 && stream_id_is_none(sync_log_get(log, first - 1)->sid)) {
            first--;
        }
        for (size_t i = first; i < n && r->n_cmds < PUSH_MAX; i++) {
            if (!build_xadd(r, sync_log_get(log, i), false)) {
                fail(r, "out of memory", NULL);
                return;
            }
        }
        return;
    }
    StreamId top = r->top;
    for (size_t i = 0; i < n && r->n_cmds < PUSH_MAX && !r->star_only; i++) {
        SyncEvent *se = sync_log_get(log, i);
        if (!sync_uid_set_has(r->seen, se->ev.uid) && !stream_id_is_none(se->sid) &&
            stream_id_cmp(se->sid, top) > 0) {
            if (!build_xadd(r, se, true)) {
                fail(r, "out of memory", NULL);
                return;
            }
            top = se->sid;
        }
    }
    if (r->n_cmds > 0) {
        return; /* the '*' ones after these have landed */
    }
    for (size_t i = 0; i < n && r->n_cmds < PUSH_MAX; i++) {
        SyncEvent *se = sync_log_get(log, i);
        if (!sync_uid_set_has(r->seen, se->ev.uid) && !build_xadd(r, se, false)) {
            fail(r, "out of memory", NULL);
            return;
        }
    }
}

size_t sync_round_next(SyncRound *r, const SyncCmd **ret) {
    *ret = r->cmds;
    if (r->sent || r->waiting) {
        return 0; /* replies or a write outstanding: nothing new yet */
    }
    bufs_clear(r);
    switch (r->step) {
    case STEP_PROBE: {
        StreamId last = sync_log_last_id(r->s->log);
        build_xrange(r, last, last, 1);
        break;
    }
    case STEP_READ:
        build_xrange(r, stream_id_is_none(r->from) ? r->from : stream_id_next(r->from),
                     STREAM_ID_NONE, READ_COUNT);
        break;
    case STEP_PUSH:
        build_push(r);
        if (r->n_cmds == 0 && r->step != STEP_DONE) {
            r->step = STEP_DONE;
        }
        break;
    case STEP_DONE:
        break;
    }
    if (r->step == STEP_DONE) {
        bufs_clear(r);
        return 0;
    }
    r->sent = r->n_cmds > 0;
    return r->n_cmds;
}

static bool anything_to_push(const SyncRound *r) {
    if (!r->push) {
        return false;
    }
    if (!r->reseed) {
        return sync_log_n_pending(r->s->log) > 0;
    }
    for (size_t i = 0; i < sync_log_size(r->s->log); i++) {
        if (!sync_uid_set_has(r->seen, sync_log_get(r->s->log, i)->ev.uid)) {
            return true;
        }
    }
    return false;
}

static void after_read(SyncRound *r) {
    r->step = anything_to_push(r) ? STEP_PUSH : STEP_DONE;
}

static int on_probe(SyncRound *r, const redisReply *reply) {
    if (reply->type == REDIS_REPLY_ERROR) {
        fail(r, "Redis refused XRANGE: ", reply->str);
        return -EIO;
    }
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 0) {
        /* the stream lost what we know: read it whole, then fill it in */
        r->reseed = true;
        r->st.reseeded = true;
        r->from = STREAM_ID_NONE;
        if (!r->seen && !(r->seen = sync_uid_set_new())) {
            fail(r, "out of memory", NULL);
            return -ENOMEM;
        }
    }
    r->step = STEP_READ;
    return 0;
}

static void hand_out(SyncRound *r, SyncBatch *b, int cont) {
    r->out = b;
    r->waiting = true;
    r->cont = cont;
}

static int on_read(SyncRound *r, const redisReply *reply) {
    if (reply->type == REDIS_REPLY_ERROR) {
        fail(r, "Redis refused XRANGE: ", reply->str);
        return -EIO;
    }
    SyncIngest in;
    SyncBatch *b = NULL;
    int e = sync_ingest_prepare(r->s, reply, r->reseed ? r->seen : NULL, &in, &b);
    if (e < 0) {
        fail(r, "cannot take in what the stream holds: ", strerror(-e));
        return e;
    }
    r->st.read += in.entries;
    r->st.added += in.added;
    if (in.entries > 0) {
        r->from = in.last;
        if (stream_id_cmp(in.last, r->top) > 0) {
            r->top = in.last;
        }
    }
    bool more = in.entries >= READ_COUNT;
    if (b) {
        hand_out(r, b, more ? CONT_READ_MORE : CONT_READ_DONE);
    } else if (more) {
        r->step = STEP_READ;
    } else {
        after_read(r);
    }
    return 0;
}

static int on_xadd(SyncRound *r, CmdBuf *b, const redisReply *reply) {
    StreamId id;
    if (reply->type == REDIS_REPLY_STRING && stream_id_parse(reply->str, reply->len, &id) == 0) {
        r->st.pushed++;
        if (r->seen && sync_uid_set_add(r->seen, b->se->ev.uid) < 0) {
            fail(r, "out of memory", NULL);
            return -ENOMEM;
        }
        if (stream_id_cmp(id, r->top) > 0) {
            r->top = id;
        }
        if (b->was_pending) {
            r->acks[r->n_acks] = (SyncAck){.id = id};
            memcpy(r->acks[r->n_acks++].uid, b->se->ev.uid, 33);
        }
        return 0;
    }
    if (reply->type == REDIS_REPLY_ERROR && b->explicit_id) {
        r->refused = true; /* someone got there first: find out who has what */
        return 0;
    }
    fail(r, "Redis refused XADD: ", reply->type == REDIS_REPLY_ERROR ? reply->str : "odd reply");
    return -EIO;
}

/* The acks of this pipeline, as a batch to write. */
static int prepare_acks(SyncRound *r, SyncBatch **ret) {
    *ret = NULL;
    if (r->n_acks == 0) {
        return 0;
    }
    int e = sync_acks_prepare(r->s, r->acks, r->n_acks, STREAM_ID_NONE, ret);
    if (e < 0) {
        fail(r, "out of memory", NULL);
        return e;
    }
    r->st.acked += r->n_acks;
    r->n_acks = 0;
    return 0;
}

/* Once the acks are written: read again after a refused id, push more, or stop. */
static void after_push(SyncRound *r) {
    if (r->refused) {
        r->refused = false;
        if (++r->tries > EXPLICIT_TRIES) {
            r->star_only = true;
        }
        r->step = STEP_READ;
        return;
    }
    r->step = anything_to_push(r) ? STEP_PUSH : STEP_DONE;
}

static int pipeline_pushed(SyncRound *r) {
    SyncBatch *b;
    int e = prepare_acks(r, &b);
    if (e < 0) {
        return e;
    }
    if (b) {
        hand_out(r, b, CONT_PUSH);
    } else {
        after_push(r);
    }
    return 0;
}

int sync_round_reply(SyncRound *r, const redisReply *reply) {
    if (r->step == STEP_DONE || r->fed >= r->n_cmds) {
        return r->error ? -EIO : 0;
    }
    size_t i = r->fed++;
    if (!reply) {
        sync_round_abort(r, "the connection to Redis was lost");
        return -EIO;
    }
    int e = 0;
    switch (r->step) {
    case STEP_PROBE:
        e = on_probe(r, reply);
        break;
    case STEP_READ:
        e = on_read(r, reply);
        break;
    case STEP_PUSH:
        e = on_xadd(r, &r->bufs[i], reply);
        if (r->fed == r->n_cmds && e == 0) {
            e = pipeline_pushed(r);
        }
        break;
    case STEP_DONE:
        break;
    }
    if (e < 0) {
        sync_round_abort(r, NULL);
    }
    if (r->fed == r->n_cmds) {
        r->sent = false;
    }
    return e;
}

void sync_round_abort(SyncRound *r, const char *why) {
    /* what XADD did answer is true: hand those acks out still */
    SyncBatch *b = NULL;
    if (!r->out && prepare_acks(r, &b) == 0 && b) {
        r->out = b;
    }
    if (why) {
        fail(r, why, NULL);
    }
    r->step = STEP_DONE;
    r->sent = false;
    r->waiting = false;
}

SyncBatch *sync_round_batch(SyncRound *r) {
    SyncBatch *b = r->out;
    r->out = NULL;
    return b;
}

bool sync_round_waiting(const SyncRound *r) {
    return r->waiting;
}

void sync_round_written(SyncRound *r, int result) {
    if (!r->waiting) {
        return;
    }
    r->waiting = false;
    if (result < 0) {
        fail(r, "cannot write the journal: ", strerror(-result));
        return;
    }
    switch (r->cont) {
    case CONT_READ_MORE:
        r->step = STEP_READ;
        break;
    case CONT_READ_DONE:
        after_read(r);
        break;
    case CONT_PUSH:
        after_push(r);
        break;
    }
}

bool sync_round_done(const SyncRound *r) {
    return r->step == STEP_DONE;
}

const char *sync_round_error(const SyncRound *r) {
    return r->error;
}

const SyncRoundStats *sync_round_stats(const SyncRound *r) {
    return &r->st;
}

StreamId sync_round_top(const SyncRound *r) {
    return r->top;
}
