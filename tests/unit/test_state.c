/* State: the fold over journal events, the gate and the current phase. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/state.h"

#define T0 ((time_t)1795903200) /* 2026-11-28T22:00:00Z */
#define MIN_ ((time_t)60)

/* a → b, a → c, b + c → d; e has only optional items; f has none. */
static const char diamond_yaml[] = "plan: Diamond\n"
                                   "id: diamond\n"
                                   "phases:\n"
                                   "  - id: a\n"
                                   "    title: A\n"
                                   "    risk: low\n"
                                   "    duration: 1h\n"
                                   "    items:\n"
                                   "      - { id: a.1, text: one }\n"
                                   "      - { id: a.2, text: two }\n"
                                   "      - { id: a.opt, text: maybe, optional: true }\n"
                                   "    rollback:\n"
                                   "      - { id: a.rb, text: undo a }\n"
                                   "  - id: b\n"
                                   "    title: B\n"
                                   "    risk: medium\n"
                                   "    depends: [a]\n"
                                   "    duration: 2h\n"
                                   "    items:\n"
                                   "      - { id: b.1, text: one }\n"
                                   "  - id: c\n"
                                   "    title: C\n"
                                   "    risk: low\n"
                                   "    depends: [a]\n"
                                   "    duration: 30m\n"
                                   "    items:\n"
                                   "      - { id: c.1, text: one }\n"
                                   "  - id: d\n"
                                   "    title: D\n"
                                   "    risk: high\n"
                                   "    depends: [b, c]\n"
                                   "    duration: 1h\n"
                                   "    items:\n"
                                   "      - { id: d.1, text: one }\n"
                                   "  - id: e\n"
                                   "    title: E\n"
                                   "    risk: low\n"
                                   "    depends: [d]\n"
                                   "    duration: 1w\n"
                                   "    items:\n"
                                   "      - { id: e.cron, text: cron off, optional: true }\n"
                                   "  - id: f\n"
                                   "    title: F\n"
                                   "    risk: low\n"
                                   "    depends: [e]\n"
                                   "    items: []\n";

enum { A, B, C, D, E, F };

typedef struct Fixture {
    Plan *plan;
    State *state;
} Fixture;

static Plan *load_plan(const char *yaml) {
    DiagList *d = diag_list_new("t.yaml");
    assert_non_null(d);
    Plan *p = NULL;
    int r = plan_load_buffer("t.yaml", yaml, strlen(yaml), d, &p);
    if (r < 0) {
        diag_print(d, stderr);
    }
    assert_int_equal(r, 0);
    diag_list_free(d);
    return p;
}

static int setup(void **ctx) {
    Fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->plan = load_plan(diamond_yaml);
    assert_int_equal(state_new(f->plan, &f->state), 0);
    *ctx = f;
    return 0;
}

static int teardown(void **ctx) {
    Fixture *f = *ctx;
    assert_null(state_free(f->state));
    assert_null(plan_free(f->plan));
    free(f);
    return 0;
}

static void apply(State *s, EventType type, const char *id, time_t at, const char *by,
                  const char *note) {
    bool phase = type == EVENT_PHASE_START || type == EVENT_PHASE_OVERRIDE;
    JournalEvent ev = {
        .seq = s->last_seq + 1,
        .at = at,
        .by = by,
        .host = "jump1",
        .type = type,
        .item = phase ? NULL : id,
        .phase = phase ? id : NULL,
        .note = note,
    };
    assert_int_equal(state_apply(s, &ev), 0);
}

static void tick(State *s, const char *item, time_t at) {
    apply(s, EVENT_TICK, item, at, "alice", NULL);
}

static const ItemState *item_state(const Fixture *f, const char *id) {
    const Item *it = plan_find_item(f->plan, id);
    assert_non_null(it);
    return &f->state->items[it->index];
}

static PhaseStatus status(const Fixture *f, size_t p) {
    return f->state->phases[p].status;
}

