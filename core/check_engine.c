#include "core/check_engine.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/worker.h"

#define MAX_THREADS 16
#define FIRST_RETRY_MS 1000

struct CheckEngine {
    const Plan *plan;
    unsigned flags, spec_flags;
    WorkerPool *pool;    /* owned */
    CheckEntry *entries; /* by Plan.checks index */
    size_t n;
    unsigned busy;
    long long collect_ms; /* the clock of the check_engine_collect() in progress */
};

/* One run in flight; owns its copies. */
typedef struct CheckJob {
    size_t index;
    CheckSpec *spec;
    CheckResult result;
} CheckJob;

static void job_free(CheckJob *j) {
    check_spec_free(j->spec);
    check_result_done(&j->result);
    free(j);
}

static void job_work(void *data) {
    CheckJob *j = data;
    check_run(j->spec, &j->result);
}

static long long interval_of(const CheckEntry *ce) {
    return ce->check->interval_ms > 0 ? ce->check->interval_ms : 10000;
}

static void take_result(CheckEngine *e, CheckEntry *ce, CheckResult *r, long long now) {
    check_result_done(&ce->result);
    ce->result = *r;
    *r = (CheckResult){0};
    ce->has_result = true;
    ce->result_ms = now;
    ce->runs++;
    long long interval = interval_of(ce);
    ce->retry_ms = 0;
    if (ce->result.unreachable) {
        ce->failures++;
        long long retry = FIRST_RETRY_MS << MIN(ce->failures - 1, 20u);
        if (retry < interval) {
            ce->retry_ms = retry;
        }
    } else {
        ce->failures = 0;
    }
    if (e->flags & CHECK_ENGINE_MANUAL) {
        ce->next_ms = LLONG_MAX;
    } else {
        ce->next_ms = now + (ce->retry_ms ? ce->retry_ms : interval);
    }
}

static void job_done(void *data, void *userdata) {
    CheckJob *j = data;
    CheckEngine *e = userdata;
    if (e && j->index < e->n) {
        CheckEntry *ce = &e->entries[j->index];
        ce->running = false;
        ce->overdue = false;
        e->busy--;
        take_result(e, ce, &j->result, e->collect_ms);
    }
    job_free(j);
}

int check_engine_new(const Plan *p, unsigned flags, unsigned spec_flags, CheckEngine **ret) {
    check_global_init();
    CheckEngine *e = calloc(1, sizeof(*e));
    if (!e) {
        return -ENOMEM;
    }
    e->plan = p;
    e->flags = flags;
    e->spec_flags = spec_flags;
    e->n = p->n_checks;
    e->entries = calloc(e->n ? e->n : 1, sizeof(*e->entries));
    unsigned threads = (unsigned)MAX(1, MIN(e->n, (size_t)MAX_THREADS));
    e->pool = worker_pool_new(threads);
    if (!e->entries || !e->pool) {
        return check_engine_free(e), -ENOMEM;
    }
    for (size_t i = 0; i < e->n; i++) {
        e->entries[i] = (CheckEntry){
            .check = &p->checks[i],
            .result = {.status = CHECK_STATUS_UNKNOWN, .latency_ms = -1},
            .next_ms = flags & CHECK_ENGINE_MANUAL ? LLONG_MAX : 0,
        };
    }
    *ret = e;
    return 0;
}

CheckEngine *check_engine_free(CheckEngine *e) {
    if (!e) {
        return NULL;
    }
    /* jobs that never ran or were never collected are freed by job_done(…, NULL) */
    worker_pool_free(e->pool);
    for (size_t i = 0; e->entries && i < e->n; i++) {
        check_result_done(&e->entries[i].result);
    }
    free(e->entries);
    free(e);
    return NULL;
}

int check_engine_fd(const CheckEngine *e) {
    return worker_pool_fd(e->pool);
}

size_t check_engine_count(const CheckEngine *e) {
    return e->n;
}

const CheckEntry *check_engine_entry(const CheckEngine *e, size_t i) {
    return i < e->n ? &e->entries[i] : NULL;
}

