/* Resource bounds of log tails (issue 7): widgets/ring.h keeps at most max_bytes of
 * text besides its cap of lines, and core/logtail.h's logtail_process() counts a long
 * line as more work, so one batch of 64 KiB lines is as bounded as one of short lines.
 * Through the panel: tests/e2e/test_panel_bounds.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/logtail.h"
#include "widgets/ring.h"

static char dir[64];
static char path[256];

static int setup(void **state) {
    snprintf(dir, sizeof(dir), "/tmp/opsdeck-logbounds.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/app.log", dir);
    return 0;
}

static int teardown(void **state) {
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the ring's byte budget ---- */

static size_t held(const Ring *r) {
    size_t b = 0;
    for (size_t i = 0; i < r->n; i++) {
        b += strlen(ring_get(r, i)) + 1;
    }
    return b;
}

static void test_ring_bytes_bound(void **state) {
    Ring *r = ring_new(1000);
    assert_non_null(r);
    r->max_bytes = 10000;
    char line[3001];
    for (int i = 0; i < 50; i++) {
        size_t len = (size_t)(i % 3 == 0 ? 3000 : 10 + i);
        memset(line, 'a' + i % 26, len);
        line[len] = '\0';
        assert_int_equal(ring_push(r, line, len), 0);
        assert_int_equal(r->bytes, held(r));
        assert_true(r->bytes <= r->max_bytes);
        assert_string_equal(ring_get(r, r->n - 1), line); /* the newest is kept */
    }
    assert_int_equal(r->total, 50);
    assert_true(r->n < 50);
    /* a line longer than the whole budget stays, alone */
    char *big = malloc(20001);
    memset(big, 'z', 20000);
    big[20000] = '\0';
    assert_int_equal(ring_push(r, big, 20000), 0);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->bytes, 20001);
    free(big);
    ring_clear(r);
    assert_int_equal(r->bytes, 0);
    assert_int_equal(r->n, 0);
    ring_free(r);
}

static void test_ring_bytes_with_cap(void **state) {
    /* the cap of lines still rules, and bytes follow the lines it drops */
    Ring *r = ring_new(3);
    r->max_bytes = 1 << 20;
    for (int i = 0; i < 10; i++) {
        char buf[16];
        int n = snprintf(buf, sizeof(buf), "line %d", i);
        assert_int_equal(ring_push(r, buf, (size_t)n), 0);
        assert_int_equal(r->bytes, held(r));
    }
    assert_int_equal(r->n, 3);
    assert_string_equal(ring_get(r, 0), "line 7");
    ring_free(r);
}

/* ---- the work of one logtail_process() call ---- */

typedef struct Count {
    size_t lines, bytes;
    size_t next; /* the number the next line must carry */
    bool in_order;
} Count;

static void count(void *userdata, const char *line, size_t len, bool notice) {
    Count *c = userdata;
    if (notice) {
        return;
    }
    c->lines++;
    c->bytes += len;
    if ((size_t)strtoul(line, NULL, 10) != c->next++) {
        c->in_order = false;
    }
}

/* n lines "NNNNN xxx…" of len bytes each (newline excluded) */
static void write_lines(size_t n, size_t len) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    char *line = malloc(len + 2);
    for (size_t i = 0; i < n; i++) {
        memset(line, 'x', len);
        int k = snprintf(line, len + 1, "%05zu ", i);
        line[k] = ' ';
        line[len] = '\n';
        assert_int_equal(fwrite(line, 1, len + 1, f), len + 1);
    }
    free(line);
    assert_int_equal(fclose(f), 0);
}

static void test_batch_short_lines(void **state) {
    write_lines(12000, 80);
    LogTailConfig cfg = {.no_ring = true, .backlog = LOGTAIL_ALL};
    Count c = {.in_order = true};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, count, &c, &t), 0);
    /* short lines: a batch is max_lines lines, as before */
    assert_int_equal(logtail_process(t, 5000), 5000);
    assert_int_equal(logtail_process(t, 5000), 5000);
    assert_int_equal(logtail_process(t, 5000), 2000);
    assert_int_equal(c.lines, 12000);
    assert_true(c.in_order);
    logtail_free(t);
}

static void test_batch_long_lines(void **state) {
    size_t len = 64 * 1024 - 1, n = 300;
    write_lines(n, len);
    LogTailConfig cfg = {.no_ring = true, .backlog = LOGTAIL_ALL};
    Count c = {.in_order = true};
    LogTail *t = NULL;
    assert_int_equal(logtail_open_file(path, &cfg, count, &c, &t), 0);
    /* a line of 64 KiB counts as 64: a batch of 5000 is some 80 of them (5 MB), not
     * 300 (19 MB) */
    long first = logtail_process(t, 5000);
    size_t per = 1 + len / LOGTAIL_LINE_WORK;
    assert_true(first > 0);
    assert_int_equal((size_t)first, (5000 + per - 1) / per);
    assert_false(logtail_idle(t));
    /* the rest comes in later batches, every line once and in order */
    size_t total = (size_t)first;
    for (int i = 0; i < 100 && total < n; i++) {
        long k = logtail_process(t, 5000);
        assert_true(k > 0);
        assert_true((size_t)k <= (size_t)first);
        total += (size_t)k;
    }
    assert_int_equal(total, n);
    assert_int_equal(c.lines, n);
    assert_int_equal(c.bytes, n * len);
    assert_true(c.in_order);
    logtail_free(t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_bytes_bound),
        cmocka_unit_test(test_ring_bytes_with_cap),
        cmocka_unit_test_setup_teardown(test_batch_short_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_long_lines, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
