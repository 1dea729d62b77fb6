#pragma once
/* One table of commands: keys, help text, function-bar labels, the palette and
 * the read-only rule are all generated from it (as tig's request table). */
#include <stdbool.h>
#include <stddef.h>

#include "widgets/overlay.h"

typedef enum CommandId {
    CMD_NONE,
    CMD_HELP,
    CMD_VIEW_TIMELINE,
    CMD_VIEW_CHECKLIST,
    CMD_VIEW_SERVICES,
    CMD_VIEW_LOGS,
    CMD_VIEW_HEALTH,
    CMD_VIEW_ACTIVITY,
    CMD_NEXT_VIEW,
    CMD_PREV_VIEW,
    CMD_OPEN,
    CMD_BACK,
    CMD_SEARCH,
    CMD_SEARCH_NEXT,
    CMD_SEARCH_PREV,
    CMD_PALETTE,
    CMD_TICK,
    CMD_NOTE,
    CMD_OVERRIDE,
    CMD_START_PHASE,
    CMD_FILTER_PERSON,
    CMD_FILTER_TYPE,
    CMD_FILTER_CLEAR,
    CMD_THEME,
    CMD_REDRAW,
    CMD_UNIT_START,   /* view 3: the selected unit */
    CMD_UNIT_STOP,
    CMD_UNIT_RESTART,
    CMD_UNIT_RELOAD,
    CMD_LOG_NEXT,     /* view 4 */
    CMD_LOG_PREV,
    CMD_LOG_FOLLOW,
    CMD_LOG_WRAP,
    CMD_ACTION_CANCEL, /* the running plan action */
    CMD_ACTION_OUTPUT, /* view 2: show / hide the action output pane */
    CMD_QUIT,
    _CMD_MAX
} CommandId;

enum {
    /* which views a command belongs to; 0 = everywhere */
    IN_TIMELINE = 1u << 0,
    IN_CHECKLIST = 1u << 1,
    IN_SERVICES = 1u << 2,
    IN_LOGS = 1u << 3,
    IN_HEALTH = 1u << 4,
    IN_ACTIVITY = 1u << 5,
};

typedef struct Command {
    CommandId id;
    const char *name; /* palette name: "tick", "view timeline" */
    const char *keys; /* as help shows them: "Space", "1", "j ↓" */
    int bind[4];      /* encoded keys (widget.h convention); 0 ends */
    const char *help;
    unsigned views;     /* IN_* mask; 0 = every view */
    bool mutates;       /* changes the journal: refused and hidden when read-only */
    bool wallboard;     /* allowed on the wallboard */
    const char *fn_key; /* "F5" when on the function bar */
    const char *fn_label;
} Command;

const Command *commands_all(size_t *ret_n);
const Command *command_get(CommandId id);
/* The command bound to key in view (an IN_* bit), or NULL. */
const Command *command_for_key(int key, unsigned view_bit);
/* Help rows for a view; the caller frees the array (strings are static).
 * Mutating commands are left out when read-only. */
HelpRow *commands_help(unsigned view_bit, bool readonly, size_t *ret_n);
/* Function-bar entries for a view (static storage, refilled per call). */
size_t commands_fnbar(unsigned view_bit, bool readonly, FnKey *out, size_t max);
/* Palette: the commands whose name fuzzily matches query, best first.
 * Returns the number written to out. */
size_t commands_match(const char *query, unsigned view_bit, bool readonly, const Command **out,
                      size_t max);
/* Fuzzy score of query against name: -1 = no match, higher is better. */
int fuzzy_score(const char *query, const char *name);
