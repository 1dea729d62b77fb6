/* Action kind `run`: a command without a shell (unless shell: true), its output
 * streamed line by line, a timeout and cancelling (SIGTERM, then SIGKILL). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/action_internal.h"
#include "core/spawn.h"
#include "core/timeutil.h"

extern char **environ;

/* The command's argv: as written, or /bin/sh -c ARGV0 sh ARGV1... */
static char **command_argv(const ActionSpec *s) {
    size_t n = 0;
    while (s->argv && s->argv[n]) {
        n++;
    }
    char **v = calloc(n + 4, sizeof(char *));
    if (!v || n == 0) {
        free(v);
        return NULL;
    }
    size_t k = 0;
    if (s->shell) {
        v[k++] = "/bin/sh";
        v[k++] = "-c";
        v[k++] = s->argv[0];
        if (n > 1) {
            v[k++] = "sh"; /* $0; the rest are $1 ... */
        }
        for (size_t i = 1; i < n; i++) {
            v[k++] = s->argv[i];
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            v[k++] = s->argv[i];
        }
    }
    return v;
}

/* This process's environment with the plan's env on top (same names replaced).
 * The strings are borrowed. */
static char **command_env(const ActionSpec *s) {
    size_t ne = 0, np = 0;
    while (environ && environ[ne]) {
        ne++;
    }
    while (s->env && s->env[np]) {
        np++;
    }
    char **v = calloc(ne + np + 1, sizeof(char *));
    if (!v) {
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < ne; i++) {
        const char *eq = strchr(environ[i], '=');
        size_t len = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
        bool replaced = false;
        for (size_t j = 0; j < np && !replaced; j++) {
            replaced = strncmp(s->env[j], environ[i], len) == 0 && s->env[j][len] == '=';
        }
        if (!replaced) {
            v[k++] = environ[i];
        }
    }
    for (size_t j = 0; j < np; j++) {
        v[k++] = s->env[j];
    }
    return v;
}

static int on_output(void *userdata, const char *buf, size_t n) {
    void **ud = userdata;
    linesplit_feed(ud[0], ud[1], buf, n);
    return 0;
}

static void say_command(ActionCtx *c, ActionLine kind, const char *prefix) {
    const ActionSpec *s = c->s;
    size_t len = 0;
    char *text = NULL;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        return;
    }
    fputs(prefix, f);
    if (s->shell) {
        fputs(" /bin/sh -c", f);
    }
    for (size_t i = 0; s->argv && s->argv[i]; i++) {
        /* quoted when it has a space or is empty, so the words are visible */
        const char *a = s->argv[i];
        if (!*a || strpbrk(a, " \t'\"\\$")) {
            fputs(" '", f);
            for (const char *p = a; *p; p++) {
                fputs(*p == '\'' ? "'\\''" : (char[]){*p, 0}, f);
            }
            fputc('\'', f);
        } else {
            fprintf(f, " %s", a);
        }
    }
    if (fclose(f) == 0) {
        act_line_raw(c, kind, text, len); /* one line: a newline in a word shows as \n */
    }
    free(text);
}

int action_describe_command(ActionCtx *c) {
    const ActionSpec *s = c->s;
    if (!s->argv || !s->argv[0]) {
        return act_fail(c, "failed", -EINVAL, "the action has no command");
    }
    say_command(c, ACTION_LINE_INFO, "would run:");
    act_line(c, ACTION_LINE_INFO, "  in directory: %s", s->cwd ? s->cwd : ".");
    for (size_t i = 0; s->env && s->env[i]; i++) {
        act_line(c, ACTION_LINE_INFO, "  environment: %s", s->env[i]);
    }
    act_line(c, ACTION_LINE_INFO, "  shell: %s", s->shell ? "yes (/bin/sh -c)" : "no");
    if (s->timeout_ms) {
        act_line(c, ACTION_LINE_INFO, "  timeout: %lld s (then SIGTERM, and SIGKILL %d s later)",
                 (long long)(s->timeout_ms / 1000), SPAWN_KILL_GRACE_MS / 1000);
    } else {
        act_line(c, ACTION_LINE_INFO, "  timeout: none");
    }
    act_line(c, ACTION_LINE_INFO, "  stdin: /dev/null; stdout and stderr shown, escaped");
    return 0;
}

static int finish(ActionCtx *c, const PumpResult *pr) {
    char how[64];
    spawn_status_string(pr->status, how, sizeof(how));
    c->res->exit_code = spawn_exit_code(pr->status);
    c->exit_set = true;
    if (WIFSIGNALED(pr->status)) {
        const char *name = sigabbrev_np(WTERMSIG(pr->status));
        act_extra_str(c, "signal", name ? name : "?");
    }
    if (pr->output_left) {
        act_line(c, ACTION_LINE_INFO,
                 "(the command exited, but a process it started still holds its output open; "
                 "no longer reading it)");
    }
    if (pr->timed_out) {
        return act_fail(c, "timeout", -ETIMEDOUT, "timed out after %lld s; %s%s",
                        (long long)(c->s->timeout_ms / 1000), how,
                        pr->killed ? " (SIGTERM was ignored: killed)" : "");
    }
    if (pr->cancelled) {
        return act_fail(c, "cancelled", -ECANCELED, "cancelled; %s%s", how,
                        pr->killed ? " (SIGTERM was ignored: killed)" : "");
    }
    if (!WIFEXITED(pr->status) || WEXITSTATUS(pr->status) != 0) {
        return act_fail(c, "failed", -EIO, "the command failed: %s", how);
    }
    act_line(c, ACTION_LINE_INFO, "%s", how);
    return 0;
}

int action_exec_command(ActionCtx *c) {
    const ActionSpec *s = c->s;
    _cleanup_(freep) char **argv = command_argv(s);
    _cleanup_(freep) char **envp = command_env(s);
    if (!argv || !envp) {
        return act_fail(c, "failed", -EINVAL, "the action has no command");
    }
    say_command(c, ACTION_LINE_INFO, "$");
    Child child;
    SpawnOptions so = {.argv = argv, .envp = envp, .cwd = s->cwd, .merge_stderr = true};
    int r = spawn_child(&so, &child);
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot run '%s' in '%s': %s", argv[0],
                        s->cwd ? s->cwd : ".", strerror(-r));
    }
    LineSplit ls = {.kind = ACTION_LINE_OUT};
    void *ud[2] = {c, &ls};
    PumpOps ops = {.out = on_output};
    long long deadline = s->timeout_ms ? time_mono_ms() + s->timeout_ms : 0;
    PumpResult pr;
    r = spawn_pump(&child, &ops, ud, action_cancel_fd(c->cancel), deadline, &pr);
    linesplit_flush(c, &ls);
    spawn_close(&child);
    if (r < 0) {
        return act_fail(c, "failed", r, "lost track of the command: %s", strerror(-r));
    }
    return finish(c, &pr);
}
