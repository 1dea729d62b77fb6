#pragma once
/* Worker threads for blocking client libraries (MariaDB, libgit2, libcurl, a
 * dump): the loop hands a job over, a worker runs it, the result comes back
 * through an eventfd the loop polls (as redis's bio.c).  A job owns copies of
 * its inputs; a worker never touches the App or curses. */
#include <stdbool.h>

#include "core/macro.h"

typedef struct WorkerPool WorkerPool;

/* Runs on a worker thread. */
typedef void (*WorkFn)(void *job);
/* Runs on the loop thread, in worker_pool_dispatch(), once work(job) returned;
 * it owns job from then on. */
typedef void (*DoneFn)(void *job, void *userdata);

WorkerPool *worker_pool_new(unsigned threads);
/* Stops the workers after the jobs they are running and joins them; jobs that
 * never ran or were never dispatched go to their done() with userdata NULL (the
 * App is gone: done only frees). */
WorkerPool *worker_pool_free(WorkerPool *p);
DEFINE_FREEP(WorkerPool, worker_pool_free)

/* Readable when finished jobs wait for worker_pool_dispatch(). */
int worker_pool_fd(const WorkerPool *p);
/* Queue a job.  Returns 0 or -ENOMEM. */
int worker_submit(WorkerPool *p, WorkFn work, DoneFn done, void *job);
/* Run done() for every finished job; returns how many. */
unsigned worker_pool_dispatch(WorkerPool *p, void *userdata);
/* Jobs queued or running. */
unsigned worker_pool_busy(const WorkerPool *p);
