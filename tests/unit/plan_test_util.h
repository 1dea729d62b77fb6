#pragma once
/* Shared by the plan loader's unit tests: load YAML strings, check diagnostics.
 * Include after <cmocka.h>. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/plan.h"

/* A plan with one phase "a" whose keys the test goes on writing (4 lines). */
#define PHASES_A "phases:\n  - id: a\n    title: A\n"
#define PHASE_HEAD "plan: P\n" PHASES_A

typedef struct Loaded {
    DiagList *d;
    Plan *p;
    int r;
} Loaded;

static inline Loaded load_named(const char *name, const char *yaml) {
    Loaded l = {.d = diag_list_new(name)};
    assert_non_null(l.d);
    l.r = plan_load_buffer(name, yaml, strlen(yaml), l.d, &l.p);
    return l;
}

static inline void loaded_done(Loaded *l) {
    plan_free(l->p);
    diag_list_free(l->d);
}

static inline void print_diags(const DiagList *d) {
    for (size_t i = 0; i < d->n; i++) {
        print_message("  %u:%u: %s\n", d->v[i].line, d->v[i].col, d->v[i].msg);
    }
}

static inline Plan *load_ok(Loaded *l, const char *name, const char *yaml) {
    *l = load_named(name, yaml);
    if (l->r != 0 || l->d->n_errors != 0) {
        print_diags(l->d);
        fail_msg("plan did not load: %d", l->r);
    }
    assert_non_null(l->p);
    return l->p;
}

/* Load must fail with -EINVAL; the plan is not returned. */
static inline Loaded load_bad(const char *yaml) {
    Loaded l = load_named("bad.yaml", yaml);
    if (l.r != -EINVAL) {
        print_diags(l.d);
        fail_msg("load returned %d, want -EINVAL", l.r);
    }
    assert_true(l.d->n_errors > 0);
    return l;
}

/* An error at exactly line:col whose message contains every needle (NULL-ended). */
static inline void expect_diag(const DiagList *d, unsigned line, unsigned col, const char *needle) {
    for (size_t i = 0; i < d->n; i++) {
        const Diag *g = &d->v[i];
        if (g->level == DIAG_ERROR && g->line == line && g->col == col && strstr(g->msg, needle)) {
            return;
        }
    }
    print_diags(d);
    fail_msg("no error at %u:%u containing '%s'", line, col, needle);
}

/* Load must fail with exactly one error, at line:col, containing needle. */
static inline void expect_one_error(const char *yaml, unsigned line, unsigned col,
                                    const char *needle) {
    Loaded l = load_bad(yaml);
    expect_diag(l.d, line, col, needle);
    if (l.d->n_errors != 1) {
        print_diags(l.d);
        fail_msg("%zu errors, want 1", l.d->n_errors);
    }
    loaded_done(&l);
}
