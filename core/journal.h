#pragma once
/* The journal: an append-only file of events, one self-checking JSON record per
 * line.  Everything shown is a fold over it; it doubles as the audit trail.
 *
 *   {"crc":"1c291ca3","seq":7,"id":"…","at":"2026-11-28T22:14:03Z","by":"alice",
 *    "host":"jump1","type":"tick","item":"p1.deps","note":null}
 *
 * "crc" is the CRC-32 (zlib) of the bytes after the `{"crc":"XXXXXXXX",` prefix up to
 * the closing brace.  An event is acknowledged only once fdatasync() of the file has
 * returned; a failed fsync turns the handle read-only for good (never retried). */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/macro.h"

typedef enum EventType {
    EVENT_TICK,
    EVENT_UNTICK,
    EVENT_NOTE,
    EVENT_PHASE_START,
    EVENT_PHASE_OVERRIDE,
    EVENT_ACTION_START,
    EVENT_ACTION_END,
    EVENT_UNKNOWN, /* a type this version does not know: kept, shown, not folded */
    _EVENT_TYPE_MAX
} EventType;

/* One event.  When read, the strings point into the decoded record and live only
 * for the duration of the callback; copy what you keep. */
typedef struct JournalEvent {
    uint64_t seq;     /* 1, 2, 3 … in file order; assigned by journal_append */
    const char *uid;  /* 32 hex digits, unique across machines; assigned if NULL */
    time_t at;        /* assigned (time_now()) if 0 */
    const char *by;   /* who acted */
    const char *host; /* assigned (gethostname) if NULL */
    EventType type;
    const char *type_name; /* as written; for EVENT_UNKNOWN the original string */
    const char *item;      /* tick, untick, note */
    const char *phase;     /* phase-start, phase-override */
    const char *action;    /* action-start, action-end */
    const char *note;      /* tick/untick/note text, or NULL */
    const char *reason;    /* phase-override, or a tick made past a gate */
    const char *result;    /* action-end: "done", "failed", … */
    int exit_code;         /* action-end */
    bool has_exit;
    cJSON *extra; /* further payload fields (object) or NULL; not owned when read */
} JournalEvent;

const char *event_type_to_string(EventType t);
EventType event_type_from_string(const char *s);

typedef struct Journal Journal;

enum {
    JOURNAL_READONLY = 1u << 0, /* open O_RDONLY; append always fails with -EROFS */
};

/* Open (creating it 0600, its directory 0700, and fsyncing the directory, unless
 * read-only).  A read-only open of a missing file succeeds and reads as empty. */
int journal_open(const char *path, unsigned flags, Journal **ret);
Journal *journal_free(Journal *j);
DEFINE_FREEP(Journal, journal_free)

typedef int (*JournalEventFn)(const JournalEvent *ev, void *userdata);

/* Read the records that appeared since the last read (all of them the first
 * time), calling fn for each valid one in order.  Damaged records are skipped and
 * described in the warnings.  A negative return from fn stops and is returned. */
/* As implemented: reads under a shared flock (a batch is seen whole, after its
 * fdatasync), up to the last '\n'; a partial last line is left for the next read,
 * without a warning (a writer sets it aside when it appends).  The record fn
 * failed on counts as read.  A journal that shrank below what was read gives
 * -ESTALE.  A read-only handle whose file is missing opens it once it exists. */
int journal_read(Journal *j, JournalEventFn fn, void *userdata);

/* Append n events atomically (one write, one fdatasync) under the file lock.
 * Records other processes appended first are read and passed to fn before
 * ours get their seq numbers; on success ours are passed to fn too, after the
 * fdatasync has returned.  Fills seq/uid/at/host of evs.  Returns 0, -EROFS
 * (read-only or poisoned by an earlier failure), -EOVERFLOW (seq would pass 2^53),
 * or the -errno of the failure. */
/* Details of the contract, as implemented:
 * - evs are only written to on success; assigned uid and host strings belong to
 *   the journal and stay valid until its next journal_append or journal_free.
 * - fn may be NULL.  fn runs while the file lock is held for the events of others
 *   (and under a shared lock in journal_read): it must not append to the same
 *   journal.  A negative return for those stops the append (nothing is written)
 *   and is returned; for our own, durable events it only stops the calls.
 * - A failed write() or fdatasync() makes the handle read-only for good
 *   (journal_failure() says why), and so does one while setting a torn tail
 *   aside.  Either way the file is cut back to where our records began (best
 *   effort; after a failed fdatasync the cut is synced if the disk allows), so a
 *   later journal_read shows none of the records that were never acknowledged.
 * - A partial last record without '\n' (a writer died mid-write) is moved to
 *   PATH.torn before appending, with a warning; a reader leaves it alone. */
int journal_append(Journal *j, JournalEvent *evs, size_t n, JournalEventFn fn, void *userdata);

bool journal_is_readonly(const Journal *j);
/* Why the journal became read-only after an I/O failure, or NULL. */
const char *journal_failure(const Journal *j);
const char *journal_path(const Journal *j);
int journal_fd(const Journal *j);
uint64_t journal_last_seq(const Journal *j);

/* Warnings gathered while reading (damaged records, a torn tail set aside). */
size_t journal_n_warnings(const Journal *j);
const char *journal_warning(const Journal *j, size_t i);

/* Forget the warnings gathered so far (after the caller has shown them). */
void journal_clear_warnings(Journal *j);

/* Longest record line, '\n' included; longer lines are damage to a reader. */
#define JOURNAL_RECORD_MAX (1024 * 1024)

/* Encode one event as a record line (with '\n').  Returns 0 or -ENOMEM; -EINVAL
 * when uid, by or host is NULL, seq is not in 1..2^53, at is outside the years
 * 0000..9999, type is out of range, an EVENT_UNKNOWN has no type_name, or extra is
 * not an object, has a key twice or names a record field ("seq", "item", …);
 * -E2BIG when the line would exceed JOURNAL_RECORD_MAX.  Invalid UTF-8 in any
 * string is written as U+FFFD, so every record is valid JSON. */
int journal_encode(const JournalEvent *ev, char **ret_line, size_t *ret_len);
/* Verify and decode one line (without '\n').  On success *ret_json owns the parse
 * tree the event points into.  Returns 0, -EBADMSG (checksum or JSON damage). */
int journal_decode(const char *line, size_t len, JournalEvent *ret, cJSON **ret_json);

/* A new record id: 32 lowercase hex digits (128 bits from getrandom) and a NUL. */
int journal_uid_new(char ret[static 33]);
