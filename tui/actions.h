#pragma once
/* What the operator does to the journal from the panel: tick, untick, note,
 * override a gate, start a phase.  Each asks what it must (a reason, a typed
 * phase id) through a dialog and reports the outcome on the status line. */
#include "tui/app.h"

void actions_toggle_tick(App *a, const Item *it);
void actions_note(App *a, const Item *it);
/* it may be NULL (overriding a phase from the timeline). */
void actions_override(App *a, size_t phase, const Item *it);
void actions_start_phase(App *a, size_t phase);
