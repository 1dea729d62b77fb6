#pragma once
/* Journal sync through a Redis Stream (docs/sync.md).
 *
 * The stream holds every event once, in THE order; each console's journal is
 * its durable copy, holding every event once too (by uid).  A Sync joins the
 * two: it reads the journal into a SyncLog (core/sync_log.h), takes entries read
 * from the stream into the journal (ingest), and, through a SyncRound, catches
 * up, re-seeds a stream that was lost and pushes pending events.  A SyncRound is
 * a transport-free state machine: the CLI drives it over a blocking connection
 * (core/sync_conn.h), the panel over hiredis's async API in its loop.
 *
 * Core rules: no printing, -errno returns, reasons as strings for the caller. */
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/journal.h"
#include "core/macro.h"
#include "core/plan.h"
#include "core/redis_url.h"
#include "core/sync_log.h"
#include "core/sync_record.h"

/* Where a plan syncs to.  Owns its strings. */
typedef struct SyncTarget {
    char *key;       /* the stream: sync.key, or "opsdeck:<plan id>" */
    char *presence;  /* prefix of the presence keys: "<key>:console:" */
    char *url_shown; /* the URL for display, secrets redacted */
    RedisUrl url;
    char *password;      /* from password_env; NULL when none; never shown */
    char *password_from; /* the variable's name, or NULL */
} SyncTarget;

/* From the plan's `sync:`.  The password comes from sync.password_env, else
 * from the password_env of a `redis:` target with the same URL.  Returns 0,
 * -ENOENT (the plan has no sync), -EINVAL with *ret_why (a new sentence: the
 * URL, TLS this build lacks, an unset password variable), or -ENOMEM. */
int sync_target_init(const Plan *p, SyncTarget *ret, char **ret_why);
void sync_target_done(SyncTarget *t);

/* A journal and the stream-ordered log of its events.  Owns the log; borrows
 * the journal, which must outlive it. */
typedef struct Sync {
    SyncLog *log;
    Journal *journal;
    const char *actor; /* "by" of sync-ack records (borrowed) */
    bool writable;     /* false: what the stream brings is kept in memory only */
    size_t unread;     /* entries read since the cursor last moved in the journal */
} Sync;

int sync_new(Journal *j, const char *actor, Sync **ret);
Sync *sync_free(Sync *s);
DEFINE_FREEP(Sync, sync_free)

/* Read what the journal gained into the log. */
int sync_read_journal(Sync *s);

/* A set of uids (copies). */
typedef struct SyncUidSet SyncUidSet;
SyncUidSet *sync_uid_set_new(void);
SyncUidSet *sync_uid_set_free(SyncUidSet *set);
DEFINE_FREEP(SyncUidSet, sync_uid_set_free)
int sync_uid_set_add(SyncUidSet *set, const char *uid);
bool sync_uid_set_has(const SyncUidSet *set, const char *uid);

/* Records to append to the journal in one write: events of others (with their
 * stream_id), then possibly one sync-ack.  Owns everything it points to, so it
 * may be written on another thread. */
typedef struct SyncBatch {
    JournalEvent *evs;
    size_t n;
    cJSON **trees; /* what evs point into */
    size_t n_trees;
    char *actor;
    char ack_uid[33]; /* the sync-ack's own uid, made up front (any thread may write it) */
    bool read_cursor; /* the sync-ack records how far the stream was read */
} SyncBatch;

SyncBatch *sync_batch_free(SyncBatch *b);
DEFINE_FREEP(SyncBatch, sync_batch_free)

typedef struct SyncIngest {
    size_t entries; /* read */
    size_t added;   /* events of others for the journal */
    size_t acked;   /* our own events the stream showed */
    size_t bad;     /* entries that are not events (skipped) */
    StreamId last;  /* id of the last entry */
} SyncIngest;

/* What entries read from the stream (an XRANGE reply, or the entries of an
 * XREAD reply: [[id, [field, value, …]], …]) bring: events the log has not seen
 * (with their stream_id), and a sync-ack for our own events among them.  uids of
 * all entries go to seen when not NULL.  *ret is NULL when there is nothing to
 * write.  Returns 0, -EBADMSG (not an array of entries) or -ENOMEM. */
