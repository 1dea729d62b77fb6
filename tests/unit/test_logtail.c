/* core/logring.h, core/logtail.h (file tails: backlog, sanitising, rotation,
 * truncation), the offline parts of core/systemd_units.h and
 * core/systemd_action.h.  Journal and bus against a real systemd are in
 * tests/integration/test_systemd.sh. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/logring.h"
#include "core/logtail.h"
#include "core/systemd_action.h"
#include "core/systemd_units.h"
#include "core/text.h"

static char dir[] = "/tmp/opsdeck-logtail.XXXXXX";
static char path[256];

static int setup(void **state) {
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/app.log", dir);
    return 0;
}

static int teardown(void **state) {
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *p, const char *mode, const char *s, size_t n) {
    FILE *f = fopen(p, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

#define WRITE(m, s) write_file(path, m, s, sizeof(s) - 1)

/* Every line a tail delivered, joined with '\n'; notices in brackets. */
typedef struct Got {
    char buf[1 << 16];
    size_t len;
} Got;

static void collect(void *userdata, const char *line, size_t len, bool notice) {
    Got *g = userdata;
    assert_int_equal(strlen(line), len);
    assert_true(text_is_clean(line, len, 0));
    int n = snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "%s%s%s\n", notice ? "[" : "", line,
                     notice ? "]" : "");
    g->len += (size_t)n;
}

static void test_ring_keeps_the_newest(void **state) {
    LogRing *r = logring_new(3);
    assert_non_null(r);
    char s[16];
    for (int i = 1; i <= 10; i++) {
        int n = snprintf(s, sizeof(s), "line %d", i);
        assert_int_equal(logring_push(r, s, (size_t)n), 0);
    }
    assert_int_equal(r->n, 3);
    assert_int_equal(r->total, 10);
    assert_string_equal(logring_get(r, 0), "line 8");
    assert_string_equal(logring_get(r, 2), "line 10");
    assert_null(logring_get(r, 3));
    logring_clear(r);
    assert_int_equal(r->n, 0);
    assert_null(logring_get(r, 0));
    assert_int_equal(logring_push(r, "x", 1), 0);
    assert_string_equal(logring_get(r, 0), "x");
    assert_null(logring_free(r));
    assert_null(logring_free(NULL));
}

static void test_backlog_is_the_last_lines(void **state) {
    WRITE("w", "1\n2\n3\n4\n5\n");
    size_t cases[][2] = {{0, 0}, {1, 1}, {2, 2}, {5, 5}, {9, 5}, {LOGTAIL_ALL, 5}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        LogTailConfig cfg = {.backlog = cases[c][0]};
        LogTail *t = NULL;
        assert_int_equal(logtail_open_file(path, &cfg, NULL, NULL, &t), 0);
        assert_int_equal(logtail_process(t, 0), (long)cases[c][1]);
        const LogRing *r = logtail_ring(t);
        assert_int_equal(r->n, cases[c][1]);
        if (r->n) {
            assert_string_equal(logring_get(r, r->n - 1), "5");
        }
        logtail_free(t);
    }
    /* without a final newline the last line counts, and is delivered at EOF */
    WRITE("w", "a\nb\nc");
    LogTailConfig cfg = {.backlog = 2};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, NULL, NULL, &t), 0);
    assert_int_equal(logtail_process(t, 0), 2);
    assert_string_equal(logring_get(logtail_ring(t), 0), "b");
    assert_string_equal(logring_get(logtail_ring(t), 1), "c");
    logtail_free(t);
}

static void test_lines_are_sanitised(void **state) {
    WRITE("w", "esc \033[31mred\033[0m\nbel \007 nul \0 end\nbad \xff\xfe\nc1 \xc2\x9b\n"
               "tab\there\ncrlf\r\n");
    LogTailConfig cfg = {.backlog = LOGTAIL_ALL};
    Got g = {0};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, collect, &g, &t), 0);
    assert_int_equal(logtail_process(t, 0), 6);
    assert_string_equal(g.buf, "esc \\e[31mred\\e[0m\nbel \\x07 nul \\x00 end\nbad \\xff\\xfe\n"
                               "c1 \\u009b\ntab     here\ncrlf\n");
    assert_int_equal(logtail_lines(t), 6);
    logtail_free(t);
}

