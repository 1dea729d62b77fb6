/* Commands every view shares; the rest go to the current view. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui/action_pane.h"
#include "tui/commands.h"
#include "tui/loop.h"
#include "tui/services.h"

static void show_help(App *a) {
    size_t n = 0;
    HelpRow *rows =
        commands_help(a->mode == APP_WALLBOARD ? 0 : 1u << a->current, app_is_readonly(a), &n);
    if (!rows) {
        return;
    }
    char title[96];
    snprintf(title, sizeof(title), "Keys — %s%s", a->views[a->current]->ops->title,
             app_is_readonly(a) ? " (read-only)" : "");
    widget_free((Widget *)a->help);
    a->help = help_new(&a->canvas, title, rows, n);
    free(rows);
    if (a->help) {
        widget_resize(&a->help->base, 0, 0, a->cols, a->rows);
    }
    a->dirty = true;
}

static void next_theme(App *a) {
    if (!a->theme_names || !a->theme_names[0]) {
        return;
    }
    size_t n = 0, cur = 0;
    while (a->theme_names[n]) {
        if (strcmp(a->theme_names[n], a->theme->name) == 0) {
            cur = n;
        }
        n++;
    }
    const char *name = a->theme_names[(cur + 1) % n];
    Theme *t = NULL;
    char *err = NULL;
    if (theme_load(name, a->theme_search, &t, &err) < 0) {
        app_message(a, ROLE_FAIL, "Theme '%s' is not valid: %s", name, err ? err : "?");
        free(err);
        return;
    }
    theme_free(a->theme);
    a->theme = t;
    a->canvas.theme = t;
    theme_apply(t, a->use_color);
    app_message(a, ROLE_NORMAL, "Theme: %s", name);
}

static void search(App *a, bool forward) {
    View *v = a->views[a->current];
    if (!v->list && v->ops->command &&
        v->ops->command(v, a, forward ? CMD_SEARCH_NEXT : CMD_SEARCH_PREV)) {
        a->dirty = true; /* a view that is not a list searches itself (the logs) */
        return;
    }
    if (!a->search || !v->list) {
        app_message(a, ROLE_DIM, "No search yet: press / to search.");
        return;
    }
    if (!list_search(v->list, a->search, forward)) {
        app_message(a, ROLE_WARN, "'%s' not found.", a->search);
    }
    a->dirty = true;
}

void dispatch_command(App *a, int command) {
    View *v = a->views[a->current];
    switch (command) {
    case CMD_HELP:
        show_help(a);
        break;
    case CMD_VIEW_TIMELINE:
    case CMD_VIEW_CHECKLIST:
    case CMD_VIEW_SERVICES:
    case CMD_VIEW_LOGS:
    case CMD_VIEW_HEALTH:
    case CMD_VIEW_ACTIVITY:
        app_show_view(a, (ViewId)(command - CMD_VIEW_TIMELINE));
        break;
    case CMD_NEXT_VIEW:
        app_show_view(a, (ViewId)((a->current + 1) % _VIEW_MAX));
        break;
    case CMD_PREV_VIEW:
        app_show_view(a, (ViewId)((a->current + _VIEW_MAX - 1) % _VIEW_MAX));
        break;
    case CMD_SEARCH:
        app_modal(a, OP_SEARCH, MODAL_PROMPT, "Search", "Find in this view:", NULL);
        break;
    case CMD_SEARCH_NEXT:
        search(a, true);
        break;
    case CMD_SEARCH_PREV:
        search(a, false);
        break;
    case CMD_PALETTE:
        app_modal(a, OP_PALETTE, MODAL_PROMPT, "Command",
                  "Type a command name (Enter runs the "
                  "first match):",
                  NULL);
        break;
    case CMD_THEME:
        next_theme(a);
        break;
    case CMD_REDRAW:
        clearok(curscr, TRUE);
        app_sync_journal(a);
        app_refresh_views(a);
        break;
    case CMD_QUIT:
        /* a plan action or a unit action (view 3) still running: ask first */
        if (action_pane_running(a) || services_action_running(a, NULL, 0)) {
            action_pane_ask_quit(a);
        } else {
            a->quit = true;
        }
        break;
    case CMD_ACTION_CANCEL:
        action_pane_cancel(a);
        break;
    default:
        if (v && v->ops->command && !v->ops->command(v, a, command)) {
            app_message(a, ROLE_DIM, "Nothing to do here for that key.");
        }
        break;
    }
    a->dirty = true;
}
