#pragma once
/* Health checks: one run of one check of the plan (disk, memory, http, sql,
 * redis, unit), judged against its thresholds.
 *
 * A run blocks (a connect, a query, an HTTP request), so it happens on a worker
 * thread (core/worker.h) and works only on a CheckSpec: a self-contained copy of
 * the check and of what it refers to (the database or Redis target, the
 * password read from its environment variable).  Nothing in a spec points into
 * the plan, so the loop thread may free the plan while a run is in flight.
 *
 * Secrets: a spec holds the password only to hand it to the client library; it
 * is wiped when the spec is freed, and every value, error and note of a result
 * has any occurrence of it masked as "***" before it leaves the worker. */
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/macro.h"
#include "core/plan.h"

typedef enum CheckStatus {
    CHECK_STATUS_UNKNOWN, /* never ran, or cannot tell (no bus, no password) */
    CHECK_STATUS_OK,
    CHECK_STATUS_WARN,
    CHECK_STATUS_FAIL,
    _CHECK_STATUS_MAX
} CheckStatus;

const char *check_status_to_string(CheckStatus s);

/* The outcome of one run.  Every string is owned, sanitised for display
 * (core/text.h) and free of secrets. */
typedef struct CheckResult {
    CheckStatus status;
    char *value;          /* "41%", "200", "1234", "active"; NULL when there is none */
    char *error;          /* why it is not ok, or NULL */
    char *note;           /* extra facts: "certificate expires in 83 days"; or NULL */
    long long latency_ms; /* the run's wall time; -1 when it did not run */
    time_t checked_at;    /* wall clock at the end of the run; 0 = never */
    bool unreachable;     /* the target did not answer (connect, timeout): retried sooner */
} CheckResult;

void check_result_done(CheckResult *r);
/* Deep copy; returns 0 or -ENOMEM (ret untouched). */
int check_result_copy(const CheckResult *r, CheckResult *ret);

enum {
    CHECK_SPEC_USER_BUS = 1u << 0, /* unit checks ask the user's manager (--user) */
};

/* A copy of a check and everything it refers to; owned by the job that runs it. */
typedef struct CheckSpec {
    char *id;
    CheckKind kind;
    char *path, *url, *query, *command, *unit;
    char *ca_file; /* http: the CA certificate(s) to verify with, resolved; NULL: the system's */
    Threshold warn, fail, expect; /* .str points into strs below */
    char *warn_str, *fail_str, *expect_str;
    int64_t timeout_ms;
    unsigned flags;
    /* sql */
    char *db_id, *db_host, *db_user, *db_name, *db_socket, *db_option_file;
    unsigned db_port;
    /* redis */
    char *redis_id, *redis_url;
    /* sql and redis: from password_env; NULL when none */
    char *password;
    char *password_env;    /* the variable's name, for messages */
    bool password_missing; /* password_env names a variable that is not set */
} CheckSpec;

/* Copy check c of plan p (resolving its database / Redis target and reading
 * the password from the environment — call this on the loop thread).
 * Returns 0, -ENOMEM. */
int check_spec_new(const Plan *p, const Check *c, unsigned flags, CheckSpec **ret);
/* A path the plan names (an option_file, a ca_file) as the checks open it: "~/"
 * is the home directory, a relative path is relative to the plan file's
 * directory.  Returns 0 and a new string, or -ENOMEM. */
int check_plan_path(const Plan *p, const char *path, char **ret);
/* Wipes the password; accepts NULL; returns NULL. */
CheckSpec *check_spec_free(CheckSpec *s);
DEFINE_FREEP(CheckSpec, check_spec_free)

/* Run the check once, blocking at most about spec->timeout_ms (the client
 * libraries' own timeouts are set from it).  Fills ret (status, value, error,
 * latency, time).  Thread-safe: call from a worker. */
void check_run(const CheckSpec *s, CheckResult *ret);

/* Judge value against the spec's expect/fail/warn: expect not met or fail
 * reached → FAIL, warn reached → WARN, else OK; *ret_why gets a new string
 * saying which limit ("expected 200", "≥ 95%"), or NULL. */
CheckStatus check_judge(const CheckSpec *s, const char *value, char **ret_why);

/* Call once from the main thread before any worker runs a check (libcurl and
 * the MariaDB client need their global set-up before threads use them);
 * idempotent. */
void check_global_init(void);
