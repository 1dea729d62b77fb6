#pragma once
/* The events of a synced journal in THE order: the Redis Stream's.  Each event
 * is kept once (by uid); events the stream has are ordered by their stream id,
 * pending ones (not pushed yet) after them in the order they arrived.  Fed with
 * every journal record (events, events of other consoles with their stream_id,
 * sync-acks), it tells a fold what to apply next, or that the order changed
 * below what was folded and the fold must start again.  No I/O. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/journal.h"
#include "core/macro.h"
#include "core/sync_record.h"

/* One event.  ev's strings live in this allocation; ev.extra is owned (without
 * stream_id) and NULL when the record had nothing beyond the known fields. */
typedef struct SyncEvent {
    JournalEvent ev;
    StreamId sid;     /* where the stream has it; STREAM_ID_NONE: pending */
    uint64_t arrival; /* order of arrival: orders pending events */
    bool remote;      /* its record came from the stream (carries stream_id) */
} SyncEvent;

typedef struct SyncLog SyncLog;

SyncLog *sync_log_new(void);
SyncLog *sync_log_free(SyncLog *l);
DEFINE_FREEP(SyncLog, sync_log_free)

/* Take one journal record.  An event seen before (same uid) is not added again;
 * a stream id it carries counts as an ack.  Returns 1 when a new event was
 * added, 0 when not, -ENOMEM. */
int sync_log_add(SyncLog *l, const JournalEvent *ev);
/* JournalEventFn adapter: userdata is the SyncLog. */
int sync_log_add_cb(const JournalEvent *ev, void *userdata);

/* The stream has uid at id.  The smallest id wins (a duplicate entry in the
 * stream comes later than the first).  An ack for an event not seen yet is kept
 * for it.  Returns 1 when it changed where the event is, 0 when not, -ENOMEM. */
int sync_log_learn(SyncLog *l, const char *uid, StreamId id);
/* The journal has read the stream up to id (a sync-ack's "read"). */
void sync_log_read_to(SyncLog *l, StreamId id);

SyncEvent *sync_log_find(const SyncLog *l, const char *uid);
size_t sync_log_size(const SyncLog *l);
/* The i-th event in order; NULL when out of range. */
SyncEvent *sync_log_get(const SyncLog *l, size_t i);
size_t sync_log_n_pending(const SyncLog *l);
/* Where reading the stream goes on from: the largest id of an event read from
 * the stream (or a sync-ack's "read"), STREAM_ID_NONE when nothing was read. */
StreamId sync_log_cursor(const SyncLog *l);
/* The largest stream id known, read or acked. */
StreamId sync_log_last_id(const SyncLog *l);
/* The largest journal seq of a record the log was given. */
uint64_t sync_log_max_seq(const SyncLog *l);

/* Bring a fold up to date: fn for each event not folded yet, in order.  When the
 * order changed below what was folded, reset(userdata) runs first (the caller
 * throws its fold away) and every event is folded again.  Returns 1 when it
 * reset, 0 when not, or the negative return of reset or fn (events up to the
 * failing one count as folded). */
int sync_log_fold(SyncLog *l, int (*reset)(void *userdata), JournalEventFn fn, void *userdata);
/* Whether sync_log_fold would reset. */
bool sync_log_needs_refold(const SyncLog *l);

/* Every event in order, each with "stream_id" in its extra (a string, or null
 * for a pending event): for history and reports.  Stops at a negative return of
 * fn and returns it; -ENOMEM. */
int sync_log_foreach(const SyncLog *l, JournalEventFn fn, void *userdata);
