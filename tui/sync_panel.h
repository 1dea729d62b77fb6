#pragma once
/* Journal sync in the panel (docs/sync.md): two hiredis async connections on
 * the one loop, one blocked in XREAD on the stream, one for rounds (catch up,
 * re-seed, push pending), presence and its timeouts; what they bring is written
 * to the journal by a worker (tui/sync_writer.h) and folded in stream order.
 * Down Redis costs a badge and a retry with backoff, never a frozen screen. */
#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

typedef struct PanelSync PanelSync;

/* With `sync:` in the plan, make a->sync (before the journal is first read, so
 * the log sees every record).  Returns 0 (also without sync) or -ENOMEM. */
int sync_panel_new(App *a);
/* Connect: once the screen is open and the loop about to run. */
void sync_panel_start(App *a);
PanelSync *sync_panel_free(PanelSync *ps);

/* app_fold_cb with sync: the record joins the stream-ordered log; an event in
 * order is folded at once, otherwise the fold restarts before the next redraw. */
int sync_panel_take(App *a, const JournalEvent *ev);
/* Fold what the log gained; true when the state was rebuilt from the start. */
bool sync_panel_settle(App *a);

/* The sync badges of the header (texts owned by a->sync); how many. */
size_t sync_panel_badges(App *a, HeaderBadge *out, size_t max);
/* Consoles connected, this one included; 0 when not syncing or not connected. */
size_t sync_panel_consoles(const App *a);