static void test_new(void **ctx) {
    Fixture *f = *ctx;
    const State *s = f->state;
    assert_ptr_equal(s->plan, f->plan);
    assert_int_equal(s->done, 0);
    assert_int_equal(s->total, 7); /* checklist items, optional included, rollback not */
    assert_int_equal(s->phases[A].total, 2);
    assert_int_equal(s->phases[A].total_all, 3);
    assert_int_equal(s->phases[E].total, 0);
    assert_int_equal(s->phases[E].total_all, 1);
    assert_int_equal(status(f, A), PHASE_PENDING);
    for (size_t p = B; p <= F; p++) {
        assert_int_equal(status(f, p), PHASE_BLOCKED);
    }
    assert_int_equal(s->n_events, 0);
    assert_int_equal(s->first_at, 0);
    assert_int_equal(state_current_phase(s), A);
    assert_null(state_free(NULL));
}

static void test_status_strings(void **ctx) {
    (void)ctx;
    assert_string_equal(phase_status_to_string(PHASE_PENDING), "pending");
    assert_string_equal(phase_status_to_string(PHASE_ACTIVE), "active");
    assert_string_equal(phase_status_to_string(PHASE_COMPLETE), "complete");
    assert_string_equal(phase_status_to_string(PHASE_BLOCKED), "blocked");
    assert_string_equal(phase_status_to_string(_PHASE_STATUS_MAX), "unknown");
}

static void test_tick_completes_phase(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;

    apply(s, EVENT_TICK, "a.1", T0 + 10 * MIN_, "alice", "deps pinned");
    const ItemState *is = item_state(f, "a.1");
    assert_true(is->done);
    assert_string_equal(is->by, "alice");
    assert_int_equal(is->at, T0 + 10 * MIN_);
    assert_string_equal(is->note, "deps pinned");
    assert_int_equal(is->n_notes, 1);
    assert_int_equal(is->seq, 1);
    assert_int_equal(status(f, A), PHASE_ACTIVE);
    assert_int_equal(s->phases[A].started, T0 + 10 * MIN_);
    assert_int_equal(s->phases[A].completed, 0);
    assert_int_equal(s->phases[A].done, 1);
    assert_int_equal(s->done, 1);
    assert_int_equal(status(f, B), PHASE_BLOCKED);

    tick(s, "a.2", T0 + 90 * MIN_);
    assert_int_equal(status(f, A), PHASE_COMPLETE);
    assert_int_equal(s->phases[A].completed, T0 + 90 * MIN_);
    assert_int_equal(s->phases[A].started, T0 + 10 * MIN_);
    /* the dependents are free to start, the one behind them still waits */
    assert_int_equal(status(f, B), PHASE_PENDING);
    assert_int_equal(status(f, C), PHASE_PENDING);
    assert_int_equal(status(f, D), PHASE_BLOCKED);
    assert_int_equal(s->done, 2);
    assert_int_equal(s->n_events, 2);
    assert_int_equal(s->last_seq, 2);
    assert_int_equal(s->first_at, T0 + 10 * MIN_);
    assert_int_equal(s->last_at, T0 + 90 * MIN_);
}

static void test_optional_does_not_hold(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    tick(s, "a.1", T0);
    tick(s, "a.2", T0 + 1);
    assert_int_equal(status(f, A), PHASE_COMPLETE); /* a.opt never ticked */
    assert_false(item_state(f, "a.opt")->done);
    assert_int_equal(s->phases[A].done_all, 2);

    char *missing = NULL;
    assert_int_equal(state_gate(s, plan_find_item(f->plan, "b.1"), &missing), 0);
    assert_null(missing);

    /* ticking the optional item counts, changes nothing else */
    tick(s, "a.opt", T0 + 2);
    assert_int_equal(s->phases[A].done_all, 3);
    assert_int_equal(s->phases[A].done, 2);
    assert_int_equal(s->phases[A].completed, T0 + 1);
    assert_int_equal(s->done, 3);
}

