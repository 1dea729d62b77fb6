#pragma once
/* Appending to the journal from the panel without blocking the screen: the
 * write and its fdatasync run on a worker thread; the events (ours and any
 * another process appended first) come back to the loop, which folds them and
 * only then shows the change as done.  While a write is in flight the loop
 * does not read the journal; it catches up when the write returns. */
#include <stdbool.h>

#include "tui/app.h"

/* Start the writer thread and register its eventfd with the loop. */
int journal_writer_start(App *a);
void journal_writer_stop(App *a);

/* Append n events (copied; `by` is set to the actor) and, once durable, show
 * done_msg followed by " (seq N)" on the status line in role.  Returns false when
 * a write is already in flight (the operator is told) or on OOM. */
bool journal_writer_append(App *a, const JournalEvent *evs, size_t n, Role role,
                           const char *done_msg);
/* A write is in flight. */
bool journal_writer_busy(const App *a);
