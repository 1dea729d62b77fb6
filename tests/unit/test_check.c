/* Checks: judging values against expect/warn/fail, host checks, secrets masked,
 * the evidence a tick records, and the engine's schedule on a fake clock:
 * intervals, retries with backoff, a run declared overdue. */
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/check_engine.h"
#include "plan_test_util.h"

#define ITEMS "    items:\n      - { id: a.1, text: x }\n"

static Plan *load_checks(Loaded *l, const char *checks) {
    char yaml[4096];
    snprintf(yaml, sizeof(yaml), "plan: P\nchecks:\n%s" PHASES_A ITEMS, checks);
    return load_ok(l, "checks.yaml", yaml);
}

static CheckSpec *spec_of(const Plan *p, size_t i) {
    CheckSpec *s = NULL;
    assert_int_equal(check_spec_new(p, &p->checks[i], 0, &s), 0);
    return s;
}

static CheckStatus judge(const CheckSpec *s, const char *value, char **why) {
    free(*why);
    *why = NULL;
    return check_judge(s, value, why);
}

static void test_judge(void **state) {
    Loaded l;
    Plan *p =
        load_checks(&l, "  - { id: d, kind: disk, warn: \"85%\", fail: \"95%\" }\n"
                        "  - { id: h, kind: http, url: \"http://x/\", expect: 301 }\n"
                        "  - { id: s, kind: sql, database: db, query: q, expect: \"> 0\" }\n"
                        "  - { id: r, kind: redis, redis: q, command: PING, expect: PONG }\n"
                        "databases: [{ id: db }]\nredis: [{ id: q, url: \"redis://h/0\" }]\n");
    CheckSpec *d = spec_of(p, 0), *h = spec_of(p, 1), *s = spec_of(p, 2), *r = spec_of(p, 3);
    char *why = NULL;
    assert_int_equal(judge(d, "41%", &why), CHECK_STATUS_OK);
    assert_null(why);
    assert_int_equal(judge(d, "85%", &why), CHECK_STATUS_WARN);
    assert_string_equal(why, "85% >= 85% (warn limit)");
    assert_int_equal(judge(d, "97%", &why), CHECK_STATUS_FAIL);
    assert_string_equal(why, "97% >= 95% (fail limit)");
    assert_int_equal(judge(h, "301", &why), CHECK_STATUS_OK);
    assert_int_equal(judge(h, "200", &why), CHECK_STATUS_FAIL);
    assert_string_equal(why, "200, expected 301");
    assert_int_equal(judge(s, "12", &why), CHECK_STATUS_OK);
    assert_int_equal(judge(s, "0", &why), CHECK_STATUS_FAIL);
    assert_string_equal(why, "0, expected > 0");
    assert_int_equal(judge(s, "NULL", &why), CHECK_STATUS_FAIL);
    assert_int_equal(judge(r, "PONG", &why), CHECK_STATUS_OK);
    assert_int_equal(judge(r, "LOADING", &why), CHECK_STATUS_FAIL);
    assert_int_equal(judge(r, NULL, &why), CHECK_STATUS_FAIL);
    free(why);
    check_spec_free(d);
    check_spec_free(h);
    check_spec_free(s);
    check_spec_free(r);
    loaded_done(&l);
}

static void test_spec_is_a_copy(void **state) {
    Loaded l;
    Plan *p = load_checks(&l, "  - { id: s, kind: sql, database: db, query: \"SELECT 1\", "
                              "expect: done }\n"
                              "databases: [{ id: db, port: 3307, password_env: T_CHECK_PW }]\n");
    assert_int_equal(setenv("T_CHECK_PW", "hunter2-secret", 1), 0);
    CheckSpec *s = spec_of(p, 0);
    loaded_done(&l); /* the plan is gone: the spec stands alone */
    assert_string_equal(s->id, "s");
    assert_string_equal(s->query, "SELECT 1");
    assert_string_equal(s->db_host, "127.0.0.1");
    assert_int_equal(s->db_port, 3307);
    assert_string_equal(s->password, "hunter2-secret");
    assert_int_equal(s->expect.op, THRESH_STR);
    assert_string_equal(s->expect.str, "done");
    char *why = NULL;
    assert_int_equal(check_judge(s, "done", &why), CHECK_STATUS_OK);
    check_spec_free(s);
    assert_int_equal(unsetenv("T_CHECK_PW"), 0);

    p = load_checks(&l, "  - { id: s, kind: sql, database: db, query: q }\n"
                        "databases: [{ id: db, password_env: T_CHECK_PW }]\n");
    s = spec_of(p, 0);
    assert_true(s->password_missing);
    assert_null(s->password);
    CheckResult res;
    check_run(s, &res); /* says so, without connecting */
    assert_int_equal(res.status, CHECK_STATUS_UNKNOWN);
    assert_non_null(strstr(res.error, "T_CHECK_PW"));
    check_result_done(&res);
    check_spec_free(s);
    loaded_done(&l);
}

