#include "tui/commands.h"

#include <ctype.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/widget.h"

#define K(c) WKEY_CODE(c)
#define CTRL(c) ((c)&0x1f)
#define ALL 0

static const Command table[] = {
    {CMD_HELP,
     "help",
     "? F1",
     {'?', K(KEY_F(1))},
     "show every key of this view",
     ALL,
     false,
     true,
     "F1",
     "Help"},
    {CMD_VIEW_TIMELINE,
     "view timeline",
     "1",
     {'1'},
     "timeline of every phase",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_VIEW_CHECKLIST,
     "view checklist",
     "2",
     {'2'},
     "checklist of the selected phase",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_VIEW_SERVICES,
     "view services",
     "3",
     {'3'},
     "systemd services",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_VIEW_LOGS, "view logs", "4", {'4'}, "log tails", ALL, false, true, NULL, NULL},
    {CMD_VIEW_HEALTH,
     "view health",
     "5",
     {'5'},
     "checks, git, database, redis",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_VIEW_ACTIVITY,
     "view activity",
     "6",
     {'6'},
     "the journal, newest first",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_NEXT_VIEW, "next view", "Tab", {'\t'}, "cycle views", ALL, false, true, NULL, NULL},
    {CMD_PREV_VIEW,
     "previous view",
     "Shift-Tab",
     {K(KEY_BTAB)},
     "cycle views backwards",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_OPEN,
     "open",
     "Enter",
     {'\n', '\r', K(KEY_ENTER)},
     "open the phase's checklist / show the item's details / run the check or probe "
     "the target now",
     IN_TIMELINE | IN_CHECKLIST | IN_HEALTH,
     false,
     false,
     NULL,
     NULL},
    {CMD_BACK,
     "back",
     "Backspace h ←",
     {K(KEY_BACKSPACE), 127, 'h', K(KEY_LEFT)},
     "back to the timeline",
     IN_CHECKLIST,
     false,
     false,
     NULL,
     NULL},
    {CMD_SEARCH,
     "search",
     "/ F3",
     {'/', K(KEY_F(3))},
     "search this view",
     ALL,
     false,
     false,
     "F3",
     "Search"},
    {CMD_SEARCH_NEXT,
     "next match",
     "n",
     {'n'},
     "next search match",
     IN_TIMELINE | IN_SERVICES | IN_LOGS | IN_HEALTH | IN_ACTIVITY,
     false,
     false,
     NULL,
     NULL},
    {CMD_SEARCH_NEXT,
     "next match",
     "Ctrl-N",
     {CTRL('n')},
     "next search match",
     IN_CHECKLIST,
     false,
     false,
     NULL,
     NULL},
    {CMD_SEARCH_PREV,
     "previous match",
     "N",
     {'N'},
     "previous search match",
     ALL,
     false,
     false,
     NULL,
     NULL},
    {CMD_PALETTE,
     "command palette",
     ": F2",
     {':', K(KEY_F(2))},
     "run a command by name",
     ALL,
     false,
     false,
     "F2",
     "Cmds"},
    {CMD_TICK,
     "tick",
     "Space F5",
     {' ', K(KEY_F(5))},
     "tick / untick the selected item",
     IN_CHECKLIST,
     true,
     false,
     "F5",
     "Tick"},
    {CMD_NOTE,
     "note",
     "n F6",
     {'n', K(KEY_F(6))},
     "add a note to the selected item",
     IN_CHECKLIST,
     true,
     false,
     "F6",
     "Note"},
    {CMD_OVERRIDE,
     "override gate",
     "o F7",
     {'o', K(KEY_F(7))},
     "start this phase before its dependencies are complete (asks for a reason)",
     IN_CHECKLIST | IN_TIMELINE,
     true,
     false,
     "F7",
     "Override"},
    {CMD_START_PHASE,
     "start phase",
     "s",
     {'s'},
     "mark the selected phase started (a point of no return asks for its id)",
     IN_TIMELINE | IN_CHECKLIST,
     true,
     false,
     NULL,
     NULL},
    {CMD_FILTER_PERSON,
     "filter by person",
     "p F4",
     {'p', K(KEY_F(4))},
     "show one person's events",
     IN_ACTIVITY,
     false,
     false,
     "F4",
     "Filter"},
    {CMD_FILTER_TYPE,
     "filter by type",
     "y",
     {'y'},
     "cycle the event type shown",
     IN_ACTIVITY,
     false,
     false,
     NULL,
     NULL},
    {CMD_FILTER_CLEAR,
     "clear filter",
     "c",
     {'c'},
     "show every event",
     IN_ACTIVITY,
     false,
     false,
     NULL,
     NULL},
    {CMD_THEME,
     "next theme",
     "t F8",
     {'t', K(KEY_F(8))},
     "cycle colour themes",
     ALL,
     false,
     true,
     "F8",
     "Theme"},
    {CMD_REDRAW,
     "redraw",
     "Ctrl-L",
     {CTRL('l')},
     "redraw the screen",
     ALL,
     false,
     true,
     NULL,
     NULL},
    {CMD_OPEN,
     "open unit journal",
     "Enter",
     {'\n', '\r', K(KEY_ENTER)},
     "open the selected unit's journal in view 4",
     IN_SERVICES,
     false,
     false,
     NULL,
     NULL},
    {CMD_UNIT_START,
     "start unit",
     "s",
     {'s'},
     "start the selected unit (journaled)",
     IN_SERVICES,
     true,
     false,
     NULL,
     NULL},
    {CMD_UNIT_STOP,
     "stop unit",
     "S",
     {'S'},
     "stop the selected unit (asks first; journaled)",
     IN_SERVICES,
     true,
     false,
     NULL,
     NULL},
    {CMD_UNIT_RESTART,
     "restart unit",
     "R",
     {'R'},
     "restart the selected unit (asks first; journaled)",
     IN_SERVICES,
     true,
     false,
     NULL,
     NULL},
    {CMD_UNIT_RELOAD,
     "reload unit",
     "l",
     {'l'},
     "reload the selected unit (journaled)",
     IN_SERVICES,
     true,
     false,
     NULL,
     NULL},
    {CMD_LOG_NEXT,
     "next log",
     "] →",
     {']', K(KEY_RIGHT)},
     "show the next log",
     IN_LOGS,
     false,
     false,
     NULL,
     NULL},
    {CMD_LOG_PREV,
     "previous log",
     "[ ←",
     {'[', K(KEY_LEFT)},
     "show the previous log",
     IN_LOGS,
     false,
     false,
     NULL,
     NULL},
    {CMD_LOG_FOLLOW,
     "follow / pause",
     "f",
     {'f'},
     "follow the newest lines, or pause where you are",
     IN_LOGS,
     false,
     false,
     NULL,
     NULL},
    {CMD_LOG_WRAP,
     "wrap lines",
     "w",
     {'w'},
     "wrap long lines, or cut them",
     IN_LOGS,
     false,
     false,
     NULL,
     NULL},
    {CMD_ACTION_CANCEL,
     "cancel action",
     "x F9",
     {'x', K(KEY_F(9))},
     "cancel the running action (SIGTERM, then SIGKILL; asks first)",
     ALL,
     false,
     false,
     NULL,
     NULL},
    {CMD_ACTION_OUTPUT,
     "action output",
     "O",
     {'O'},
     "show or hide the action output pane",
     IN_CHECKLIST,
     false,
     false,
     NULL,
     NULL},
    {CMD_QUIT, "quit", "q F10", {'q', K(KEY_F(10))}, "quit", ALL, false, true, "F10", "Quit"},
};

