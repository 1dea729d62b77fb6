/* The health panels' refresher on a fake clock: one entry per target in the
 * plan's order, every probe on a worker and never two of one target at once,
 * failures retried with backoff up to the interval, an answer resetting it, a
 * probe declared overdue after its timeout, and nothing running by itself in
 * manual mode.  The targets fail fast (a missing repository, Unix sockets
 * nobody listens on) or answer (an empty repository made here). */
#include <git2.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/health_refresh.h"
#include "plan_test_util.h"

typedef struct Fixture {
    char dir[64]; /* a private directory; the repo is dir/repo */
    char repo[96];
    Loaded l;
    Plan *p;
} Fixture;

static int setup(void **state) {
    Fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/opsdeck-hr.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->repo, sizeof(f->repo), "%s/repo", f->dir);
    char yaml[1024];
    snprintf(yaml, sizeof(yaml),
             "plan: P\nrepo: { path: %s }\n"
             "databases:\n  - { id: d, socket: %s/db.sock, user: u, database: x }\n"
             "redis:\n  - { id: r, url: \"unix://%s/redis.sock\" }\n" PHASES_A
             "    items:\n      - { id: a.1, text: x }\n",
             f->repo, f->dir, f->dir);
    f->p = load_ok(&f->l, "health.yaml", yaml);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    Fixture *f = *state;
    loaded_done(&f->l);
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Wait (bounded) until nothing is in flight, collecting at the fake now. */
static void wait_collect(HealthRefresh *h, long long now) {
    while (health_refresh_busy(h) > 0) {
        struct pollfd pfd = {.fd = health_refresh_fd(h), .events = POLLIN};
        assert_true(poll(&pfd, 1, 10000) > 0);
        health_refresh_collect(h, now);
    }
}

static void test_entries(void **state) {
    Fixture *f = *state;
    HealthRefresh *h = NULL;
    assert_true(health_refresh_wanted(f->p));
    assert_int_equal(health_refresh_new(f->p, NULL, &h), 0);
    assert_int_equal(health_refresh_count(h), 3);
    const HealthEntry *g = health_refresh_entry(h, 0), *d = health_refresh_entry(h, 1),
                      *r = health_refresh_entry(h, 2);
    assert_int_equal(g->kind, HEALTH_GIT);
    assert_string_equal(g->where, f->repo);
    assert_int_equal(d->kind, HEALTH_DB);
    assert_string_equal(d->id, "d");
    assert_non_null(strstr(d->where, "/db.sock"));
    assert_int_equal(r->kind, HEALTH_REDIS);
    assert_string_equal(r->id, "r");
    assert_non_null(strstr(r->where, "unix://"));
    assert_null(health_refresh_entry(h, 3));
    assert_false(g->has_result || g->running);
    health_refresh_free(h);
}

