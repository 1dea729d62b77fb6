/* healthinfo [--timeout MS] [--tables N] PLAN git|db ID|redis ID: one probe of a
 * target of the health view's panels, run as the panel runs it (core/health_refresh.c:
 * on a worker thread, the answer collected through the worker eventfd), printed one
 * key=value a line for tests to compare with git, mariadb and redis-cli.  A table
 * is "table=SCHEMA.NAME BYTES ROWS".  Exit 0; 1 with "error=…" and "unreachable=0|1"
 * when the probe failed; 2 on usage or plan errors. */
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/health_refresh.h"
#include "core/timeutil.h"

static const char *or_dash(const char *s) {
    return s ? s : "-";
}

static void print_git(const GitStatus *g) {
    printf("head=%s\nsubject=%s\nbranch=%s\ndescribe=%s\nupstream=%s\n", or_dash(g->head),
           or_dash(g->subject), or_dash(g->branch), or_dash(g->describe), or_dash(g->upstream));
    printf("ahead=%zu\nbehind=%zu\ndirty=%zu\nuntracked=%zu\ntags=", g->ahead, g->behind, g->dirty,
           g->untracked);
    for (size_t i = 0; i < g->n_tags; i++) {
        printf("%s%s", i ? " " : "", g->tags[i]);
    }
    putchar('\n');
}

static void print_db(const DbInfo *d) {
    printf("version=%s\nuptime=%lld\nselect1_us=%lld\nthreads_connected=%lld\n",
           or_dash(d->version), d->uptime_s, d->select1_us, d->threads_connected);
    printf("max_connections=%lld\nslow_queries=%lld\n", d->max_connections, d->slow_queries);
    for (size_t i = 0; i < d->n_tables; i++) {
        const DbTable *t = &d->tables[i];
        printf("table=%s.%s %llu %llu\n", t->schema, t->name, (unsigned long long)t->bytes,
               (unsigned long long)t->rows);
    }
    if (d->note) {
        printf("note=%s\n", d->note);
    }
}

static void print_redis(const RedisInfo *r) {
    printf("ping_us=%lld\nrole=%s\nversion=%s\n", r->ping_us, or_dash(r->role),
           or_dash(r->version));
    printf("used_memory=%lld\nused_memory_human=%s\nconnected_clients=%lld\n", r->used_memory,
           or_dash(r->used_memory_human), r->connected_clients);
}

static int find(const HealthRefresh *h, HealthKind kind, const char *id, size_t *ret) {
    for (size_t i = 0; i < health_refresh_count(h); i++) {
        const HealthEntry *e = health_refresh_entry(h, i);
        if (e->kind == kind && (kind == HEALTH_GIT || strcmp(e->id, id) == 0)) {
            *ret = i;
            return 0;
        }
    }
    return -1;
}

static int usage(void) {
    fprintf(stderr, "usage: healthinfo [--timeout MS] [--tables N] PLAN git|db ID|redis ID\n");
    return 2;
}

int main(int argc, char **argv) {
    HealthRefreshOptions o = {.manual = true};
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--timeout") == 0) {
            o.timeout_ms = atoll(argv[i + 1]);
        } else if (strcmp(argv[i], "--tables") == 0) {
            o.n_tables = (size_t)atoll(argv[i + 1]);
        } else {
            return usage();
        }
    }
    if (argc - i < 2) {
        return usage();
    }
    const char *what = argv[i + 1], *id = argc - i > 2 ? argv[i + 2] : "";
    HealthKind kind = strcmp(what, "git") == 0  ? HEALTH_GIT
                      : strcmp(what, "db") == 0 ? HEALTH_DB
                                                : HEALTH_REDIS;
    if (kind == HEALTH_REDIS && strcmp(what, "redis") != 0) {
        return usage();
    }
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(argv[i]);
    _cleanup_(plan_freep) Plan *p = NULL;
    if (!d || plan_load(argv[i], d, &p) < 0) {
        if (d) {
            diag_print(d, stderr);
        }
        return 2;
    }
    _cleanup_(health_refresh_freep) HealthRefresh *h = NULL;
    size_t k;
    if (health_refresh_new(p, &o, &h) < 0 || find(h, kind, id, &k) < 0) {
        fprintf(stderr, "healthinfo: the plan has no %s '%s'\n", what, id);
        return 2;
    }
    long long t0 = time_mono_ms();
    if (health_refresh_run_now(h, k, t0) < 0) {
        fprintf(stderr, "healthinfo: cannot start the probe\n");
        return 2;
    }
    while (health_refresh_busy(h) > 0) {
        struct pollfd pfd = {.fd = health_refresh_fd(h), .events = POLLIN};
        (void)poll(&pfd, 1, -1);
        health_refresh_collect(h, time_mono_ms());
    }
    const HealthEntry *e = health_refresh_entry(h, k);
    printf("where=%s\nelapsed_ms=%lld\n", e->where, time_mono_ms() - t0);
    if (e->error) {
        printf("error=%s\nunreachable=%d\n", e->error, e->unreachable ? 1 : 0);
        return 1;
    }
    if (e->git) {
        print_git(e->git);
    } else if (e->db) {
        print_db(e->db);
    } else if (e->redis) {
        print_redis(e->redis);
    }
    return 0;
}
