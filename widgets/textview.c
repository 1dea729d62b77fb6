/* widgets/textview.c: a log view over a Ring that follows the tail or scrolls back. */
#include "widgets/textview.h"

#include <stdlib.h>
#include <string.h>

#include "widgets/keys.h"
#include "widgets/utf8.h"

int textview_wrapped_rows(int width, int cols) {
    if (cols < 1) {
        cols = 1;
    }
    if (width <= 0) {
        return 1;
    }
    return (width + cols - 1) / cols;
}

static size_t n_lines(const TextView *t) {
    return t->ring ? t->ring->n : 0;
}

static unsigned long long dropped(const TextView *t) {
    return t->ring ? t->ring->total - t->ring->n : 0;
}

static int line_rows(const TextView *t, size_t i) {
    if (!t->wrap) {
        return 1;
    }
    const char *s = ring_get(t->ring, i);
    return s ? utf8_wrap_rows(s, strlen(s), t->base.cols, false) : 1;
}

/* The first line when following: the newest lines that fit the rows. */
static size_t follow_top(const TextView *t) {
    size_t n = n_lines(t);
    int rows = t->base.rows > 0 ? t->base.rows : 1;
    if (!t->wrap) {
        return n > (size_t)rows ? n - (size_t)rows : 0;
    }
    size_t first = n;
    for (int used = 0; first > 0; first--) {
        used += line_rows(t, first - 1);
        if (used > rows) {
            break;
        }
    }
    return first < n ? first : (n ? n - 1 : 0);
}

size_t textview_top(const TextView *t) {
    size_t max = follow_top(t);
    if (t->follow) {
        return max;
    }
    unsigned long long gone = dropped(t) - t->top_dropped;
    size_t top = (unsigned long long)t->top > gone ? t->top - (size_t)gone : 0;
    return top < max ? top : max;
}

static void set_top(TextView *t, size_t top) {
    size_t max = follow_top(t);
    t->top = top < max ? top : max;
    t->top_dropped = dropped(t);
}

static unsigned textview_handle_key(Widget *w, int key) {
    TextView *t = (TextView *)w;
    size_t cur = textview_top(t), page = w->rows > 1 ? (size_t)w->rows - 1 : 1;
    bool follow = t->follow, wrap = t->wrap;
    switch (wkey_nav(key)) {
    case NAV_UP:
    case NAV_PAGE_UP: {
        size_t by = wkey_nav(key) == NAV_UP ? 1 : page;
        if (cur > 0) {
            t->follow = false;
            set_top(t, cur > by ? cur - by : 0);
        }
        break;
    }
    case NAV_DOWN:
    case NAV_PAGE_DOWN:
        if (!t->follow) {
            set_top(t, cur + (wkey_nav(key) == NAV_DOWN ? 1 : page));
        }
        break;
    case NAV_HOME:
        t->follow = false;
        set_top(t, 0);
        break;
    case NAV_END:
        t->follow = true;
        break;
    case NAV_NONE:
        if (wkey_is(key, 'f')) {
            t->follow = !t->follow;
            set_top(t, cur);
        } else if (wkey_is(key, 'w')) {
            t->wrap = !t->wrap;
            set_top(t, cur);
        } else {
            return WR_IGNORED;
        }
        break;
    }
    bool changed = follow != t->follow || wrap != t->wrap || cur != textview_top(t);
    return WR_HANDLED | (changed ? WR_REDRAW : 0);
}

bool textview_search(TextView *t, const char *query, bool forward) {
    if (!query || !*query) {
        textview_clear_search(t);
        return false;
    }
    if (!t->query || strcmp(t->query, query) != 0) {
        char *q = strdup(query);
        if (!q) {
            return false;
        }
        free(t->query);
        t->query = q;
    }
    t->base.dirty = true;
    size_t n = n_lines(t), cur = textview_top(t), qlen = strlen(query);
    for (size_t k = 1; k <= n; k++) {
        size_t i = forward ? (cur + k) % n : (cur + n - k % n) % n;
        const char *s = ring_get(t->ring, i);
        if (s && utf8_find_nocase(s, strlen(s), query, qlen) >= 0) {
            t->follow = false;
            set_top(t, i);
            return true;
        }
    }
    return false;
}

