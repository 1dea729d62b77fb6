#pragma once
/* Plan actions systemd.start / stop / restart / reload: one Manager method call
 * per unit ("replace" mode), each job followed to its JobRemoved signal.
 *
 * Job results are systemd's words: done, failed, timeout, canceled, dependency,
 * skipped; any other string is a failure and is reported verbatim. */
#include <stdbool.h>
#include <stdio.h>

#include "core/plan.h"

/* The Manager method for a systemd.* action kind ("StartUnit"...), or NULL when
 * the kind is not a systemd action. */
const char *systemd_action_method(ActionKind kind);
/* "start", "stop", "restart", "reload": the verb operators read. */
const char *systemd_action_verb(ActionKind kind);

/* Blocking, for the command line.  Connects to the system bus (user_bus: the
 * user manager's), calls the method for each unit of a in order and waits for
 * each job's JobRemoved before the next.  Progress lines go to log (may be NULL).
 * *ret_result (may be NULL) receives a new string: "done" when every job ended
 * done, else the first failing result (or a short reason when a call failed).
 * dry_run: print the bus calls it would make (destination, path, interface,
 * method, arguments) to log and call nothing.
 * Interactive polkit authorisation is allowed only when stdin is a terminal;
 * a method call is bounded (25 s), so a missing agent costs a clear message,
 * not a hang.
 * Returns 0 only when every job ended "done"; a negative errno when the bus
 * could not be reached or a call failed; -EIO when a job ended otherwise;
 * -EINVAL when a is not a systemd action. */
int systemd_action_run(const Action *a, bool user_bus, bool dry_run, FILE *log, char **ret_result);
/* The same, and it stops waiting once cancel_fd (-1: none; an eventfd, a pipe)
 * becomes readable: a signal, a panel that quits.  Stopping does NOT cancel
 * the job: systemd keeps running what it has queued; the units after it are
 * not touched.  Then *ret_result is "detached", a line says which job is left
 * running, and -ECANCELED is returned. */
int systemd_action_run_cancellable(const Action *a, bool user_bus, bool dry_run, int cancel_fd,
                                   FILE *log, char **ret_result);

/* Asynchronous, for the panel: the jobs are followed through an existing bus
 * connection driven by the caller's event loop (see core/systemd_units.h).
 * One SystemdActionRun runs the units of one action in order. */
typedef struct SystemdActionRun SystemdActionRun;
struct sd_bus;

/* Called once per progress line (sanitised text, no newline) and once at the
 * end with done == true, result the final result ("done" or the first failure)
 * and r 0 or a negative errno.  After the final call the run frees itself: do
 * not touch it again. */
typedef void (*SystemdActionCallback)(SystemdActionRun *run, bool done, const char *line,
                                      const char *result, int r, void *userdata);

/* interactive: allow interactive polkit authorisation for these calls (the
 * caller decides: a terminal, not read-only).  Returns 0 and the run (owned by
 * itself until the final callback), or a negative errno. */
int systemd_action_start_async(struct sd_bus *bus, const Action *a, bool interactive,
                               SystemdActionCallback cb, void *userdata, SystemdActionRun **ret);

/* The object path of the job being awaited, or NULL (the call has not been
 * answered yet).  Owned by the run. */
const char *systemd_action_job(const SystemdActionRun *run);

/* Stop following (the jobs already queued in systemd keep running); no final
 * callback is made.  NULL is fine. */
void systemd_action_cancel(SystemdActionRun *run);
