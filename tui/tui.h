#pragma once
/* Entry point of the interactive panel. */
#include "core/journal.h"
#include "core/plan.h"
#include "core/state.h"

typedef struct TuiConfig {
    const char *plan_path;
    const char *actor; /* who ticks */
    const char *theme; /* NULL: default (or mono under NO_COLOR) */
    int rotate_seconds; /* wallboard page rotation */
    bool readonly;
    bool wallboard;
    bool user_bus; /* --user: the user's systemd manager */
} TuiConfig;

/* Run the panel until the operator quits.  Takes ownership of plan, journal_path,
 * journal and state (already folded).  Returns the process exit code; errors
 * before the screen opens (bad TERM, unknown theme, no terminal) are printed to
 * stderr with what to do. */
int tui_run(const TuiConfig *cfg, Plan *plan, char *journal_path, Journal *journal,
            State *state);
