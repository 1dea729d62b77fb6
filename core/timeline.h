#pragma once
/* Planned vs actual times, the critical path and the projected finish. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/plan.h"
#include "core/state.h"

typedef struct PhaseTimes {
    int64_t planned_start, planned_end; /* seconds after Timeline.t0 */
    bool critical;                      /* on the critical path */
    time_t actual_start, actual_end;    /* 0 when not yet */
    time_t projected_start, projected_end;
    int64_t slip; /* seconds late (+) or early (-): finished vs planned end,
                     or for a running phase projected vs planned end; 0 if not started */
} PhaseTimes;

/* Owns its arrays. */
typedef struct Timeline {
    time_t t0;         /* plan `start:`, else the first event, else now */
    bool t0_from_plan; /* the plan pins the window */
    time_t now;
    PhaseTimes *phases;       /* by phase index */
    int64_t planned_duration; /* the critical path's length, seconds */
    time_t planned_end;       /* t0 + planned_duration */
    time_t projected_end;     /* when the rest of the critical path ends from now */
    int64_t projected_slip;   /* projected_end - planned_end */
    size_t *critical_path;    /* phase indexes, first to last */
    size_t n_critical;
} Timeline;

int timeline_compute(const Plan *plan, const State *state, time_t now, Timeline **ret);
Timeline *timeline_free(Timeline *t);
DEFINE_FREEP(Timeline, timeline_free)