static void test_retick_idempotent(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    tick(s, "a.1", T0);
    apply(s, EVENT_TICK, "a.1", T0 + 5 * MIN_, "bob", "again");
    const ItemState *is = item_state(f, "a.1");
    assert_true(is->done);
    assert_string_equal(is->by, "bob");
    assert_int_equal(is->at, T0 + 5 * MIN_);
    assert_string_equal(is->note, "again");
    assert_int_equal(is->seq, 2);
    assert_int_equal(s->done, 1);
    assert_int_equal(s->phases[A].done, 1);
    assert_int_equal(s->phases[A].started, T0);
}

static void test_untick_reopens(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    tick(s, "a.1", T0);
    tick(s, "a.2", T0 + 60 * MIN_);
    tick(s, "b.1", T0 + 70 * MIN_);
    assert_int_equal(status(f, A), PHASE_COMPLETE);
    assert_int_equal(status(f, B), PHASE_COMPLETE);
    assert_int_equal(status(f, C), PHASE_PENDING);

    apply(s, EVENT_UNTICK, "a.2", T0 + 80 * MIN_, "carol", "backup was empty");
    const ItemState *is = item_state(f, "a.2");
    assert_false(is->done);
    assert_string_equal(is->by, "carol");
    assert_int_equal(is->at, T0 + 80 * MIN_);
    assert_string_equal(is->note, "backup was empty");
    assert_int_equal(status(f, A), PHASE_ACTIVE);
    assert_int_equal(s->phases[A].completed, 0);
    assert_int_equal(s->phases[A].started, T0);
    assert_int_equal(s->phases[A].done, 1);
    /* b stays complete (its own items are ticked); c waits again */
    assert_int_equal(status(f, B), PHASE_COMPLETE);
    assert_int_equal(status(f, C), PHASE_BLOCKED);
    assert_int_equal(s->done, 2);

    /* the gate closes again behind the reopened phase */
    char *missing = NULL;
    assert_int_equal(state_gate(s, plan_find_item(f->plan, "c.1"), &missing), -EPERM);
    assert_string_equal(missing, "a");
    free(missing);

    /* unticking what is not done changes no count */
    apply(s, EVENT_UNTICK, "a.2", T0 + 81 * MIN_, "carol", NULL);
    assert_int_equal(s->done, 2);
    assert_int_equal(s->phases[A].done, 1);

    tick(s, "a.2", T0 + 90 * MIN_);
    assert_int_equal(status(f, A), PHASE_COMPLETE);
    assert_int_equal(s->phases[A].completed, T0 + 90 * MIN_);
    assert_int_equal(status(f, C), PHASE_PENDING);
}

static void test_notes(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    apply(s, EVENT_NOTE, "b.1", T0, "alice", "waiting for DBA");
    apply(s, EVENT_NOTE, "b.1", T0 + 1, "bob", "DBA here");
    apply(s, EVENT_NOTE, "b.1", T0 + 2, "bob", NULL); /* nothing to keep */
    const ItemState *is = item_state(f, "b.1");
    assert_false(is->done);
    assert_string_equal(is->note, "DBA here");
    assert_int_equal(is->n_notes, 2);
    /* a note is not a tick: no who/when, the phase does not start */
    assert_null(is->by);
    assert_int_equal(is->at, 0);
    assert_int_equal(status(f, B), PHASE_BLOCKED);
    assert_int_equal(s->n_events, 3);
}

static void test_evidence(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    cJSON *extra = cJSON_CreateObject();
    assert_non_null(cJSON_AddStringToObject(extra, "check_value", "200"));
    JournalEvent ev = {
        .seq = 1, .at = T0, .by = "alice", .type = EVENT_TICK, .item = "a.1", .extra = extra};
    assert_int_equal(state_apply(s, &ev), 0);
    assert_string_equal(item_state(f, "a.1")->evidence, "200");
    cJSON_Delete(extra);

    /* a re-tick without a value: the old evidence belonged to the old tick */
    extra = cJSON_CreateObject();
    assert_non_null(cJSON_AddNumberToObject(extra, "check_value", 200));
    ev.seq = 2;
    ev.extra = extra;
    assert_int_equal(state_apply(s, &ev), 0);
    assert_null(item_state(f, "a.1")->evidence);
    cJSON_Delete(extra);
}

