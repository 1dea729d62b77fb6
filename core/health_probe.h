#pragma once
/* One probe of one target of the health view's panels: the git checkout, a
 * database or a Redis target.  health_probe_new() copies what the probe needs
 * on the loop thread (the database and Redis targets as the checks see them,
 * core/check.h: the same host, credentials and option file); health_probe_run()
 * blocks on a worker thread; nothing in a probe points into the plan. */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/check.h"
#include "core/db_info.h"
#include "core/git_status.h"
#include "core/macro.h"
#include "core/plan.h"
#include "core/redis_info.h"

typedef enum HealthKind { HEALTH_GIT, HEALTH_DB, HEALTH_REDIS, _HEALTH_KIND_MAX } HealthKind;

/* Owned by the job that runs it. */
typedef struct HealthProbe {
    HealthKind kind;
    char *repo;      /* git: the repository's path, resolved */
    CheckSpec *spec; /* db, redis: the target and its password (wiped when freed) */
    size_t n_tables;
    /* the outcome, filled by health_probe_run() */
    int r;          /* 0, or a negative errno */
    GitStatus *git; /* the answer, by kind; NULL on failure */
    DbInfo *db;
    RedisInfo *redis;
    char *error;      /* on failure: a sanitised sentence saying what failed */
    bool unreachable; /* the target did not answer (connect refused, timeout) */
    long long latency_ms;
    time_t checked_at;
} HealthProbe;

/* A probe of target index of kind (HEALTH_GIT: index ignored; HEALTH_DB: into
 * Plan.databases; HEALTH_REDIS: into Plan.redis); timeout_ms bounds the database
 * and Redis clients.  Reads the password from the environment: call it on the
 * loop thread.  Returns 0, -ENOMEM, -ERANGE. */
int health_probe_new(const Plan *p, HealthKind kind, size_t index, long long timeout_ms,
                     size_t n_tables, HealthProbe **ret);
/* Run it (blocking, bounded by the timeout for a database or Redis).  Thread-safe. */
void health_probe_run(HealthProbe *pr);
HealthProbe *health_probe_free(HealthProbe *pr);
DEFINE_FREEP(HealthProbe, health_probe_free)

/* Where the target is, for display (sanitised, no password): the repository's
 * resolved path, "127.0.0.1:3306", "/run/mysqld/mysqld.sock", the Redis URL.
 * A new string, NULL on OOM. */
char *health_probe_where(const Plan *p, HealthKind kind, size_t index);