int sync_ingest_prepare(Sync *s, const redisReply *entries, SyncUidSet *seen, SyncIngest *st,
                        SyncBatch **ret);
/* A sync-ack for acks (and the read cursor, unless none). */
int sync_acks_prepare(Sync *s, const SyncAck *acks, size_t n, StreamId read, SyncBatch **ret);

/* How an append tells which events the journal has already, and shows what it
 * met in the journal on the way (records of others, then ours once durable). */
typedef struct SyncAppendHooks {
    bool (*known)(const char *uid, void *userdata);
    int (*seen)(const JournalEvent *ev, void *userdata);
    void *userdata;
} SyncAppendHooks;

/* Append b to j (blocking: one write, one fdatasync), leaving out the events
 * the journal has; when another process appends one of them meanwhile, the
 * append is done again without it.  On success b holds what was written, with
 * seq (and the sync-ack's uid, valid until j's next append).  Returns 0 or the
 * journal's -errno. */
int sync_batch_append(SyncBatch *b, Journal *j, const SyncAppendHooks *h);
/* Feed the records of a written batch (or, read-only, of any batch) to the log. */
int sync_batch_apply(Sync *s, const SyncBatch *b);
/* Write b the blocking way: to the journal with the log as hooks, or into the
 * log only when the journal is read-only.  Returns 0 or -errno. */
int sync_batch_commit(Sync *s, SyncBatch *b);

/* prepare + commit. */
int sync_ingest(Sync *s, const redisReply *entries, SyncUidSet *seen, SyncIngest *ret);
int sync_record_acks(Sync *s, const SyncAck *acks, size_t n, StreamId read);

/* ---- rounds ---- */

typedef struct SyncCmd {
    int argc;
    const char **argv;
    const size_t *argvlen;
} SyncCmd;

typedef struct SyncRoundStats {
    size_t read;   /* stream entries read */
    size_t added;  /* events of others for the journal */
    size_t pushed; /* events added to the stream */
    size_t acked;  /* pending events that got their stream id */
    bool reseeded; /* the stream had lost what this journal knew */
} SyncRoundStats;

typedef struct SyncRound SyncRound;

enum {
    SYNC_ROUND_PUSH = 1u << 0,     /* push pending events (a writable journal) */
    SYNC_ROUND_NO_PROBE = 1u << 1, /* skip the check for a lost stream (a live connection
                                    * that made it already) */
};

/* A round on stream key: check the stream still has the last id this journal
 * knows (else re-seed it from the journal), read it from the cursor to its end,
 * then, with SYNC_ROUND_PUSH, add the pending events.  Returns 0 or -ENOMEM.
 *
 * Driving it: send the pipeline sync_round_next() gives, feed each reply to
 * sync_round_reply(); whenever sync_round_batch() hands out a batch, write it
 * (sync_batch_commit, or on a writer thread then sync_batch_apply) and tell
 * sync_round_written(); until then the round waits. */
int sync_round_new(Sync *s, const char *key, unsigned flags, SyncRound **ret);
SyncRound *sync_round_free(SyncRound *r);
DEFINE_FREEP(SyncRound, sync_round_free)

/* The next pipeline to send, *ret pointing at n commands (valid until the next
 * call); 0 when the round is over, or waiting for a batch to be written. */
size_t sync_round_next(SyncRound *r, const SyncCmd **ret);
/* The reply to the next command of the pipeline, in order; NULL when the
 * connection failed.  Returns 0, or a negative errno when the round failed
 * (sync_round_error says why). */
int sync_round_reply(SyncRound *r, const redisReply *reply);
/* A batch to write before the round goes on (the caller owns it), or NULL. */
SyncBatch *sync_round_batch(SyncRound *r);
/* The batch was written (result 0, its records in the log) or not (-errno). */
void sync_round_written(SyncRound *r, int result);
bool sync_round_waiting(const SyncRound *r);
/* The round ended early (a lost connection): stop. */
void sync_round_abort(SyncRound *r, const char *why);
bool sync_round_done(const SyncRound *r);
const char *sync_round_error(const SyncRound *r);
const SyncRoundStats *sync_round_stats(const SyncRound *r);
/* The id of the last entry the stream was seen to have (none: empty). */
StreamId sync_round_top(const SyncRound *r);