static void test_sanitises(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    apply(s, EVENT_TICK, "a.1", T0, "mallory\x1b]0;pwned\x07", "line1\nline2\x1b[2J");
    const ItemState *is = item_state(f, "a.1");
    assert_null(strchr(is->by, '\x1b'));
    assert_null(strchr(is->note, '\x1b'));
    assert_non_null(strchr(is->note, '\n')); /* multi-line notes stay multi-line */
    assert_int_equal(strncmp(is->note, "line1\nline2", 11), 0);
}

static void test_orphans_and_other_events(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    tick(s, "gone.1", T0);
    apply(s, EVENT_NOTE, "gone.2", T0, "alice", "x");
    apply(s, EVENT_PHASE_OVERRIDE, "p9", T0, "alice", NULL);
    apply(s, EVENT_PHASE_START, "p9", T0, "alice", NULL);
    tick(s, "a", T0); /* a phase id is not an item */
    tick(s, NULL, T0);
    assert_int_equal(s->n_orphans, 6);

    JournalEvent ev = {
        .seq = 7, .at = T0 + 1, .by = "alice", .type = EVENT_ACTION_START, .action = "backup"};
    assert_int_equal(state_apply(s, &ev), 0);
    ev = (JournalEvent){.seq = 8,
                        .at = T0 + 2,
                        .type = EVENT_ACTION_END,
                        .action = "backup",
                        .result = "done",
                        .has_exit = true};
    assert_int_equal(state_apply(s, &ev), 0);
    ev = (JournalEvent){
        .seq = 9, .at = T0 + 3, .type = EVENT_UNKNOWN, .type_name = "future", .item = "a.1"};
    assert_int_equal(state_apply(s, &ev), 0);

    assert_int_equal(s->n_events, 9);
    assert_int_equal(s->n_orphans, 6);
    assert_int_equal(s->last_seq, 9);
    assert_int_equal(s->last_at, T0 + 3);
    assert_int_equal(s->done, 0);
    assert_false(item_state(f, "a.1")->done);
    assert_int_equal(status(f, A), PHASE_PENDING);

    assert_int_equal(state_apply(NULL, &ev), -EINVAL);
    assert_int_equal(state_apply(s, NULL), -EINVAL);
}

static void test_rollback_items(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    const Item *rb = plan_find_item(f->plan, "a.rb");
    assert_non_null(rb);
    assert_true(rb->rollback);

    tick(s, "a.rb", T0);
    assert_true(item_state(f, "a.rb")->done);
    assert_string_equal(item_state(f, "a.rb")->by, "alice");
    assert_int_equal(s->done, 0);
    assert_int_equal(s->phases[A].done_all, 0);
    assert_int_equal(s->phases[A].started, 0); /* rolling back is not progress */
    assert_int_equal(status(f, A), PHASE_PENDING);
    apply(s, EVENT_UNTICK, "a.rb", T0 + 1, "alice", NULL);
    assert_false(item_state(f, "a.rb")->done);
    assert_int_equal(s->done, 0);

    /* never gated, even behind incomplete dependencies */
    tick(s, "a.1", T0 + 2);
    tick(s, "a.2", T0 + 3);
    tick(s, "b.1", T0 + 4);
    apply(s, EVENT_UNTICK, "a.1", T0 + 5, "alice", NULL);
    const Item *b1 = plan_find_item(f->plan, "b.1");
    assert_int_equal(state_gate(s, b1, NULL), -EPERM);
    assert_int_equal(state_gate(s, rb, NULL), 0);
}

