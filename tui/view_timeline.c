/* View 1: every phase with status, risk, owner, progress, planned vs actual,
 * slip, and a Gantt area with the now line; the critical path and the point of
 * no return are marked. */
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "tui/actions.h"
#include "tui/commands.h"
#include "tui/app.h"
#include "tui/format.h"
#include "widgets/bars.h"

typedef struct Columns {
    int title, owner, bar, gantt; /* widths; 0 = column hidden */
    int bar_x, gantt_x;
} Columns;

typedef struct TimelineView {
    View base;
    Columns col;
    int last_cols;
} TimelineView;

/* Fixed columns: icon+mark 3, id 11, risk 7, done 8, planned 9, slip 9. */
#define FIXED 47

static Columns layout(int cols) {
    Columns c = {.bar = 10, .owner = cols >= 100 ? 9 : 0};
    int rest = cols - FIXED - c.bar - 1 - c.owner;
    if (cols >= 110) {
        c.gantt = rest / 2;
        rest -= c.gantt + 1;
    }
    c.title = rest > 8 ? rest : 8;
    c.bar_x = 3 + 11 + c.title + 1 + c.owner + 7 + 8;
    c.gantt_x = cols - c.gantt;
    return c;
}

static void build_row(App *a, TimelineView *tv, size_t i, Line *l) {
    const Phase *ph = &a->plan->phases[i];
    const PhaseState *ps = &a->state->phases[i];
    const PhaseTimes *pt = a->timeline ? &a->timeline->phases[i] : NULL;
    const Columns *c = &tv->col;
    char buf[64], d[32];
    line_addf(l, fmt_status_role(ps->status), " %s", fmt_status_icon(&a->canvas, ps->status));
    line_add(l, ROLE_CRITICAL, pt && pt->critical ? canvas_glyph(&a->canvas, "★", "*") : " ");
    _cleanup_(freep) char *id = fmt_safe(ph->id);
    line_addf(l, ROLE_NORMAL, "%-10.10s ", id);
    int title_cols = c->title;
    if (ph->point_of_no_return) {
        line_addf(l, ROLE_RISK_HIGH, "%s ", canvas_glyph(&a->canvas, "⚑", "!"));
        title_cols -= 2;
    }
    _cleanup_(freep) char *title = fmt_cut(ph->title, title_cols);
    line_add(l, ROLE_NORMAL, title ? title : "");
    line_pad(l, ROLE_NORMAL, 3 + 11 + c->title);
    line_add(l, ROLE_NORMAL, " ");
    if (c->owner) {
        _cleanup_(freep) char *owner = fmt_safe(ph->owner ? ph->owner : "");
        line_addf(l, ROLE_DIM, "%-8.8s ", owner);
    }
    line_addf(l, fmt_risk_role(ph->risk), "%-6.6s ", risk_to_string(ph->risk));
    snprintf(buf, sizeof(buf), "%zu/%zu", ps->done, ps->total);
    line_addf(l, ROLE_NORMAL, "%7s ", buf);
    line_pad(l, ROLE_NORMAL, c->bar_x + c->bar + 1);
    line_addf(l, ROLE_DIM, "%8s ",
              ph->duration ? duration_format(ph->duration, d, sizeof(d)) : "—");
    fmt_slip(pt ? pt->slip : 0, pt && pt->actual_start, buf, sizeof(buf));
    line_addf(l, pt && pt->slip > 0 ? ROLE_WARN : ROLE_DIM, "%8s", buf);
}

static void refresh(View *v, App *a) {
    TimelineView *tv = (TimelineView *)v;
    tv->col = layout(a->cols);
    tv->last_cols = a->cols;
    size_t n = a->plan->n_phases;
    if (view_rows_reserve(v, n) < 0) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        line_clear(&v->rows[i]);
        build_row(a, tv, i, &v->rows[i]);
    }
    list_set_rows(v->list, v->rows, NULL, n);
    list_select(v->list, a->phase);
}

static void draw_gantt(App *a, TimelineView *tv, int y, int rows) {
    const Timeline *tl = a->timeline;
    const Columns *c = &tv->col;
    if (!tl || c->gantt < 8) {
        return;
    }
    double end = (double)(tl->planned_end - tl->t0);
    if (tl->projected_end - tl->t0 > end) {
        end = (double)(tl->projected_end - tl->t0);
    }
    if (end <= 0) {
        end = 3600;
    }
    double now = (double)(a->now - tl->t0);
    List *l = tv->base.list;
    for (int r = 0; r < rows && l->top + (size_t)r < l->n_rows; r++) {
        size_t i = l->top + (size_t)r;
        const PhaseTimes *pt = &tl->phases[i];
        GanttRow g = {
            .planned_start = (double)pt->planned_start,
            .planned_end = (double)pt->planned_end,
            .actual_start = pt->actual_start ? (double)(pt->actual_start - tl->t0) : -1,
            .actual_end = pt->actual_end     ? (double)(pt->actual_end - tl->t0)
                          : pt->actual_start ? -1
                                             : -1,
            .now = now >= 0 && now <= end ? now : -1,
            .planned_role = pt->critical ? ROLE_CRITICAL : ROLE_PLANNED_BAR,
            .actual_role = ROLE_ACTUAL_BAR,
            .now_role = ROLE_NOW,
        };
        if (pt->actual_start && !pt->actual_end) {
            g.actual_end = -1; /* still running: open-ended up to now */
        }
        gantt_draw(&a->canvas, y + r, c->gantt_x, c->gantt, 0, end, &g);
    }
}

