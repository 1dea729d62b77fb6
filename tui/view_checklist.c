/* View 2: the selected phase's checklist, its rollback steps, and a detail pane
 * with the selected item's commands, notes, action and check. */
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "tui/action_pane.h"
#include "tui/actions.h"
#include "tui/commands.h"
#include "tui/app.h"
#include "tui/format.h"

typedef struct ChecklistView {
    View base;
    bool *selectable;
    const Item **items; /* per row; NULL for headings */
    size_t cap, n;      /* of selectable and items */
    size_t shown_phase; /* the phase the rows are for; SIZE_MAX before the first */
} ChecklistView;

static int grow(ChecklistView *cv, size_t n) {
    if (view_rows_reserve(&cv->base, n) < 0) {
        return -1;
    }
    if (n <= cv->cap) {
        return 0;
    }
    size_t cap = n * 2;
    bool *s = realloc(cv->selectable, cap * sizeof(bool));
    const Item **it = realloc(cv->items, cap * sizeof(Item *));
    if (s) {
        cv->selectable = s;
    }
    if (it) {
        cv->items = it;
    }
    if (!s || !it) {
        return -1;
    }
    cv->cap = cap;
    return 0;
}

static void add_heading(ChecklistView *cv, const char *text) {
    Line *l = &cv->base.rows[cv->n];
    line_clear(l);
    line_addf(l, ROLE_TITLE, " %s", text);
    cv->selectable[cv->n] = false;
    cv->items[cv->n++] = NULL;
}

static void add_item(App *a, ChecklistView *cv, const Item *it) {
    const ItemState *is = &a->state->items[it->index];
    Line *l = &cv->base.rows[cv->n];
    line_clear(l);
    line_addf(l, is->done ? ROLE_DONE : ROLE_NORMAL, " [%s] ", is->done ? "x" : " ");
    _cleanup_(freep) char *text = fmt_cut(it->text, a->cols > 100 ? a->cols - 50 : 40);
    line_add(l, is->done ? ROLE_NORMAL : ROLE_NORMAL, text ? text : "");
    if (it->optional) {
        line_add(l, ROLE_DIM, " (optional)");
    }
    if (it->check) {
        line_addf(l, ROLE_WARN, " %s%s", canvas_glyph(&a->canvas, "⚿", "check:"), it->check);
    }
    if (it->action) {
        line_addf(l, ROLE_DIM, " %s%s", canvas_glyph(&a->canvas, "▶", "run:"), it->action);
    }
    if (is->by) {
        char when[32];
        _cleanup_(freep) char *by = fmt_safe(is->by);
        line_addf(l, ROLE_DIM, "  %s %s %s", is->done ? "by" : "unticked by", by,
                  fmt_when(is->at, when, sizeof(when)));
    }
    if (is->n_notes) {
        line_addf(l, ROLE_DIM, "  %s%zu", canvas_glyph(&a->canvas, "✎", "notes:"), is->n_notes);
    }
    cv->selectable[cv->n] = true;
    cv->items[cv->n++] = it;
}

static void refresh(View *v, App *a) {
    ChecklistView *cv = (ChecklistView *)v;
    const Phase *ph = &a->plan->phases[a->phase];
    if (grow(cv, ph->n_items + ph->n_rollback + 2) < 0) {
        return;
    }
    size_t keep = v->list->selected;
    cv->n = 0;
    add_heading(cv, "Checklist");
    for (size_t k = 0; k < ph->n_items; k++) {
        add_item(a, cv, &ph->items[k]);
    }
    if (ph->n_rollback) {
        add_heading(cv, "Rollback steps");
        for (size_t k = 0; k < ph->n_rollback; k++) {
            add_item(a, cv, &ph->rollback[k]);
        }
    }
    list_set_rows(v->list, v->rows, cv->selectable, cv->n);
    /* a new phase opens on its first item */
    list_select(v->list, cv->shown_phase == a->phase ? keep : 1);
    cv->shown_phase = a->phase;
}

static const Item *selected_item(View *v) {
    ChecklistView *cv = (ChecklistView *)v;
    size_t i = v->list->selected;
    return i < cv->n ? cv->items[i] : NULL;
}

static void draw_phase_line(App *a, int y, int cols) {
    const Phase *ph = &a->plan->phases[a->phase];
    const PhaseState *ps = &a->state->phases[a->phase];
    Line l;
    line_init(&l);
    _cleanup_(freep) char *title = fmt_safe(ph->title);
    line_addf(&l, fmt_status_role(ps->status), " %s ", fmt_status_icon(&a->canvas, ps->status));
    line_addf(&l, ROLE_TITLE, "%s", title ? title : "");
    line_addf(&l, ROLE_NORMAL, "  %zu/%zu ", ps->done, ps->total);
    line_addf(&l, fmt_status_role(ps->status), "%s", phase_status_to_string(ps->status));
    line_addf(&l, fmt_risk_role(ph->risk), "  risk %s", risk_to_string(ph->risk));
    if (ph->owner) {
        _cleanup_(freep) char *owner = fmt_safe(ph->owner);
        line_addf(&l, ROLE_DIM, "  owner %s", owner);
    }
    if (ph->depends.n) {
        line_add(&l, ROLE_DIM, "  after");
        for (size_t k = 0; k < ph->depends.n; k++) {
            bool done = a->state->phases[ph->dep[k]].status == PHASE_COMPLETE;
            line_addf(&l, done ? ROLE_OK : ROLE_FAIL, " %s%s", ph->depends.v[k],
                      done ? canvas_glyph(&a->canvas, "✓", "")
                           : canvas_glyph(&a->canvas, "✗", "!"));
        }
    }
    if (ps->overridden) {
        line_add(&l, ROLE_WARN, "  overridden");
    }
    if (ph->point_of_no_return) {
        line_addf(&l, ROLE_RISK_HIGH, "  %s point of no return",
                  canvas_glyph(&a->canvas, "⚑", "!"));
    }
    line_draw(&a->canvas, &l, y, 0, cols, true, ROLE_NORMAL);
    line_free(&l);
}

