#include "core/state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* Rules of the fold (the header says what, this says the details):
 *
 * - A phase is COMPLETE when every non-optional checklist item is done.  A phase
 *   with no non-optional items (empty, or optional items only) is COMPLETE once it
 *   has started: a phase-start, an override or a tick of one of its optional items.
 *   It never completes by itself when its dependencies do, so every completed phase
 *   has someone's event in the journal behind it, and a dependent's completeness
 *   never depends on its dependencies' (which keeps propagation one level deep).
 * - Rollback items can be ticked and unticked, but they neither count nor start
 *   their phase: rolling back is not progress.
 * - A tick or untick carrying a note keeps it as the item's latest note, like a
 *   note event does; evidence belongs to one tick, so a re-tick without it and an
 *   untick clear it.
 * - Strings from the journal (who, notes, evidence, reasons) may come from other
 *   consoles and hosts: they are sanitised on entering the state. */

/* The public State is the first member, so a State * is a StateImpl *. */
typedef struct StateImpl {
    State pub;
    size_t *rdep_off; /* n_phases + 1 offsets into rdep */
    size_t *rdep;     /* dependents of phase p: rdep[rdep_off[p] .. rdep_off[p + 1]) */
} StateImpl;

static StateImpl *impl_of(State *s) {
    return (StateImpl *)s;
}

static const char *const phase_status_table[_PHASE_STATUS_MAX] = {
    [PHASE_PENDING] = "pending",
    [PHASE_ACTIVE] = "active",
    [PHASE_COMPLETE] = "complete",
    [PHASE_BLOCKED] = "blocked",
};

const char *phase_status_to_string(PhaseStatus st) {
    if ((unsigned)st >= _PHASE_STATUS_MAX) {
        return "unknown";
    }
    return phase_status_table[st];
}

/* A copy of journal text that is safe to show; NULL on OOM. */
static char *text_dup(const char *str, unsigned flags) {
    size_t n = strlen(str);
    if (text_is_clean(str, n, flags)) {
        return strdup(str);
    }
    return text_sanitize_flags(str, n, flags);
}

/* Like text_dup(), NULL in gives NULL out; returns -ENOMEM or 0. */
static int text_dup_opt(const char *str, unsigned flags, char **ret) {
    char *c = NULL;
    if (str) {
        c = text_dup(str, flags);
        if (!c) {
            return -ENOMEM;
        }
    }
    *ret = c;
    return 0;
}

static PhaseStatus phase_eval(const State *s, size_t p) {
    const PhaseState *ps = &s->phases[p];
    bool complete = ps->total > 0 ? ps->done == ps->total : ps->started != 0;
    if (complete) {
        return PHASE_COMPLETE;
    }
    if (ps->started != 0) {
        return PHASE_ACTIVE;
    }
    const Phase *ph = &s->plan->phases[p];
    for (size_t i = 0; i < ph->depends.n; i++) {
        if (s->phases[ph->dep[i]].status != PHASE_COMPLETE) {
            return PHASE_BLOCKED;
        }
    }
    return PHASE_PENDING;
}

/* Re-evaluate phase p after an event at `at`.  Dependents only look at whether
 * their dependencies are complete, so they are re-evaluated only when that flips;
 * as a dependent's own completeness never depends on its dependencies (see the
 * top of the file), the recursion stops one level down in practice. */
static void phase_refresh(State *s, size_t p, time_t at) {
    PhaseState *ps = &s->phases[p];
    PhaseStatus old = ps->status, st = phase_eval(s, p);
    if (st == old) {
        return;
    }
    ps->status = st;
    bool was_complete = old == PHASE_COMPLETE, is_complete = st == PHASE_COMPLETE;
    if (was_complete == is_complete) {
        return;
    }
    ps->completed = is_complete ? at : 0;
    const StateImpl *impl = impl_of(s);
    for (size_t i = impl->rdep_off[p]; i < impl->rdep_off[p + 1]; i++) {
        phase_refresh(s, impl->rdep[i], at);
    }
}

static void item_state_done(ItemState *is) {
    free(is->by);
    free(is->note);
    free(is->evidence);
}

static void phase_state_done(PhaseState *ps) {
    free(ps->override_reason);
    free(ps->override_by);
}

State *state_free(State *s) {
    if (!s) {
        return NULL;
    }
    StateImpl *impl = impl_of(s);
    if (s->items) {
        for (size_t i = 0; i < s->plan->n_all_items; i++) {
            item_state_done(&s->items[i]);
        }
    }
    if (s->phases) {
        for (size_t i = 0; i < s->plan->n_phases; i++) {
            phase_state_done(&s->phases[i]);
        }
    }
    free(s->items);
    free(s->phases);
    free(impl->rdep_off);
    free(impl->rdep);
    free(impl);
    return NULL;
}

