/* View 4: log tails — the current phase's watched logs first, then the rest,
 * and any unit journal opened from view 3.  The selected log follows its tail
 * or is scrolled back; `/` searches it; the plan's highlight words are
 * coloured.  Tails open when first shown and stay open (the least recently
 * shown closes past MAX_OPEN); each keeps a bounded ring (its lines and
 * RING_BYTES).  Lines arriving in a flood redraw the screen at most ~30 times a
 * second, and each wake reads a bounded batch (BATCH lines, long ones counting
 * more: core/logtail.h), so keys stay answered. */
#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/logtail.h"
#include "core/timeutil.h"
#include "tui/commands.h"
#include "tui/format.h"
#include "tui/loop.h"
#include "tui/services.h"
#include "widgets/textview.h"

#define PANE 24      /* the list of logs on the left */
#define MAX_OPEN 8   /* tails open at once */
#define BATCH 5000   /* lines read per wake, so keys stay responsive */
#define REDRAW_MS 33 /* at most ~30 redraws a second while lines pour in */
/* and at most this much text a log: 10,000 lines of 64 KiB, escaped, would be gigabytes */
#define RING_BYTES (32u << 20)

typedef struct LogSrc {
    char *id;               /* the plan's log id, or the unit of a journal opened from view 3 */
    const LogSource *ls;    /* NULL for those */
    char *unit;             /* journal, or NULL; owned */
    char *file;             /* file, or NULL; owned */
    const char **highlight; /* NULL-terminated; the strings are the plan's */
    LogTail *tail;          /* NULL until shown */
    Ring *ring;             /* the lines; owned */
    TextView *tv;
    int fd, timer;
    long long used_ms; /* last shown, for closing the least recent */
    char *open_error;  /* why it could not be opened; owned */
} LogSrc;

typedef struct LogsView {
    View base;
    App *app;
    LogSrc **src; /* each allocated alone: sinks, fds and timers point at them */
    size_t n, cap;
    size_t *order; /* display order: watched first */
    size_t n_watched;
    size_t sel; /* index into src */
    size_t ring_cap;
    int redraw_timer;
    long long last_redraw;
} LogsView;

static LogsView *logs_view(const App *a);

/* ---- redraws, coalesced ---- */

static void on_redraw(App *a, void *userdata) {
    LogsView *lv = userdata;
    lv->redraw_timer = 0;
    lv->last_redraw = time_mono_ms();
    a->dirty = true;
}

static void lines_arrived(App *a, LogsView *lv, LogSrc *s) {
    if (a->current != VIEW_LOGS || a->mode == APP_WALLBOARD || s != lv->src[lv->sel] ||
        lv->redraw_timer > 0) {
        return;
    }
    long long now = time_mono_ms();
    if (now - lv->last_redraw >= REDRAW_MS) {
        lv->last_redraw = now;
        a->dirty = true;
        return;
    }
    int id = loop_add_timer(a, lv->last_redraw + REDRAW_MS, on_redraw, lv);
    if (id > 0) {
        lv->redraw_timer = id;
    } else {
        a->dirty = true;
    }
}

/* ---- tails ---- */

static void sink(void *userdata, const char *line, size_t len, bool notice) {
    LogSrc *s = userdata;
    (void)ring_push(s->ring, line, len); /* sanitised by the tail; OOM drops the line */
}

static void read_tail(App *a, LogsView *lv, LogSrc *s);

static void on_tail_timer(App *a, void *userdata) {
    LogSrc *s = userdata;
    s->timer = 0;
    read_tail(a, logs_view(a), s);
}

static void on_tail_fd(App *a, int fd, short revents, void *userdata) {
    read_tail(a, logs_view(a), userdata);
}

static void read_tail(App *a, LogsView *lv, LogSrc *s) {
    if (!s->tail) {
        return;
    }
    long n = logtail_process(s->tail, BATCH);
    if (n > 0) {
        lines_arrived(a, lv, s);
    } else if (n < 0) {
        a->dirty = true; /* logtail_error() says why */
    }
    long long deadline = logtail_deadline_ms(s->tail);
    if (deadline >= 0 && s->timer <= 0) {
        int id = loop_add_timer(a, deadline, on_tail_timer, s);
        s->timer = id > 0 ? id : 0;
    }
}

static void close_tail(App *a, LogSrc *s) {
    if (s->fd >= 0) {
        loop_remove_fd(a, s->fd);
        s->fd = -1;
    }
    if (s->timer > 0) {
        loop_cancel_timer(a, s->timer);
        s->timer = 0;
    }
    s->tail = logtail_free(s->tail);
}

