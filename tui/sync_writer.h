#pragma once
/* Writing what sync brings (events of other consoles, sync-acks) to the journal
 * off the loop thread: a worker with its own handle on the journal appends one
 * batch at a time (one write, one fdatasync each), leaving out events the
 * journal already has; the loop is told when each batch is durable.  Its own
 * handle, so it never races the panel's journal writer: the file lock orders
 * the two, as it orders processes. */
#include "core/sync.h"
#include "tui/app.h"

typedef struct SyncWriter SyncWriter;

/* Runs on the loop once b is durable (result 0: b holds what was written) or
 * not (-errno).  b is freed after it returns. */
typedef void (*SyncWriteDone)(App *a, SyncBatch *b, int result, void *userdata);

/* Open a second handle on journal_path and start the worker.  Returns 0 or
 * -errno (the panel then keeps what sync brings in memory only). */
int sync_writer_new(App *a, const char *journal_path, SyncWriter **ret);
/* Stops after the batch being written; the rest are dropped (their events are
 * in the stream: the next console to start takes them in again). */
SyncWriter *sync_writer_free(SyncWriter *w);
/* Queue b (taken over).  Returns 0 or -ENOMEM (b freed). */
int sync_writer_submit(SyncWriter *w, SyncBatch *b, SyncWriteDone done, void *userdata);