/* The reverse of Phase.dep, as offsets and one array. */
static int build_dependents(StateImpl *impl) {
    const Plan *plan = impl->pub.plan;
    size_t n = plan->n_phases, n_edges = 0;
    impl->rdep_off = calloc(n + 1, sizeof(*impl->rdep_off));
    if (!impl->rdep_off) {
        return -ENOMEM;
    }
    for (size_t p = 0; p < n; p++) {
        for (size_t i = 0; i < plan->phases[p].depends.n; i++) {
            impl->rdep_off[plan->phases[p].dep[i] + 1]++;
            n_edges++;
        }
    }
    for (size_t p = 0; p < n; p++) {
        impl->rdep_off[p + 1] += impl->rdep_off[p];
    }
    impl->rdep = calloc(MAX(n_edges, (size_t)1), sizeof(*impl->rdep));
    _cleanup_(freep) size_t *fill = calloc(MAX(n, (size_t)1), sizeof(*fill));
    if (!impl->rdep || !fill) {
        return -ENOMEM;
    }
    for (size_t p = 0; p < n; p++) {
        for (size_t i = 0; i < plan->phases[p].depends.n; i++) {
            size_t d = plan->phases[p].dep[i];
            impl->rdep[impl->rdep_off[d] + fill[d]++] = p;
        }
    }
    return 0;
}

int state_new(const Plan *plan, State **ret) {
    if (!plan || !ret) {
        return -EINVAL;
    }
    StateImpl *impl = calloc(1, sizeof(*impl));
    if (!impl) {
        return -ENOMEM;
    }
    _cleanup_(state_freep) State *s = &impl->pub;
    s->plan = plan;
    s->items = calloc(MAX(plan->n_all_items, (size_t)1), sizeof(*s->items));
    s->phases = calloc(MAX(plan->n_phases, (size_t)1), sizeof(*s->phases));
    if (!s->items || !s->phases) {
        return -ENOMEM;
    }
    int r = build_dependents(impl);
    if (r < 0) {
        return r;
    }
    for (size_t p = 0; p < plan->n_phases; p++) {
        const Phase *ph = &plan->phases[p];
        PhaseState *ps = &s->phases[p];
        ps->total_all = ph->n_items;
        for (size_t i = 0; i < ph->n_items; i++) {
            ps->total += !ph->items[i].optional;
        }
        s->total += ph->n_items;
    }
    /* Dependencies first: a phase's status reads theirs. */
    for (size_t i = 0; i < plan->n_phases; i++) {
        size_t p = plan->topo[i];
        s->phases[p].status = phase_eval(s, p);
    }
    *ret = TAKE_PTR(s);
    return 0;
}

static int apply_note(ItemState *is, const JournalEvent *ev) {
    if (!ev->note) {
        return 0; /* nothing to keep */
    }
    char *note = text_dup(ev->note, TEXT_KEEP_NEWLINE);
    if (!note) {
        return -ENOMEM;
    }
    free(is->note);
    is->note = note;
    is->n_notes++;
    return 0;
}

static const char *event_check_value(const JournalEvent *ev) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev->extra, "check_value");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void count_item(State *s, const Item *it, bool done) {
    PhaseState *ps = &s->phases[it->phase];
    if (done) {
        s->done++;
        ps->done_all++;
        ps->done += !it->optional;
    } else {
        s->done--;
        ps->done_all--;
        ps->done -= !it->optional;
    }
}

static int apply_tick(State *s, const Item *it, const JournalEvent *ev) {
    ItemState *is = &s->items[it->index];
    bool tick = ev->type == EVENT_TICK;
    _cleanup_(freep) char *by = NULL;
    _cleanup_(freep) char *note = NULL;
    _cleanup_(freep) char *evidence = NULL;

    /* Everything that can fail first, so an OOM leaves the state as it was.  The
     * same name ticking again (the common case in a long replay) keeps its copy. */
    bool same_by = ev->by && is->by && streq(ev->by, is->by);
    if ((!same_by && text_dup_opt(ev->by, 0, &by) < 0) ||
        text_dup_opt(ev->note, TEXT_KEEP_NEWLINE, &note) < 0 ||
        (tick && text_dup_opt(event_check_value(ev), 0, &evidence) < 0)) {
        return -ENOMEM;
    }

    bool was_done = is->done;
    is->done = tick;
    is->at = ev->at;
    is->seq = ev->seq;
    if (!same_by) {
        free(is->by);
        is->by = TAKE_PTR(by);
    }
    if (note) {
        free(is->note);
        is->note = TAKE_PTR(note);
        is->n_notes++;
    }
    free(is->evidence);
    is->evidence = TAKE_PTR(evidence);

    if (it->rollback) {
        return 0;
    }
    PhaseState *ps = &s->phases[it->phase];
    bool changed = was_done != tick;
    if (changed) {
        count_item(s, it, tick);
    }
    if (tick && ps->started == 0) {
        ps->started = ev->at;
        changed = true;
    }
    if (changed) {
        phase_refresh(s, it->phase, ev->at);
    }
    return 0;
}

