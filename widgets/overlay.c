/* widgets/overlay.c: header bar, function-key bar and help overlay. */
#include "widgets/overlay.h"

#include <stdlib.h>
#include <string.h>

#include "widgets/bars.h"
#include "widgets/keys.h"

/* Columns the left text keeps before badges and the right text give way. */
#define HEADER_LEFT_MIN 24

static int header_block(const HeaderBadge *badges, size_t n, int right_w) {
    int w = right_w > 0 ? right_w + 1 : 0;
    for (size_t i = 0; i < n; i++) {
        w += canvas_width(badges[i].text) + 3; /* " TEXT " and a gap */
    }
    return w;
}

void header_draw(const Canvas *c, int y, int cols, const Line *left, const HeaderBadge *badges,
                 size_t n_badges, const char *right) {
    if (cols <= 0) {
        return;
    }
    canvas_fill(c, y, 0, cols, ROLE_HEADER);
    int lw = line_width(left), rw = canvas_width(right);
    int left_need = lw < HEADER_LEFT_MIN ? lw : HEADER_LEFT_MIN;
    size_t keep = badges ? n_badges : 0;
    /* Narrow: the right text goes first, then badges from the last. */
    while (header_block(badges, keep, rw) + left_need > cols && (rw > 0 || keep > 0)) {
        if (rw > 0) {
            rw = 0;
        } else {
            keep--;
        }
    }
    int block = header_block(badges, keep, rw);
    if (left) {
        line_draw(c, left, y, 0, cols - block, false, ROLE_HEADER);
    }
    int x = cols - block;
    for (size_t i = 0; i < keep; i++) {
        x += badge_draw(c, y, x, badges[i].role, badges[i].text) + 1;
    }
    if (rw > 0) {
        canvas_put(c, y, x, ROLE_HEADER, right, rw);
    }
}

/* Where entry i starts and how wide it is ("F1Help "); false when skipped. */
static bool fnbar_cell(const FnKey *k, int *x, int *ret_start, int *ret_w) {
    if (!k->label) {
        return false;
    }
    *ret_start = *x;
    *ret_w = canvas_width(k->key) + canvas_width(k->label) + 1;
    *x += *ret_w;
    return true;
}

void fnbar_draw(const Canvas *c, int y, int cols, const FnKey *keys, size_t n) {
    canvas_fill(c, y, 0, cols, ROLE_KEY_LABEL);
    int x = 0, start, w;
    for (size_t i = 0; i < n && x < cols; i++) {
        if (fnbar_cell(&keys[i], &x, &start, &w)) {
            int used = canvas_put(c, y, start, ROLE_KEY, keys[i].key, cols - start);
            canvas_put(c, y, start + used, ROLE_KEY_LABEL, keys[i].label, cols - start - used);
        }
    }
}

long fnbar_hit(const FnKey *keys, size_t n, int x) {
    int at = 0, start, w;
    for (size_t i = 0; i < n; i++) {
        if (fnbar_cell(&keys[i], &at, &start, &w) && x >= start && x < start + w) {
            return (long)i;
        }
    }
    return -1;
}

/* The help box: geometry, the keys column and how many rows show. */
typedef struct HelpLayout {
    int y, x, h, w, keys_w, visible;
} HelpLayout;

static HelpLayout help_layout(const Help *h) {
    const Widget *w = &h->base;
    HelpLayout L = {0};
    int text_w = 0;
    for (size_t i = 0; i < h->n_rows; i++) {
        int kw = canvas_width(h->rows[i].keys), tw = canvas_width(h->rows[i].text);
        if (kw > 0) {
            L.keys_w = kw > L.keys_w ? kw : L.keys_w;
            text_w = tw > text_w ? tw : text_w;
        }
    }
    L.keys_w = L.keys_w > 24 ? 24 : L.keys_w;
    int want = L.keys_w + 2 + text_w + 4, title = canvas_width(h->title) + 8;
    want = want < title ? title : want < 44 ? 44 : want;
    int max_w = w->cols > 4 ? w->cols - 2 : w->cols;
    L.w = want < max_w ? want : max_w;
    int max_h = w->rows > 6 ? w->rows - 2 : w->rows;
    L.visible = max_h - 3 < (int)h->n_rows ? max_h - 3 : (int)h->n_rows;
    L.visible = L.visible < 0 ? 0 : L.visible;
    L.h = L.visible + 3;
    L.x = w->x + (w->cols - L.w) / 2;
    L.y = w->y + (w->rows - L.h) / 2;
    return L;
}

