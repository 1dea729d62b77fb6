/* opsdeck run PLAN ACTION [--yes] [--dry-run] [--force-target TARGET]: one action,
 * headless and journaled; its output streamed, escaped. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/secrets.h"
#include "core/action_run.h"
#include "core/timeutil.h"

/* What the signal handler cancels: the same allowance as a signal self-pipe. */
static ActionCancel *run_cancel;

static void on_signal(int sig) {
    action_cancel_request(run_cancel);
}

typedef struct Printer {
    bool tty;            /* progress on stderr */
    bool progress_shown; /* a progress line waits for its newline */
    long long last_ms;
} Printer;

static void end_progress(Printer *p) {
    if (p->progress_shown) {
        fputc('\n', stderr);
        p->progress_shown = false;
    }
}

static void print_line(void *userdata, ActionLine kind, const char *text) {
    Printer *p = userdata;
    end_progress(p);
    /* text is sanitised by the dispatcher */
    if (kind == ACTION_LINE_ERROR) {
        fflush(stdout);
        fprintf(stderr, "%s\n", text);
    } else {
        printf("%s\n", text);
        fflush(stdout);
    }
}

static void print_progress(void *userdata, uint64_t bytes, const char *what) {
    Printer *p = userdata;
    long long now = time_mono_ms();
    if (!p->tty || now - p->last_ms < 200) {
        return;
    }
    p->last_ms = now;
    fprintf(stderr, "\r  %.1f MiB %s ", (double)bytes / (1024.0 * 1024.0), what ? what : "");
    p->progress_shown = true;
}

/* Ask on the terminal.  Returns EXIT_OK to go on, else the exit code. */
static int confirm(const Session *s, const Action *a, const Options *o) {
    const char *word = NULL;
    ActionConfirm level = action_confirm_level(s->plan, a, NULL, &word);
    if (level == ACTION_CONFIRM_NONE || o->yes) {
        return EXIT_OK;
    }
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr,
                "opsdeck run: action '%s' changes a system, and there is no terminal to confirm "
                "on; nothing was run. Pass --yes to run it, or --dry-run to see what it would "
                "do.\n",
                a->id);
        return EXIT_USAGE;
    }
    _cleanup_(freep) char *summary = action_summary(s->plan, a);
    fputs("Action: ", stderr);
    out_text(stderr, summary);
    fputc('\n', stderr);
    if (level == ACTION_CONFIRM_TYPE) {
        fputs("High risk. Type '", stderr);
        out_text(stderr, word);
        fputs("' to run it: ", stderr);
    } else {
        fputs("Run it? [y/N] ", stderr);
    }
    char buf[512];
    if (!fgets(buf, sizeof(buf), stdin)) {
        fputs("\nopsdeck run: no answer; nothing was run\n", stderr);
        return EXIT_FAILED;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    bool ok = level == ACTION_CONFIRM_TYPE
                  ? streq(buf, word)
                  : (streq(buf, "y") || streq(buf, "Y") || strcasecmp(buf, "yes") == 0);
    if (!ok) {
        fputs("opsdeck run: not confirmed; nothing was run\n", stderr);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

static void print_outcome(const ActionSpec *spec, const ActionResult *res, int rc) {
    char took[32];
    snprintf(took, sizeof(took), "%.1f s", (double)res->duration_ms / 1000.0);
    if (rc == 0) {
        printf("action %s: done (exit %d, %s)\n", spec->id, res->exit_code, took);
        return;
    }
    fprintf(stderr, "opsdeck run: action '%s' %s (exit %d, %s): ", spec->id,
            res->result ? res->result : "failed", res->exit_code, took);
    out_text(stderr, res->error ? res->error : "no reason given");
    fputc('\n', stderr);
    if (res->force_word) {
        fputs("  to discard the changes and check out anyway: opsdeck run ... --force-target ",
              stderr);
        out_text(stderr, res->force_word);
        fputc('\n', stderr);
    }
}

static int run_it(Session *s, const ActionSpec *spec, const Options *o) {
    Printer pr = {.tty = isatty(STDERR_FILENO) == 1};
    ActionSink sink = {.line = print_line, .progress = print_progress, .userdata = &pr};
    _cleanup_(action_cancel_freep) ActionCancel *cancel = action_cancel_new();
    if (!cancel) {
        fputs("opsdeck run: out of memory\n", stderr);
        return EXIT_FAILED;
    }
    run_cancel = cancel;
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term, old_hup;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    ActionResult res;
    int rc = action_run(s->journal, spec, &sink, cancel, state_apply_cb, s->state, &res);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    run_cancel = NULL;
    end_progress(&pr);
    session_print_warnings(s);
    int exit_code = rc == 0 ? EXIT_OK : EXIT_FAILED;
    if (rc == -EIO && res.result && streq(res.result, "done")) {
        fprintf(stderr, "opsdeck run: action '%s' ran, but its end could NOT be journaled: %s\n",
                spec->id,
                journal_failure(s->journal) ? journal_failure(s->journal) : "write failed");
    } else if (res.result && streq(res.result, "not run")) {
        fprintf(stderr, "opsdeck run: action '%s' was NOT run: ", spec->id);
        out_text(stderr, res.error);
        fputc('\n', stderr);
    } else {
        print_outcome(spec, &res, rc);
    }
    action_result_done(&res);
    return exit_code;
}

static int unknown_action(const Plan *p, const char *id) {
    fputs("opsdeck run: the plan has no action '", stderr);
    out_text(stderr, id);
    fputs("'", stderr);
    if (p->n_actions) {
        fputs("; its actions are:", stderr);
        for (size_t i = 0; i < p->n_actions; i++) {
            fprintf(stderr, " %s", p->actions[i].id);
        }
    }
    fputc('\n', stderr);
    return EXIT_USAGE;
}

int cmd_run(const Options *o, int argc, char **argv) {
    if (o->readonly && !o->dry_run) {
        fputs("opsdeck run: --readonly: an action is journaled and may change things; nothing "
              "was run. Drop --readonly, or use --dry-run to see what it would do.\n",
              stderr);
        return EXIT_FAILED;
    }
    Session s;
    int rc = session_open(&s, o, argv[0], o->dry_run ? 0 : SESSION_WRITE);
    if (rc != EXIT_OK) {
        return rc;
    }
    (void)cli_print_secret_warnings(s.plan, stderr);
    const Action *a = plan_find_action(s.plan, argv[1]);
    if (!a) {
        rc = unknown_action(s.plan, argv[1]);
        session_close(&s);
        return rc;
    }
    ActionOptions ao = {.journal_path = s.journal_path,
                        .actor = cli_actor(o),
                        .force_target = o->force_target,
                        .user_bus = o->user};
    ActionSpec *spec = NULL;
    if (action_spec_new(s.plan, a, &ao, &spec) < 0) {
        fputs("opsdeck run: out of memory\n", stderr);
        session_close(&s);
        return EXIT_FAILED;
    }
    action_global_init();
    if (o->dry_run) {
        Printer pr = {0};
        ActionSink sink = {.line = print_line, .userdata = &pr};
        rc = action_describe(spec, &sink) < 0 ? EXIT_FAILED : EXIT_OK;
    } else if ((rc = confirm(&s, a, o)) == EXIT_OK) {
        rc = run_it(&s, spec, o);
    }
    action_spec_free(spec);
    session_close(&s);
    return rc;
}