const Command *commands_all(size_t *ret_n) {
    *ret_n = sizeof(table) / sizeof(table[0]);
    return table;
}

const Command *command_get(CommandId id) {
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].id == id) {
            return &table[i];
        }
    }
    return NULL;
}

static bool in_view(const Command *c, unsigned view_bit) {
    return c->views == ALL || (c->views & view_bit);
}

const Command *command_for_key(int key, unsigned view_bit) {
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const Command *c = &table[i];
        if (!in_view(c, view_bit)) {
            continue;
        }
        for (size_t k = 0; k < 4 && c->bind[k]; k++) {
            if (c->bind[k] == key) {
                return c;
            }
        }
    }
    return NULL;
}

HelpRow *commands_help(unsigned view_bit, bool readonly, size_t *ret_n) {
    size_t n = 0, total = sizeof(table) / sizeof(table[0]);
    HelpRow *rows = calloc(total, sizeof(*rows));
    if (!rows) {
        *ret_n = 0;
        return NULL;
    }
    for (size_t i = 0; i < total; i++) {
        const Command *c = &table[i];
        if (in_view(c, view_bit) && !(readonly && c->mutates)) {
            rows[n++] = (HelpRow){.keys = c->keys, .text = c->help};
        }
    }
    *ret_n = n;
    return rows;
}

size_t commands_fnbar(unsigned view_bit, bool readonly, FnKey *out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && n < max; i++) {
        const Command *c = &table[i];
        if (c->fn_key && in_view(c, view_bit) && !(readonly && c->mutates)) {
            out[n++] = (FnKey){.key = c->fn_key, .label = c->fn_label};
        }
    }
    return n;
}

int fuzzy_score(const char *query, const char *name) {
    /* every query character in order; consecutive and word-start hits score more */
    int score = 0, run = 0;
    const char *n = name;
    for (const char *q = query; *q; q++) {
        if (*q == ' ') {
            continue;
        }
        bool found = false;
        for (; *n; n++) {
            if (tolower((unsigned char)*n) == tolower((unsigned char)*q)) {
                bool word_start = n == name || n[-1] == ' ';
                score += 1 + run * 2 + (word_start ? 3 : 0);
                run++;
                n++;
                found = true;
                break;
            }
            run = 0;
        }
        if (!found) {
            return -1;
        }
    }
    return score - (int)strlen(name) / 8;
}

size_t commands_match(const char *query, unsigned view_bit, bool readonly, const Command **out,
                      size_t max) {
    int scores[64];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const Command *c = &table[i];
        if (!in_view(c, view_bit) || (readonly && c->mutates) || c->id == CMD_PALETTE) {
            continue;
        }
        /* a command bound twice (per view) appears once */
        bool dup = false;
        for (size_t k = 0; k < n; k++) {
            dup |= out[k]->id == c->id;
        }
        int s = fuzzy_score(query, c->name);
        if (dup || s < 0) {
            continue;
        }
        size_t at = n < max ? n : max;
        while (at > 0 && scores[at - 1] < s) {
            if (at < max && at < 64) {
                out[at] = out[at - 1];
                scores[at] = scores[at - 1];
            }
            at--;
        }
        if (at < max && at < 64) {
            out[at] = c;
            scores[at] = s;
            if (n < max && n < 64) {
                n++;
            }
        }
    }
    return n;
}
