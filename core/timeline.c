#include "core/timeline.h"

#include <errno.h>
#include <stdlib.h>

/* Planned times are relative to t0 and come from the plan alone: a phase starts
 * when the last of its dependencies ends.  Actual times come from the state, and
 * the projection replays the plan from `now` over what is left. */

Timeline *timeline_free(Timeline *t) {
    if (!t) {
        return NULL;
    }
    free(t->phases);
    free(t->critical_path);
    free(t);
    return NULL;
}

static time_t pick_t0(const Plan *plan, const State *state, time_t now, bool *ret_from_plan) {
    *ret_from_plan = plan->has_start;
    if (plan->has_start) {
        return plan->start;
    }
    if (state && state->first_at != 0) {
        return state->first_at;
    }
    return now;
}

static void plan_forward(const Plan *plan, Timeline *t) {
    for (size_t i = 0; i < plan->n_phases; i++) {
        size_t p = plan->topo[i];
        const Phase *ph = &plan->phases[p];
        int64_t start = 0;
        for (size_t d = 0; d < ph->depends.n; d++) {
            start = MAX(start, t->phases[ph->dep[d]].planned_end);
        }
        t->phases[p].planned_start = start;
        t->phases[p].planned_end = start + ph->duration;
        t->planned_duration = MAX(t->planned_duration, t->phases[p].planned_end);
    }
    t->planned_end = t->t0 + t->planned_duration;
}

/* From the phase that ends last (the first such in plan order), back through the
 * dependency that decided each start (the first such in depends order). */
static int critical_path(const Plan *plan, Timeline *t) {
    size_t n = plan->n_phases;
    if (n == 0) {
        return 0;
    }
    t->critical_path = calloc(n, sizeof(*t->critical_path));
    if (!t->critical_path) {
        return -ENOMEM;
    }
    size_t last = 0;
    for (size_t p = 1; p < n; p++) {
        if (t->phases[p].planned_end > t->phases[last].planned_end) {
            last = p;
        }
    }
    /* Collected last to first at the end of the array, then moved to the front.
     * Each step goes to a dependency, so in a DAG it ends within n steps. */
    size_t k = n, p = last;
    for (;;) {
        t->phases[p].critical = true;
        t->critical_path[--k] = p;
        const Phase *ph = &plan->phases[p];
        bool found = false;
        for (size_t d = 0; d < ph->depends.n && k > 0; d++) {
            if (t->phases[ph->dep[d]].planned_end == t->phases[p].planned_start) {
                p = ph->dep[d];
                found = true;
                break;
            }
        }
        if (!found) {
            break;
        }
    }
    t->n_critical = n - k;
    for (size_t i = 0; i < t->n_critical; i++) {
        t->critical_path[i] = t->critical_path[k + i];
    }
    return 0;
}

/* Actual times, and from `now` the projected ones: what is done is done, what runs
 * takes at least its planned duration (and is not over before now), what has not
 * started starts now (or when the window opens, if that is later) or when its
 * dependencies are projected to end. */
static void project(const Plan *plan, const State *state, Timeline *t) {
    for (size_t i = 0; i < plan->n_phases; i++) {
        size_t p = plan->topo[i];
        const Phase *ph = &plan->phases[p];
        PhaseTimes *pt = &t->phases[p];
        const PhaseState *ps = state ? &state->phases[p] : NULL;
        time_t planned_end = t->t0 + pt->planned_end;

        if (ps) {
            pt->actual_start = ps->started;
            pt->actual_end = ps->completed;
        }
        if (ps && ps->status == PHASE_COMPLETE) {
            /* An event without a time cannot start it; then it spans no time. */
            pt->projected_start = ps->started != 0 ? ps->started : ps->completed;
            pt->projected_end = ps->completed;
            pt->slip = ps->completed - planned_end;
        } else if (ps && ps->status == PHASE_ACTIVE) {
            pt->projected_start = ps->started;
            pt->projected_end = MAX(t->now, ps->started + ph->duration);
            pt->slip = pt->projected_end - planned_end;
        } else {
            /* Nothing starts before the window opens, however early we look. */
            time_t start = MAX(t->now, t->t0);
            for (size_t d = 0; d < ph->depends.n; d++) {
                start = MAX(start, t->phases[ph->dep[d]].projected_end);
            }
            pt->projected_start = start;
            pt->projected_end = start + ph->duration;
            pt->slip = 0;
        }
        if (i == 0 || pt->projected_end > t->projected_end) {
            t->projected_end = pt->projected_end;
        }
    }
    if (plan->n_phases == 0) {
        t->projected_end = t->planned_end;
    }
    t->projected_slip = t->projected_end - t->planned_end;
}

int timeline_compute(const Plan *plan, const State *state, time_t now, Timeline **ret) {
    /* state may be NULL: the plan alone, as if nothing had happened yet. */
    if (!plan || !ret || (state && state->plan != plan)) {
        return -EINVAL;
    }
    _cleanup_(timeline_freep) Timeline *t = calloc(1, sizeof(*t));
    if (!t) {
        return -ENOMEM;
    }
    t->phases = calloc(MAX(plan->n_phases, (size_t)1), sizeof(*t->phases));
    if (!t->phases) {
        return -ENOMEM;
    }
    t->now = now;
    t->t0 = pick_t0(plan, state, now, &t->t0_from_plan);
    plan_forward(plan, t);
    int r = critical_path(plan, t);
    if (r < 0) {
        return r;
    }
    project(plan, state, t);
    *ret = TAKE_PTR(t);
    return 0;
}