static void test_ring_bounds_memory(void **state) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 50000; i++) {
        fprintf(f, "line %d\n", i);
    }
    fclose(f);
    LogTailConfig cfg = {.backlog = LOGTAIL_ALL, .ring_cap = 100};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, NULL, NULL, &t), 0);
    /* in batches, as the panel reads */
    long total = 0, n;
    while ((n = logtail_process(t, 1000)) > 0) {
        assert_true(n <= 1000);
        total += n;
    }
    assert_int_equal(total, 50000);
    assert_int_equal(logtail_ring(t)->n, 100);
    assert_string_equal(logring_get(logtail_ring(t), 99), "line 49999");
    assert_true(logtail_idle(t));
    logtail_free(t);
}

static void test_follow_rotation_and_truncation(void **state) {
    WRITE("w", "old 1\n");
    LogTailConfig cfg = {.backlog = 10, .follow = true, .no_ring = true};
    Got g = {0};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, collect, &g, &t), 0);
    assert_true(logtail_fd(t) >= 0);
    assert_int_equal(logtail_process(t, 0), 1);
    WRITE("a", "old 2\npart");
    assert_int_equal(logtail_process(t, 0), 1); /* the partial line waits */
    WRITE("a", "ial\n");
    assert_int_equal(logtail_process(t, 0), 1);
    char old[300];
    snprintf(old, sizeof(old), "%s.1", path);
    assert_int_equal(rename(path, old), 0);
    write_file(old, "a", "old 3\n", 6); /* the writer has not reopened yet */
    logtail_process(t, 0);
    WRITE("w", "new 1\n");
    logtail_process(t, 0);
    WRITE("w", "");
    logtail_process(t, 0);
    WRITE("a", "t\n");
    logtail_process(t, 0);
    /* what the old file got after the rename is read before it is let go */
    assert_string_equal(g.buf, "old 1\nold 2\npartial\nold 3\n"
                               "[-- file moved away; reading the rest of it until a new one "
                               "appears --]\n"
                               "[-- file rotated; following the new file --]\nnew 1\n"
                               "[-- file truncated; reading it from the start --]\nt\n");
    assert_null(logtail_error(t));
    logtail_free(t);
}

static void test_missing_file(void **state) {
    char p[300];
    snprintf(p, sizeof(p), "%s/later.log", dir);
    LogTailConfig cfg = {.backlog = 10};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(p, &cfg, NULL, NULL, &t), -ENOENT);
    cfg.follow = true;
    Got g = {0};
    assert_int_equal(logtail_open_file(p, &cfg, collect, &g, &t), 0);
    assert_non_null(logtail_error(t));
    assert_int_equal(logtail_process(t, 0), 0);
    write_file(p, "w", "here\n", 5);
    assert_int_equal(logtail_process(t, 0), 2);
    assert_string_equal(g.buf, "[-- file appeared --]\nhere\n");
    assert_null(logtail_error(t));
    logtail_free(t);
    snprintf(p, sizeof(p), "%s/no/such/dir.log", dir);
    assert_int_equal(logtail_open_file(p, &cfg, NULL, NULL, &t), -ENOENT);
}

static void test_unit_formats(void **state) {
    char b[32];
    assert_string_equal(unit_format_memory(SYSTEMD_USEC_NONE, b, sizeof(b)), "-");
    assert_string_equal(unit_format_memory(512, b, sizeof(b)), "512B");
    assert_string_equal(unit_format_memory(4096, b, sizeof(b)), "4K");
    assert_string_equal(unit_format_memory(5 * 1024 * 1024 + 512 * 1024, b, sizeof(b)), "5.5M");
    assert_string_equal(unit_format_memory(3ULL << 30, b, sizeof(b)), "3.0G");
    assert_string_equal(unit_format_usec(0, b, sizeof(b)), "-");
    assert_string_equal(unit_format_usec(1764367200ULL * 1000000ULL, b, sizeof(b)),
                        "2025-11-28T22:00:00Z");
}

