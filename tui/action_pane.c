#include "tui/action_pane.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action_task.h"
#include "core/spawn.h"
#include "core/systemd_action.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "tui/loop.h"
#include "tui/services.h"
#include "widgets/ring.h"
#include "widgets/textview.h"

#define PANE_LINES 5000
#define STATUS_EVERY_MS 1000
/* At exit: how long a cancelled action gets to end and journal it. */
#define EXIT_WAIT_MS (SPAWN_KILL_GRACE_MS + 3000)

typedef struct ActionPane {
    WorkerPool *pool; /* one thread: one action at a time */
    ActionTask *task; /* the running or the last action; owned */
    bool running, visible;
    Ring *ring;
    TextView *view;
    const Action *pending; /* what an open dialog is about */
    const Item *pending_item;
    char *pending_force; /* the dirty-tree dialog: the word that forces */
    const Action *current;
    const Item *current_item;
    long long started_ms;
    uint64_t bytes;
    int timer;
    char *status; /* the status line we set last (to not overwrite others') */
} ActionPane;

static ActionPane *pane(App *a) {
    if (!a->action_pane) {
        ActionPane *p = calloc(1, sizeof(*p));
        if (!p) {
            return NULL;
        }
        p->ring = ring_new(PANE_LINES);
        p->view = p->ring ? textview_new(&a->canvas, p->ring) : NULL;
        if (!p->view) {
            ring_free(p->ring);
            free(p);
            return NULL;
        }
        p->view->follow = true;
        a->action_pane = p;
    }
    return a->action_pane;
}