static size_t help_max_top(const Help *h) {
    size_t visible = (size_t)help_layout(h).visible;
    return h->n_rows > visible ? h->n_rows - visible : 0;
}

static void help_draw(Widget *w) {
    Help *h = (Help *)w;
    const Canvas *c = h->canvas;
    HelpLayout L = help_layout(h);
    if (L.w < 8 || L.h < 3) {
        return;
    }
    canvas_box(c, L.y, L.x, L.h, L.w, ROLE_MODAL);
    int tw = canvas_put(c, L.y, L.x + 2, ROLE_MODAL_TITLE, " ", L.w - 4);
    tw += canvas_put(c, L.y, L.x + 2 + tw, ROLE_MODAL_TITLE, h->title, L.w - 4 - tw);
    canvas_put(c, L.y, L.x + 2 + tw, ROLE_MODAL_TITLE, " ", L.w - 4 - tw);
    int inner = L.w - 4, x = L.x + 2;
    for (int r = 0; r < L.visible; r++) {
        const HelpRow *row = &h->rows[h->top + (size_t)r];
        int y = L.y + 1 + r;
        if (!row->keys || !*row->keys) {
            canvas_put(c, y, x, ROLE_MODAL_TITLE, row->text, inner); /* a section heading */
            continue;
        }
        canvas_put(c, y, x + 1, ROLE_MODAL_TITLE, row->keys, L.keys_w < inner ? L.keys_w : inner);
        int tx = 1 + L.keys_w + 2;
        if (tx < inner) {
            canvas_put(c, y, x + tx, ROLE_MODAL, row->text, inner - tx);
        }
    }
    const char *foot =
        h->n_rows > (size_t)L.visible
            ? canvas_glyph(c, "↑↓ PgUp PgDn scroll · q close", "Up/Down PgUp/PgDn scroll, q close")
            : "q close";
    canvas_put(c, L.y + L.h - 2, x, ROLE_DIM, foot, inner);
}

static unsigned help_handle_key(Widget *w, int key) {
    Help *h = (Help *)w;
    if (wkey_is(key, 'q') || wkey_is(key, '?') || wkey_is(key, WKEY_ESC)) {
        return WR_HANDLED | WR_CLOSE;
    }
    size_t old = h->top, max = help_max_top(h);
    size_t page = help_layout(h).visible > 1 ? (size_t)help_layout(h).visible - 1 : 1;
    switch (wkey_nav(key)) {
    case NAV_UP:
        h->top = h->top > 0 ? h->top - 1 : 0;
        break;
    case NAV_DOWN:
        h->top = h->top + 1 < max ? h->top + 1 : max;
        break;
    case NAV_PAGE_UP:
        h->top = h->top > page ? h->top - page : 0;
        break;
    case NAV_PAGE_DOWN:
        h->top = h->top + page < max ? h->top + page : max;
        break;
    case NAV_HOME:
        h->top = 0;
        break;
    case NAV_END:
        h->top = max;
        break;
    case NAV_NONE:
        break;
    }
    return WR_HANDLED | (h->top != old ? WR_REDRAW : 0);
}

static void help_resize(Widget *w, int x, int y, int cols, int rows) {
    Help *h = (Help *)w;
    size_t max = help_max_top(h);
    h->top = h->top > max ? max : h->top;
}

static void help_free(Widget *w) {
    Help *h = (Help *)w;
    free(h->title);
    free(h->rows);
    free(h);
}

static const WidgetOps help_ops = {
    .draw = help_draw,
    .handle_key = help_handle_key,
    .resize = help_resize,
    .free = help_free,
};

Help *help_new(const Canvas *c, const char *title, const HelpRow *rows, size_t n) {
    Help *h = calloc(1, sizeof(*h));
    if (!h) {
        return NULL;
    }
    h->base.ops = &help_ops;
    h->base.dirty = true;
    h->canvas = c;
    h->title = strdup(title ? title : "Help");
    h->rows = n ? malloc(n * sizeof(*rows)) : NULL;
    if (!h->title || (n && !h->rows)) {
        help_free(&h->base);
        return NULL;
    }
    if (n) {
        memcpy(h->rows, rows, n * sizeof(*rows));
    }
    h->n_rows = n;
    return h;
}