static void test_backoff_and_answer(void **state) {
    Fixture *f = *state;
    HealthRefresh *h = NULL;
    HealthRefreshOptions o = {.interval_ms = 10000, .timeout_ms = 1000};
    assert_int_equal(health_refresh_new(f->p, &o, &h), 0);
    const HealthEntry *g = health_refresh_entry(h, 0), *d = health_refresh_entry(h, 1),
                      *r = health_refresh_entry(h, 2);
    long long now = 100000;
    bool changed = false;
    /* everything is due at start; the next deadline is the network probes' overdue time */
    assert_int_equal(health_refresh_run_due(h, now, &changed),
                     now + 1000 + HEALTH_REFRESH_GRACE_MS);
    assert_true(changed);
    assert_int_equal(health_refresh_busy(h), 3);
    assert_true(g->running && d->running && r->running);
    /* never two probes of one target in flight */
    assert_int_equal(health_refresh_run_now(h, 1, now), -EBUSY);
    assert_int_equal(health_refresh_run_now(h, 9, now), -ERANGE);
    static const long long retries[] = {1000, 2000, 4000, 8000, 10000, 10000};
    for (size_t k = 0; k < ELEMENTSOF(retries); k++) {
        if (k > 0) {
            /* nothing is due a moment before the retry; then everything is */
            assert_int_equal(health_refresh_run_due(h, now - 1, NULL), now);
            assert_int_equal(health_refresh_busy(h), 0);
            health_refresh_run_due(h, now, NULL);
            assert_int_equal(health_refresh_busy(h), 3);
        }
        wait_collect(h, now + 30);
        for (size_t i = 0; i < 3; i++) {
            const HealthEntry *e = health_refresh_entry(h, i);
            assert_true(e->has_result);
            assert_false(e->running);
            assert_non_null(e->error);
            assert_null(e->git);
            assert_null(e->db);
            assert_null(e->redis);
            assert_int_equal(e->failures, k + 1);
            assert_int_equal(e->retry_ms, retries[k]);
            assert_int_equal(e->next_ms, now + 30 + retries[k]);
        }
        now = g->next_ms;
    }
    assert_non_null(strstr(g->error, "cannot read the git repository '"));
    assert_false(g->unreachable);
    assert_non_null(strstr(d->error, "cannot connect to MariaDB 'd' on "));
    assert_true(d->unreachable);
    assert_non_null(strstr(r->error, "cannot connect to Redis 'r'"));
    assert_true(r->unreachable);
    /* the repository appears: the next probe answers and the backoff is over */
    git_libgit2_init();
    git_repository *repo = NULL;
    assert_int_equal(git_repository_init(&repo, f->repo, 0), 0);
    git_repository_free(repo);
    git_libgit2_shutdown();
    assert_int_equal(health_refresh_run_now(h, 0, now), 0);
    wait_collect(h, now + 5);
    assert_null(g->error);
    assert_non_null(g->git);
    assert_null(g->git->head); /* nothing committed yet */
    assert_int_equal(g->failures, 0);
    assert_int_equal(g->retry_ms, 0);
    assert_int_equal(g->next_ms, now + 5 + 10000);
    assert_int_equal(g->runs, ELEMENTSOF(retries) + 1);
    health_refresh_free(h);
}

static void test_overdue(void **state) {
    Fixture *f = *state;
    HealthRefresh *h = NULL;
    HealthRefreshOptions o = {.interval_ms = 10000, .timeout_ms = 1000};
    assert_int_equal(health_refresh_new(f->p, &o, &h), 0);
    const HealthEntry *d = health_refresh_entry(h, 1);
    long long now = 5000;
    health_refresh_run_due(h, now, NULL);
    bool changed = true;
    /* not collected yet: to the refresher the probes are still in flight */
    health_refresh_run_due(h, now + 1000 + HEALTH_REFRESH_GRACE_MS - 1, &changed);
    assert_false(changed);
    assert_false(d->overdue);
    health_refresh_run_due(h, now + 1000 + HEALTH_REFRESH_GRACE_MS, &changed);
    assert_true(changed);
    assert_true(d->overdue && d->running && d->has_result && d->unreachable);
    assert_non_null(strstr(d->error, "no answer within 1.0 s"));
    assert_false(health_refresh_entry(h, 0)->overdue); /* git has no timeout */
    /* the worker's own answer replaces it */
    wait_collect(h, now + 4000);
    assert_false(d->overdue || d->running);
    assert_non_null(strstr(d->error, "cannot connect to MariaDB"));
    health_refresh_free(h);
}

static void test_manual(void **state) {
    Fixture *f = *state;
    HealthRefresh *h = NULL;
    HealthRefreshOptions o = {.manual = true, .timeout_ms = 1000};
    assert_int_equal(health_refresh_new(f->p, &o, &h), 0);
    assert_int_equal(health_refresh_run_due(h, 1000, NULL), LLONG_MAX);
    assert_int_equal(health_refresh_busy(h), 0);
    assert_int_equal(health_refresh_run_now(h, 2, 1000), 0);
    wait_collect(h, 1010);
    const HealthEntry *r = health_refresh_entry(h, 2);
    assert_true(r->has_result);
    assert_int_equal(r->next_ms, LLONG_MAX);
    assert_int_equal(health_refresh_run_due(h, 999999, NULL), LLONG_MAX);
    assert_int_equal(health_refresh_run_now(h, 1, 1000), 0);
    health_refresh_free(h); /* with a probe in flight */
}

static void test_not_wanted(void **state) {
    Loaded l;
    Plan *p = load_ok(&l, "bare.yaml", PHASE_HEAD "    items:\n      - { id: a.1, text: x }\n");
    assert_false(health_refresh_wanted(p));
    loaded_done(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backoff_and_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_manual, setup, teardown),
        cmocka_unit_test(test_not_wanted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
