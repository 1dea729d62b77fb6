/* View 6: the journal as an audit trail, newest first, filterable by person and
 * event type. */
#include <stdlib.h>
#include <string.h>

#include "tui/commands.h"
#include "tui/app.h"
#include "tui/format.h"

static Role type_role(const LoggedEvent *e) {
    switch (e->type) {
    case EVENT_TICK:
        return ROLE_OK;
    case EVENT_UNTICK:
        return ROLE_WARN;
    case EVENT_PHASE_OVERRIDE:
        return ROLE_RISK_HIGH;
    case EVENT_ACTION_END:
        return e->text && strcmp(e->text, "done") == 0 ? ROLE_OK : ROLE_FAIL;
    default:
        return ROLE_NORMAL;
    }
}

static bool shown(const App *a, const LoggedEvent *e) {
    if (a->filter_by && (!e->by || strcmp(e->by, a->filter_by) != 0)) {
        return false;
    }
    return a->filter_type < 0 || (int)e->type == a->filter_type;
}

static void refresh(View *v, App *a) {
    size_t n = a->activity->n;
    if (view_rows_reserve(v, n) < 0) {
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const LoggedEvent *e = event_log_get(a->activity, i);
        if (!shown(a, e)) {
            continue;
        }
        Line *l = &v->rows[k++];
        line_clear(l);
        char when[32];
        _cleanup_(freep) char *by = fmt_cut(e->by ? e->by : "?", 12);
        _cleanup_(freep) char *host = fmt_cut(e->host ? e->host : "?", 12);
        _cleanup_(freep) char *type = fmt_cut(e->type_name, 14);
        _cleanup_(freep) char *target = fmt_cut(e->target ? e->target : "", 24);
        line_addf(l, ROLE_DIM, " %6llu %s ", (unsigned long long)e->seq,
                  fmt_when(e->at, when, sizeof(when)));
        line_addf(l, ROLE_NORMAL, "%-12s", by ? by : "");
        line_addf(l, ROLE_DIM, "@%-12s ", host ? host : "");
        line_addf(l, type_role(e), "%-14s ", type ? type : "");
        line_addf(l, ROLE_NORMAL, "%-24s", target ? target : "");
        if (e->text) {
            _cleanup_(freep) char *text = fmt_safe(e->text);
            line_addf(l, ROLE_DIM, " %s", text ? text : "");
        }
        if (e->has_exit) {
            line_addf(l, ROLE_DIM, " (exit %d)", e->exit_code);
        }
    }
    list_set_rows(v->list, v->rows, NULL, k);
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    Line h;
    line_init(&h);
    line_addf(&h, ROLE_TITLE, " Activity — newest first; %llu events in the journal",
              (unsigned long long)a->activity->total);
    if (a->activity->total > a->activity->n) {
        line_addf(&h, ROLE_DIM, " (the latest %zu shown)", a->activity->n);
    }
    if (a->filter_by) {
        _cleanup_(freep) char *by = fmt_safe(a->filter_by);
        line_addf(&h, ROLE_WARN, "  person: %s", by);
    }
    if (a->filter_type >= 0) {
        line_addf(&h, ROLE_WARN, "  type: %s", event_type_to_string((EventType)a->filter_type));
    }
    if (a->filter_by || a->filter_type >= 0) {
        line_add(&h, ROLE_DIM, "  (c clears)");
    }
    line_draw(&a->canvas, &h, y, 0, cols, true, ROLE_TITLE);
    line_free(&h);
    widget_resize(&v->list->base, 0, y + 1, cols, rows - 1);
    if (v->list->n_rows == 0) {
        canvas_put(&a->canvas, y + 2, 2, ROLE_DIM,
                   a->activity->n ? "No event matches the filter." : "Nothing journaled yet.",
                   cols - 4);
        return;
    }
    widget_draw(&v->list->base);
}

static unsigned handle_key(View *v, App *a, int key) {
    return widget_handle_key(&v->list->base, key);
}

static bool command(View *v, App *a, int cmd) {
    switch (cmd) {
    case CMD_FILTER_PERSON:
        app_modal(a, OP_FILTER_BY, MODAL_PROMPT, "Filter by person",
                  "Show the events of (empty: everyone):", NULL);
        return true;
    case CMD_FILTER_TYPE:
        a->filter_type = a->filter_type + 1 >= EVENT_UNKNOWN ? -1 : a->filter_type + 1;
        app_refresh_views(a);
        return true;
    case CMD_FILTER_CLEAR:
        free(a->filter_by);
        a->filter_by = NULL;
        a->filter_type = -1;
        app_refresh_views(a);
        return true;
    default:
        return false;
    }
}

static void free_view(View *v) {
    view_list_done(v);
    free(v);
}

static const ViewOps activity_ops = {
    .title = "Activity",
    .refresh = refresh,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = view_list_click,
    .wheel = view_list_wheel,
    .free = free_view,
};

View *view_activity_new(App *a) {
    View *v = calloc(1, sizeof(*v));
    if (v && !view_list_init(v, &activity_ops, a)) {
        free(v);
        v = NULL;
    }
    return v;
}
