#pragma once
/* The most recent events, copied out of the journal as it is read: what the
 * activity view and the wallboard show.  Bounded, so a weekend-long journal
 * costs a fixed amount of memory. */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/journal.h"
#include "core/macro.h"

typedef struct LoggedEvent {
    uint64_t seq;
    time_t at;
    EventType type;
    char *type_name; /* as written */
    char *by, *host;
    char *target; /* item, phase or action id */
    char *text;   /* note, reason or result; may be NULL */
    int exit_code;
    int has_exit;
} LoggedEvent;

typedef struct EventLog {
    LoggedEvent *v; /* ring */
    size_t cap, head, n;
    unsigned long long total;
} EventLog;

EventLog *event_log_new(size_t cap);
EventLog *event_log_free(EventLog *l);
DEFINE_FREEP(EventLog, event_log_free)
int event_log_add(EventLog *l, const JournalEvent *ev);
/* i = 0 is the newest; NULL when out of range. */
const LoggedEvent *event_log_get(const EventLog *l, size_t i);
