/* widgets/list.c: a scrolling list of Lines with a selection and search. */
#include "widgets/list.h"

#include <stdlib.h>
#include <string.h>

#include "widgets/keys.h"
#include "widgets/utf8.h"

/* Rows kept between the selection and the top or bottom edge when scrolling. */
#define LIST_MARGIN 2

static bool row_selectable(const List *l, size_t i) {
    return i < l->n_rows && (!l->selectable || l->selectable[i]);
}

/* The first selectable row from i (inclusive) going dir (+1/-1), or -1. */
static long next_selectable(const List *l, long i, int dir) {
    for (; i >= 0 && (size_t)i < l->n_rows; i += dir) {
        if (row_selectable(l, (size_t)i)) {
            return i;
        }
    }
    return -1;
}

/* The selectable row nearest to i, the later one on a tie, or -1. */
static long nearest_selectable(const List *l, size_t i) {
    long after = next_selectable(l, (long)i, +1), before = next_selectable(l, (long)i, -1);
    if (after < 0) {
        return before;
    }
    if (before < 0 || (size_t)after - i <= i - (size_t)before) {
        return after;
    }
    return before;
}

static size_t page_size(const List *l) {
    return l->base.rows > 1 ? (size_t)l->base.rows - 1 : 1;
}

static size_t max_top(const List *l) {
    size_t rows = l->base.rows > 0 ? (size_t)l->base.rows : 0;
    return l->n_rows > rows ? l->n_rows - rows : 0;
}

static void ensure_visible(List *l) {
    if (l->base.rows <= 0) {
        return;
    }
    size_t rows = (size_t)l->base.rows;
    size_t m = (rows - 1) / 2 < LIST_MARGIN ? (rows - 1) / 2 : LIST_MARGIN;
    if (l->selected < l->top + m) {
        l->top = l->selected > m ? l->selected - m : 0;
    } else if (l->selected + m >= l->top + rows) {
        l->top = l->selected + m + 1 - rows;
    }
    if (l->top > max_top(l)) {
        l->top = max_top(l);
    }
}

void list_select(List *l, size_t i) {
    if (l->n_rows == 0) {
        l->selected = l->top = 0;
        return;
    }
    if (i >= l->n_rows) {
        i = l->n_rows - 1;
    }
    long s = nearest_selectable(l, i);
    l->selected = s >= 0 ? (size_t)s : i;
    ensure_visible(l);
}

