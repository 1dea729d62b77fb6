/* Views 3, 4 and 5 until their capabilities land: they say plainly what fills
 * them and list what the plan asks them to watch, marked "not connected". */
#include <stdio.h>
#include <stdlib.h>

#include "tui/app.h"
#include "tui/format.h"

typedef struct PlaceholderView {
    View base;
    ViewId id;
} PlaceholderView;

static const struct {
    const char *title, *capability;
} info[_VIEW_MAX] = {
    [VIEW_SERVICES] = {"Services", "the systemd capability (live unit status over sd-bus)"},
    [VIEW_LOGS] = {"Logs", "the systemd capability (journal and file tails)"},
    [VIEW_HEALTH] = {"Health", "the integrations capability (checks, git, MariaDB, Redis)"},
};

static void put_entry(App *a, int *row, int end, int cols, const char *name, const char *what) {
    if (*row >= end) {
        return;
    }
    Line l;
    line_init(&l);
    _cleanup_(freep) char *n = fmt_cut(name, 36);
    line_addf(&l, ROLE_UNKNOWN, "  %s ", canvas_glyph(&a->canvas, "◌", "?"));
    line_addf(&l, ROLE_NORMAL, "%-36s ", n ? n : "");
    line_addf(&l, ROLE_DIM, "%s — not connected", what);
    line_draw(&a->canvas, &l, (*row)++, 0, cols, true, ROLE_NORMAL);
    line_free(&l);
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    PlaceholderView *pv = (PlaceholderView *)v;
    const Plan *p = a->plan;
    int row = y, end = y + rows;
    char text[256];
    snprintf(text, sizeof(text), " %s", info[pv->id].title);
    canvas_fill(&a->canvas, row, 0, cols, ROLE_TITLE);
    canvas_put(&a->canvas, row++, 0, ROLE_TITLE, text, cols);
    snprintf(text, sizeof(text),
             " Not connected yet: this view is filled by %s, which this "
             "version of opsdeck does not have.",
             info[pv->id].capability);
    canvas_put(&a->canvas, ++row, 0, ROLE_WARN, text, cols);
    row += 2;
    if (pv->id == VIEW_SERVICES) {
        for (size_t i = 0; i < p->n_services; i++) {
            put_entry(a, &row, end, cols, p->services[i].unit, "unit");
        }
    } else if (pv->id == VIEW_LOGS) {
        for (size_t i = 0; i < p->n_logs; i++) {
            put_entry(a, &row, end, cols, p->logs[i].id, p->logs[i].unit ? "journal" : "file");
        }
    } else {
        for (size_t i = 0; i < p->n_checks; i++) {
            put_entry(a, &row, end, cols, p->checks[i].id, check_kind_to_string(p->checks[i].kind));
        }
    }
}

static void free_view(View *v) {
    free(v);
}

static const ViewOps services_ops = {.title = "Services", .draw = draw, .free = free_view};
static const ViewOps logs_ops = {.title = "Logs", .draw = draw, .free = free_view};
static const ViewOps health_ops = {.title = "Health", .draw = draw, .free = free_view};

View *view_placeholder_new(App *a, ViewId id) {
    PlaceholderView *pv = calloc(1, sizeof(*pv));
    if (!pv) {
        return NULL;
    }
    pv->id = id;
    pv->base.ops = id == VIEW_SERVICES ? &services_ops : id == VIEW_LOGS ? &logs_ops : &health_ops;
    return &pv->base;
}
