#include "core/health_probe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/db_connect.h"
#include "core/redact.h"
#include "core/redis_connect.h"
#include "core/redis_url.h"
#include "core/timeutil.h"

/* The plan's repo as the git actions see it: "~/" is the home directory, a
 * relative path is relative to the plan file's directory. */
static char *repo_path(const Plan *p) {
    char *out = NULL;
    return p->repo_path && check_plan_path(p, p->repo_path, &out) == 0 ? out : NULL;
}

/* The target as a check of it would see it: the same copy of host, credentials
 * and option file (core/check.c). */
static int target_spec(const Plan *p, HealthKind kind, size_t index, long long timeout_ms,
                       CheckSpec **ret) {
    Check c = {.kind = kind == HEALTH_DB ? CHECK_SQL : CHECK_REDIS, .timeout_ms = timeout_ms};
    if (kind == HEALTH_DB) {
        c.id = c.database = p->databases[index].id;
    } else {
        c.id = c.redis = p->redis[index].id;
    }
    return check_spec_new(p, &c, 0, ret);
}

int health_probe_new(const Plan *p, HealthKind kind, size_t index, long long timeout_ms,
                     size_t n_tables, HealthProbe **ret) {
    if ((kind == HEALTH_GIT && !p->repo_path) || (kind == HEALTH_DB && index >= p->n_databases) ||
        (kind == HEALTH_REDIS && index >= p->n_redis) || kind >= _HEALTH_KIND_MAX) {
        return -ERANGE;
    }
    _cleanup_(health_probe_freep) HealthProbe *pr = calloc(1, sizeof(*pr));
    if (!pr) {
        return -ENOMEM;
    }
    pr->kind = kind;
    pr->n_tables = n_tables;
    if (kind == HEALTH_GIT ? !(pr->repo = repo_path(p))
                           : target_spec(p, kind, index, timeout_ms, &pr->spec) < 0) {
        return -ENOMEM;
    }
    *ret = TAKE_PTR(pr);
    return 0;
}

static void fail(HealthProbe *pr, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(HealthProbe *pr, int r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    free(pr->error);
    pr->error = redact_sanitize(msg ? msg : "out of memory", pr->spec ? pr->spec->password : NULL);
    free(msg);
    pr->r = r;
}

static void run_git(HealthProbe *pr) {
    _cleanup_(freep) char *why = NULL;
    int r = git_status_read(pr->repo, &pr->git, &why);
    if (r < 0) {
        fail(pr, r, "cannot read the git repository '%s': %s", pr->repo, why ? why : strerror(-r));
    }
}

/* A missing password variable stops the probe before it connects. */
static bool password_missing(HealthProbe *pr, const char *what, const char *id) {
    if (pr->spec->password_missing) {
        fail(pr, -ENOKEY,
             "the environment variable %s (password_env of %s '%s') is not set: set it and "
             "start opsdeck again",
             pr->spec->password_env, what, id);
    }
    return pr->spec->password_missing;
}

static void run_db(HealthProbe *pr) {
    const CheckSpec *s = pr->spec;
    if (password_missing(pr, "database", s->db_id)) {
        return;
    }
    DbTarget t = db_target_of(s);
    _cleanup_(freep) char *error = NULL;
    int r = db_info_probe(&t, pr->n_tables, &pr->db, &error);
    if (r < 0) {
        pr->unreachable = db_connect_unreachable(r);
        fail(pr, r, "%s", error ? error : "out of memory");
    }
}

static void run_redis(HealthProbe *pr) {
    const CheckSpec *s = pr->spec;
    if (password_missing(pr, "redis", s->redis_id)) {
        return;
    }
    RedisEndpoint e = {.id = s->redis_id,
                       .url = s->redis_url,
                       .password = s->password,
                       .timeout_ms = s->timeout_ms};
    _cleanup_(freep) char *error = NULL;
    int r = redis_info_probe(&e, &pr->redis, &error);
    if (r < 0) {
        pr->unreachable = redis_connect_unreachable(r);
        fail(pr, r, "%s", error ? error : "out of memory");
    }
}

void health_probe_run(HealthProbe *pr) {
    long long t0 = time_mono_ms();
    static void (*const run[_HEALTH_KIND_MAX])(HealthProbe *) = {
        [HEALTH_GIT] = run_git,
        [HEALTH_DB] = run_db,
        [HEALTH_REDIS] = run_redis,
    };
    run[pr->kind](pr);
    pr->latency_ms = time_mono_ms() - t0;
    pr->checked_at = time_now();
}

HealthProbe *health_probe_free(HealthProbe *pr) {
    if (!pr) {
        return NULL;
    }
    free(pr->repo);
    check_spec_free(pr->spec);
    git_status_free(pr->git);
    db_info_free(pr->db);
    redis_info_free(pr->redis);
    free(pr->error);
    free(pr);
    return NULL;
}

char *health_probe_where(const Plan *p, HealthKind kind, size_t index) {
    _cleanup_(freep) char *raw = NULL;
    if (kind == HEALTH_GIT) {
        raw = repo_path(p);
    } else if (kind == HEALTH_DB && index < p->n_databases) {
        const Database *db = &p->databases[index];
        if (db->socket) {
            raw = strdup(db->socket);
        } else if (asprintf(&raw, "%s:%u", db->host ? db->host : "localhost", db->port) < 0) {
            raw = NULL;
        }
    } else if (kind == HEALTH_REDIS && index < p->n_redis) {
        raw = redis_url_redact(p->redis[index].url);
    }
    return raw ? redact_sanitize(raw, NULL) : NULL;
}
