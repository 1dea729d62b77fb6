#include "tui/actions.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/check_engine.h"
#include "core/timeutil.h"
#include "tui/action_pane.h"
#include "tui/commands.h"
#include "tui/journal_writer.h"
#include "tui/services.h"
#include "tui/loop.h"

/* Hand the events to the journal writer; once they are durable the status line
 * says what the formatted message says, with the seq. */
static bool append(App *a, JournalEvent *evs, size_t n, Role role, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static bool append(App *a, JournalEvent *evs, size_t n, Role role, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    bool ok = r >= 0 && journal_writer_append(a, evs, n, role, msg);
    free(msg);
    return ok;
}

static const Phase *phase_of(const App *a, const Item *it) {
    return &a->plan->phases[it->phase];
}

/* The evidence gate: the latest result of the item's check must be ok. */
static char *check_blocker(App *a, const Item *it) {
    size_t idx = 0;
    const CheckEntry *ce = a->checks ? check_engine_find(a->checks, it->check, &idx) : NULL;
    char *why = NULL;
    int r;
    if (!ce) {
        r = asprintf(&why,
                     "Cannot tick '%s': check '%s' is not running. Press o to tick it with a "
                     "reason.",
                     it->id, it->check);
    } else if (!ce->has_result) {
        (void)check_engine_run_now(a->checks, idx, time_mono_ms());
        r = asprintf(&why,
                     "Cannot tick '%s': check '%s' has not answered yet (running). Try again "
                     "in a moment, or press o to tick it with a reason.",
                     it->id, it->check);
    } else if (ce->result.status != CHECK_STATUS_OK) {
        const CheckResult *res = &ce->result;
        char detail[512];
        if (res->error) {
            snprintf(detail, sizeof(detail), "%s", res->error);
        } else {
            snprintf(detail, sizeof(detail), "value %s", res->value ? res->value : "none");
        }
        r = asprintf(&why,
                     "Cannot tick '%s': check '%s' is %s (%s). Press o to tick it with a "
                     "reason.",
                     it->id, it->check, check_status_to_string(res->status), detail);
    } else {
        return NULL;
    }
    return r < 0 ? NULL : why;
}

/* Why item cannot be ticked now, or NULL; *ret_override tells whether an
 * override with a reason would allow it. */
static char *tick_blocker(App *a, const Item *it) {
    char *missing = NULL, *why = NULL;
    if (state_gate(a->state, it, &missing) == -EPERM) {
        if (asprintf(&why,
                     "Cannot tick: phase %s waits for %s (not complete). Press o to start it "
                     "anyway with a reason.",
                     phase_of(a, it)->id, missing ? missing : "its dependencies") < 0) {
            why = NULL;
        }
        free(missing);
        return why;
    }
    if (it->check && !it->rollback) {
        return check_blocker(a, it);
    }
    return NULL;
}

/* The latest result of the item's check, as evidence for its tick (NULL when
 * the engine does not have it). */
static cJSON *evidence(App *a, const Item *it) {
    const CheckEntry *ce =
        it->check && a->checks ? check_engine_find(a->checks, it->check, NULL) : NULL;
    return ce ? check_entry_evidence(ce) : NULL;
}

static void tick(App *a, const Item *it, bool start_phase) {
    JournalEvent evs[2];
    size_t n = 0;
    if (start_phase) {
        evs[n++] = (JournalEvent){.type = EVENT_PHASE_START, .phase = phase_of(a, it)->id};
    }
    if (it->check && !it->rollback) {
        /* the result may have changed while a dialog was open */
        _cleanup_(freep) char *why = check_blocker(a, it);
        if (why) {
            app_message(a, ROLE_FAIL, "%s", why);
            return;
        }
    }
    cJSON *extra = evidence(a, it);
    evs[n++] = (JournalEvent){.type = EVENT_TICK, .item = it->id, .extra = extra};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(extra, "check_value");
    if (cJSON_IsString(v)) {
        append(a, evs, n, ROLE_OK, "Ticked %s: check %s is ok, value %s", it->id, it->check,
               v->valuestring);
    } else {
        append(a, evs, n, ROLE_OK, "Ticked %s", it->id);
    }
    cJSON_Delete(extra);
}

void actions_toggle_tick(App *a, const Item *it) {
    const ItemState *is = &a->state->items[it->index];
    if (is->done) {
        JournalEvent ev = {.type = EVENT_UNTICK, .item = it->id};
        append(a, &ev, 1, ROLE_WARN, "Unticked %s", it->id);
        return;
    }
    _cleanup_(freep) char *why = tick_blocker(a, it);
    if (why) {
        app_message(a, ROLE_FAIL, "%s", why);
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
        app_message(a, ROLE_DIM, "Nothing to override: %s's dependencies are complete%s.", ph->id,
                    it && it->check ? "" : " and the item has no check");
        return;
    }
    a->pending_item = it;
    a->pending_phase = phase;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s%s%s\nThe reason is journaled with your name.",
             gated ? "Start phase " : "", gated ? ph->id : "",
             gated ? " before its dependencies are complete."
                   : "Tick without the check's evidence.");
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
    append(a, &ev, 1, ROLE_OK, "Started %s", ph->id);
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
    cJSON *extra = it ? evidence(a, it) : NULL;
    if (it && !a->state->items[it->index].done) {
        evs[n++] =
            (JournalEvent){.type = EVENT_TICK, .item = it->id, .reason = reason, .extra = extra};
    }
    if (n) {
        append(a, evs, n, ROLE_WARN, "Override journaled for %s: %s", it ? it->id : ph->id, reason);
    }
    cJSON_Delete(extra);
}

void actions_modal_done(App *a) {
    Modal *m = a->modal;
    PendingOp op = a->pending;
    bool ok = m->state == MODAL_ACCEPTED;
    _cleanup_(freep) char *input = m->input ? strndup(m->input, m->input_len) : NULL;
    a->modal = (Modal *)widget_free(&m->base);
    a->pending = OP_NONE;
    a->dirty = true;
    if (op == OP_UNIT_ACTION) {
        services_modal_done(a, ok, input);
        return;
    }
    if (action_pane_modal_done(a, op, ok, input)) {
        return;
    }
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
            append(a, &ev, 1, ROLE_OK, "Note added to %s", a->pending_item->id);
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
            append(a, &ev, 1, ROLE_WARN, "Started %s: point of no return passed", ev.phase);
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