static void test_host_checks(void **state) {
    Loaded l;
    Plan *p = load_checks(&l, "  - { id: d, kind: disk, path: / }\n"
                              "  - { id: m, kind: memory }\n"
                              "  - { id: x, kind: disk, path: /no/such/dir }\n");
    for (size_t i = 0; i < 2; i++) {
        CheckSpec *s = spec_of(p, i);
        CheckResult r;
        check_run(s, &r);
        assert_int_equal(r.status, CHECK_STATUS_OK);
        assert_non_null(r.value);
        int pct = atoi(r.value);
        assert_true(pct >= 0 && pct <= 100);
        assert_non_null(strchr(r.value, '%'));
        assert_null(r.error);
        assert_true(r.latency_ms >= 0);
        assert_true(r.checked_at > 0);
        check_result_done(&r);
        check_spec_free(s);
    }
    CheckSpec *s = spec_of(p, 2);
    CheckResult r;
    check_run(s, &r);
    assert_int_equal(r.status, CHECK_STATUS_FAIL);
    assert_non_null(strstr(r.error, "/no/such/dir"));
    check_result_done(&r);
    check_spec_free(s);
    loaded_done(&l);
}

static void test_secret_masked(void **state) {
    Loaded l;
    Plan *p = load_checks(&l, "  - { id: x, kind: disk, path: \"/no/such/pw-s3cr3t\\e[2J\" }\n");
    CheckSpec *s = spec_of(p, 0);
    s->password = strdup("s3cr3t"); /* as if the check had credentials */
    CheckResult r;
    check_run(s, &r);
    assert_null(strstr(r.error, "s3cr3t"));
    assert_non_null(strstr(r.error, "pw-***"));
    assert_null(strchr(r.error, '\x1b')); /* and sanitised */
    check_result_done(&r);
    check_spec_free(s);
    loaded_done(&l);
}

/* Wait (bounded) for the engine's workers, then collect at the fake now. */
static unsigned wait_collect(CheckEngine *e, long long now) {
    struct pollfd pfd = {.fd = check_engine_fd(e), .events = POLLIN};
    assert_true(poll(&pfd, 1, 10000) > 0);
    return check_engine_collect(e, now);
}

static void test_engine_schedule(void **state) {
    Loaded l;
    Plan *p = load_checks(&l, "  - { id: d, kind: disk, interval: 30 }\n"
                              "  - { id: m, kind: memory, fail: \"101%\" }\n");
    CheckEngine *e = NULL;
    assert_int_equal(check_engine_new(p, 0, 0, &e), 0);
    assert_int_equal(check_engine_count(e), 2);
    const CheckEntry *d = check_engine_entry(e, 0), *m = check_engine_entry(e, 1);
    assert_false(d->has_result);
    assert_int_equal(d->result.status, CHECK_STATUS_UNKNOWN);
    /* at start everything is due */
    long long now = 1000000;
    bool changed = true;
    long long next = check_engine_run_due(e, now, &changed);
    assert_false(changed);
    assert_true(d->running && m->running);
    assert_int_equal(check_engine_busy(e), 2);
    assert_int_equal(next, now + 5000 + CHECK_ENGINE_GRACE_MS); /* the overdue deadline */
    unsigned got = 0;
    while (got < 2) {
        got += wait_collect(e, now + 40);
    }
    assert_int_equal(check_engine_busy(e), 0);
    assert_true(d->has_result && m->has_result);
    assert_int_equal(d->result.status, CHECK_STATUS_OK);
    assert_int_equal(check_engine_count_status(e, CHECK_STATUS_OK), 2);
    assert_int_equal(d->next_ms, now + 40 + 30000); /* its interval */
    assert_int_equal(m->next_ms, now + 40 + 10000); /* the default */
    /* nothing due before then; the next deadline is the earliest */
    assert_int_equal(check_engine_run_due(e, now + 5000, NULL), now + 40 + 10000);
    assert_false(d->running || m->running);
    /* a run on demand, and not twice at once */
    assert_int_equal(check_engine_run_now(e, 0, now + 6000), 0);
    assert_int_equal(check_engine_run_now(e, 0, now + 6000), -EBUSY);
    assert_int_equal(check_engine_run_now(e, 7, now), -ERANGE);
    size_t idx = 9;
    assert_ptr_equal(check_engine_find(e, "m", &idx), m);
    assert_int_equal(idx, 1);
    assert_null(check_engine_find(e, "nope", NULL));
    check_engine_free(e); /* with a run in flight */
    loaded_done(&l);
}

