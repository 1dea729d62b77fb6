/* Keys and the mouse: overlays first, then the command table, then the view. */
#include <curses.h>

#include "tui/commands.h"
#include "tui/loop.h"
#include "widgets/widget.h"

static unsigned view_bit(const App *a) {
    return 1u << a->current;
}

/* The wallboard changes nothing: quit, theme, redraw, help and paging only. */
static void wallboard_key(App *a, int key) {
    const Command *c = command_for_key(key, 0);
    if (c && c->wallboard &&
        (c->id == CMD_QUIT || c->id == CMD_THEME || c->id == CMD_REDRAW || c->id == CMD_HELP)) {
        dispatch_command(a, c->id);
        return;
    }
    int code = widget_key_is_char(key) ? 0 : widget_key_code(key);
    if (key == ' ' || code == KEY_NPAGE || code == KEY_RIGHT) {
        a->wall_page++;
        a->dirty = true;
    } else if (code == KEY_PPAGE || code == KEY_LEFT) {
        a->wall_page = a->wall_page > 0 ? a->wall_page - 1 : 0;
        a->dirty = true;
    } else if (code != KEY_MOUSE) {
        app_message(a, ROLE_READONLY,
                    "Wallboard: read-only. Keys: Space/PgDn next page, t theme, q quit.");
    }
}

static void mouse(App *a) {
    MEVENT ev;
    if (getmouse(&ev) != OK) {
        return;
    }
    View *v = a->views[a->current];
    if (ev.bstate & BUTTON4_PRESSED) {
        if (v && v->ops->wheel) {
            v->ops->wheel(v, a, -3);
        }
        a->dirty = true;
        return;
    }
    if (ev.bstate & BUTTON5_PRESSED) {
        if (v && v->ops->wheel) {
            v->ops->wheel(v, a, 3);
        }
        a->dirty = true;
        return;
    }
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED))) {
        return;
    }
    if (ev.y == a->rows - 1) {
        FnKey keys[12];
        size_t n = commands_fnbar(view_bit(a), app_is_readonly(a), keys, 12);
        long hit = fnbar_hit(keys, n, ev.x);
        if (hit >= 0) {
            size_t all_n;
            const Command *all = commands_all(&all_n);
            for (size_t i = 0; i < all_n; i++) {
                if (all[i].fn_key && keys[hit].key == all[i].fn_key) {
                    dispatch_command(a, all[i].id);
                    return;
                }
            }
        }
        return;
    }
    if (v && v->ops->click && ev.y >= 1) {
        v->ops->click(v, a, ev.y - 1, ev.x, ev.bstate & BUTTON1_DOUBLE_CLICKED);
        a->dirty = true;
    }
}

void input_key(App *a, int key) {
    int code = widget_key_is_char(key) ? 0 : widget_key_code(key);
    if (code == KEY_RESIZE) {
        getmaxyx(stdscr, a->rows, a->cols);
        if (a->modal) {
            widget_resize(&a->modal->base, 0, 0, a->cols, a->rows);
        }
        if (a->help) {
            widget_resize(&a->help->base, 0, 0, a->cols, a->rows);
        }
        a->dirty = true;
        return;
    }
    if (a->modal) {
        unsigned r = widget_handle_key(&a->modal->base, key);
        if (a->modal->state != MODAL_OPEN) {
            actions_modal_done(a);
        }
        if (r) {
            a->dirty = true;
        }
        return;
    }
    if (a->help) {
        unsigned r = widget_handle_key(&a->help->base, key);
        if (r & WR_CLOSE) {
            a->help = (Help *)widget_free(&a->help->base);
        }
        a->dirty = true;
        return;
    }
    if (code == KEY_MOUSE) {
        mouse(a);
        return;
    }
    if (a->mode == APP_WALLBOARD) {
        wallboard_key(a, key);
        return;
    }
    const Command *c = command_for_key(key, view_bit(a));
    if (c) {
        if (c->mutates && app_is_readonly(a)) {
            app_message(a, ROLE_READONLY, "Read-only: '%s' would change the journal (%s).", c->name,
                        a->mode == APP_READONLY ? "--readonly"
                                                : "the journal could not be written");
            return;
        }
        dispatch_command(a, c->id);
        return;
    }
    View *v = a->views[a->current];
    if (v && v->ops->handle_key && v->ops->handle_key(v, a, key)) {
        a->dirty = true;
    }
}