/* The selected item: its commands (details), latest note, who/when, action, check. */
static void draw_detail(App *a, const Item *it, int y, int rows, int cols) {
    canvas_fill(&a->canvas, y, 0, cols, ROLE_HEADER_DIM);
    if (!it) {
        canvas_put(&a->canvas, y, 1, ROLE_HEADER_DIM, "No item selected", cols - 2);
        return;
    }
    const ItemState *is = &a->state->items[it->index];
    char head[160];
    snprintf(head, sizeof(head), "%s%s%s", it->id, it->rollback ? " (rollback step)" : "",
             it->optional ? " (optional)" : "");
    canvas_put(&a->canvas, y, 1, ROLE_HEADER_DIM, head, cols - 2);
    int row = y + 1, end = y + rows;
    Line l;
    line_init(&l);
    if (it->action || it->check) {
        if (it->action) {
            line_addf(&l, ROLE_NORMAL, " action: %s (Enter)", it->action);
        }
        if (it->check) {
            line_addf(&l, ROLE_WARN, "  evidence gate: check %s must be ok", it->check);
        }
        line_draw(&a->canvas, &l, row++, 0, cols, true, ROLE_NORMAL);
        line_clear(&l);
    }
    if (is->by && row < end) {
        char when[32];
        _cleanup_(freep) char *by = fmt_safe(is->by);
        line_addf(&l, ROLE_DIM, " %s by %s at %s", is->done ? "ticked" : "unticked", by,
                  fmt_when(is->at, when, sizeof(when)));
        if (is->evidence) {
            _cleanup_(freep) char *ev = fmt_safe(is->evidence);
            line_addf(&l, ROLE_DIM, " — evidence: %s", ev);
        }
        line_draw(&a->canvas, &l, row++, 0, cols, true, ROLE_NORMAL);
        line_clear(&l);
    }
    if (is->note && row < end) {
        _cleanup_(freep) char *note = fmt_safe(is->note);
        line_addf(&l, ROLE_NORMAL, " note: %s", note);
        line_draw(&a->canvas, &l, row++, 0, cols, true, ROLE_NORMAL);
        line_clear(&l);
    }
    line_free(&l);
    if (it->details) {
        /* commands, shown line by line, every line sanitised on its own */
        const char *p = it->details;
        while (*p && row < end) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            _cleanup_(freep) char *safe = text_sanitize_flags(p, len, 0);
            canvas_put(&a->canvas, row++, 3, ROLE_KEY_LABEL, safe ? safe : "", cols - 4);
            p += len + (nl ? 1 : 0);
        }
    }
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    ChecklistView *cv = (ChecklistView *)v;
    if (cv->shown_phase != a->phase) {
        refresh(v, a);
    }
    draw_phase_line(a, y, cols);
    int detail = rows >= 20 ? rows / 3 : 4;
    int list_rows = rows - 1 - detail;
    widget_resize(&v->list->base, 0, y + 1, cols, list_rows);
    widget_draw(&v->list->base);
    if (action_pane_visible(a)) {
        action_pane_draw(a, y + 1 + list_rows, detail, cols);
    } else {
        draw_detail(a, selected_item(v), y + 1 + list_rows, detail, cols);
    }
}

static unsigned handle_key(View *v, App *a, int key) {
    return widget_handle_key(&v->list->base, key);
}

static bool command(View *v, App *a, int cmd) {
    const Item *it = selected_item(v);
    switch (cmd) {
    case CMD_TICK:
        if (it) {
            actions_toggle_tick(a, it);
        }
        return true;
    case CMD_NOTE:
        if (it) {
            actions_note(a, it);
        }
        return true;
    case CMD_OVERRIDE:
        actions_override(a, a->phase, it);
        return true;
    case CMD_START_PHASE:
        actions_start_phase(a, a->phase);
        return true;
    case CMD_OPEN:
        if (it && it->action && plan_find_action(a->plan, it->action)) {
            action_pane_request(a, plan_find_action(a->plan, it->action), it);
        } else {
            app_message(a, ROLE_DIM, "This item has no action.");
        }
        return true;
    case CMD_ACTION_OUTPUT:
        action_pane_toggle(a);
        return true;
    case CMD_BACK:
        app_show_view(a, VIEW_TIMELINE);
        return true;
    default:
        return false;
    }
}

static void free_view(View *v) {
    ChecklistView *cv = (ChecklistView *)v;
    view_list_done(v);
    free(cv->selectable);
    free(cv->items);
    free(cv);
}

static const ViewOps checklist_ops = {
    .title = "Checklist",
    .refresh = refresh,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = view_list_click,
    .wheel = view_list_wheel,
    .free = free_view,
};

View *view_checklist_new(App *a) {
    ChecklistView *cv = calloc(1, sizeof(*cv));
    if (!cv) {
        return NULL;
    }
    cv->shown_phase = (size_t)-1;
    if (!view_list_init(&cv->base, &checklist_ops, a)) {
        free(cv);
        return NULL;
    }
    return &cv->base;
}
