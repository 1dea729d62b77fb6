#include "core/health_refresh.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/worker.h"

#define MAX_THREADS 8
#define FIRST_RETRY_MS 1000
#define DEFAULT_INTERVAL_MS 10000
#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_TABLES 5

struct HealthRefresh {
    const Plan *plan;
    HealthRefreshOptions o;
    WorkerPool *pool;     /* owned */
    HealthEntry *entries; /* owned */
    size_t *index;        /* entry → index into Plan.databases / Plan.redis */
    size_t n;
    unsigned busy;
    long long collect_ms; /* the clock of the health_refresh_collect() in progress */
};

/* One probe in flight; owns its probe. */
typedef struct RefreshJob {
    size_t entry;
    HealthProbe *probe;
} RefreshJob;

static void job_work(void *data) {
    RefreshJob *j = data;
    health_probe_run(j->probe);
}

static void entry_clear(HealthEntry *e) {
    e->git = git_status_free(e->git);
    e->db = db_info_free(e->db);
    e->redis = redis_info_free(e->redis);
    e->error = mfree(e->error);
}

static void take_result(HealthRefresh *h, HealthEntry *e, HealthProbe *pr, long long now) {
    entry_clear(e);
    e->git = TAKE_PTR(pr->git);
    e->db = TAKE_PTR(pr->db);
    e->redis = TAKE_PTR(pr->redis);
    e->error = TAKE_PTR(pr->error);
    if (pr->r < 0 && !e->error) {
        e->error = strdup("the probe failed: out of memory");
    }
    e->unreachable = pr->unreachable;
    e->latency_ms = pr->latency_ms;
    e->checked_at = pr->checked_at;
    e->has_result = true;
    e->result_ms = now;
    e->runs++;
    e->retry_ms = 0;
    if (pr->r < 0) {
        e->failures++;
        long long retry = (long long)FIRST_RETRY_MS << MIN(e->failures - 1, 20u);
        e->retry_ms = MIN(retry, h->o.interval_ms);
    } else {
        e->failures = 0;
    }
    e->next_ms = h->o.manual ? LLONG_MAX : now + (e->retry_ms ? e->retry_ms : h->o.interval_ms);
}

static void job_done(void *data, void *userdata) {
    RefreshJob *j = data;
    HealthRefresh *h = userdata;
    if (h && j->entry < h->n) {
        HealthEntry *e = &h->entries[j->entry];
        e->running = false;
        e->overdue = false;
        h->busy--;
        take_result(h, e, j->probe, h->collect_ms);
    }
    health_probe_free(j->probe);
    free(j);
}

bool health_refresh_wanted(const Plan *p) {
    return p->repo_path || p->n_databases > 0 || p->n_redis > 0;
}

static int add_entries(HealthRefresh *h) {
    const Plan *p = h->plan;
    size_t k = 0;
    for (int kind = 0; kind < _HEALTH_KIND_MAX; kind++) {
        size_t n = kind == HEALTH_GIT  ? (p->repo_path ? 1 : 0)
                   : kind == HEALTH_DB ? p->n_databases
                                       : p->n_redis;
        for (size_t i = 0; i < n; i++, k++) {
            HealthEntry *e = &h->entries[k];
            e->kind = (HealthKind)kind;
            e->id = kind == HEALTH_GIT  ? p->repo_path
                    : kind == HEALTH_DB ? p->databases[i].id
                                        : p->redis[i].id;
            e->next_ms = h->o.manual ? LLONG_MAX : 0;
            h->index[k] = i;
            if (!(e->where = health_probe_where(p, e->kind, i))) {
                return -ENOMEM;
            }
        }
    }
    return 0;
}

int health_refresh_new(const Plan *p, const HealthRefreshOptions *o, HealthRefresh **ret) {
    check_global_init();
    HealthRefresh *h = calloc(1, sizeof(*h));
    if (!h) {
        return -ENOMEM;
    }
    h->plan = p;
    h->o = o ? *o : (HealthRefreshOptions){0};
    h->o.interval_ms = h->o.interval_ms > 0 ? h->o.interval_ms : DEFAULT_INTERVAL_MS;
    h->o.timeout_ms = h->o.timeout_ms > 0 ? h->o.timeout_ms : DEFAULT_TIMEOUT_MS;
    h->o.n_tables = h->o.n_tables > 0 ? h->o.n_tables : DEFAULT_TABLES;
    h->n = (p->repo_path ? 1 : 0) + p->n_databases + p->n_redis;
    h->entries = calloc(h->n ? h->n : 1, sizeof(*h->entries));
    h->index = calloc(h->n ? h->n : 1, sizeof(*h->index));
    h->pool = worker_pool_new((unsigned)MAX(1, MIN(h->n, (size_t)MAX_THREADS)));
    if (!h->entries || !h->index || !h->pool || add_entries(h) < 0) {
        return health_refresh_free(h), -ENOMEM;
    }
    *ret = h;
    return 0;
}