static void draw_footer(App *a, int y, int cols) {
    const Timeline *tl = a->timeline;
    if (!tl) {
        return;
    }
    Line l;
    line_init(&l);
    line_addf(&l, ROLE_CRITICAL, " %s critical path: ", canvas_glyph(&a->canvas, "★", "*"));
    for (size_t i = 0; i < tl->n_critical; i++) {
        _cleanup_(freep) char *id = fmt_safe(a->plan->phases[tl->critical_path[i]].id);
        line_addf(&l, ROLE_NORMAL, "%s%s", i ? canvas_glyph(&a->canvas, " → ", " > ") : "", id);
    }
    line_draw(&a->canvas, &l, y, 0, cols, true, ROLE_NORMAL);
    line_clear(&l);
    char s[32], p[32], q[32], slip[32];
    line_addf(&l, ROLE_NORMAL, " window %s %s", tl->t0_from_plan ? "opens" : "opened",
              fmt_when(tl->t0, s, sizeof(s)));
    line_addf(&l, ROLE_NORMAL, " · planned end %s", fmt_when(tl->planned_end, p, sizeof(p)));
    line_addf(&l, tl->projected_slip > 0 ? ROLE_WARN : ROLE_OK, " · projected end %s (%s)",
              fmt_when(tl->projected_end, q, sizeof(q)),
              fmt_slip(tl->projected_slip, 1, slip, sizeof(slip)));
    line_addf(&l, ROLE_DIM, " · %s point of no return", canvas_glyph(&a->canvas, "⚑", "!"));
    line_draw(&a->canvas, &l, y + 1, 0, cols, true, ROLE_NORMAL);
    line_free(&l);
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    TimelineView *tv = (TimelineView *)v;
    if (cols != tv->last_cols) {
        refresh(v, a);
    }
    const Columns *c = &tv->col;
    Line h;
    line_init(&h);
    line_add(&h, ROLE_TITLE, "    PHASE      TITLE");
    line_pad(&h, ROLE_TITLE, 3 + 11 + c->title + 1);
    if (c->owner) {
        line_add(&h, ROLE_TITLE, "OWNER    ");
    }
    line_add(&h, ROLE_TITLE, "RISK      DONE ");
    line_pad(&h, ROLE_TITLE, c->bar_x);
    line_add(&h, ROLE_TITLE, "PROGRESS    PLANNED     SLIP");
    line_draw(&a->canvas, &h, y, 0, cols, true, ROLE_TITLE);
    if (c->gantt) {
        canvas_put(&a->canvas, y, c->gantt_x, ROLE_TITLE, "TIMELINE", c->gantt);
    }
    line_free(&h);
    int list_rows = rows - 3;
    widget_resize(&v->list->base, 0, y + 1, c->gantt ? c->gantt_x - 1 : cols, list_rows);
    widget_draw(&v->list->base);
    for (int r = 0; r < list_rows && v->list->top + (size_t)r < v->list->n_rows; r++) {
        size_t i = v->list->top + (size_t)r;
        const PhaseState *ps = &a->state->phases[i];
        progress_draw(&a->canvas, y + 1 + r, c->bar_x, c->bar, ps->done, ps->total, ROLE_DONE,
                      ROLE_DIM);
    }
    draw_gantt(a, tv, y + 1, list_rows);
    draw_footer(a, y + rows - 2, cols);
}

static unsigned handle_key(View *v, App *a, int key) {
    unsigned r = widget_handle_key(&v->list->base, key);
    a->phase = v->list->selected;
    return r;
}

static bool command(View *v, App *a, int cmd) {
    a->phase = v->list->selected;
    switch (cmd) {
    case CMD_OPEN:
        app_show_view(a, VIEW_CHECKLIST);
        return true;
    case CMD_START_PHASE:
        actions_start_phase(a, a->phase);
        return true;
    case CMD_OVERRIDE:
        actions_override(a, a->phase, NULL);
        return true;
    default:
        return false;
    }
}

static void click(View *v, App *a, int y, int x, bool dbl) {
    long row = list_row_at(v->list, y + 1);
    if (row >= 0) {
        list_select(v->list, (size_t)row);
        a->phase = (size_t)row;
        if (dbl) {
            app_show_view(a, VIEW_CHECKLIST);
        }
    }
}

static void wheel(View *v, App *a, int delta) {
    view_list_wheel(v, a, delta);
    a->phase = v->list->selected;
}

static void free_view(View *v) {
    view_list_done(v);
    free(v);
}

static const ViewOps timeline_ops = {
    .title = "Timeline",
    .refresh = refresh,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = click,
    .wheel = wheel,
    .free = free_view,
};

View *view_timeline_new(App *a) {
    TimelineView *tv = calloc(1, sizeof(*tv));
    if (!tv) {
        return NULL;
    }
    if (!view_list_init(&tv->base, &timeline_ops, a)) {
        free(tv);
        return NULL;
    }
    return &tv->base;
}
