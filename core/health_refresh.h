#pragma once
/* The health view's panels: what the plan's git checkout, databases and Redis
 * targets look like, read at an interval on worker threads (core/worker.h).
 * Like the check engine (core/check_engine.h) it never sleeps and never polls:
 * the caller owns the clock and the event loop.
 *
 *   health_refresh_run_due(h, now)   submit what is due; returns the next deadline
 *   health_refresh_fd(h)             readable when answers wait
 *   health_refresh_collect(h, now)   take them in (on the loop thread)
 *
 * One probe per target is in flight at most.  A probe that fails is retried
 * sooner than the interval, backing off 1 s, 2 s, 4 s … up to the interval.  A
 * database or Redis probe that outlives its timeout by HEALTH_REFRESH_GRACE_MS
 * is reported as failed ("no answer within …") while its worker waits for the
 * client library to give up. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/health_probe.h"
#include "core/macro.h"
#include "core/plan.h"

#define HEALTH_REFRESH_GRACE_MS 2000

/* One target; read-only to callers. */
typedef struct HealthEntry {
    HealthKind kind;
    const char *id; /* borrowed from the plan: the database or Redis id, the repo path */
    char *where;    /* owned, sanitised: "127.0.0.1:3306", the URL without password, the
                       repository's resolved path */
    /* the latest answer (one of them, by kind); NULL before the first and after a failure */
    GitStatus *git;
    DbInfo *db;
    RedisInfo *redis;
    char *error;      /* why the latest probe failed, a sanitised sentence; NULL when it answered */
    bool unreachable; /* ... because the target did not answer (connect, timeout) */
    bool has_result;  /* a probe has finished (or was declared overdue) */
    bool running;     /* a probe is in flight */
    bool overdue;     /* in flight beyond its timeout + grace */
    unsigned failures;    /* consecutive failed probes */
    long long retry_ms;   /* > 0: retrying sooner than the interval, after this long */
    long long next_ms;    /* next probe, monotonic ms; LLONG_MAX = on demand only */
    long long started_ms; /* of the probe in flight */
    long long result_ms;  /* monotonic ms of the latest result; 0 = none */
    long long latency_ms; /* the latest probe's wall time */
    time_t checked_at;    /* wall clock of the latest result */
    uint64_t runs;        /* results so far */
} HealthEntry;

typedef struct HealthRefreshOptions {
    long long interval_ms; /* between probes of a target that answers; 0: 10 s */
    long long timeout_ms;  /* the database and Redis clients' timeout; 0: 5 s */
    size_t n_tables;       /* the largest tables a database probe reads; 0: 5 */
    bool manual;           /* nothing runs by itself: health_refresh_run_now only */
} HealthRefreshOptions;

typedef struct HealthRefresh HealthRefresh;

/* The plan has something to show: a repo, a database or a Redis target. */
bool health_refresh_wanted(const Plan *p);
/* One entry for the repo (when the plan has one), then one per database, then
 * one per Redis target, in the plan's order.  o may be NULL (the defaults).  The
 * plan must outlive the refresher.  Call on the main thread (the client
 * libraries' global set-up happens here).  Returns 0, -ENOMEM. */
int health_refresh_new(const Plan *p, const HealthRefreshOptions *o, HealthRefresh **ret);
/* Waits for the probes in flight (each bounded by its timeout), then frees. */
HealthRefresh *health_refresh_free(HealthRefresh *h);
DEFINE_FREEP(HealthRefresh, health_refresh_free)

int health_refresh_fd(const HealthRefresh *h);
size_t health_refresh_count(const HealthRefresh *h);
const HealthEntry *health_refresh_entry(const HealthRefresh *h, size_t i);

/* Submit every probe due at now_ms, and declare overdue probes failed.  Returns
 * the next monotonic deadline to call it again (LLONG_MAX: nothing scheduled);
 * *ret_changed (may be NULL) is set when an entry changed. */
long long health_refresh_run_due(HealthRefresh *h, long long now_ms, bool *ret_changed);
/* Probe target i now unless it is in flight.  Returns 0, -EBUSY, -ENOMEM, -ERANGE. */
int health_refresh_run_now(HealthRefresh *h, size_t i, long long now_ms);
/* Take finished probes in; returns how many. */
unsigned health_refresh_collect(HealthRefresh *h, long long now_ms);
/* Probes in flight. */
unsigned health_refresh_busy(const HealthRefresh *h);
