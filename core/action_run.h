#pragma once
/* Running a plan action: the one dispatcher behind `opsdeck run` and the panel.
 *
 *   ActionSpec   a self-contained copy of an action and of what it refers to (the
 *                repo, the database and its password, the journal's path), made
 *                on the loop thread; nothing in it points into the plan.
 *   action_exec  runs it, blocking: git through libgit2, db.backup through
 *                mysqldump, db.query through libmysqlclient, run through
 *                posix_spawn, systemd.* through core/systemd_action.h.  Output
 *                lines and progress go to an ActionSink; an ActionCancel stops it.
 *   action_run   the headless form: journals action-start, runs, journals
 *                action-end (the CLI).  The panel journals on its loop thread and
 *                runs action_exec on a worker (core/action_task.h).
 *
 * Secrets: a spec holds a database password only to hand it to the client; it
 * is wiped when the spec is freed, and no line, error or journal field carries it
 * (any occurrence is masked as "***" before it leaves the dispatcher). */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/journal.h"
#include "core/macro.h"
#include "core/plan.h"

/* ---- cancelling ---------------------------------------------------------- */

typedef struct ActionCancel ActionCancel;

ActionCancel *action_cancel_new(void);
ActionCancel *action_cancel_free(ActionCancel *c);
DEFINE_FREEP(ActionCancel, action_cancel_free)
/* Ask the running action to stop.  Async-signal-safe (an eventfd write). */
void action_cancel_request(ActionCancel *c);
bool action_cancel_requested(const ActionCancel *c);
/* Readable once cancelled (for poll()). */
int action_cancel_fd(const ActionCancel *c);

/* ---- output -------------------------------------------------------------- */

typedef enum ActionLine {
    ACTION_LINE_OUT,  /* the action's own output (a command's stdout and stderr) */
    ACTION_LINE_INFO, /* what opsdeck is doing ("HEAD is now at 1a2b3c4 …") */
    ACTION_LINE_ERROR,
} ActionLine;

/* Called from the thread running the action.  Text is sanitised (core/text.h),
 * one line without '\n'. */
typedef struct ActionSink {
    void (*line)(void *userdata, ActionLine kind, const char *text);
    /* bytes so far (a dump: compressed bytes written; a fetch: bytes received) */
    void (*progress)(void *userdata, uint64_t bytes, const char *what);
    void *userdata;
} ActionSink;

/* ---- what to run ---------------------------------------------------------- */

typedef struct ActionOptions {
    const char *journal_path; /* db.backup's default dir, git.rollback's history */
    const char *actor;        /* who runs it (git.tag's tagger when git has none) */
    const char *item;         /* the checklist item it runs for, or NULL */
    const char *force_target; /* git.checkout/rollback: equal to the target to
                                 discard the changes of a dirty work tree */
    bool user_bus;            /* systemd.*: the user's manager */
} ActionOptions;

typedef struct ActionSpec {
    char *id, *title, *item, *actor, *journal_path, *plan_dir;
    ActionKind kind;
    char **targets; /* NULL-terminated; journaled with action-start */
    /* git */
    char *repo, *remote, *ref, *tag; /* tag: expanded from its template */
    bool tag_force;
    char *force_target;
    /* db */
    char *db_id, *db_name, *db_host, *db_user, *db_socket, *db_option_file;
    unsigned db_port;
    char *password, *password_env; /* password: from password_env; NULL when none */
    bool password_missing;         /* password_env names a variable that is not set */
    char **secret_envs;            /* every password_env of the plan: kept from mysqldump */
    char *dir;                     /* db.backup: resolved */
    char *query;
    /* run */
    char **argv; /* NULL-terminated */
    char *cwd;   /* resolved; the plan's directory when absent */
    char **env;  /* NULL-terminated NAME=VALUE */
    int64_t timeout_ms;
    bool shell;
    /* systemd */
    char **units; /* NULL-terminated */
    bool user_bus;
} ActionSpec;

/* Copy action a of plan p.  Reads the database password from its environment
 * variable and expands a git.tag template from the current time: call it on
 * the loop thread.  Returns 0, -ENOMEM. */
int action_spec_new(const Plan *p, const Action *a, const ActionOptions *o, ActionSpec **ret);
ActionSpec *action_spec_free(ActionSpec *s);
DEFINE_FREEP(ActionSpec, action_spec_free)

/* ---- the outcome ---------------------------------------------------------- */

typedef struct ActionResult {
    char *result;     /* "done", "failed", "refused", "cancelled", "timeout" */
    int exit_code;    /* run: the command's (128 + signal when killed); else 0 or 1 */
    char *error;      /* what went wrong, one sanitised sentence; NULL when done */
    cJSON *extra;     /* journaled with action-end: commit_before/after, path, bytes,
                         sha256, rows, signal, duration_ms … (owned) */
    char *force_word; /* refused for a dirty work tree: what --force-target (or
                         the panel's typed confirmation) must equal; else NULL */
    int64_t duration_ms;
} ActionResult;

void action_result_done(ActionResult *r);

/* ---- running -------------------------------------------------------------- */

/* Call once on the main thread before actions run on workers (libgit2 and the
 * MariaDB client set themselves up); idempotent. */
void action_global_init(void);

/* Run s, blocking; cancel may be NULL.  Fills ret (always).  Returns 0 when the
 * action is done, else a negative errno (-ECANCELED, -ETIMEDOUT, -EPERM for a
 * refusal, -EIO for a failed command ...).  Thread-safe for distinct specs. */
int action_exec(const ActionSpec *s, const ActionSink *sink, ActionCancel *cancel,
                ActionResult *ret);

/* Dry run: say exactly what action_exec would do (the git operation, its target
 * and the commit it would move to; the dump command with the password as "***";
 * the query; the argv with cwd and env), through sink; change nothing.  Returns 0,
 * or a negative errno when it could not tell (the reason went to the sink). */
int action_describe(const ActionSpec *s, const ActionSink *sink);

/* Journal action-start (by, action, item, kind, targets) / action-end (result,
 * exit, error and ret->extra).  fn/userdata as for journal_append.  Returns 0 or
 * the journal's -errno. */
int action_journal_start(Journal *j, const ActionSpec *s, JournalEventFn fn, void *userdata);
int action_journal_end(Journal *j, const ActionSpec *s, const ActionResult *r, JournalEventFn fn,
                       void *userdata);

/* Headless: journal start, exec, journal end.  An action whose start cannot be
 * journaled is not run (ret says so; returns the journal's -errno).  When the end
 * cannot be journaled, returns -EIO after a done action too: the caller says so. */
int action_run(Journal *j, const ActionSpec *s, const ActionSink *sink, ActionCancel *cancel,
               JournalEventFn fn, void *userdata, ActionResult *ret);

/* ---- asking first --------------------------------------------------------- */

typedef enum ActionConfirm {
    ACTION_CONFIRM_NONE, /* reads only: db.query, git.fetch */
    ACTION_CONFIRM_YES,  /* changes a system: y/N */
    ACTION_CONFIRM_TYPE, /* high risk: type *ret_word */
} ActionConfirm;

/* How much to ask before running a of p from phase (NULL: the highest risk of the
 * phases whose items use it).  High risk: the phase has risk high (type the
 * action id), or it stops or restarts a service marked critical (type the unit).
 * A forced checkout of a dirty tree is asked for separately (force_word). */
ActionConfirm action_confirm_level(const Plan *p, const Action *a, const Phase *phase,
                                   const char **ret_word);

/* One line saying what a does, for a confirmation: "git.checkout v2.0 in /opt/uplink". */
char *action_summary(const Plan *p, const Action *a);
