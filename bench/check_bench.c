/* The loop thread's cost of the health checks: one full cycle of 20 checks
 * (submit every one, then take every result in) measured in CPU time of the
 * calling thread only; the checks themselves run on the workers.  Target:
 * under 1 ms per cycle.  Yardstick: the same cycle's wall time, workers
 * included. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/check_engine.h"
#include "core/timeutil.h"

#define CYCLES 200

static double thread_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* 20 checks of every kind that answers without a server: disk, memory, and
 * sql/redis/http against nothing (refused at once), unit without a bus. */
static const char plan_yaml[] =
    "plan: Bench\n"
    "databases: [{ id: db, port: 1, password_env: OPSDECK_BENCH_NO_SUCH_VAR }]\n"
    "redis: [{ id: q, url: \"redis://127.0.0.1:1/0\" }]\n"
    "checks:\n"
    "  - { id: d1, kind: disk, path: / }\n  - { id: d2, kind: disk, path: /tmp }\n"
    "  - { id: d3, kind: disk, path: /var }\n  - { id: d4, kind: disk, path: /usr }\n"
    "  - { id: m1, kind: memory }\n  - { id: m2, kind: memory, warn: \"90%\" }\n"
    "  - { id: m3, kind: memory }\n  - { id: m4, kind: memory }\n"
    "  - { id: h1, kind: http, url: \"http://127.0.0.1:1/\" }\n"
    "  - { id: h2, kind: http, url: \"http://127.0.0.1:1/a\" }\n"
    "  - { id: h3, kind: http, url: \"http://127.0.0.1:1/b\" }\n"
    "  - { id: h4, kind: http, url: \"http://127.0.0.1:1/c\" }\n"
    "  - { id: s1, kind: sql, database: db, query: \"SELECT 1\" }\n"
    "  - { id: s2, kind: sql, database: db, query: \"SELECT 2\" }\n"
    "  - { id: s3, kind: sql, database: db, query: \"SELECT 3\" }\n"
    "  - { id: r1, kind: redis, redis: q, command: PING }\n"
    "  - { id: r2, kind: redis, redis: q, command: \"LLEN x\" }\n"
    "  - { id: r3, kind: redis, redis: q, command: \"GET y\" }\n"
    "  - { id: u1, kind: unit, unit: a.service }\n"
    "  - { id: u2, kind: unit, unit: b.service }\n"
    "phases:\n  - id: a\n    title: A\n    items: [{ id: a.1, text: x }]\n";

int main(void) {
    DiagList *d = diag_list_new("bench.yaml");
    Plan *p = NULL;
    if (!d || plan_load_buffer("bench.yaml", plan_yaml, strlen(plan_yaml), d, &p) < 0) {
        fprintf(stderr, "check_bench: the bench plan does not load\n");
        return 1;
    }
    CheckEngine *e = NULL;
    if (check_engine_new(p, CHECK_ENGINE_MANUAL, 0, &e) < 0) {
        return 1;
    }
    size_t n = check_engine_count(e);
    static double cpu[CYCLES], wall[CYCLES];
    for (int c = 0; c < CYCLES; c++) {
        double cpu0 = thread_ms(), w0 = wall_ms(), spent = 0;
        for (size_t i = 0; i < n; i++) {
            check_engine_run_now(e, i, time_mono_ms());
        }
        spent += thread_ms() - cpu0;
        while (check_engine_busy(e) > 0) {
            struct pollfd pfd = {.fd = check_engine_fd(e), .events = POLLIN};
            if (poll(&pfd, 1, 10000) <= 0) {
                fprintf(stderr, "check_bench: the checks did not come back\n");
                return 1;
            }
            double t = thread_ms();
            check_engine_collect(e, time_mono_ms());
            spent += thread_ms() - t;
        }
        cpu[c] = spent;
        wall[c] = wall_ms() - w0;
    }
    qsort(cpu, CYCLES, sizeof(double), cmp);
    qsort(wall, CYCLES, sizeof(double), cmp);
    double med = cpu[CYCLES / 2], p95 = cpu[CYCLES * 95 / 100];
    printf("check cycle of %zu checks, loop-thread CPU: median %.3f ms, p95 %.3f ms%s\n", n, med,
           p95, p95 < 1.0 ? " (target: under 1 ms)" : " (SLOW: target under 1 ms)");
    printf("  yardstick: the same cycle's wall time, workers included: median %.2f ms\n",
           wall[CYCLES / 2]);
    check_engine_free(e);
    plan_free(p);
    diag_list_free(d);
    return 0;
}