static void test_phase_start(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    apply(s, EVENT_PHASE_START, "a", T0 + 5, "alice", NULL);
    assert_int_equal(status(f, A), PHASE_ACTIVE);
    assert_int_equal(s->phases[A].started, T0 + 5);
    assert_false(s->phases[A].overridden);
    /* the first start counts */
    apply(s, EVENT_PHASE_START, "a", T0 + 9, "alice", NULL);
    tick(s, "a.1", T0 + 10);
    assert_int_equal(s->phases[A].started, T0 + 5);
}

static void test_override(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    const Item *d1 = plan_find_item(f->plan, "d.1");
    char *missing = NULL;
    assert_int_equal(state_gate(s, d1, &missing), -EPERM);
    free(missing);

    JournalEvent ev = {.seq = 1,
                       .at = T0 + 30 * MIN_,
                       .by = "alice",
                       .type = EVENT_PHASE_OVERRIDE,
                       .phase = "d",
                       .reason = "c is done on paper, ops confirmed"};
    assert_int_equal(state_apply(s, &ev), 0);
    const PhaseState *ps = &s->phases[D];
    assert_true(ps->overridden);
    assert_string_equal(ps->override_reason, "c is done on paper, ops confirmed");
    assert_string_equal(ps->override_by, "alice");
    assert_int_equal(ps->started, T0 + 30 * MIN_);
    assert_int_equal(ps->status, PHASE_ACTIVE); /* started, though b and c are not done */
    missing = NULL;
    assert_int_equal(state_gate(s, d1, &missing), 0);
    assert_null(missing);

    /* a later override replaces the reason, not the start */
    ev = (JournalEvent){.seq = 2,
                        .at = T0 + 40 * MIN_,
                        .by = "bob",
                        .type = EVENT_PHASE_OVERRIDE,
                        .phase = "d",
                        .reason = "again"};
    assert_int_equal(state_apply(s, &ev), 0);
    assert_string_equal(ps->override_reason, "again");
    assert_string_equal(ps->override_by, "bob");
    assert_int_equal(ps->started, T0 + 30 * MIN_);

    tick(s, "d.1", T0 + 50 * MIN_);
    assert_int_equal(ps->status, PHASE_COMPLETE);
    assert_int_equal(ps->completed, T0 + 50 * MIN_);
    assert_int_equal(status(f, E), PHASE_PENDING);
    assert_int_equal(status(f, B), PHASE_BLOCKED);
}

static void test_gate_names_missing(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    const Item *d1 = plan_find_item(f->plan, "d.1");
    const Item *a1 = plan_find_item(f->plan, "a.1");

    assert_int_equal(state_gate(s, a1, NULL), 0); /* a root */
    char *missing = (char *)"untouched";
    assert_int_equal(state_gate(s, a1, &missing), 0);
    assert_string_equal(missing, "untouched");

    missing = NULL;
    assert_int_equal(state_gate(s, d1, &missing), -EPERM);
    assert_string_equal(missing, "b, c");
    free(missing);

    tick(s, "a.1", T0);
    tick(s, "a.2", T0 + 1);
    tick(s, "c.1", T0 + 2);
    missing = NULL;
    assert_int_equal(state_gate(s, d1, &missing), -EPERM);
    assert_string_equal(missing, "b");
    free(missing);

    tick(s, "b.1", T0 + 3);
    assert_int_equal(state_gate(s, d1, NULL), 0);

    assert_int_equal(state_gate(NULL, d1, NULL), -EINVAL);
    assert_int_equal(state_gate(s, NULL, NULL), -EINVAL);
}

