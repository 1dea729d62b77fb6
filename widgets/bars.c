/* widgets/bars.c: progress bar, status badge and Gantt row. */
#include "widgets/bars.h"

#include <curses.h>
#include <math.h>
#include <string.h>

/* Eighths of a cell for a finer bar end with UTF-8. */
static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};

static void repeat(const Canvas *c, int y, int x, int n, Role role, const char *glyph) {
    for (int i = 0; i < n; i++) {
        canvas_put(c, y, x + i, role, glyph, 1);
    }
}

int progress_fill(unsigned long done, unsigned long total, int cells, int *ret_eighths) {
    int full = 0, part = 0;
    if (cells > 0 && total > 0 && done > 0) {
        if (done >= total) {
            full = cells;
        } else {
            unsigned long long e = (unsigned long long)done * (unsigned long long)cells * 8 / total;
            full = (int)(e / 8);
            part = (int)(e % 8);
            if (full == 0 && part == 0) {
                part = 1; /* something is done: show it */
            }
            if (full >= cells) {
                full = cells - 1, part = 7; /* not all done: never a full bar */
            }
        }
    }
    if (ret_eighths) {
        *ret_eighths = part;
    }
    return full;
}

void progress_draw(const Canvas *c, int y, int x, int width, unsigned long done,
                   unsigned long total, Role done_role, Role todo_role) {
    if (width <= 0) {
        return;
    }
    bool brackets = width >= 4;
    int cells = brackets ? width - 2 : width;
    int part, full = progress_fill(done, total, cells, &part);
    bool u = c && c->utf8;
    int cx = x + (brackets ? 1 : 0);
    if (brackets) {
        canvas_put(c, y, x, todo_role, "[", 1);
        canvas_put(c, y, x + width - 1, todo_role, "]", 1);
    }
    repeat(c, y, cx, full, done_role, u ? "█" : "#");
    int rest = cells - full;
    if (part > 0 && rest > 0) {
        /* ASCII has no partial cell: a started cell counts as done when it is
         * the only sign of progress, else as not done. */
        bool show = u || full == 0;
        canvas_put(c, y, cx + full, show ? done_role : todo_role,
                   u ? eighths[part] : (show ? "#" : "-"), 1);
        rest--;
    }
    repeat(c, y, cx + cells - rest, rest, todo_role, u ? "░" : "-");
}

bool badge_reversed(const Canvas *c, Role role) {
    unsigned a = theme_attr(c ? c->theme : NULL, role);
    if (a & A_REVERSE) {
        return false;
    }
    const Theme *t = c ? c->theme : NULL;
    if (t && t->colors_on && (unsigned)role < _ROLE_MAX) {
        const ThemeStyle *st = &t->style[role];
        return (t->colors_256 ? st->bg256 : st->bg8) < 0;
    }
    return true;
}

int badge_draw(const Canvas *c, int y, int x, Role role, const char *text) {
    if (!text) {
        return 0;
    }
    int w = canvas_width(text) + 2;
    if (!stdscr || x < 0 || x >= getmaxx(stdscr)) {
        return 0;
    }
    if (x + w > getmaxx(stdscr)) {
        w = getmaxx(stdscr) - x;
    }
    bool rev = badge_reversed(c, role);
    unsigned a = theme_attr(c ? c->theme : NULL, role) | (rev ? A_REVERSE : 0);
    /* Draw in the role, then flip the cells to reverse when the role is plain text. */
    canvas_fill(c, y, x, w, role);
    canvas_put(c, y, x + 1, role, text, w - 2);
    if (rev) {
        (void)mvchgat(y, x, w, (attr_t)(a & ~A_COLOR), (short)PAIR_NUMBER(a), NULL);
    }
    return w;
}

int gantt_cell(double t0, double t1, int width, double t) {
    if (width <= 0 || !(t1 > t0)) {
        return 0;
    }
    double f = floor((t - t0) / (t1 - t0) * width);
    if (!(f >= 0)) {
        return 0;
    }
    return f >= width ? width - 1 : (int)f;
}

bool gantt_span(double t0, double t1, int width, double start, double end, int *ret_a, int *ret_b) {
    if (width <= 0 || !(t1 > t0) || !(end >= start) || end < t0 || start >= t1 ||
        (end <= t0 && start < end)) {
        return false;
    }
    int a = gantt_cell(t0, t1, width, start);
    /* The cell holding the last instant before end; an empty span takes one cell. */
    double last = ceil((end - t0) / (t1 - t0) * width) - 1;
    int b = last >= width ? width - 1 : last < a ? a : (int)last;
    *ret_a = a;
    *ret_b = b;
    return true;
}

void gantt_draw(const Canvas *c, int y, int x, int width, double t0, double t1,
                const GanttRow *row) {
    int a, b;
    bool u = c && c->utf8;
    if (gantt_span(t0, t1, width, row->planned_start, row->planned_end, &a, &b)) {
        repeat(c, y, x + a, b - a + 1, row->planned_role, u ? "░" : "-");
    }
    if (row->actual_start >= 0) {
        double end = row->actual_end >= 0 ? row->actual_end
                     : row->now >= 0      ? row->now
                                          : row->actual_start;
        if (gantt_span(t0, t1, width, row->actual_start, end, &a, &b)) {
            repeat(c, y, x + a, b - a + 1, row->actual_role, u ? "█" : "=");
        }
    }
    if (row->now >= t0 && row->now < t1) {
        canvas_put(c, y, x + gantt_cell(t0, t1, width, row->now), row->now_role, u ? "│" : "|", 1);
    }
}