static void test_units_without_a_bus(void **state) {
    /* no bus at this address: unavailable with the reason, and a retry */
    setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/opsdeck-test-bus", 1);
    const char *units[] = {"a.service", "b.timer", "a.service"};
    SystemdUnits *s = systemd_units_new(units, 3, false, SYSTEMD_UNITS_FOLLOW);
    assert_non_null(s);
    assert_int_equal(systemd_units_count(s), 2); /* duplicates kept once */
    assert_true(systemd_units_get(s, 1)->is_timer);
    assert_true(systemd_units_connect(s, 0) < 0);
    assert_int_equal(systemd_units_conn(s), SYSTEMD_UNAVAILABLE);
    assert_non_null(strstr(systemd_units_error(s), "cannot reach the system bus"));
    assert_int_equal(systemd_units_fd(s), -1);
    long long first = systemd_units_deadline_ms(s);
    assert_true(first > 0);
    assert_null(systemd_units_bus(s));
    assert_true(systemd_units_settled(s));
    assert_false(systemd_units_find(s, "a.service")->known);
    /* the retry fails again and backs off further */
    assert_int_equal(systemd_units_process(s, first), 1);
    assert_true(systemd_units_deadline_ms(s) - first >= 1000);
    systemd_units_free(s);

    SystemdUnits *q = NULL;
    char *why = NULL;
    assert_true(systemd_units_query(units, 2, false, 1000, &q, &why) < 0);
    assert_null(q);
    assert_non_null(why);
    assert_non_null(strstr(why, "cannot reach the system bus"));
    free(why);
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

static void test_action_dry_run(void **state) {
    const char *units[] = {"a.service", "b.service"};
    Action a = {.id = "restart-app", .kind = ACTION_SYSTEMD_RESTART, .units = {.v = units, .n = 2}};
    char *out = NULL;
    size_t len = 0;
    FILE *log = open_memstream(&out, &len);
    char *result = NULL;
    assert_int_equal(systemd_action_run(&a, false, true, log, &result), 0);
    fclose(log);
    assert_string_equal(result, "dry-run");
    assert_non_null(strstr(out, "destination=org.freedesktop.systemd1 path=/org/freedesktop/"
                                "systemd1 interface=org.freedesktop.systemd1.Manager "
                                "method=RestartUnit args=(\"a.service\", \"replace\")"));
    assert_non_null(strstr(out, "args=(\"b.service\", \"replace\")"));
    free(out);
    free(result);
    Action git = {.id = "x", .kind = ACTION_GIT_FETCH};
    assert_int_equal(systemd_action_run(&git, false, true, NULL, NULL), -EINVAL);
    assert_string_equal(systemd_action_method(ACTION_SYSTEMD_START), "StartUnit");
    assert_string_equal(systemd_action_method(ACTION_SYSTEMD_STOP), "StopUnit");
    assert_string_equal(systemd_action_method(ACTION_SYSTEMD_RELOAD), "ReloadUnit");
    assert_null(systemd_action_method(ACTION_RUN));
    /* no bus: a clear failure, not a hang */
    setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/opsdeck-test-bus", 1);
    result = NULL;
    assert_true(systemd_action_run(&a, false, false, NULL, &result) < 0);
    assert_string_equal(result, "no-bus");
    free(result);
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_keeps_the_newest),
        cmocka_unit_test(test_backlog_is_the_last_lines),
        cmocka_unit_test(test_lines_are_sanitised),
        cmocka_unit_test(test_ring_bounds_memory),
        cmocka_unit_test(test_follow_rotation_and_truncation),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_unit_formats),
        cmocka_unit_test(test_units_without_a_bus),
        cmocka_unit_test(test_action_dry_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