void list_set_rows(List *l, Line *rows, const bool *selectable, size_t n) {
    for (size_t i = 0; i < l->n_rows; i++) {
        line_free(&l->rows[i]);
    }
    l->n_rows = 0;
    bool ok = true;
    if (n > l->cap_rows) {
        Line *v = realloc(l->rows, n * sizeof(*v));
        if (v) {
            l->rows = v;
            l->cap_rows = n;
        }
        ok = v != NULL;
    }
    free(l->selectable);
    l->selectable = NULL;
    if (ok && selectable && n > 0) {
        l->selectable = malloc(n * sizeof(*l->selectable));
        ok = l->selectable != NULL;
        if (ok) {
            memcpy(l->selectable, selectable, n * sizeof(*l->selectable));
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (ok) {
            l->rows[i] = rows[i];
            line_init(&rows[i]);
        } else {
            line_free(&rows[i]); /* out of memory: the list shows nothing */
        }
    }
    l->n_rows = ok ? n : 0;
    l->base.dirty = true;
    list_select(l, l->selected);
}

static unsigned move_to(List *l, long s, size_t top) {
    size_t old_sel = l->selected, old_top = l->top;
    l->top = top > max_top(l) ? max_top(l) : top;
    if (s >= 0) {
        l->selected = (size_t)s;
    }
    ensure_visible(l);
    return WR_HANDLED | (l->selected != old_sel || l->top != old_top ? WR_REDRAW : 0);
}

void list_scroll(List *l, int delta) {
    if (l->base.rows <= 0 || l->n_rows == 0) {
        return;
    }
    long top = (long)l->top + delta;
    l->top = top < 0 ? 0 : (size_t)top > max_top(l) ? max_top(l) : (size_t)top;
    size_t bottom = l->top + (size_t)l->base.rows; /* exclusive */
    long s = -1;
    if (l->selected < l->top) {
        s = next_selectable(l, (long)l->top, +1);
    } else if (l->selected >= bottom) {
        s = next_selectable(l, (long)bottom - 1, -1);
    }
    if (s >= 0 && (size_t)s >= l->top && (size_t)s < bottom) {
        l->selected = (size_t)s;
    }
    l->base.dirty = true;
}

static unsigned list_nav(List *l, WKeyNav nav) {
    size_t page = page_size(l), sel = l->selected;
    long s;
    if (!l->show_selection) {
        size_t old = l->top;
        int delta = nav == NAV_UP          ? -1
                    : nav == NAV_DOWN      ? 1
                    : nav == NAV_PAGE_UP   ? -(int)page
                    : nav == NAV_PAGE_DOWN ? (int)page
                    : nav == NAV_HOME      ? -(int)l->n_rows
                                           : (int)l->n_rows;
        list_scroll(l, delta);
        return WR_HANDLED | (l->top != old ? WR_REDRAW : 0);
    }
    switch (nav) {
    case NAV_UP:
    case NAV_DOWN: {
        int dir = nav == NAV_UP ? -1 : 1;
        s = next_selectable(l, (long)sel + dir, dir);
        if (s < 0) {
            /* Nothing more to select: show what is left (trailing text). */
            size_t old = l->top;
            list_scroll(l, dir);
            return WR_HANDLED | (l->top != old ? WR_REDRAW : 0);
        }
        return move_to(l, s, l->top);
    }
    case NAV_PAGE_DOWN: {
        size_t target = sel + page < l->n_rows ? sel + page : l->n_rows - 1;
        s = next_selectable(l, (long)target, +1);
        return move_to(l, s >= 0 ? s : next_selectable(l, (long)target, -1), l->top + page);
    }
    case NAV_PAGE_UP: {
        size_t target = sel > page ? sel - page : 0;
        s = next_selectable(l, (long)target, -1);
        return move_to(l, s >= 0 ? s : next_selectable(l, (long)target, +1),
                       l->top > page ? l->top - page : 0);
    }
    case NAV_HOME:
        return move_to(l, next_selectable(l, 0, +1), 0);
    case NAV_END:
        return move_to(l, next_selectable(l, (long)l->n_rows - 1, -1), max_top(l));
    default:
        return WR_IGNORED;
    }
}

static unsigned list_handle_key(Widget *w, int key) {
    List *l = (List *)w;
    WKeyNav nav = wkey_nav(key);
    if (nav != NAV_NONE) {
        return l->n_rows ? list_nav(l, nav) : WR_HANDLED;
    }
    if (wkey_is_enter(key)) {
        if (l->show_selection && row_selectable(l, l->selected)) {
            return WR_HANDLED | WR_ACTIVATE;
        }
        return WR_HANDLED;
    }
    return WR_IGNORED;
}

bool list_search(List *l, const char *query, bool forward) {
    if (!query || !*query) {
        list_clear_search(l);
        return false;
    }
    if (!l->query || strcmp(l->query, query) != 0) {
        char *q = strdup(query);
        if (!q) {
            return false;
        }
        free(l->query);
        l->query = q;
    }
    l->base.dirty = true;
    size_t qlen = strlen(query);
    for (size_t k = 1; k <= l->n_rows; k++) {
        size_t i = forward ? (l->selected + k) % l->n_rows
                           : (l->selected + l->n_rows - k % l->n_rows) % l->n_rows;
        const Line *row = &l->rows[i];
        if (row_selectable(l, i) && row->text &&
            utf8_find_nocase(row->text, row->len, query, qlen) >= 0) {
            list_select(l, i);
            return true;
        }
    }
    return false;
}

void list_clear_search(List *l) {
    free(l->query);
    l->query = NULL;
    l->base.dirty = true;
}

long list_row_at(const List *l, int y) {
    int r = y - l->base.y;
    if (r < 0 || r >= l->base.rows || l->top + (size_t)r >= l->n_rows) {
        return -1;
    }
    return (long)(l->top + (size_t)r);
}

/* Every occurrence of the search in row drawn over it in ROLE_MATCH. */
static void draw_matches(const List *l, const Line *row, int y) {
    size_t qlen = strlen(l->query), off = 0;
    if (!row->text || qlen == 0) {
        return;
    }
    for (long at; (at = utf8_find_nocase(row->text + off, row->len - off, l->query, qlen)) >= 0;
         off += (size_t)at + qlen) {
        int col = utf8_width(row->text, off + (size_t)at);
        if (col >= l->base.cols) {
            break;
        }
        canvas_putn(l->canvas, y, l->base.x + col, ROLE_MATCH, row->text + off + at, qlen,
                    l->base.cols - col);
    }
}

static void list_draw(Widget *w) {
    List *l = (List *)w;
    for (int r = 0; r < w->rows; r++) {
        size_t i = l->top + (size_t)r;
        int y = w->y + r;
        if (i >= l->n_rows) {
            canvas_fill(l->canvas, y, w->x, w->cols, ROLE_NORMAL);
            continue;
        }
        const Line *row = &l->rows[i];
        if (l->show_selection && i == l->selected && row_selectable(l, i)) {
            line_draw_as(l->canvas, row, y, w->x, w->cols, ROLE_SELECTED);
        } else {
            line_draw(l->canvas, row, y, w->x, w->cols, true, ROLE_NORMAL);
        }
        if (l->query) {
            draw_matches(l, row, y);
        }
    }
}

static void list_resize(Widget *w, int x, int y, int cols, int rows) {
    ensure_visible((List *)w);
}

static void list_free(Widget *w) {
    List *l = (List *)w;
    for (size_t i = 0; i < l->n_rows; i++) {
        line_free(&l->rows[i]);
    }
    free(l->rows);
    free(l->selectable);
    free(l->query);
    free(l);
}

static const WidgetOps list_ops = {
    .draw = list_draw,
    .handle_key = list_handle_key,
    .resize = list_resize,
    .free = list_free,
};

List *list_new(const Canvas *c) {
    List *l = calloc(1, sizeof(*l));
    if (!l) {
        return NULL;
    }
    l->base.ops = &list_ops;
    l->base.dirty = true;
    l->canvas = c;
    l->show_selection = true;
    return l;
}
