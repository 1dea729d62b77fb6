#pragma once
/* Log tails: a unit's journal (sd-journal) or a file (inotify), read line by
 * line, every line sanitised on the way in (core/text.h: control characters,
 * escape sequences and invalid UTF-8 become visible escapes; tabs become
 * spaces), kept in a bounded ring and/or handed to a sink.
 *
 * A file tail survives rotation (the file renamed or deleted and a new one
 * created: the rest of the old file is read, then the new one from its start)
 * and truncation (read again from the start).  Neither kind polls: the owner
 * polls logtail_fd() for logtail_events() and calls logtail_process(). */
#include <stdbool.h>
#include <stddef.h>

#include "core/logring.h"
#include "core/macro.h"

#define LOGTAIL_DEFAULT_LINES 10000
#define LOGTAIL_LINE_WORK 256 /* bytes of a line that count as one more (logtail_process) */
#define LOGTAIL_ALL ((size_t)-1)

typedef struct LogTail LogTail;

/* A sanitised line (NUL-terminated, len bytes).  notice: a line of opsdeck's
 * own about the tail ("file truncated"), not one of the log's. */
typedef void (*LogTailFn)(void *userdata, const char *line, size_t len, bool notice);

typedef struct LogTailConfig {
    size_t ring_cap; /* lines kept; 0: LOGTAIL_DEFAULT_LINES */
    bool no_ring;    /* keep nothing: every line goes to the sink only */
    size_t backlog;  /* lines of history read first: the last N (LOGTAIL_ALL: everything) */
    bool follow;     /* keep watching for more (false: what is there now, then EOF) */
    bool user;       /* journal: a unit of the user manager (_SYSTEMD_USER_UNIT) */
} LogTailConfig;

/* Open a tail.  A file that does not exist yet is waited for when following
 * (logtail_error() says so); otherwise -ENOENT.  fn may be NULL.
 * Returns 0 or a negative errno. */
int logtail_open_file(const char *path, const LogTailConfig *cfg, LogTailFn fn, void *userdata,
                      LogTail **ret);
int logtail_open_journal(const char *unit, const LogTailConfig *cfg, LogTailFn fn, void *userdata,
                         LogTail **ret);
LogTail *logtail_free(LogTail *t);
DEFINE_FREEP(LogTail, logtail_free)

/* The fd to poll (inotify, or the journal's), -1 when not following. */
int logtail_fd(const LogTail *t);
short logtail_events(const LogTail *t);
/* A monotonic ms deadline by which process() must run (more lines are
 * waiting beyond the last batch, a journal timeout), or -1. */
long long logtail_deadline_ms(const LogTail *t);
/* Read what is new, at most max_lines lines (0: no limit), a long line counting
 * as one more for each LOGTAIL_LINE_WORK bytes of it: a batch of long lines (up to
 * 64 KiB each, four times that once escaped) is as bounded a piece of work as one of
 * short lines.  Returns the number of lines delivered (notices included), or a
 * negative errno. */
long logtail_process(LogTail *t, size_t max_lines);
/* Nothing more to read right now (the backlog is through). */
bool logtail_idle(const LogTail *t);

/* The ring, or NULL with no_ring. */
const LogRing *logtail_ring(const LogTail *t);
/* What is wrong, when something is ("waiting for /var/log/x.log to appear"), or NULL. */
const char *logtail_error(const LogTail *t);
bool logtail_is_journal(const LogTail *t);
/* The sanitised name: the unit or the path. */
const char *logtail_name(const LogTail *t);
/* Lines delivered since open, notices excluded. */
unsigned long long logtail_lines(const LogTail *t);
