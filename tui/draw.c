/* Composing the screen: header, the view, the status line, the function bar,
 * then any overlay.  One erase and one doupdate per redraw. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "core/check_engine.h"
#include "core/duration.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "tui/commands.h"
#include "tui/loop.h"
#include "tui/services.h"
#include "tui/sync_panel.h"

#define MIN_COLS 80
#define MIN_ROWS 24

/* "T-2d 3h" before the window, "+5h 12m" in it. */
static void window_clock(const App *a, char *buf, size_t size) {
    char d[32];
    const Timeline *tl = a->timeline;
    if (!tl) {
        buf[0] = '\0';
    } else if (a->now < tl->t0) {
        snprintf(buf, size, "T-%s", duration_format(tl->t0 - a->now, d, sizeof(d)));
    } else {
        snprintf(buf, size, "+%s", duration_format(a->now - tl->t0, d, sizeof(d)));
    }
}

static void draw_header(App *a) {
    Line l;
    line_init(&l);
    _cleanup_(freep) char *title = text_sanitize(a->plan->title, strlen(a->plan->title));
    line_addf(&l, ROLE_HEADER, " %s ", title ? title : "");
    line_addf(&l, ROLE_HEADER, "│ %zu/%zu ", a->state->done, a->state->total);
    ssize_t cur = state_current_phase(a->state);
    if (cur >= 0) {
        _cleanup_(freep) char *pt =
            text_sanitize(a->plan->phases[cur].title, strlen(a->plan->phases[cur].title));
        line_addf(&l, ROLE_HEADER, "│ %s %s ", canvas_glyph(&a->canvas, "▶", ">"),
                  a->plan->phases[cur].id);
        line_addf(&l, ROLE_HEADER_DIM, "%.40s ", pt ? pt : "");
    } else {
        line_add(&l, ROLE_HEADER, "│ all phases complete ");
    }
    char clock[48];
    window_clock(a, clock, sizeof(clock));
    line_addf(&l, ROLE_HEADER, "│ %s ", clock);

    HeaderBadge badges[7];
    size_t nb = 0;
    char systemd[48];
    Role systemd_role;
    if (services_badge(a, systemd, sizeof(systemd), &systemd_role)) {
        badges[nb++] = (HeaderBadge){systemd, systemd_role};
    }
    char checks[48];
    size_t failing = a->checks ? check_engine_count_status(a->checks, CHECK_STATUS_FAIL) : 0;
    if (failing) {
        snprintf(checks, sizeof(checks), "%zu CHECK%s FAIL", failing, failing == 1 ? "" : "S");
        badges[nb++] = (HeaderBadge){checks, ROLE_FAIL};
    }
    if (a->journal_failed) {
        badges[nb++] = (HeaderBadge){"JOURNAL FAILED", ROLE_FAIL};
    } else {
        badges[nb++] = (HeaderBadge){"journal", ROLE_OK};
    }
    nb += sync_panel_badges(a, badges + nb, 2);
    if (a->mode == APP_WALLBOARD) {
        badges[nb++] = (HeaderBadge){"WALLBOARD", ROLE_READONLY};
    } else if (app_is_readonly(a)) {
        badges[nb++] = (HeaderBadge){"READ-ONLY", ROLE_READONLY};
    }
    char right[16];
    struct tm tm;
    localtime_r(&a->now, &tm);
    strftime(right, sizeof(right), "%H:%M ", &tm);
    header_draw(&a->canvas, 0, a->cols, &l, badges, nb, right);
    line_free(&l);
}

static void draw_status(App *a, int y) {
    if (a->message) {
        canvas_fill(&a->canvas, y, 0, a->cols, a->message_role);
        canvas_put(&a->canvas, y, 1, a->message_role, a->message, a->cols - 2);
        return;
    }
    canvas_fill(&a->canvas, y, 0, a->cols, ROLE_DIM);
    char hint[160];
    snprintf(hint, sizeof(hint), "%s — ? for keys, : for commands%s",
             a->views[a->current]->ops->title,
             a->mode == APP_READONLY ? " — read-only (--readonly)" : "");
    canvas_put(&a->canvas, y, 1, ROLE_DIM, hint, a->cols - 2);
}

static void draw_fnbar(App *a, int y) {
    FnKey keys[12];
    unsigned bit = a->mode == APP_WALLBOARD ? 0 : 1u << a->current;
    size_t n = commands_fnbar(bit, app_is_readonly(a) || a->mode == APP_WALLBOARD, keys, 12);
    if (a->mode == APP_WALLBOARD) {
        /* the wallboard: help, theme, quit */
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!strcmp(keys[i].key, "F1") || !strcmp(keys[i].key, "F8") ||
                !strcmp(keys[i].key, "F10")) {
                keys[k++] = keys[i];
            }
        }
        n = k;
    }
    fnbar_draw(&a->canvas, y, a->cols, keys, n);
}

void draw_screen(App *a) {
    erase();
    draw_header(a);
    if (a->cols < MIN_COLS || a->rows < MIN_ROWS) {
        char note[96];
        snprintf(note, sizeof(note), "Terminal too small (%dx%d): opsdeck needs %dx%d.", a->cols,
                 a->rows, MIN_COLS, MIN_ROWS);
        if (a->rows > 2) {
            canvas_put(&a->canvas, 2, 1, ROLE_WARN, note, a->cols - 2);
        }
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    int body = a->rows - 3;
    if (a->mode == APP_WALLBOARD) {
        wallboard_draw(a, 1, body, a->cols);
    } else {
        View *v = a->views[a->current];
        v->ops->draw(v, a, 1, body, a->cols);
    }
    draw_status(a, a->rows - 2);
    draw_fnbar(a, a->rows - 1);
    if (a->help) {
        widget_draw(&a->help->base);
    }
    if (a->modal) {
        widget_draw(&a->modal->base);
        palette_draw(a);
    }
    wnoutrefresh(stdscr);
    doupdate();
}