static int apply_item_event(State *s, const JournalEvent *ev) {
    const Item *it = ev->item ? plan_find_item(s->plan, ev->item) : NULL;
    if (!it) {
        /* An item the plan no longer has (or none at all): shown as a count. */
        s->n_orphans++;
        return 0;
    }
    if (ev->type == EVENT_NOTE) {
        return apply_note(&s->items[it->index], ev);
    }
    return apply_tick(s, it, ev);
}

static int apply_phase_event(State *s, const JournalEvent *ev) {
    ssize_t p = ev->phase ? plan_phase_index(s->plan, ev->phase) : -1;
    if (p < 0) {
        s->n_orphans++;
        return 0;
    }
    PhaseState *ps = &s->phases[p];
    if (ev->type == EVENT_PHASE_OVERRIDE) {
        _cleanup_(freep) char *reason = NULL;
        _cleanup_(freep) char *by = NULL;
        if (text_dup_opt(ev->reason, TEXT_KEEP_NEWLINE, &reason) < 0 ||
            text_dup_opt(ev->by, 0, &by) < 0) {
            return -ENOMEM;
        }
        /* The latest override is the one that stands. */
        ps->overridden = true;
        free(ps->override_reason);
        ps->override_reason = TAKE_PTR(reason);
        free(ps->override_by);
        ps->override_by = TAKE_PTR(by);
    }
    if (ps->started == 0) {
        ps->started = ev->at;
        phase_refresh(s, (size_t)p, ev->at);
    }
    return 0;
}

int state_apply(State *s, const JournalEvent *ev) {
    if (!s || !ev) {
        return -EINVAL;
    }
    int r = 0;
    switch (ev->type) {
    case EVENT_TICK:
    case EVENT_UNTICK:
    case EVENT_NOTE:
        r = apply_item_event(s, ev);
        break;
    case EVENT_PHASE_START:
    case EVENT_PHASE_OVERRIDE:
        r = apply_phase_event(s, ev);
        break;
    default:
        /* Actions and types this version does not know change no item. */
        break;
    }
    if (r < 0) {
        return r;
    }
    s->n_events++;
    s->last_seq = ev->seq;
    /* Journal order, not the smallest time: clocks of different hosts may skew,
     * and the first record is when the weekend began as far as the journal knows. */
    if (s->first_at == 0) {
        s->first_at = ev->at;
    }
    if (ev->at != 0) {
        s->last_at = ev->at;
    }
    return 0;
}

int state_apply_cb(const JournalEvent *ev, void *userdata) {
    return state_apply(userdata, ev);
}

ssize_t state_current_phase(const State *s) {
    if (!s) {
        return -EINVAL;
    }
    ssize_t first_open = -1;
    for (size_t p = 0; p < s->plan->n_phases; p++) {
        PhaseStatus st = s->phases[p].status;
        if (st == PHASE_ACTIVE) {
            return (ssize_t)p;
        }
        if (st != PHASE_COMPLETE && first_open < 0) {
            first_open = (ssize_t)p;
        }
    }
    return first_open;
}

/* "p2a, p2b": the ids of the dependencies of ph that are not complete. */
static char *missing_deps(const State *s, const Phase *ph) {
    size_t len = 1;
    for (size_t i = 0; i < ph->depends.n; i++) {
        if (s->phases[ph->dep[i]].status != PHASE_COMPLETE) {
            len += strlen(s->plan->phases[ph->dep[i]].id) + 2;
        }
    }
    char *buf = malloc(len), *p = buf;
    if (!buf) {
        return NULL;
    }
    for (size_t i = 0; i < ph->depends.n; i++) {
        if (s->phases[ph->dep[i]].status != PHASE_COMPLETE) {
            p = stpcpy(p, p == buf ? "" : ", ");
            p = stpcpy(p, s->plan->phases[ph->dep[i]].id);
        }
    }
    *p = '\0';
    return buf;
}

/* A phase already under way is gated again when a dependency reopens (an untick):
 * if the backup turned out bad, the migration should not go on without someone
 * saying so with an override. */
int state_gate(const State *s, const Item *item, char **ret_missing) {
    if (!s || !item || item->phase >= s->plan->n_phases) {
        return -EINVAL;
    }
    if (item->rollback || s->phases[item->phase].overridden) {
        return 0;
    }
    const Phase *ph = &s->plan->phases[item->phase];
    bool blocked = false;
    for (size_t i = 0; i < ph->depends.n && !blocked; i++) {
        blocked = s->phases[ph->dep[i]].status != PHASE_COMPLETE;
    }
    if (!blocked) {
        return 0;
    }
    if (ret_missing) {
        char *m = missing_deps(s, ph);
        if (!m) {
            return -ENOMEM;
        }
        *ret_missing = m;
    }
    return -EPERM;
}
