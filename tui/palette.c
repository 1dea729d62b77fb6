/* The command palette: ':' then a few letters of a command's name. */
#include <curses.h>
#include <string.h>

#include "tui/action_pane.h"
#include "tui/commands.h"
#include "tui/loop.h"

#define PALETTE_MAX 8

static size_t matches(App *a, const char *query, const Command **out) {
    unsigned bit = 1u << a->current;
    return commands_match(query, bit, app_is_readonly(a), out, PALETTE_MAX);
}

void palette_run(App *a, const char *query) {
    const Command *m[PALETTE_MAX];
    /* a plan action by its id ("backup", or "run backup") */
    const char *id = strncmp(query, "run ", 4) == 0 ? query + 4 : query;
    const Action *act = plan_find_action(a->plan, id);
    if (act) {
        action_pane_request(a, act, NULL);
        return;
    }
    if (matches(a, query, m) == 0) {
        app_message(a, ROLE_WARN, "No command matches '%s'. Press ? for the keys.", query);
        return;
    }
    dispatch_command(a, m[0]->id);
}

void palette_draw(App *a) {
    if (!a->modal || a->pending != OP_PALETTE) {
        return;
    }
    const Command *m[PALETTE_MAX];
    char query[256];
    size_t len = a->modal->input_len < sizeof(query) - 1 ? a->modal->input_len : sizeof(query) - 1;
    memcpy(query, a->modal->input ? a->modal->input : "", len);
    query[len] = '\0';
    size_t n = matches(a, query, m);
    int width = a->cols > 64 ? 60 : a->cols - 4;
    int x = (a->cols - width) / 2, y = a->rows / 2 + 3;
    for (size_t i = 0; i < n && y + (int)i < a->rows - 2; i++) {
        Line l;
        line_init(&l);
        line_addf(&l, i == 0 ? ROLE_SELECTED : ROLE_MODAL, " %-22s", m[i]->name);
        line_addf(&l, i == 0 ? ROLE_SELECTED : ROLE_DIM, " %s", m[i]->keys);
        line_draw(&a->canvas, &l, y + (int)i, x, width, true, i == 0 ? ROLE_SELECTED : ROLE_MODAL);
        line_free(&l);
    }
}