static void push(ActionPane *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void push(ActionPane *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    _cleanup_(freep) char *safe = text_sanitize_vf(fmt, ap);
    va_end(ap);
    if (safe) {
        (void)ring_push(p->ring, safe, strlen(safe));
    }
}

static const char *name_of(const Action *act) {
    return act->title ? act->title : act->id;
}

/* The status line, unless someone else's message is showing. */
static void status(App *a, ActionPane *p, Role role, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void status(App *a, ActionPane *p, Role role, const char *fmt, ...) {
    bool ours = !a->message || (p->status && streq(a->message, p->status)) ||
                a->message_until <= time_now();
    if (!ours && role != ROLE_OK && role != ROLE_FAIL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int k = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (k < 0) {
        return;
    }
    app_message(a, role, "%s", msg);
    free(msg);
    free(p->status);
    p->status = a->message ? strdup(a->message) : NULL;
}

static void running_status(App *a, ActionPane *p) {
    long long secs = (time_mono_ms() - p->started_ms) / 1000;
    char bytes[48] = "";
    if (p->bytes) {
        snprintf(bytes, sizeof(bytes), ", %.1f MiB", (double)p->bytes / (1024.0 * 1024.0));
    }
    status(a, p, ROLE_ACTIVE, "%s %s: %s %llds%s — x cancels", canvas_glyph(&a->canvas, "▶", ">"),
           p->current->id, action_task_cancelling(p->task) ? "cancelling" : "running", secs, bytes);
}

static void take_line(void *userdata, ActionLine kind, const char *line) {
    ActionPane *p = userdata;
    push(p, "%s%s", kind == ACTION_LINE_ERROR ? "! " : kind == ACTION_LINE_INFO ? "· " : "", line);
}

static void ask_force(App *a, ActionPane *p, const char *word) {
    char msg[640];
    snprintf(msg, sizeof(msg),
             "The work tree has changes to tracked files, so '%s' was refused.\n"
             "Forcing it DISCARDS those changes (see the output pane).",
             p->current->id);
    p->pending = p->current;
    p->pending_item = p->current_item;
    free(p->pending_force);
    p->pending_force = strdup(word);
    app_modal(a, OP_ACTION_FORCE, MODAL_TYPE_TO_CONFIRM, "Force the checkout?", msg, word);
}

static void finished(App *a, ActionPane *p) {
    p->running = false;
    loop_remove_fd(a, action_task_fd(p->task));
    loop_cancel_timer(a, p->timer);
    p->timer = 0;
    (void)worker_pool_dispatch(p->pool, NULL); /* the pool's own record of the job */
    const ActionResult *res = action_task_result(p->task);
    bool done = action_task_rc(p->task) == 0;
    char took[32];
    snprintf(took, sizeof(took), "%.1f s", (double)res->duration_ms / 1000.0);
    push(p, "%s %s: %s (exit %d, %s)%s%s", done ? "■" : "✗", p->current->id,
         res->result ? res->result : "failed", res->exit_code, took, res->error ? " — " : "",
         res->error ? res->error : "");
    if (done) {
        status(a, p, ROLE_OK, "%s: done (exit %d, %s)", p->current->id, res->exit_code, took);
    } else {
        status(a, p, ROLE_FAIL, "%s: %s — %s", p->current->id, res->result ? res->result : "failed",
               res->error ? res->error : "see the output pane");
    }
    if (res->force_word && !a->modal) {
        ask_force(a, p, res->force_word);
    }
    /* the journal's new records arrive through inotify like any writer's */
    app_sync_journal(a);
    a->dirty = true;
}

static void on_task(App *a, int fd, short revents, void *userdata) {
    ActionPane *p = userdata;
    uint64_t bytes = 0;
    bool ended = action_task_take(p->task, take_line, p, &bytes);
    if (bytes != p->bytes) {
        p->bytes = bytes;
    }
    if (ended) {
        finished(a, p);
    }
    a->dirty = true;
}

/* Every second while running: the status line, and a look at the task (which
 * also covers a task whose fd found no room in the loop). */
static void on_timer(App *a, void *userdata) {
    ActionPane *p = userdata;
    p->timer = 0;
    if (p->running) {
        on_task(a, action_task_fd(p->task), 0, p);
    }
    if (p->running) {
        running_status(a, p);
        p->timer = loop_add_timer(a, time_mono_ms() + STATUS_EVERY_MS, on_timer, p);
    }
}

static void start(App *a, const Action *act, const Item *it, const char *force) {
    ActionPane *p = pane(a);
    if (!p) {
        app_message(a, ROLE_FAIL, "Cannot run '%s': out of memory.", act->id);
        return;
    }
    if (!p->pool && !(p->pool = worker_pool_new(1))) {
        app_message(a, ROLE_FAIL, "Cannot run '%s': cannot start a worker thread.", act->id);
        return;
    }
    ActionOptions o = {.journal_path = a->journal_path,
                       .actor = a->actor,
                       .item = it ? it->id : NULL,
                       .force_target = force,
                       .user_bus = a->user_bus};
    ActionSpec *spec = NULL;
    ActionTask *task = NULL;
    action_global_init();
    if (action_spec_new(a->plan, act, &o, &spec) < 0 ||
        action_task_start(p->pool, spec, app_is_readonly(a) ? JOURNAL_READONLY : 0, &task) < 0) {
        app_message(a, ROLE_FAIL, "Cannot run '%s': out of memory.", act->id);
        return;
    }
    p->task = action_task_free(p->task); /* the last one has ended */
    p->task = task;
    /* without room in the loop, the 1 s timer picks its output up */
    (void)loop_add_fd(a, action_task_fd(task), POLLIN, on_task, p);
    p->current = act;
    p->current_item = it;
    p->running = true;
    p->visible = true;
    p->bytes = 0;
    p->started_ms = time_mono_ms();
    char at[32];
    push(p, "%s %s (%s) by %s at %s%s", canvas_glyph(&a->canvas, "▶", ">"), act->id,
         action_kind_to_string(act->kind), a->actor,
         time_format_iso8601(time_now(), at, sizeof(at)), force ? " — FORCED" : "");
    running_status(a, p);
    p->timer = loop_add_timer(a, time_mono_ms() + STATUS_EVERY_MS, on_timer, p);
    if (a->current != VIEW_CHECKLIST) {
        app_message(a, ROLE_ACTIVE, "%s started; its output is under the checklist (2).", act->id);
    }
    a->dirty = true;
}

void action_pane_request(App *a, const Action *act, const Item *it) {
    if (app_is_readonly(a)) {
        app_message(a, ROLE_READONLY, "Read-only: actions cannot be run (%s).",
                    a->mode == APP_NORMAL ? "the journal cannot be written" : "--readonly");
        return;
    }
    ActionPane *p = pane(a);
    if (!p) {
        return;
    }
    if (p->running) {
        app_message(a, ROLE_WARN, "'%s' is still running: wait for it, or press x to cancel it.",
                    p->current->id);
        return;
    }
    const char *word = NULL;
    const Phase *ph = it ? &a->plan->phases[it->phase] : NULL;
    ActionConfirm level = action_confirm_level(a->plan, act, ph, &word);
    if (level == ACTION_CONFIRM_NONE) {
        start(a, act, it, NULL);
        return;
    }
    _cleanup_(freep) char *summary = action_summary(a->plan, act);
    char msg[1024];
    snprintf(msg, sizeof(msg), "%s\n%s\nIt is journaled with your name.", name_of(act),
             summary ? summary : action_kind_to_string(act->kind));
    p->pending = act;
    p->pending_item = it;
    if (level == ACTION_CONFIRM_TYPE) {
        size_t len = strlen(msg);
        snprintf(msg + len, sizeof(msg) - len, "\nHigh risk: %s.",
                 streq(word, act->id) ? "its phase has risk high"
                                      : "it stops a service marked critical");
        app_modal(a, OP_ACTION_CONFIRM, MODAL_TYPE_TO_CONFIRM, "High-risk action", msg, word);
    } else {
        app_modal(a, OP_ACTION_CONFIRM, MODAL_CONFIRM, "Run this action?", msg, NULL);
    }
}

bool action_pane_running(const App *a) {
    return a->action_pane && a->action_pane->running;
}

void action_pane_cancel(App *a) {
    ActionPane *p = a->action_pane;
    if (!p || !p->running) {
        app_message(a, ROLE_DIM, "No action is running.");
        return;
    }
    char msg[256];
    if (systemd_action_method(p->current->kind)) {
        /* a systemd job is not ours to cancel: opsdeck only stops waiting for it */
        snprintf(msg, sizeof(msg),
                 "Stop waiting for '%s'? systemd keeps running its job.\nThe end is "
                 "journaled as detached.",
                 p->current->id);
    } else {
        snprintf(msg, sizeof(msg),
                 "Cancel '%s'? A command gets SIGTERM, then SIGKILL %d s later.\nThe end is "
                 "journaled as cancelled.",
                 p->current->id, SPAWN_KILL_GRACE_MS / 1000);
    }
    app_modal(a, OP_ACTION_CANCEL, MODAL_CONFIRM, "Cancel the action?", msg, NULL);
}

void action_pane_ask_quit(App *a) {
    ActionPane *p = a->action_pane;
    const char *cmd = p && p->running ? p->current->id : NULL;
    char unit[160], msg[768];
    bool ur = services_action_running(a, unit, sizeof(unit));
    /* a systemd job is not ours to cancel: systemd runs it to its end */
    bool job = ur || (cmd && systemd_action_method(p->current->kind));
    bool cancelled = cmd && !systemd_action_method(p->current->kind);
    if (cmd && ur) {
        snprintf(msg, sizeof(msg), "'%s' and '%s' are still running. Quit anyway?", cmd, unit);
    } else {
        snprintf(msg, sizeof(msg), "'%s' is still running. Quit anyway?", cmd ? cmd : unit);
    }
    size_t len = strlen(msg);
    if (cancelled) {
        if (ur) {
            len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                    "\n'%s' is cancelled first and its end journaled.", cmd);
        } else {
            len += (size_t)snprintf(msg + len, sizeof(msg) - len,
                                    "\nIt is cancelled first and its end journaled.");
        }
    }
    if (job && len < sizeof(msg)) {
        snprintf(msg + len, sizeof(msg) - len,
                 "\nsystemd keeps running the job: quitting does not cancel it.\nIts end is "
                 "journaled as detached.");
    }
    app_modal(a, OP_QUIT, MODAL_CONFIRM, "Quit?", msg, NULL);
}

bool action_pane_modal_done(App *a, PendingOp op, bool accepted, const char *input) {
    ActionPane *p = a->action_pane;
    if (op != OP_ACTION_CONFIRM && op != OP_ACTION_FORCE && op != OP_ACTION_CANCEL &&
        op != OP_QUIT) {
        return false;
    }
    if (op == OP_QUIT && accepted && !p) {
        a->quit = true; /* only a unit action (view 3) was running: its end is journaled at exit */
        return true;
    }
    if (!accepted || !p) {
        if (op == OP_ACTION_CONFIRM || op == OP_ACTION_FORCE) {
            app_message(a, ROLE_DIM, "Not run.");
        }
        return true;
    }
    switch (op) {
    case OP_ACTION_CONFIRM:
        if (p->pending) {
            start(a, p->pending, p->pending_item, NULL);
        }
        break;
    case OP_ACTION_FORCE:
        if (p->pending && p->pending_force) {
            start(a, p->pending, p->pending_item, p->pending_force);
        }
        break;
    case OP_ACTION_CANCEL:
        if (p->running) {
            action_task_cancel(p->task);
            running_status(a, p);
        }
        break;
    default: /* OP_QUIT */
        if (p->running) {
            action_task_cancel(p->task);
        }
        a->quit = true;
        break;
    }
    p->pending = NULL;
    return true;
}

bool action_pane_visible(const App *a) {
    return a->action_pane && a->action_pane->visible;
}

void action_pane_toggle(App *a) {
    ActionPane *p = a->action_pane;
    if (!p || p->ring->n == 0) {
        app_message(a, ROLE_DIM, "No action output yet: Enter on an item with ▶ runs its action.");
        return;
    }
    p->visible = !p->visible;
    a->dirty = true;
}

void action_pane_draw(App *a, int y, int rows, int cols) {
    ActionPane *p = a->action_pane;
    if (!p || rows < 1) {
        return;
    }
    char head[256];
    if (p->running) {
        snprintf(head, sizeof(head), " Action %s — %s %llds%s — x cancels, O hides", p->current->id,
                 action_task_cancelling(p->task) ? "cancelling" : "running",
                 (time_mono_ms() - p->started_ms) / 1000, p->bytes ? " …" : "");
    } else {
        const ActionResult *res = p->task ? action_task_result(p->task) : NULL;
        snprintf(head, sizeof(head), " Action %s — %s — O hides", p->current ? p->current->id : "",
                 res && res->result ? res->result : "");
    }
    canvas_fill(&a->canvas, y, 0, cols, ROLE_HEADER_DIM);
    canvas_put(&a->canvas, y, 0, ROLE_HEADER_DIM, head, cols);
    widget_resize(&p->view->base, 0, y + 1, cols, rows - 1);
    widget_draw(&p->view->base);
}

void action_pane_free(App *a) {
    ActionPane *p = a->action_pane;
    if (!p) {
        return;
    }
    bool ended = true;
    if (p->task && p->running) {
        action_task_cancel(p->task);
        ended = action_task_wait(p->task, EXIT_WAIT_MS);
        if (!ended) {
            fprintf(stderr,
                    "opsdeck: action '%s' did not stop in time; leaving it (its end is not "
                    "journaled)\n",
                    p->current->id);
        }
    }
    if (ended) {
        p->task = action_task_free(p->task);
        p->pool = worker_pool_free(p->pool);
    }
    widget_free(&p->view->base);
    ring_free(p->ring);
    free(p->pending_force);
    free(p->status);
    free(p);
    a->action_pane = NULL;
}
