#pragma once
/* Running plan actions from the panel: Enter on a checklist item with an action
 * (or its id in the ':' palette) asks what it must, then runs the action on a
 * worker thread (core/action_task.h), which journals action-start and action-end
 * through its own handle on the journal (the loop sees them as it sees any other
 * writer's).  Output goes to a pane under the checklist; the status line shows
 * the progress and the result.  One action at a time.
 *
 * Asking first (core/action_run.h, action_confirm_level): db.query and git.fetch
 * run at once; other actions ask y/N; high-risk ones (a phase with risk high, a
 * critical service stopped or restarted) ask to type the action id (or the unit).
 * A checkout refused for a dirty work tree asks to type the target to force it. */
#include <stdbool.h>

#include "tui/app.h"

/* Run act (it: the item it runs for, or NULL), after asking. */
void action_pane_request(App *a, const Action *act, const Item *it);
/* The dialogs this pane opened (OP_ACTION_*, and OP_QUIT while an action runs);
 * false when op is not one of them. */
bool action_pane_modal_done(App *a, PendingOp op, bool accepted, const char *input);

bool action_pane_running(const App *a);
/* Ask, then cancel the running action (SIGTERM, then SIGKILL). */
void action_pane_cancel(App *a);
/* q while an action runs: ask first. */
void action_pane_ask_quit(App *a);

/* The output pane: shown under the checklist while it has something to show. */
bool action_pane_visible(const App *a);
void action_pane_toggle(App *a);
void action_pane_draw(App *a, int y, int rows, int cols);

/* At exit: cancel a running action and wait for its end to be journaled (bounded),
 * then free everything.  Safe when no action ever ran. */
void action_pane_free(App *a);
