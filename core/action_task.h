#pragma once
/* An action running on a worker thread (core/worker.h) for the panel: the worker
 * opens its own handle on the journal (spec->journal_path) and runs action_run():
 * action-start is durable before anything runs, action-end when it is over; the
 * loop sees those records as it sees any other writer's.  Lines, progress and the
 * end are queued under a lock and announced on an eventfd the loop polls. */
#include <stdbool.h>
#include <stdint.h>

#include "core/action_run.h"
#include "core/worker.h"

typedef struct ActionTask ActionTask;

/* Queue spec (taken over, also on failure) on pool.  journal_flags: as for
 * journal_open (JOURNAL_READONLY: nothing can be journaled, so nothing runs).
 * Returns 0 or -ENOMEM. */
int action_task_start(WorkerPool *pool, ActionSpec *spec, unsigned journal_flags, ActionTask **ret);
const ActionSpec *action_task_spec(const ActionTask *t);
/* Readable when there are new lines or progress, or the action ended. */
int action_task_fd(const ActionTask *t);

typedef void (*ActionTaskLineFn)(void *userdata, ActionLine kind, const char *line);
/* On the loop thread: clear the fd, hand over the new lines (in order), and tell
 * the progress so far.  Returns true once the action has ended. */
bool action_task_take(ActionTask *t, ActionTaskLineFn fn, void *userdata, uint64_t *ret_bytes);
/* Once ended: the outcome and action_run()'s return. */
const ActionResult *action_task_result(const ActionTask *t);
int action_task_rc(const ActionTask *t);

/* Ask it to stop (SIGTERM, then SIGKILL; a fetch at its next progress call). */
void action_task_cancel(ActionTask *t);
bool action_task_cancelling(const ActionTask *t);
/* Block up to ms for the end (at exit).  True when it has ended. */
bool action_task_wait(ActionTask *t, long long ms);
/* Only once it has ended (else the worker still uses it: returns t unchanged). */
ActionTask *action_task_free(ActionTask *t);
