#include "tui/actions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "tui/commands.h"
#include "tui/loop.h"

static bool append(App *a, JournalEvent *evs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        evs[i].by = a->actor;
    }
    int r = journal_append(a->journal, evs, n, app_fold_cb, a);
    if (r < 0) {
        app_message(a, ROLE_FAIL, "NOT recorded: cannot write the journal (%s).%s", strerror(-r),
                    journal_failure(a->journal)
                        ? " The journal is now read-only; check the disk and restart opsdeck."
                        : "");
        return false;
    }
    a->state_changed_at = time_now();
    app_refresh_views(a);
    return true;
}

static const Phase *phase_of(const App *a, const Item *it) {
    return &a->plan->phases[it->phase];
}

/* Why item cannot be ticked now, or NULL; *ret_override tells whether an
 * override with a reason would allow it. */
static char *tick_blocker(App *a, const Item *it) {
    char *missing = NULL, *why = NULL;
    if (state_gate(a->state, it, &missing) == -EPERM) {
        if (asprintf(&why, "phase %s waits for %s (not complete). Press o to start it anyway "
                           "with a reason.",
                     phase_of(a, it)->id, missing ? missing : "its dependencies") < 0) {
            why = NULL;
        }
        free(missing);
        return why;
    }
    if (it->check && !it->rollback) {
        if (asprintf(&why, "'%s' needs check '%s' to be ok, and checks are not connected in "
                           "this version. Press o to tick it with a reason.",
                     it->id, it->check) < 0) {
            why = NULL;
        }
        return why;
    }
    return NULL;
}

static void tick(App *a, const Item *it, bool start_phase) {
    JournalEvent evs[2];
    size_t n = 0;
    if (start_phase) {
        evs[n++] = (JournalEvent){.type = EVENT_PHASE_START, .phase = phase_of(a, it)->id};
    }
    evs[n++] = (JournalEvent){.type = EVENT_TICK, .item = it->id};
    if (append(a, evs, n)) {
        app_message(a, ROLE_OK, "Ticked %s (seq %llu).", it->id,
                    (unsigned long long)evs[n - 1].seq);
    }
}

void actions_toggle_tick(App *a, const Item *it) {
    const ItemState *is = &a->state->items[it->index];
    if (is->done) {
        JournalEvent ev = {.type = EVENT_UNTICK, .item = it->id};
        if (append(a, &ev, 1)) {
            app_message(a, ROLE_WARN, "Unticked %s (seq %llu).", it->id,
                        (unsigned long long)ev.seq);
        }
        return;
    }
    _cleanup_(freep) char *why = tick_blocker(a, it);
    if (why) {
        app_message(a, ROLE_FAIL, "Cannot tick: %s", why);
        return;
    }
    const Phase *ph = phase_of(a, it);
    const PhaseState *ps = &a->state->phases[it->phase];
    if (ph->point_of_no_return && !ps->started && !it->rollback) {
        char msg[512];
        snprintf(msg, sizeof(msg),
                 "Phase %s is a point of no return: past here, rollback is a forward fix.\n"
                 "Ticking '%s' starts it.",
                 ph->id, it->id);
        a->pending_item = it;
        app_modal(a, OP_START_PONR, MODAL_TYPE_TO_CONFIRM, "Point of no return", msg, ph->id);
        return;
    }
    tick(a, it, false);
}

void actions_note(App *a, const Item *it) {
    a->pending_item = it;
    char msg[256];
    snprintf(msg, sizeof(msg), "Note on %s:", it->id);
    app_modal(a, OP_NOTE, MODAL_PROMPT, "Add a note", msg, NULL);
}

void actions_override(App *a, size_t phase, const Item *it) {
    const Phase *ph = &a->plan->phases[phase];
    const PhaseState *ps = &a->state->phases[phase];
    bool gated = !ps->overridden && ps->status == PHASE_BLOCKED;
    bool evidence = it && it->check && !it->rollback && !a->state->items[it->index].done;
    if (it && !gated) {
        _cleanup_(freep) char *missing = NULL;
        gated = state_gate(a->state, it, &missing) == -EPERM;
    }
    if (!gated && !evidence) {
        app_message(a, ROLE_DIM, "Nothing to override: %s's dependencies are complete%s.",
                    ph->id, it && it->check ? "" : " and the item has no check");
        return;
    }
    a->pending_item = it;
    a->pending_phase = phase;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s%s%s\nThe reason is journaled with your name.",
             gated ? "Start phase " : "", gated ? ph->id : "",
             gated ? " before its dependencies are complete." : "Tick without the check's evidence.");
    app_modal(a, OP_OVERRIDE_REASON, MODAL_PROMPT, "Override: why?", msg, NULL);
}

