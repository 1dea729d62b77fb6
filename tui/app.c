/* The App: setting up, folding the journal in, tearing down. */
#include "tui/app.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "tui/action_pane.h"
#include "tui/sync_panel.h"

bool app_is_readonly(const App *a) {
    return a->mode != APP_NORMAL || a->journal_ro;
}

int app_fold_event(App *a, const JournalEvent *ev) {
    int r = state_apply(a->state, ev);
    if (r >= 0 && a->activity) {
        r = event_log_add(a->activity, ev);
    }
    return r;
}

int app_fold_cb(const JournalEvent *ev, void *userdata) {
    App *a = userdata;
    /* with sync, the order is the stream's: the sync log folds */
    return a->sync ? sync_panel_take(a, ev) : app_fold_event(a, ev);
}

void app_refresh_views(App *a) {
    a->now = time_now();
    Timeline *tl = NULL;
    if (timeline_compute(a->plan, a->state, a->now, &tl) >= 0) {
        timeline_free(a->timeline);
        a->timeline = tl;
    }
    for (int i = 0; i < _VIEW_MAX; i++) {
        if (a->views[i] && a->views[i]->ops->refresh) {
            a->views[i]->ops->refresh(a->views[i], a);
        }
    }
    a->dirty = true;
}

bool app_sync_journal(App *a) {
    if (a->append_in_flight) {
        /* the writer thread owns the handle: catch up when it returns */
        a->resync_pending = true;
        return false;
    }
    uint64_t before = a->state->last_seq;
    size_t events_before = a->state->n_events;
    int r = journal_read(a->journal, app_fold_cb, a);
    if (r < 0) {
        app_message(a, ROLE_FAIL, "Cannot read the journal: %s. The panel shows what it had.",
                    strerror(-r));
        return false;
    }
    for (size_t i = a->journal_warned; i < journal_n_warnings(a->journal); i++) {
        app_message(a, ROLE_WARN, "Journal: %s", journal_warning(a->journal, i));
    }
    a->journal_warned = journal_n_warnings(a->journal);
    bool refolded = a->sync && sync_panel_settle(a);
    if (!refolded && a->state->last_seq == before && a->state->n_events == events_before) {
        return false;
    }
    a->state_changed_at = time_now();
    app_refresh_views(a);
    return true;
}

int app_load_journal(App *a) {
    int r = journal_read(a->journal, app_fold_cb, a);
    if (r >= 0 && a->sync) {
        (void)sync_panel_settle(a);
    }
    for (size_t i = 0; i < journal_n_warnings(a->journal); i++) {
        fprintf(stderr, "opsdeck: warning: journal: %s\n", journal_warning(a->journal, i));
    }
    a->journal_warned = journal_n_warnings(a->journal);
    if (r < 0) {
        fprintf(stderr, "opsdeck: cannot read journal '%s': %s\n", a->journal_path, strerror(-r));
        return r;
    }
    a->state_changed_at = a->state->last_at;
    a->journal_ro = journal_is_readonly(a->journal);
    return 0;
}

void app_create_views(App *a) {
    a->views[VIEW_TIMELINE] = view_timeline_new(a);
    a->views[VIEW_CHECKLIST] = view_checklist_new(a);
    a->views[VIEW_SERVICES] = view_services_new(a);
    a->views[VIEW_LOGS] = view_logs_new(a);
    a->views[VIEW_HEALTH] = view_health_new(a);
    a->views[VIEW_ACTIVITY] = view_activity_new(a);
    ssize_t cur = state_current_phase(a->state);
    a->phase = cur >= 0 ? (size_t)cur : 0;
    a->current = VIEW_TIMELINE;
    app_refresh_views(a);
}

void app_show_view(App *a, ViewId id) {
    if (id >= _VIEW_MAX || !a->views[id]) {
        return;
    }
    a->current = id;
    if (a->views[id]->ops->refresh) {
        a->views[id]->ops->refresh(a->views[id], a);
    }
    a->dirty = true;
}

void app_message(App *a, Role role, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = text_sanitize_vf(fmt, ap);
    va_end(ap);
    if (!msg) {
        return;
    }
    free(a->message);
    a->message = msg;
    a->message_role = role;
    a->message_until = time_now() + 8;
    a->dirty = true;
}

void app_modal(App *a, PendingOp op, ModalKind kind, const char *title, const char *message,
               const char *expected) {
    _cleanup_(freep) char *t = text_sanitize(title, strlen(title));
    _cleanup_(freep) char *m = text_sanitize_flags(message, strlen(message), TEXT_KEEP_NEWLINE);
    _cleanup_(freep) char *e = expected ? text_sanitize(expected, strlen(expected)) : NULL;
    widget_free((Widget *)a->modal);
    a->modal = modal_new(&a->canvas, kind, t ? t : "", m ? m : "", e, (int)op);
    a->pending = a->modal ? op : OP_NONE;
    if (a->modal) {
        widget_resize(&a->modal->base, 0, 0, a->cols, a->rows);
    }
    a->dirty = true;
}

void app_close(App *a) {
    action_pane_free(a); /* a running action is cancelled and its end journaled first */
    a->sync = sync_panel_free(a->sync);
    for (int i = 0; i < _VIEW_MAX; i++) {
        if (a->views[i]) {
            a->views[i]->ops->free(a->views[i]);
            a->views[i] = NULL;
        }
    }
    a->modal = (Modal *)widget_free((Widget *)a->modal);
    a->help = (Help *)widget_free((Widget *)a->help);
    free(a->message);
    free(a->search);
    free(a->filter_by);
    free(a->journal_name);
    free(a->theme_search);
    theme_names_free(a->theme_names);
    a->theme = theme_free(a->theme);
    a->activity = event_log_free(a->activity);
    a->timeline = timeline_free(a->timeline);
    a->state = state_free(a->state);
    a->journal = journal_free(a->journal);
    free(a->journal_path);
    a->plan = plan_free(a->plan);
    if (a->inotify_fd >= 0) {
        close(a->inotify_fd);
        a->inotify_fd = -1;
    }
}