static void open_tail(App *a, LogsView *lv, LogSrc *s) {
    s->used_ms = time_mono_ms();
    if (s->tail) {
        return;
    }
    size_t open = 0, lru = SIZE_MAX;
    for (size_t i = 0; i < lv->n; i++) {
        if (lv->src[i]->tail) {
            open++;
            if (lru == SIZE_MAX || lv->src[i]->used_ms < lv->src[lru]->used_ms) {
                lru = i;
            }
        }
    }
    if (open >= MAX_OPEN && lru != SIZE_MAX) {
        close_tail(a, lv->src[lru]);
    }
    ring_clear(s->ring); /* the backlog is read again */
    LogTailConfig cfg = {
        .no_ring = true, .backlog = lv->ring_cap, .follow = true, .user = a->user_bus};
    int r = s->unit ? logtail_open_journal(s->unit, &cfg, sink, s, &s->tail)
                    : logtail_open_file(s->file, &cfg, sink, s, &s->tail);
    free(s->open_error);
    s->open_error = NULL;
    if (r < 0) {
        char msg[512];
        snprintf(msg, sizeof(msg), "Cannot open %s: %s. Selecting it again tries again.",
                 s->unit ? "the journal" : s->file, strerror(-r));
        s->open_error = fmt_safe(msg);
        return;
    }
    int fd = logtail_fd(s->tail);
    if (fd >= 0 && loop_add_fd(a, fd, logtail_events(s->tail), on_tail_fd, s) == 0) {
        s->fd = fd;
    }
    read_tail(a, lv, s);
}

/* ---- sources ---- */

static LogSrc *add_src(LogsView *lv, const char *id, const char *unit, const char *file) {
    if (lv->n == lv->cap) {
        size_t cap = lv->cap ? lv->cap * 2 : 8;
        LogSrc **s = realloc(lv->src, cap * sizeof(*s));
        if (s) {
            lv->src = s;
        }
        size_t *o = s ? realloc(lv->order, cap * sizeof(*o)) : NULL;
        if (!o) {
            return NULL;
        }
        lv->order = o;
        lv->cap = cap;
    }
    LogSrc *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->fd = -1;
    s->id = strdup(id);
    s->unit = unit ? strdup(unit) : NULL;
    s->file = file ? strdup(file) : NULL;
    s->ring = ring_new(lv->ring_cap);
    if (s->ring) {
        s->ring->max_bytes = RING_BYTES;
    }
    s->tv = s->ring ? textview_new(&lv->app->canvas, s->ring) : NULL;
    if (!s->id || (unit && !s->unit) || (file && !s->file) || !s->tv) {
        free(s->id);
        free(s->unit);
        free(s->file);
        ring_free(s->ring);
        widget_free(s->tv ? &s->tv->base : NULL);
        free(s);
        return NULL;
    }
    s->tv->follow = true;
    lv->src[lv->n] = s;
    lv->order[lv->n] = lv->n;
    lv->n++;
    return s;
}

static bool watched(const App *a, const char *id) {
    ssize_t cur = state_current_phase(a->state);
    if (cur < 0) {
        return false;
    }
    const StrList *w = &a->plan->phases[cur].watch;
    for (size_t i = 0; i < w->n; i++) {
        if (streq(w->v[i], id)) {
            return true;
        }
    }
    return false;
}

static void refresh_order(View *v, App *a) {
    LogsView *lv = (LogsView *)v;
    size_t k = 0;
    for (size_t i = 0; i < lv->n; i++) {
        if (lv->src[i]->ls && watched(a, lv->src[i]->id)) {
            lv->order[k++] = i;
        }
    }
    lv->n_watched = k;
    for (size_t i = 0; i < lv->n; i++) {
        if (!lv->src[i]->ls || !watched(a, lv->src[i]->id)) {
            lv->order[k++] = i;
        }
    }
}

static size_t order_pos(const LogsView *lv) {
    for (size_t k = 0; k < lv->n; k++) {
        if (lv->order[k] == lv->sel) {
            return k;
        }
    }
    return 0;
}

static void select_src(App *a, LogsView *lv, size_t i) {
    if (i >= lv->n) {
        return;
    }
    lv->sel = i;
    open_tail(a, lv, lv->src[i]);
    a->dirty = true;
}

/* ---- drawing ---- */