/* A loopback port nothing listens on (bound, then closed). */
static int dead_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_engine_backoff(void **state) {
    Loaded l;
    char checks[256];
    snprintf(checks, sizeof(checks),
             "  - { id: w, kind: http, url: \"http://127.0.0.1:%d/\", interval: 5, timeout: 2 }\n",
             dead_port());
    Plan *p = load_checks(&l, checks);
    CheckEngine *e = NULL;
    assert_int_equal(check_engine_new(p, 0, 0, &e), 0);
    const CheckEntry *w = check_engine_entry(e, 0);
    long long now = 50000;
    static const long long retries[] = {1000, 2000, 4000, 0 /* the interval: 5 s */, 0};
    for (size_t k = 0; k < ELEMENTSOF(retries); k++) {
        check_engine_run_due(e, now, NULL);
        assert_true(w->running);
        assert_int_equal(wait_collect(e, now), 1);
        assert_int_equal(w->result.status, CHECK_STATUS_FAIL);
        assert_true(w->result.unreachable);
        assert_non_null(w->result.error);
        assert_int_equal(w->failures, k + 1);
        assert_int_equal(w->retry_ms, retries[k]);
        assert_int_equal(w->next_ms, now + (retries[k] ? retries[k] : 5000));
        now = w->next_ms;
    }
    check_engine_free(e);
    loaded_done(&l);
}

static void test_engine_overdue(void **state) {
    /* a listener that never accepts: the kernel completes the handshake, nobody answers */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    Loaded l;
    char checks[256];
    snprintf(checks, sizeof(checks),
             "  - { id: w, kind: http, url: \"http://127.0.0.1:%d/\", timeout: 1 }\n",
             ntohs(a.sin_port));
    Plan *p = load_checks(&l, checks);
    CheckEngine *e = NULL;
    assert_int_equal(check_engine_new(p, 0, 0, &e), 0);
    const CheckEntry *w = check_engine_entry(e, 0);
    long long now = 1000;
    check_engine_run_due(e, now, NULL);
    bool changed = true;
    /* before the deadline nothing is said */
    check_engine_run_due(e, now + 1000 + CHECK_ENGINE_GRACE_MS - 1, &changed);
    assert_false(changed);
    assert_false(w->has_result);
    /* past it, the run is reported failed while the worker still waits */
    check_engine_run_due(e, now + 1000 + CHECK_ENGINE_GRACE_MS, &changed);
    assert_true(changed);
    assert_true(w->overdue && w->running && w->has_result);
    assert_int_equal(w->result.status, CHECK_STATUS_FAIL);
    assert_non_null(strstr(w->result.error, "no answer within 1.0 s"));
    assert_int_equal(check_engine_count_status(e, CHECK_STATUS_FAIL), 1);
    /* the worker's own result (libcurl's timeout) replaces it */
    assert_int_equal(wait_collect(e, now + 5000), 1);
    assert_false(w->running || w->overdue);
    assert_int_equal(w->result.status, CHECK_STATUS_FAIL);
    assert_non_null(strstr(w->result.error, "no answer within 1.0 s"));
    check_engine_free(e);
    loaded_done(&l);
    close(fd);
}

static void test_evidence(void **state) {
    Loaded l;
    Plan *p = load_checks(&l, "  - { id: d, kind: disk, fail: \"0%\" }\n");
    CheckEngine *e = NULL;
    assert_int_equal(check_engine_new(p, CHECK_ENGINE_MANUAL, 0, &e), 0);
    const CheckEntry *d = check_engine_entry(e, 0);
    assert_int_equal(d->next_ms, LLONG_MAX); /* manual: nothing runs by itself */
    assert_int_equal(check_engine_run_due(e, 0, NULL), LLONG_MAX);
    assert_false(d->running);
    assert_int_equal(check_engine_run_now(e, 0, 0), 0);
    assert_int_equal(wait_collect(e, 10), 1);
    assert_int_equal(d->next_ms, LLONG_MAX);
    cJSON *ev = check_entry_evidence(d);
    assert_non_null(ev);
    assert_string_equal(cJSON_GetObjectItem(ev, "check")->valuestring, "d");
    assert_string_equal(cJSON_GetObjectItem(ev, "check_status")->valuestring, "fail");
    assert_string_equal(cJSON_GetObjectItem(ev, "check_value")->valuestring, d->result.value);
    assert_non_null(strstr(cJSON_GetObjectItem(ev, "check_error")->valuestring, "fail limit"));
    cJSON_Delete(ev);
    check_engine_free(e);
    loaded_done(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge),           cmocka_unit_test(test_spec_is_a_copy),
        cmocka_unit_test(test_host_checks),     cmocka_unit_test(test_secret_masked),
        cmocka_unit_test(test_engine_schedule), cmocka_unit_test(test_engine_backoff),
        cmocka_unit_test(test_engine_overdue),  cmocka_unit_test(test_evidence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
