#pragma once
/* The check scheduler: runs the plan's checks at their intervals on worker
 * threads and keeps the latest result of each.  It never sleeps and never
 * polls: the caller owns the clock and the event loop.
 *
 *   check_engine_run_due(e, now)   submit what is due; returns the next deadline
 *   check_engine_fd(e)             readable when results wait
 *   check_engine_collect(e, now)   take them in (on the loop thread)
 *
 * A target that does not answer (connect refused, timeout) is retried sooner
 * than its interval, backing off 1 s, 2 s, 4 s … up to the interval.  A run
 * that outlives its timeout by CHECK_ENGINE_GRACE_MS is reported as failed
 * ("no answer within …") while the engine waits for the worker to give up. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/check.h"
#include "core/plan.h"

#define CHECK_ENGINE_GRACE_MS 2000

typedef struct CheckEngine CheckEngine;

/* The engine's view of one check; read-only to callers. */
typedef struct CheckEntry {
    const Check *check; /* borrowed from the plan */
    CheckResult result; /* latest; status unknown and checked_at 0 before the first */
    bool has_result;    /* a run has finished (or was declared overdue) */
    bool running;       /* a run is in flight */
    bool overdue;       /* in flight beyond its timeout + grace */
    unsigned failures;  /* consecutive runs whose target did not answer */
    long long retry_ms; /* > 0: retrying sooner than the interval, after this long */
    long long next_ms;  /* next run, monotonic ms; LLONG_MAX = on demand only */
    long long started_ms;
    long long result_ms; /* monotonic ms of the latest result; 0 = none */
    uint64_t runs;       /* results so far */
} CheckEntry;

enum {
    CHECK_ENGINE_MANUAL = 1u << 0, /* nothing runs by itself: check_engine_run_now only */
};

/* flags: CHECK_ENGINE_*; spec_flags: CHECK_SPEC_* for every run.  The plan
 * must outlive the engine.  Returns 0, -ENOMEM. */
int check_engine_new(const Plan *p, unsigned flags, unsigned spec_flags, CheckEngine **ret);
/* Waits for the runs in flight (each bounded by its timeout), then frees. */
CheckEngine *check_engine_free(CheckEngine *e);
DEFINE_FREEP(CheckEngine, check_engine_free)

int check_engine_fd(const CheckEngine *e);
size_t check_engine_count(const CheckEngine *e);
/* By the check's index in Plan.checks. */
const CheckEntry *check_engine_entry(const CheckEngine *e, size_t i);
const CheckEntry *check_engine_find(const CheckEngine *e, const char *id, size_t *ret_index);

/* Submit every check due at now_ms, and declare overdue runs failed.  Returns
 * the next monotonic deadline to call it again (LLONG_MAX: nothing scheduled);
 * *ret_changed (may be NULL) is set when a result changed. */
long long check_engine_run_due(CheckEngine *e, long long now_ms, bool *ret_changed);
/* Run check i now unless it is in flight.  Returns 0, -EBUSY, -ENOMEM, -ERANGE. */
int check_engine_run_now(CheckEngine *e, size_t i, long long now_ms);
/* Take finished runs in; returns how many. */
unsigned check_engine_collect(CheckEngine *e, long long now_ms);
/* Runs in flight. */
unsigned check_engine_busy(const CheckEngine *e);
/* How many checks have this status now. */
size_t check_engine_count_status(const CheckEngine *e, CheckStatus st);

/* What a tick gated by this check records in its journal event: {"check": id,
 * "check_status": "ok", "check_value": "200"} and, when not ok, "check_error".
 * A new object (NULL on OOM). */
cJSON *check_entry_evidence(const CheckEntry *ce);