static void draw_pane(App *a, LogsView *lv, int y, int rows) {
    int row = y;
    for (size_t k = 0; k < lv->n && row < y + rows; k++) {
        if (k == 0 && lv->n_watched) {
            canvas_put(&a->canvas, row++, 0, ROLE_TITLE, " Watched", PANE);
        } else if (k == lv->n_watched && lv->n_watched) {
            canvas_put(&a->canvas, row++, 0, ROLE_TITLE, " Logs", PANE);
        }
        if (row >= y + rows) {
            break;
        }
        const LogSrc *s = lv->src[lv->order[k]];
        bool sel = lv->order[k] == lv->sel;
        Role mark = s->open_error || (s->tail && logtail_error(s->tail)) ? ROLE_WARN
                    : s->tail                                            ? ROLE_OK
                                                                         : ROLE_DIM;
        Line l;
        line_init(&l);
        line_addf(&l, sel ? ROLE_SELECTED : mark, " %s ",
                  !s->tail        ? canvas_glyph(&a->canvas, "○", "-")
                  : s->tv->follow ? canvas_glyph(&a->canvas, "●", "+")
                                  : canvas_glyph(&a->canvas, "‖", "|"));
        _cleanup_(freep) char *id = fmt_cut(s->id, PANE - 4);
        line_add(&l, sel ? ROLE_SELECTED : ROLE_NORMAL, id ? id : "");
        line_draw(&a->canvas, &l, row++, 0, PANE - 1, true, sel ? ROLE_SELECTED : ROLE_NORMAL);
        line_free(&l);
    }
}

static void draw_title(App *a, LogsView *lv, LogSrc *s, int y, int cols) {
    Line h;
    line_init(&h);
    _cleanup_(freep) char *title = fmt_safe(s->ls && s->ls->title ? s->ls->title : s->id);
    _cleanup_(freep) char *what = fmt_safe(s->unit ? s->unit : s->file);
    line_addf(&h, ROLE_TITLE, " Logs — %s ", title ? title : "");
    line_addf(&h, ROLE_DIM, "(%s %s) ", s->unit ? "journal" : "file", what ? what : "");
    if (s->tail) {
        if (s->tv->follow) {
            line_add(&h, ROLE_OK, "following");
        } else {
            line_addf(&h, ROLE_WARN, "paused at line %zu of %zu", textview_top(s->tv) + 1,
                      s->ring->n);
        }
        unsigned long long dropped = s->ring->total - s->ring->n;
        line_addf(&h, ROLE_DIM, " — %zu lines kept", s->ring->n);
        if (dropped) {
            line_addf(&h, ROLE_DIM, ", %llu older dropped", dropped);
        }
    }
    line_draw(&a->canvas, &h, y, 0, cols, true, ROLE_TITLE);
    line_free(&h);
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    LogsView *lv = (LogsView *)v;
    if (lv->n == 0) {
        canvas_fill(&a->canvas, y, 0, cols, ROLE_TITLE);
        canvas_put(&a->canvas, y, 0, ROLE_TITLE, " Logs", cols);
        canvas_put(&a->canvas, y + 2, 2, ROLE_DIM,
                   "The plan lists no logs (logs: in the plan); Enter on a unit in view 3 "
                   "opens its journal.",
                   cols - 4);
        return;
    }
    LogSrc *s = lv->src[lv->sel];
    if (!s->tail && !s->open_error) {
        open_tail(a, lv, s);
    }
    draw_title(a, lv, s, y, cols);
    draw_pane(a, lv, y + 1, rows - 1);
    int x = PANE, w = cols - PANE, top = y + 1, h = rows - 1;
    const char *err = s->open_error ? s->open_error : s->tail ? logtail_error(s->tail) : NULL;
    if (err) {
        canvas_fill(&a->canvas, top, x, w, ROLE_WARN);
        canvas_put(&a->canvas, top, x + 1, ROLE_WARN, err, w - 2);
        top++, h--;
    }
    widget_resize(&s->tv->base, x, top, w, h);
    if (a->search && (!s->tv->query || strcmp(s->tv->query, a->search) != 0)) {
        /* the panel's search is highlighted in whichever log is shown */
        char *q = strdup(a->search);
        if (q) {
            free(s->tv->query);
            s->tv->query = q;
        }
    }
    widget_draw(&s->tv->base);
}

/* ---- keys ---- */

static unsigned handle_key(View *v, App *a, int key) {
    LogsView *lv = (LogsView *)v;
    if (lv->n == 0) {
        return WR_IGNORED;
    }
    return widget_handle_key(&lv->src[lv->sel]->tv->base, key);
}

static bool command(View *v, App *a, int cmd) {
    LogsView *lv = (LogsView *)v;
    if (lv->n == 0) {
        return false;
    }
    LogSrc *s = lv->src[lv->sel];
    size_t k = order_pos(lv);
    switch (cmd) {
    case CMD_LOG_NEXT:
        select_src(a, lv, lv->order[(k + 1) % lv->n]);
        return true;
    case CMD_LOG_PREV:
        select_src(a, lv, lv->order[(k + lv->n - 1) % lv->n]);
        return true;
    case CMD_LOG_FOLLOW:
        (void)widget_handle_key(&s->tv->base, 'f');
        app_message(a, ROLE_DIM, "%s", s->tv->follow ? "Following." : "Paused: f follows again.");
        return true;
    case CMD_LOG_WRAP:
        (void)widget_handle_key(&s->tv->base, 'w');
        return true;
    case CMD_SEARCH_NEXT:
    case CMD_SEARCH_PREV:
        if (!a->search) {
            app_message(a, ROLE_DIM, "No search yet: press / to search.");
        } else if (!textview_search(s->tv, a->search, cmd == CMD_SEARCH_NEXT)) {
            app_message(a, ROLE_WARN, "'%s' not found in %s.", a->search, s->id);
        }
        return true;
    default:
        return false;
    }
}