const CheckEntry *check_engine_find(const CheckEngine *e, const char *id, size_t *ret_index) {
    for (size_t i = 0; id && i < e->n; i++) {
        if (streq(e->entries[i].check->id, id)) {
            if (ret_index) {
                *ret_index = i;
            }
            return &e->entries[i];
        }
    }
    return NULL;
}

int check_engine_run_now(CheckEngine *e, size_t i, long long now_ms) {
    if (i >= e->n) {
        return -ERANGE;
    }
    CheckEntry *ce = &e->entries[i];
    if (ce->running) {
        return -EBUSY;
    }
    CheckJob *j = calloc(1, sizeof(*j));
    if (!j || check_spec_new(e->plan, ce->check, e->spec_flags, &j->spec) < 0) {
        free(j);
        return -ENOMEM;
    }
    j->index = i;
    int r = worker_submit(e->pool, job_work, job_done, j);
    if (r < 0) {
        job_free(j);
        return r;
    }
    ce->running = true;
    ce->overdue = false;
    ce->started_ms = now_ms;
    e->busy++;
    return 0;
}

/* A run past its timeout and the grace: say so now; the worker's own result,
 * when the client library gives up, replaces this one. */
static bool mark_overdue(CheckEntry *ce, long long now_ms) {
    long long limit = ce->started_ms + ce->check->timeout_ms + CHECK_ENGINE_GRACE_MS;
    if (!ce->running || ce->overdue || now_ms < limit) {
        return false;
    }
    char *err = NULL;
    if (asprintf(&err, "no answer within %.1f s (still waiting for the %s client to give up)",
                 (double)ce->check->timeout_ms / 1000, check_kind_to_string(ce->check->kind)) < 0) {
        return false;
    }
    check_result_done(&ce->result);
    ce->result = (CheckResult){.status = CHECK_STATUS_FAIL,
                               .error = err,
                               .latency_ms = now_ms - ce->started_ms,
                               .checked_at = time_now(),
                               .unreachable = true};
    ce->has_result = true;
    ce->overdue = true;
    ce->result_ms = now_ms;
    return true;
}

long long check_engine_run_due(CheckEngine *e, long long now_ms, bool *ret_changed) {
    bool changed = false;
    long long next = LLONG_MAX;
    for (size_t i = 0; i < e->n; i++) {
        CheckEntry *ce = &e->entries[i];
        if (ce->running) {
            changed |= mark_overdue(ce, now_ms);
            if (!ce->overdue) {
                next = MIN(next, ce->started_ms + ce->check->timeout_ms + CHECK_ENGINE_GRACE_MS);
            }
            continue;
        }
        if (ce->next_ms <= now_ms && check_engine_run_now(e, i, now_ms) == 0) {
            next = MIN(next, now_ms + ce->check->timeout_ms + CHECK_ENGINE_GRACE_MS);
            continue;
        }
        if (ce->next_ms <= now_ms) {
            ce->next_ms = now_ms + FIRST_RETRY_MS; /* out of memory: try again soon */
        }
        next = MIN(next, ce->next_ms);
    }
    if (ret_changed) {
        *ret_changed = changed;
    }
    return next;
}

unsigned check_engine_collect(CheckEngine *e, long long now_ms) {
    e->collect_ms = now_ms;
    return worker_pool_dispatch(e->pool, e);
}

unsigned check_engine_busy(const CheckEngine *e) {
    return e->busy;
}

size_t check_engine_count_status(const CheckEngine *e, CheckStatus st) {
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++) {
        n += e->entries[i].has_result && e->entries[i].result.status == st;
    }
    return n;
}

cJSON *check_entry_evidence(const CheckEntry *ce) {
    const CheckResult *r = &ce->result;
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddStringToObject(o, "check", ce->check->id) ||
        !cJSON_AddStringToObject(o, "check_status", check_status_to_string(r->status)) ||
        !(r->value ? cJSON_AddStringToObject(o, "check_value", r->value)
                   : cJSON_AddNullToObject(o, "check_value")) ||
        (r->status != CHECK_STATUS_OK && r->error &&
         !cJSON_AddStringToObject(o, "check_error", r->error))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