void actions_start_phase(App *a, size_t phase) {
    const Phase *ph = &a->plan->phases[phase];
    const PhaseState *ps = &a->state->phases[phase];
    if (ps->started) {
        app_message(a, ROLE_DIM, "Phase %s is already %s.", ph->id,
                    phase_status_to_string(ps->status));
        return;
    }
    if (ps->status == PHASE_BLOCKED) {
        app_message(a, ROLE_FAIL,
                    "Cannot start %s: its dependencies are not complete. Press o to start it "
                    "anyway with a reason.",
                    ph->id);
        return;
    }
    a->pending_phase = phase;
    a->pending_item = NULL;
    if (ph->point_of_no_return) {
        app_modal(a, OP_START_PONR, MODAL_TYPE_TO_CONFIRM, "Point of no return",
                  "Past this phase, rollback is a forward fix.", ph->id);
        return;
    }
    JournalEvent ev = {.type = EVENT_PHASE_START, .phase = ph->id};
    if (append(a, &ev, 1)) {
        app_message(a, ROLE_OK, "Started %s (seq %llu).", ph->id, (unsigned long long)ev.seq);
    }
}

static void override_accepted(App *a, const char *reason) {
    const Item *it = a->pending_item;
    size_t phase = it ? it->phase : a->pending_phase;
    const Phase *ph = &a->plan->phases[phase];
    if (!reason || !*reason) {
        app_message(a, ROLE_WARN, "An override needs a reason; nothing recorded.");
        return;
    }
    JournalEvent evs[2];
    size_t n = 0;
    _cleanup_(freep) char *missing = NULL;
    bool gated = it ? state_gate(a->state, it, &missing) == -EPERM
                    : a->state->phases[phase].status == PHASE_BLOCKED;
    if (gated) {
        evs[n++] = (JournalEvent){.type = EVENT_PHASE_OVERRIDE, .phase = ph->id, .reason = reason};
    }
    if (it && !a->state->items[it->index].done) {
        evs[n++] = (JournalEvent){.type = EVENT_TICK, .item = it->id, .reason = reason};
    }
    if (n && append(a, evs, n)) {
        app_message(a, ROLE_WARN, "Override journaled for %s: %s", it ? it->id : ph->id, reason);
    }
}

void actions_modal_done(App *a) {
    Modal *m = a->modal;
    PendingOp op = a->pending;
    bool ok = m->state == MODAL_ACCEPTED;
    _cleanup_(freep) char *input = m->input ? strndup(m->input, m->input_len) : NULL;
    a->modal = (Modal *)widget_free(&m->base);
    a->pending = OP_NONE;
    a->dirty = true;
    if (!ok) {
        if (op == OP_START_PONR) {
            app_message(a, ROLE_DIM, "Not started.");
        }
        return;
    }
    switch (op) {
    case OP_NOTE:
        if (input && *input && a->pending_item) {
            JournalEvent ev = {.type = EVENT_NOTE, .item = a->pending_item->id, .note = input};
            if (append(a, &ev, 1)) {
                app_message(a, ROLE_OK, "Note added to %s.", a->pending_item->id);
            }
        }
        break;
    case OP_OVERRIDE_REASON:
        override_accepted(a, input);
        break;
    case OP_START_PONR:
        if (a->pending_item) {
            tick(a, a->pending_item, true);
        } else {
            JournalEvent ev = {.type = EVENT_PHASE_START,
                               .phase = a->plan->phases[a->pending_phase].id};
            if (append(a, &ev, 1)) {
                app_message(a, ROLE_WARN, "Started %s: point of no return passed.", ev.phase);
            }
        }
        break;
    case OP_SEARCH:
        free(a->search);
        a->search = input && *input ? strdup(input) : NULL;
        if (a->search) {
            dispatch_command(a, CMD_SEARCH_NEXT);
        }
        break;
    case OP_FILTER_BY:
        free(a->filter_by);
        a->filter_by = input && *input ? strdup(input) : NULL;
        app_refresh_views(a);
        break;
    case OP_PALETTE:
        palette_run(a, input ? input : "");
        break;
    default:
        break;
    }
    a->pending_item = NULL;
}