static void click(View *v, App *a, int y, int x, bool double_click) {
    LogsView *lv = (LogsView *)v;
    if (x >= PANE || y < 1) {
        return;
    }
    /* rows: as draw_pane lays them out, headings included */
    int row = 1;
    for (size_t k = 0; k < lv->n; k++) {
        if ((k == 0 && lv->n_watched) || (k == lv->n_watched && lv->n_watched)) {
            row++;
        }
        if (row == y) {
            select_src(a, lv, lv->order[k]);
            return;
        }
        row++;
    }
}

static void wheel(View *v, App *a, int delta) {
    LogsView *lv = (LogsView *)v;
    if (lv->n == 0) {
        return;
    }
    int key = WKEY_CODE(delta < 0 ? KEY_UP : KEY_DOWN);
    for (int i = 0; i < (delta < 0 ? -delta : delta); i++) {
        (void)widget_handle_key(&lv->src[lv->sel]->tv->base, key);
    }
}

static void free_view(View *v) {
    LogsView *lv = (LogsView *)v;
    App *a = lv->app;
    if (lv->redraw_timer > 0) {
        loop_cancel_timer(a, lv->redraw_timer);
    }
    for (size_t i = 0; i < lv->n; i++) {
        LogSrc *s = lv->src[i];
        close_tail(a, s);
        widget_free(&s->tv->base);
        ring_free(s->ring);
        free(s->highlight);
        free(s->id);
        free(s->unit);
        free(s->file);
        free(s->open_error);
        free(s);
    }
    free(lv->src);
    free(lv->order);
    free(lv);
}

static const ViewOps logs_ops = {
    .title = "Logs",
    .refresh = refresh_order,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = click,
    .wheel = wheel,
    .free = free_view,
};

static LogsView *logs_view(const App *a) {
    View *v = a->views[VIEW_LOGS];
    return v && v->ops == &logs_ops ? (LogsView *)v : NULL;
}

void view_logs_open_unit(App *a, const char *unit) {
    LogsView *lv = logs_view(a);
    if (!lv) {
        return;
    }
    size_t found = SIZE_MAX;
    for (size_t i = 0; i < lv->n && found == SIZE_MAX; i++) {
        if (lv->src[i]->unit && streq(lv->src[i]->unit, unit)) {
            found = i;
        }
    }
    if (found == SIZE_MAX) {
        if (!add_src(lv, unit, unit, NULL)) {
            app_message(a, ROLE_FAIL, "Cannot open the journal of %s: out of memory.", unit);
            return;
        }
        found = lv->n - 1;
        refresh_order(&lv->base, a);
    }
    app_show_view(a, VIEW_LOGS);
    select_src(a, lv, found);
}

static size_t ring_cap_from_env(void) {
    const char *e = getenv("OPSDECK_TAIL_LINES");
    char *end = NULL;
    long n = e ? strtol(e, &end, 10) : 0;
    return e && end != e && *end == '\0' && n >= 100 && n <= 10000000 ? (size_t)n
                                                                      : LOGTAIL_DEFAULT_LINES;
}

View *view_logs_new(App *a) {
    LogsView *lv = calloc(1, sizeof(*lv));
    if (!lv) {
        return NULL;
    }
    lv->base.ops = &logs_ops;
    lv->app = a;
    lv->ring_cap = ring_cap_from_env();
    const Plan *p = a->plan;
    for (size_t i = 0; i < p->n_logs; i++) {
        const LogSource *ls = &p->logs[i];
        LogSrc *s = add_src(lv, ls->id, ls->unit, ls->file);
        if (!s) {
            continue;
        }
        s->ls = ls;
        if (ls->highlight.n) {
            s->highlight = calloc(ls->highlight.n + 1, sizeof(char *));
            for (size_t k = 0; s->highlight && k < ls->highlight.n; k++) {
                s->highlight[k] = ls->highlight.v[k];
            }
            s->tv->highlight = (char **)s->highlight;
        }
    }
    refresh_order(&lv->base, a);
    lv->sel = lv->n ? lv->order[0] : 0;
    return &lv->base;
}
