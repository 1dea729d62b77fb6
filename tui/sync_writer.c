/* The sync writer: batches to the journal on a worker thread. */
#include "tui/sync_writer.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "core/worker.h"
#include "tui/loop.h"

struct SyncWriter {
    App *a;
    WorkerPool *pool;
    Journal *journal;  /* touched by the worker only, one job at a time */
    SyncUidSet *known; /* uids the journal holds; worker only */
};

typedef struct WriteJob {
    SyncWriter *w;
    SyncBatch *b; /* NULL: the first job, reading what the journal holds */
    SyncWriteDone done;
    void *userdata;
    int result;
} WriteJob;

static bool known(const char *uid, void *userdata) {
    return sync_uid_set_has(userdata, uid);
}

static int seen(const JournalEvent *ev, void *userdata) {
    return ev->uid ? sync_uid_set_add(userdata, ev->uid) : 0;
}

static void work(void *data) {
    WriteJob *j = data;
    SyncAppendHooks h = {.known = known, .seen = seen, .userdata = j->w->known};
    if (!j->b) {
        j->result = journal_read(j->w->journal, seen, j->w->known);
        return;
    }
    j->result = sync_batch_append(j->b, j->w->journal, &h);
}

static void done(void *data, void *userdata) {
    WriteJob *j = data;
    App *a = userdata;
    if (a && j->done) {
        j->done(a, j->b, j->result, j->userdata);
    }
    sync_batch_free(j->b);
    free(j);
}

static void on_ready(App *a, int fd, short revents, void *userdata) {
    SyncWriter *w = userdata;
    worker_pool_dispatch(w->pool, a);
}

int sync_writer_new(App *a, const char *journal_path, SyncWriter **ret) {
    SyncWriter *w = calloc(1, sizeof(*w));
    if (!w) {
        return -ENOMEM;
    }
    w->a = a;
    int r = journal_open(journal_path, 0, &w->journal);
    if (r >= 0 && (!(w->known = sync_uid_set_new()) || !(w->pool = worker_pool_new(1)))) {
        r = -ENOMEM;
    }
    if (r >= 0) {
        r = loop_add_fd(a, worker_pool_fd(w->pool), POLLIN, on_ready, w);
    }
    if (r < 0) {
        sync_writer_free(w);
        return r;
    }
    /* first, learn what the journal holds (on the worker: it may be big) */
    WriteJob *j = calloc(1, sizeof(*j));
    if (j) {
        j->w = w;
    }
    if (!j || worker_submit(w->pool, work, done, j) < 0) {
        free(j);
        sync_writer_free(w);
        return -ENOMEM;
    }
    *ret = w;
    return 0;
}

SyncWriter *sync_writer_free(SyncWriter *w) {
    if (!w) {
        return NULL;
    }
    if (w->pool) {
        loop_remove_fd(w->a, worker_pool_fd(w->pool));
        w->pool = worker_pool_free(w->pool); /* joins; queued jobs get done(…, NULL) */
    }
    journal_free(w->journal);
    sync_uid_set_free(w->known);
    free(w);
    return NULL;
}

int sync_writer_submit(SyncWriter *w, SyncBatch *b, SyncWriteDone done_fn, void *userdata) {
    WriteJob *j = calloc(1, sizeof(*j));
    if (!j) {
        sync_batch_free(b);
        return -ENOMEM;
    }
    *j = (WriteJob){.w = w, .b = b, .done = done_fn, .userdata = userdata};
    if (worker_submit(w->pool, work, done, j) < 0) {
        sync_batch_free(b);
        free(j);
        return -ENOMEM;
    }
    return 0;
}