static void test_empty_phases(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    static const char *const items[] = {"a.1", "a.2", "b.1", "c.1", "d.1"};
    for (size_t i = 0; i < ELEMENTSOF(items); i++) {
        tick(s, items[i], T0 + (time_t)i);
    }
    /* e has only an optional item, f none: neither completes by itself */
    assert_int_equal(status(f, E), PHASE_PENDING);
    assert_int_equal(status(f, F), PHASE_BLOCKED);
    assert_int_equal(state_current_phase(s), E);

    /* ticking the optional item starts e, and with nothing required it is complete */
    tick(s, "e.cron", T0 + 100);
    assert_int_equal(status(f, E), PHASE_COMPLETE);
    assert_int_equal(s->phases[E].started, T0 + 100);
    assert_int_equal(s->phases[E].completed, T0 + 100);
    assert_int_equal(status(f, F), PHASE_PENDING);
    /* unticking it does not reopen what was started */
    apply(s, EVENT_UNTICK, "e.cron", T0 + 101, "alice", NULL);
    assert_int_equal(status(f, E), PHASE_COMPLETE);

    apply(s, EVENT_PHASE_START, "f", T0 + 200, "alice", NULL);
    assert_int_equal(status(f, F), PHASE_COMPLETE);
    assert_int_equal(s->phases[F].completed, T0 + 200);
    assert_int_equal(state_current_phase(s), -1);
}

static void test_current_phase(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    assert_int_equal(state_current_phase(s), A); /* first not complete */
    tick(s, "a.1", T0);
    assert_int_equal(state_current_phase(s), A); /* active */
    tick(s, "a.2", T0 + 1);
    assert_int_equal(state_current_phase(s), B); /* pending, first in plan order */
    tick(s, "c.1", T0 + 2);                      /* c complete, b still pending */
    assert_int_equal(state_current_phase(s), B);
    apply(s, EVENT_PHASE_OVERRIDE, "d", T0 + 3, "alice", NULL);
    assert_int_equal(state_current_phase(s), D); /* an active phase beats a pending one */
    apply(s, EVENT_PHASE_START, "b", T0 + 4, "alice", NULL);
    assert_int_equal(state_current_phase(s), B); /* the first active in plan order */
    assert_int_equal(state_current_phase(NULL), -EINVAL);
}

static void test_apply_cb(void **ctx) {
    Fixture *f = *ctx;
    JournalEvent ev = {.seq = 4, .at = T0, .by = "alice", .type = EVENT_TICK, .item = "c.1"};
    assert_int_equal(state_apply_cb(&ev, f->state), 0);
    assert_true(item_state(f, "c.1")->done);
    assert_int_equal(f->state->last_seq, 4);
}

/* A long weekend with ticking wars: counts stay exact over a million events. */
static void test_long_replay(void **ctx) {
    Fixture *f = *ctx;
    State *s = f->state;
    static const char *const ids[] = {"a.1", "a.2", "b.1", "c.1", "d.1", "a.opt"};
    JournalEvent ev = {.by = "alice", .host = "jump1"};
    for (uint64_t i = 1; i <= 1000000; i++) {
        ev.seq = i;
        ev.at = T0 + (time_t)i;
        ev.item = ids[i % ELEMENTSOF(ids)];
        ev.type = (i / ELEMENTSOF(ids)) % 2 ? EVENT_UNTICK : EVENT_TICK;
        assert_int_equal(state_apply(s, &ev), 0);
    }
    /* 1,000,000 = 6 × 166,666 + 4: the last round (166,666, even) ticked a.1 … d.1,
     * and a.opt was last touched in round 166,665 (odd), an untick. */
    assert_int_equal(s->n_events, 1000000);
    assert_int_equal(s->done, 5);
    assert_false(item_state(f, "a.opt")->done);
    for (size_t p = A; p <= D; p++) {
        assert_int_equal(status(f, p), PHASE_COMPLETE);
    }
    assert_int_equal(status(f, E), PHASE_PENDING);
    assert_int_equal(s->phases[A].completed, T0 + 999997);
    assert_int_equal(s->phases[D].completed, T0 + 1000000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_new, setup, teardown),
        cmocka_unit_test(test_status_strings),
        cmocka_unit_test_setup_teardown(test_tick_completes_phase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_optional_does_not_hold, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retick_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untick_reopens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sanitises, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orphans_and_other_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phase_start, setup, teardown),
        cmocka_unit_test_setup_teardown(test_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gate_names_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_phases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_phase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_apply_cb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_replay, setup, teardown),
    };
    return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
