/* Timeline: planned times, the critical path, actual times, the projection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/state.h"
#include "core/timeline.h"

#define T0 ((time_t)1795903200) /* 2026-11-28T22:00:00Z */
#define M ((time_t)60)
#define H ((time_t)3600)

/* a 1h → b 2h, a → c 30m, b + c → d 1h */
#define DIAMOND_PHASES                                                                             \
    "phases:\n"                                                                                    \
    "  - id: a\n"                                                                                  \
    "    title: A\n"                                                                               \
    "    risk: low\n"                                                                              \
    "    duration: 1h\n"                                                                           \
    "    items:\n"                                                                                 \
    "      - { id: a.1, text: one }\n"                                                             \
    "      - { id: a.2, text: two }\n"                                                             \
    "  - id: b\n"                                                                                  \
    "    title: B\n"                                                                               \
    "    risk: medium\n"                                                                           \
    "    depends: [a]\n"                                                                           \
    "    duration: 2h\n"                                                                           \
    "    items:\n"                                                                                 \
    "      - { id: b.1, text: one }\n"                                                             \
    "  - id: c\n"                                                                                  \
    "    title: C\n"                                                                               \
    "    risk: low\n"                                                                              \
    "    depends: [a]\n"                                                                           \
    "    duration: 30m\n"                                                                          \
    "    items:\n"                                                                                 \
    "      - { id: c.1, text: one }\n"                                                             \
    "  - id: d\n"                                                                                  \
    "    title: D\n"                                                                               \
    "    risk: high\n"                                                                             \
    "    depends: [b, c]\n"                                                                        \
    "    duration: 1h\n"                                                                           \
    "    items:\n"                                                                                 \
    "      - { id: d.1, text: one }\n"

static const char diamond_pinned[] = "plan: Diamond\n"
                                     "start: 2026-11-28T22:00:00Z\n" DIAMOND_PHASES;
static const char diamond_free[] = "plan: Diamond\n" DIAMOND_PHASES;

/* b and c take equally long: d's start is decided by both. */
static const char tie_yaml[] = "plan: Tie\n"
                               "phases:\n"
                               "  - { id: a, title: A, risk: low, duration: 1h, items: [] }\n"
                               "  - { id: c, title: C, risk: low, duration: 1h, items: [] }\n"
                               "  - { id: b, title: B, risk: low, duration: 1h, items: [] }\n"
                               "  - id: d\n"
                               "    title: D\n"
                               "    risk: low\n"
                               "    depends: [b, c]\n"
                               "    duration: 1h\n"
                               "    items: []\n";

enum { A, B, C, D };

