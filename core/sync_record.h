#pragma once
/* The records of journal sync (docs/sync.md): Redis Stream ids, the payload of a
 * stream entry (an event record without "crc" and "seq") and the two kinds of
 * journal records sync adds:
 *
 *   an event of another console, as read from the stream, with the id the
 *   stream gave it:  {…,"type":"tick","item":"p1.a","note":null,"stream_id":"1764…-0"}
 *
 *   a sync-ack: the stream ids of our own events, once XADD answered (or the
 *   stream showed them), and how far this journal has read the stream:
 *   {…,"type":"sync-ack","acks":[["<uid>","1764…-0"],…],"read":"1764…-3"}
 *
 * Nothing here talks to Redis. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/journal.h"

/* A Redis Stream entry id, "MS-SEQ".  {0, 0} means none (pending). */
typedef struct StreamId {
    uint64_t ms, seq;
} StreamId;

#define STREAM_ID_NONE ((StreamId){0, 0})
#define STREAM_ID_MAX 48 /* buffer size for stream_id_format */

#define SYNC_ACK_TYPE "sync-ack"
#define SYNC_FIELD_STREAM_ID "stream_id"

static inline bool stream_id_is_none(StreamId id) {
    return id.ms == 0 && id.seq == 0;
}

/* Parse "MS-SEQ" (both decimal, no sign, no spaces).  Returns 0 or -EINVAL. */
int stream_id_parse(const char *s, size_t len, StreamId *ret);
/* "MS-SEQ" into buf (STREAM_ID_MAX bytes); returns buf. */
char *stream_id_format(StreamId id, char *buf);
int stream_id_cmp(StreamId a, StreamId b);
/* The smallest id after id: the start of an exclusive range. */
StreamId stream_id_next(StreamId id);

/* The stream payload of an event: the journal record without "crc", "seq" and
 * any "stream_id" (new string, NUL-terminated).  Returns 0, -ENOMEM, or what
 * journal_encode refuses (-EINVAL, -E2BIG). */
int sync_payload_encode(const JournalEvent *ev, char **ret, size_t *ret_len);
/* Verify and decode a payload read from the stream: it must be one JSON object
 * a journal record could carry (same rules as journal_decode; "seq" and "crc"
 * are refused).  *ret_json owns what the event points into.  Returns 0,
 * -EBADMSG or -ENOMEM. */
int sync_payload_decode(const char *s, size_t len, JournalEvent *ret, cJSON **ret_json);

/* Whether a journal record is a sync-ack. */
bool sync_is_ack(const JournalEvent *ev);
/* The stream id a record of another console carries; STREAM_ID_NONE if none. */
StreamId sync_record_stream_id(const JournalEvent *ev);

/* One acknowledgement: our event uid is at id in the stream. */
typedef struct SyncAck {
    char uid[33];
    StreamId id;
} SyncAck;

/* Build the extra of a sync-ack record: acks and, unless none, read.  Returns a
 * new object or NULL on OOM. */
cJSON *sync_ack_extra(const SyncAck *acks, size_t n, StreamId read);
/* Walk the acks of a sync-ack record; fn gets each valid pair.  Returns the
 * "read" id (STREAM_ID_NONE when absent or bad) in *ret_read. */
void sync_ack_walk(const JournalEvent *ev, void (*fn)(const char *uid, StreamId id, void *ud),
                   void *ud, StreamId *ret_read);

/* Whether s is 32 lowercase hex digits, as journal_uid_new makes them. */
bool sync_uid_valid(const char *s, size_t len);