void textview_clear_search(TextView *t) {
    free(t->query);
    t->query = NULL;
    t->base.dirty = true;
}

/* Roles per byte of s: normal, highlight words in warn, the query in match. */
static void mark_roles(const TextView *t, const char *s, size_t len, unsigned char *roles) {
    memset(roles, ROLE_NORMAL, len);
    for (char **h = t->highlight; h && *h; h++) {
        size_t hl = strlen(*h);
        for (const char *p = hl ? s : NULL; p && (p = memmem(p, len - (size_t)(p - s), *h, hl));
             p += hl) {
            memset(roles + (p - s), ROLE_WARN, hl);
        }
    }
    size_t ql = t->query ? strlen(t->query) : 0;
    for (size_t off = 0; ql;) {
        long at = utf8_find_nocase(s + off, len - off, t->query, ql);
        if (at < 0) {
            break;
        }
        memset(roles + off + (size_t)at, ROLE_MATCH, ql);
        off += (size_t)at + ql;
    }
}

/* Draw s[a..b) on row y, a run per role. */
static void draw_segment(const TextView *t, int y, const char *s, const unsigned char *roles,
                         size_t a, size_t b) {
    int col = 0, cols = t->base.cols;
    size_t run = a;
    for (size_t i = a; i <= b && col < cols; i++) {
        if (i == b || roles[i] != roles[run]) {
            if (i > run) {
                col += canvas_putn(t->canvas, y, t->base.x + col, (Role)roles[run], s + run,
                                   i - run, cols - col);
            }
            run = i;
        }
    }
    if (col < cols) {
        canvas_fill(t->canvas, y, t->base.x + col, cols - col, ROLE_NORMAL);
    }
}

static void textview_draw(Widget *w) {
    TextView *t = (TextView *)w;
    unsigned char *roles = NULL;
    size_t roles_cap = 0, n = n_lines(t);
    int y = 0;
    for (size_t i = textview_top(t); i < n && y < w->rows; i++) {
        const char *s = ring_get(t->ring, i);
        size_t len = strlen(s);
        if (len + 1 > roles_cap) {
            unsigned char *r = realloc(roles, len + 1);
            if (!r) {
                break;
            }
            roles = r, roles_cap = len + 1;
        }
        mark_roles(t, s, len, roles);
        size_t off = 0;
        do {
            size_t next = len, shown = len;
            if (t->wrap) {
                shown = utf8_wrap(s + off, len - off, w->cols, false, &next);
            }
            draw_segment(t, w->y + y, s, roles, off, off + shown);
            off += t->wrap ? next : len;
            y++;
        } while (off < len && y < w->rows);
    }
    free(roles);
    for (; y < w->rows; y++) {
        canvas_fill(t->canvas, w->y + y, w->x, w->cols, ROLE_NORMAL);
    }
}

static void textview_free(Widget *w) {
    TextView *t = (TextView *)w;
    free(t->query);
    free(t);
}

static const WidgetOps textview_ops = {
    .draw = textview_draw,
    .handle_key = textview_handle_key,
    .free = textview_free,
};

TextView *textview_new(const Canvas *c, const Ring *ring) {
    TextView *t = calloc(1, sizeof(*t));
    if (!t) {
        return NULL;
    }
    t->base.ops = &textview_ops;
    t->base.dirty = true;
    t->canvas = c;
    t->follow = true;
    textview_set_ring(t, ring);
    return t;
}

void textview_set_ring(TextView *t, const Ring *ring) {
    t->ring = ring;
    t->top = 0;
    t->top_dropped = dropped(t);
    t->base.dirty = true;
}