typedef struct Fixture {
    Plan *plan;
    State *state;
    Timeline *tl;
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

static Fixture *fixture(void **ctx, const char *yaml) {
    Fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->plan = load_plan(yaml);
    assert_int_equal(state_new(f->plan, &f->state), 0);
    *ctx = f;
    return f;
}

static int teardown(void **ctx) {
    Fixture *f = *ctx;
    if (f) {
        assert_null(timeline_free(f->tl));
        assert_null(state_free(f->state));
        assert_null(plan_free(f->plan));
        free(f);
    }
    return 0;
}

static void tick(Fixture *f, const char *item, time_t at) {
    JournalEvent ev = {
        .seq = f->state->last_seq + 1, .at = at, .by = "alice", .type = EVENT_TICK, .item = item};
    assert_int_equal(state_apply(f->state, &ev), 0);
}

static const Timeline *compute(Fixture *f, time_t now) {
    f->tl = timeline_free(f->tl);
    assert_int_equal(timeline_compute(f->plan, f->state, now, &f->tl), 0);
    return f->tl;
}

static void test_planned(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    const Timeline *t = compute(f, T0 - 2 * H); /* before the window opens */

    assert_true(t->t0_from_plan);
    assert_int_equal(t->t0, T0);
    assert_int_equal(t->now, T0 - 2 * H);
    assert_int_equal(t->phases[A].planned_start, 0);
    assert_int_equal(t->phases[A].planned_end, 1 * H);
    assert_int_equal(t->phases[B].planned_start, 1 * H);
    assert_int_equal(t->phases[B].planned_end, 3 * H);
    assert_int_equal(t->phases[C].planned_start, 1 * H);
    assert_int_equal(t->phases[C].planned_end, 1 * H + 30 * M);
    assert_int_equal(t->phases[D].planned_start, 3 * H);
    assert_int_equal(t->phases[D].planned_end, 4 * H);
    assert_int_equal(t->planned_duration, 4 * H);
    assert_int_equal(t->planned_end, T0 + 4 * H);

    /* nothing happened and the window has not opened: the plan as written */
    assert_int_equal(t->phases[A].projected_start, T0);
    assert_int_equal(t->phases[D].projected_end, T0 + 4 * H);
    assert_int_equal(t->projected_end, T0 + 4 * H);
    assert_int_equal(t->projected_slip, 0);
    for (size_t p = A; p <= D; p++) {
        assert_int_equal(t->phases[p].actual_start, 0);
        assert_int_equal(t->phases[p].actual_end, 0);
        assert_int_equal(t->phases[p].slip, 0);
    }
}

static void test_critical_path(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    const Timeline *t = compute(f, T0);
    assert_int_equal(t->n_critical, 3);
    assert_int_equal(t->critical_path[0], A);
    assert_int_equal(t->critical_path[1], B);
    assert_int_equal(t->critical_path[2], D);
    assert_true(t->phases[A].critical);
    assert_true(t->phases[B].critical);
    assert_false(t->phases[C].critical);
    assert_true(t->phases[D].critical);
}

static void test_critical_path_tie(void **ctx) {
    Fixture *f = fixture(ctx, tie_yaml);
    const Timeline *t = compute(f, T0);
    /* phases in this plan: a, c, b, d; b and c both end at 1h: the first in
     * d's depends (b) is taken */
    ssize_t b = plan_phase_index(f->plan, "b"), d = plan_phase_index(f->plan, "d");
    assert_int_equal(t->planned_duration, 2 * H);
    assert_int_equal(t->n_critical, 2);
    assert_int_equal(t->critical_path[0], b);
    assert_int_equal(t->critical_path[1], d);
    assert_false(t->phases[plan_phase_index(f->plan, "a")].critical);
    assert_false(t->phases[plan_phase_index(f->plan, "c")].critical);
}

static void test_late_start_projection(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    tick(f, "a.1", T0 + 10 * M);
    tick(f, "a.2", T0 + 90 * M); /* a ends 30 minutes late */
    const Timeline *t = compute(f, T0 + 2 * H);

    assert_int_equal(t->phases[A].actual_start, T0 + 10 * M);
    assert_int_equal(t->phases[A].actual_end, T0 + 90 * M);
    assert_int_equal(t->phases[A].projected_start, T0 + 10 * M);
    assert_int_equal(t->phases[A].projected_end, T0 + 90 * M);
    assert_int_equal(t->phases[A].slip, 30 * M);

    /* b and c have not started: they start now at the earliest */
    assert_int_equal(t->phases[B].projected_start, T0 + 2 * H);
    assert_int_equal(t->phases[B].projected_end, T0 + 4 * H);
    assert_int_equal(t->phases[B].slip, 0);
    assert_int_equal(t->phases[C].projected_start, T0 + 2 * H);
    assert_int_equal(t->phases[C].projected_end, T0 + 2 * H + 30 * M);
    assert_int_equal(t->phases[D].projected_start, T0 + 4 * H);
    assert_int_equal(t->phases[D].projected_end, T0 + 5 * H);
    assert_int_equal(t->projected_end, T0 + 5 * H);
    assert_int_equal(t->planned_end, T0 + 4 * H);
    assert_int_equal(t->projected_slip, 1 * H);
}

static void test_active_projection(void **ctx) {
    Fixture *g = fixture(ctx, diamond_pinned);
    tick(g, "a.1", T0 + 10 * M);
    tick(g, "a.2", T0 + 90 * M);
    /* b started at 1h40, its only item still open */
    JournalEvent ev = {
        .seq = 3, .at = T0 + 100 * M, .by = "bob", .type = EVENT_PHASE_START, .phase = "b"};
    assert_int_equal(state_apply(g->state, &ev), 0);

    const Timeline *t = compute(g, T0 + 2 * H);
    assert_int_equal(t->phases[B].actual_start, T0 + 100 * M);
    assert_int_equal(t->phases[B].actual_end, 0);
    assert_int_equal(t->phases[B].projected_start, T0 + 100 * M);
    assert_int_equal(t->phases[B].projected_end, T0 + 220 * M); /* 1h40 + 2h */
    assert_int_equal(t->phases[B].slip, 40 * M);
    assert_int_equal(t->phases[D].projected_start, T0 + 220 * M);
    assert_int_equal(t->projected_end, T0 + 280 * M);
    assert_int_equal(t->projected_slip, 40 * M);

    /* overdue: still running at 5h, it ends now at the earliest */
    t = compute(g, T0 + 5 * H);
    assert_int_equal(t->phases[B].projected_end, T0 + 5 * H);
    assert_int_equal(t->phases[B].slip, 2 * H);
    assert_int_equal(t->phases[C].projected_start, T0 + 5 * H);
    assert_int_equal(t->phases[C].projected_end, T0 + 330 * M);
    assert_int_equal(t->phases[D].projected_start, T0 + 330 * M); /* now c decides */
    assert_int_equal(t->projected_end, T0 + 390 * M);
    assert_int_equal(t->projected_slip, 150 * M);
}

static void test_all_done_early(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    tick(f, "a.1", T0);
    tick(f, "a.2", T0 + 45 * M);
    tick(f, "c.1", T0 + 60 * M);
    tick(f, "b.1", T0 + 150 * M);
    tick(f, "d.1", T0 + 200 * M);
    const Timeline *t = compute(f, T0 + 10 * H); /* looked at long afterwards */
    assert_int_equal(t->phases[A].slip, -15 * M);
    assert_int_equal(t->phases[C].projected_start, T0 + 60 * M);
    assert_int_equal(t->phases[C].projected_end, T0 + 60 * M);
    assert_int_equal(t->phases[C].slip, 60 * M - 90 * M);
    assert_int_equal(t->phases[B].slip, 150 * M - 180 * M);
    assert_int_equal(t->phases[D].actual_start, T0 + 200 * M);
    assert_int_equal(t->phases[D].actual_end, T0 + 200 * M);
    assert_int_equal(t->phases[D].slip, -40 * M);
    assert_int_equal(t->projected_end, T0 + 200 * M);
    assert_int_equal(t->projected_slip, -40 * M);
}

static void test_override_projection(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    JournalEvent ev = {.seq = 1,
                       .at = T0 + 10 * M,
                       .by = "alice",
                       .type = EVENT_PHASE_OVERRIDE,
                       .phase = "c",
                       .reason = "a is a formality"};
    assert_int_equal(state_apply(f->state, &ev), 0);
    const Timeline *t = compute(f, T0 + 20 * M);
    /* c runs ahead of a: its projection follows its own start */
    assert_int_equal(t->phases[C].projected_start, T0 + 10 * M);
    assert_int_equal(t->phases[C].projected_end, T0 + 40 * M);
    assert_int_equal(t->phases[C].slip, 40 * M - 90 * M);
    assert_int_equal(t->phases[A].projected_start, T0 + 20 * M);
    assert_int_equal(t->phases[D].projected_start, T0 + 20 * M + 3 * H);
    assert_int_equal(t->projected_slip, 20 * M);
}

static void test_t0_without_start(void **ctx) {
    Fixture *f = fixture(ctx, diamond_free);
    const Timeline *t = compute(f, T0 + 5 * M);
    assert_false(t->t0_from_plan);
    assert_int_equal(t->t0, T0 + 5 * M); /* nothing happened: now */
    assert_int_equal(t->planned_end, T0 + 5 * M + 4 * H);
    assert_int_equal(t->projected_slip, 0);

    tick(f, "a.1", T0 + 7 * M);
    t = compute(f, T0 + 30 * M);
    assert_int_equal(t->t0, T0 + 7 * M); /* the first event */
    assert_int_equal(t->planned_end, T0 + 7 * M + 4 * H);
    assert_int_equal(t->phases[A].projected_end, T0 + 67 * M);
    assert_int_equal(t->projected_slip, 0);

    /* the plan alone */
    Timeline *alone = NULL;
    assert_int_equal(timeline_compute(f->plan, NULL, T0, &alone), 0);
    assert_int_equal(alone->t0, T0);
    assert_int_equal(alone->projected_end, T0 + 4 * H);
    assert_null(timeline_free(alone));
}

static void test_errors(void **ctx) {
    Fixture *f = fixture(ctx, diamond_pinned);
    Plan *other = load_plan(diamond_free);
    Timeline *t = (Timeline *)0x1;
    assert_int_equal(timeline_compute(other, f->state, T0, &t), -EINVAL);
    assert_ptr_equal(t, (Timeline *)0x1); /* untouched on failure */
    assert_int_equal(timeline_compute(NULL, NULL, T0, &t), -EINVAL);
    assert_int_equal(timeline_compute(f->plan, f->state, T0, NULL), -EINVAL);
    assert_null(timeline_free(NULL));
    other = plan_free(other);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_planned, teardown),
        cmocka_unit_test_teardown(test_critical_path, teardown),
        cmocka_unit_test_teardown(test_critical_path_tie, teardown),
        cmocka_unit_test_teardown(test_late_start_projection, teardown),
        cmocka_unit_test_teardown(test_active_projection, teardown),
        cmocka_unit_test_teardown(test_all_done_early, teardown),
        cmocka_unit_test_teardown(test_override_projection, teardown),
        cmocka_unit_test_teardown(test_t0_without_start, teardown),
        cmocka_unit_test_teardown(test_errors, teardown),
    };
    return cmocka_run_group_tests_name("timeline", tests, NULL, NULL);
}
