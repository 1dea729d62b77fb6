#pragma once
/* State = a fold over the journal, against the plan. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/journal.h"
#include "core/plan.h"

typedef enum PhaseStatus {
    PHASE_PENDING,  /* its dependencies are complete, nothing ticked yet */
    PHASE_ACTIVE,   /* started (a tick, a start or an override), not complete */
    PHASE_COMPLETE, /* every non-optional item ticked */
    PHASE_BLOCKED,  /* not started, some dependency not complete */
    _PHASE_STATUS_MAX
} PhaseStatus;

typedef struct ItemState {
    bool done;
    time_t at;      /* of the last tick/untick; 0 when never touched */
    char *by;       /* owned; NULL when never touched */
    char *note;     /* owned; the latest note, or NULL */
    char *evidence; /* owned; check value recorded with the tick, or NULL */
    size_t n_notes;
    uint64_t seq; /* of the last tick/untick */
} ItemState;

typedef struct PhaseState {
    PhaseStatus status;
    size_t done, total;         /* non-optional items */
    size_t done_all, total_all; /* all checklist items */
    time_t started;             /* first tick/start/override in the phase, 0 = not started */
    time_t completed;           /* when it became complete, 0 = not complete */
    bool overridden;
    char *override_reason; /* owned */
    char *override_by;     /* owned */
} PhaseState;

/* Owns its arrays; borrows the plan, which must outlive it. */
typedef struct State {
    const Plan *plan;
    ItemState *items;   /* by Item.index */
    PhaseState *phases; /* by phase index */
    size_t done, total; /* non-rollback checklist items, as the header shows DONE/TOTAL */
    uint64_t last_seq;
    size_t n_events;
    size_t n_orphans; /* events naming items/phases the plan no longer has */
    time_t first_at, last_at;
} State;

int state_new(const Plan *plan, State **ret);
State *state_free(State *s);
DEFINE_FREEP(State, state_free)

/* Fold one event in.  Returns 0 (events that do not apply are counted, not errors). */
int state_apply(State *s, const JournalEvent *ev);
/* JournalEventFn adapter: userdata is the State. */
int state_apply_cb(const JournalEvent *ev, void *userdata);

const char *phase_status_to_string(PhaseStatus st);

/* The phase the weekend is at: the first active phase in plan order, else the
 * first that is not complete; -1 when everything is complete. */
ssize_t state_current_phase(const State *s);

/* Gate for ticking item: 0 when allowed; -EPERM when dependencies of its phase
 * are not complete and the phase is not overridden; then *ret_missing (if not
 * NULL) gets a new string "p2a, p2b" naming them. */
int state_gate(const State *s, const Item *item, char **ret_missing);