HealthRefresh *health_refresh_free(HealthRefresh *h) {
    if (!h) {
        return NULL;
    }
    /* probes that never ran or were never collected are freed by job_done(…, NULL) */
    worker_pool_free(h->pool);
    for (size_t i = 0; h->entries && i < h->n; i++) {
        entry_clear(&h->entries[i]);
        free(h->entries[i].where);
    }
    free(h->entries);
    free(h->index);
    free(h);
    return NULL;
}

int health_refresh_fd(const HealthRefresh *h) {
    return worker_pool_fd(h->pool);
}

size_t health_refresh_count(const HealthRefresh *h) {
    return h->n;
}

const HealthEntry *health_refresh_entry(const HealthRefresh *h, size_t i) {
    return i < h->n ? &h->entries[i] : NULL;
}

int health_refresh_run_now(HealthRefresh *h, size_t i, long long now_ms) {
    if (i >= h->n) {
        return -ERANGE;
    }
    HealthEntry *e = &h->entries[i];
    if (e->running) {
        return -EBUSY;
    }
    RefreshJob *j = calloc(1, sizeof(*j));
    if (!j || health_probe_new(h->plan, e->kind, h->index[i], h->o.timeout_ms, h->o.n_tables,
                               &j->probe) < 0) {
        free(j);
        return -ENOMEM;
    }
    j->entry = i;
    int r = worker_submit(h->pool, job_work, job_done, j);
    if (r < 0) {
        health_probe_free(j->probe);
        free(j);
        return r;
    }
    e->running = true;
    e->overdue = false;
    e->started_ms = now_ms;
    h->busy++;
    return 0;
}

/* Git reads a local work tree: only the network clients have a timeout to outlive. */
static long long limit_of(const HealthRefresh *h, const HealthEntry *e) {
    return e->kind == HEALTH_GIT ? LLONG_MAX
                                 : e->started_ms + h->o.timeout_ms + HEALTH_REFRESH_GRACE_MS;
}

/* A probe past its timeout and the grace: say so now; the worker's own result,
 * when the client library gives up, replaces this one. */
static bool mark_overdue(HealthRefresh *h, HealthEntry *e, long long now_ms) {
    if (!e->running || e->overdue || now_ms < limit_of(h, e)) {
        return false;
    }
    char *err = NULL;
    if (asprintf(&err, "no answer within %.1f s (still waiting for the %s client to give up)",
                 (double)h->o.timeout_ms / 1000, e->kind == HEALTH_DB ? "MariaDB" : "Redis") < 0) {
        return false;
    }
    entry_clear(e);
    e->error = err;
    e->unreachable = true;
    e->has_result = true;
    e->overdue = true;
    e->latency_ms = now_ms - e->started_ms;
    e->checked_at = time_now();
    e->result_ms = now_ms;
    return true;
}

long long health_refresh_run_due(HealthRefresh *h, long long now_ms, bool *ret_changed) {
    bool changed = false;
    long long next = LLONG_MAX;
    for (size_t i = 0; i < h->n; i++) {
        HealthEntry *e = &h->entries[i];
        if (e->running) {
            changed |= mark_overdue(h, e, now_ms);
            if (!e->overdue) {
                next = MIN(next, limit_of(h, e));
            }
            continue;
        }
        if (e->next_ms <= now_ms && health_refresh_run_now(h, i, now_ms) == 0) {
            changed = true; /* it shows as running */
            next = MIN(next, limit_of(h, e));
            continue;
        }
        if (e->next_ms <= now_ms) {
            e->next_ms = now_ms + FIRST_RETRY_MS; /* out of memory: try again soon */
        }
        next = MIN(next, e->next_ms);
    }
    if (ret_changed) {
        *ret_changed = changed;
    }
    return next;
}

unsigned health_refresh_collect(HealthRefresh *h, long long now_ms) {
    h->collect_ms = now_ms;
    return worker_pool_dispatch(h->pool, h);
}

unsigned health_refresh_busy(const HealthRefresh *h) {
    return h->busy;
}
