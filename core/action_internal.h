#pragma once
/* Between the dispatcher (action_run.c) and the kinds: action_git.c,
 * action_backup.c, action_query.c, action_command.c, action_systemd.c. */
#include <stdarg.h>
#include <stddef.h>

#include "core/action_run.h"

/* One run (or dry run: res == NULL) of one spec. */
typedef struct ActionCtx {
    const ActionSpec *s;
    const ActionSink *sink;
    ActionCancel *cancel;
    ActionResult *res; /* NULL for a dry run */
    bool exit_set;     /* res->exit_code was set by the kind (run) */
} ActionCtx;

/* A line to the sink: formatted, the password masked, sanitised. */
void act_line(ActionCtx *c, ActionLine kind, const char *fmt, ...) _printf_(3, 4);
/* Raw bytes of one line (not NUL-terminated), masked and sanitised. */
void act_line_raw(ActionCtx *c, ActionLine kind, const char *s, size_t n);
void act_progress(ActionCtx *c, uint64_t bytes, const char *what);
/* Record the outcome: result ("failed", "refused" …) and the error sentence (also
 * sent as an error line).  Returns r (a negative errno) for `return act_fail(...)`. */
int act_fail(ActionCtx *c, const char *result, int r, const char *fmt, ...) _printf_(4, 5);
/* res->extra, created on first use (NULL for a dry run or on OOM). */
cJSON *act_extra(ActionCtx *c);
void act_extra_str(ActionCtx *c, const char *key, const char *value);
void act_extra_num(ActionCtx *c, const char *key, double value);
bool act_cancelled(const ActionCtx *c);

/* Streamed output cut into lines: '\r\n' and a lone '\r' (the text after the
 * last one wins, as on a terminal), tabs expanded, very long lines split. */
typedef struct LineSplit {
    char buf[4096];
    size_t len;
    ActionLine kind;
} LineSplit;

void linesplit_feed(ActionCtx *c, LineSplit *ls, const char *data, size_t n);
void linesplit_flush(ActionCtx *c, LineSplit *ls);

/* A copy of s with every occurrence of secret replaced by "***" (secret NULL or
 * empty: a plain copy).  NULL on OOM. */
char *act_mask(const char *s, size_t n, const char *secret);

/* The kinds.  exec returns 0 or a negative errno (after act_fail); describe
 * writes the dry run. */
int action_exec_git(ActionCtx *c);
int action_describe_git(ActionCtx *c);
int action_exec_backup(ActionCtx *c);
int action_describe_backup(ActionCtx *c);
int action_exec_query(ActionCtx *c);
int action_describe_query(ActionCtx *c);
int action_exec_command(ActionCtx *c);
int action_describe_command(ActionCtx *c);
int action_exec_systemd(ActionCtx *c, bool dry_run);

/* db.backup and db.query share the credentials: the [client] option file
 * (mysqldump) and its text (dry run: password "***"). */
char *action_db_option_text(const ActionSpec *s, bool mask_password);
/* "user@host:port/db" or "user@socket/db" for messages. */
char *action_db_where(const ActionSpec *s);
/* The reason the password is unusable, or NULL. */
const char *action_db_password_problem(const ActionSpec *s);
