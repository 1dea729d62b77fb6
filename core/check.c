#include "core/check.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check_internal.h"
#include "core/text.h"
#include "core/timeutil.h"

const char *check_status_to_string(CheckStatus s) {
    static const char *const names[_CHECK_STATUS_MAX] = {
        [CHECK_STATUS_UNKNOWN] = "unknown",
        [CHECK_STATUS_OK] = "ok",
        [CHECK_STATUS_WARN] = "warn",
        [CHECK_STATUS_FAIL] = "fail",
    };
    return s < _CHECK_STATUS_MAX ? names[s] : "unknown";
}

void check_result_done(CheckResult *r) {
    if (!r) {
        return;
    }
    r->value = mfree(r->value);
    r->error = mfree(r->error);
    r->note = mfree(r->note);
}

static int dup_opt(const char *s, char **ret) {
    *ret = NULL;
    if (s && !(*ret = strdup(s))) {
        return -ENOMEM;
    }
    return 0;
}

int check_result_copy(const CheckResult *r, CheckResult *ret) {
    CheckResult c = *r;
    c.value = c.error = c.note = NULL;
    if (dup_opt(r->value, &c.value) < 0 || dup_opt(r->error, &c.error) < 0 ||
        dup_opt(r->note, &c.note) < 0) {
        check_result_done(&c);
        return -ENOMEM;
    }
    *ret = c;
    return 0;
}

/* --- specs -------------------------------------------------------------------------------- */

static int copy_threshold(const Threshold *t, Threshold *ret, char **ret_str) {
    *ret = *t;
    *ret_str = NULL;
    if (t->op == THRESH_STR) {
        if (!(*ret_str = strdup(t->str ? t->str : ""))) {
            return -ENOMEM;
        }
        ret->str = *ret_str;
    }
    return 0;
}

static const Database *find_database(const Plan *p, const char *id) {
    for (size_t i = 0; id && i < p->n_databases; i++) {
        if (streq(p->databases[i].id, id)) {
            return &p->databases[i];
        }
    }
    return NULL;
}

static const RedisTarget *find_redis(const Plan *p, const char *id) {
    for (size_t i = 0; id && i < p->n_redis; i++) {
        if (streq(p->redis[i].id, id)) {
            return &p->redis[i];
        }
    }
    return NULL;
}

static int read_password(CheckSpec *s, const char *env) {
    if (!env) {
        return 0;
    }
    if (dup_opt(env, &s->password_env) < 0) {
        return -ENOMEM;
    }
    const char *v = getenv(env);
    if (!v) {
        s->password_missing = true;
        return 0;
    }
    return dup_opt(v, &s->password);
}

int check_plan_path(const Plan *p, const char *path, char **ret) {
    _cleanup_(freep) char *expanded = check_expand_home(path);
    if (!expanded) {
        return -ENOMEM;
    }
    if (expanded[0] == '/' || !p->file) {
        *ret = TAKE_PTR(expanded);
        return 0;
    }
    /* relative to the plan file's directory, absolute when it exists */
    const char *slash = strrchr(p->file, '/');
    _cleanup_(freep) char *dir =
        slash ? strndup(p->file, slash == p->file ? 1 : (size_t)(slash - p->file)) : strdup(".");
    if (!dir) {
        return -ENOMEM;
    }
    _cleanup_(freep) char *abs = realpath(dir, NULL);
    char *out = NULL;
    if (asprintf(&out, "%s/%s", abs ? abs : dir, expanded) < 0) {
        return -ENOMEM;
    }
    *ret = out;
    return 0;
}

/* check_plan_path, NULL staying NULL. */
static int plan_path_opt(const Plan *p, const char *path, char **ret) {
    *ret = NULL;
    return path ? check_plan_path(p, path, ret) : 0;
}

int check_spec_new(const Plan *p, const Check *c, unsigned flags, CheckSpec **ret) {
    _cleanup_(check_spec_freep) CheckSpec *s = calloc(1, sizeof(*s));
    if (!s) {
        return -ENOMEM;
    }
    s->kind = c->kind;
    s->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 5000;
    s->flags = flags;
    if (dup_opt(c->id, &s->id) < 0 || dup_opt(c->path, &s->path) < 0 ||
        dup_opt(c->url, &s->url) < 0 || dup_opt(c->query, &s->query) < 0 ||
        dup_opt(c->command, &s->command) < 0 || dup_opt(c->unit, &s->unit) < 0 ||
        plan_path_opt(p, c->ca_file, &s->ca_file) < 0 ||
        copy_threshold(&c->warn, &s->warn, &s->warn_str) < 0 ||
        copy_threshold(&c->fail, &s->fail, &s->fail_str) < 0 ||
        copy_threshold(&c->expect, &s->expect, &s->expect_str) < 0) {
        return -ENOMEM;
    }
    const Database *db = c->kind == CHECK_SQL ? find_database(p, c->database) : NULL;
    if (db) {
        s->db_port = db->port;
        if (dup_opt(db->id, &s->db_id) < 0 || dup_opt(db->host, &s->db_host) < 0 ||
            dup_opt(db->user, &s->db_user) < 0 || dup_opt(db->database, &s->db_name) < 0 ||
            dup_opt(db->socket, &s->db_socket) < 0 ||
            plan_path_opt(p, db->option_file, &s->db_option_file) < 0 ||
            read_password(s, db->password_env) < 0) {
            return -ENOMEM;
        }
    } else if (c->kind == CHECK_SQL && dup_opt(c->database, &s->db_id) < 0) {
        return -ENOMEM;
    }
    const RedisTarget *rt = c->kind == CHECK_REDIS ? find_redis(p, c->redis) : NULL;
    if (rt) {
        if (dup_opt(rt->id, &s->redis_id) < 0 || dup_opt(rt->url, &s->redis_url) < 0 ||
            read_password(s, rt->password_env) < 0) {
            return -ENOMEM;
        }
    } else if (c->kind == CHECK_REDIS && dup_opt(c->redis, &s->redis_id) < 0) {
        return -ENOMEM;
    }
    *ret = TAKE_PTR(s);
    return 0;
}

CheckSpec *check_spec_free(CheckSpec *s) {
    if (!s) {
        return NULL;
    }
    if (s->password) {
        explicit_bzero(s->password, strlen(s->password));
        free(s->password);
    }
    char *strs[] = {s->id,       s->path,      s->url,          s->query,      s->command,
                    s->unit,     s->warn_str,  s->fail_str,     s->expect_str, s->db_id,
                    s->db_host,  s->db_user,   s->db_name,      s->db_socket,  s->db_option_file,
                    s->redis_id, s->redis_url, s->password_env, s->ca_file};
    for (size_t i = 0; i < ELEMENTSOF(strs); i++) {
        free(strs[i]);
    }
    free(s);
    return NULL;
}

/* --- judging ------------------------------------------------------------------------------ */

static char *why_limit(const char *value, const Threshold *t, const char *what) {
    char buf[128], *out = NULL;
    if (asprintf(&out, "%s %s (%s)", value, threshold_format(t, buf, sizeof(buf)), what) < 0) {
        return NULL;
    }
    return out;
}

CheckStatus check_judge(const CheckSpec *s, const char *value, char **ret_why) {
    *ret_why = NULL;
    char buf[128];
    if (!value) {
        *ret_why = strdup("no value");
        return CHECK_STATUS_FAIL;
    }
    if (s->expect.op != THRESH_NONE && !threshold_match(&s->expect, value)) {
        const char *e = threshold_format(&s->expect, buf, sizeof(buf));
        if (s->expect.op == THRESH_EQ && !s->expect.percent) {
            e += 2; /* "= 200" reads "expected 200" */
        }
        if (asprintf(ret_why, "%s, expected %s", value, e) < 0) {
            *ret_why = NULL;
        }
        return CHECK_STATUS_FAIL;
    }
    if (s->fail.op != THRESH_NONE && threshold_match(&s->fail, value)) {
        *ret_why = why_limit(value, &s->fail, "fail limit");
        return CHECK_STATUS_FAIL;
    }
    if (s->warn.op != THRESH_NONE && threshold_match(&s->warn, value)) {
        *ret_why = why_limit(value, &s->warn, "warn limit");
        return CHECK_STATUS_WARN;
    }
    return CHECK_STATUS_OK;
}

/* --- raw results -------------------------------------------------------------------------- */

static char *vformat(const char *fmt, va_list ap) {
    char *out = NULL;
    if (vasprintf(&out, fmt, ap) < 0) {
        return NULL;
    }
    return out;
}

void check_raw_fail(CheckRaw *raw, CheckStatus status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    free(raw->error);
    raw->error = vformat(fmt, ap);
    va_end(ap);
    raw->status = status;
    raw->judge = false;
}

void check_raw_note(CheckRaw *raw, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *n = vformat(fmt, ap);
    va_end(ap);
    if (!n) {
        return;
    }
    if (raw->note) {
        char *both = NULL;
        if (asprintf(&both, "%s; %s", raw->note, n) >= 0) {
            free(raw->note);
            raw->note = both;
        }
        free(n);
    } else {
        raw->note = n;
    }
}

void check_raw_value(CheckRaw *raw, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    free(raw->value);
    raw->value = vformat(fmt, ap);
    va_end(ap);
}

unsigned check_timeout_seconds(const CheckSpec *s) {
    long long sec = (s->timeout_ms + 999) / 1000;
    return sec < 1 ? 1 : sec > 3600 ? 3600 : (unsigned)sec;
}

char *check_expand_home(const char *path) {
    const char *home = getenv("HOME");
    char *out = NULL;
    if (path[0] == '~' && path[1] == '/' && home && *home) {
        return asprintf(&out, "%s%s", home, path + 1) < 0 ? NULL : out;
    }
    return strdup(path);
}

/* s with every occurrence of secret replaced by "***", sanitised; NULL stays NULL. */
static char *clean(char *s, const char *secret) {
    if (!s) {
        return NULL;
    }
    size_t sl = secret ? strlen(secret) : 0;
    if (sl) {
        for (char *hit; (hit = strstr(s, secret));) {
            char *masked = NULL;
            if (asprintf(&masked, "%.*s***%s", (int)(hit - s), s, hit + sl) < 0) {
                free(s);
                return strdup("(hidden: it contained a secret)");
            }
            free(s);
            s = masked;
        }
    }
    char *out = text_sanitize(s, strlen(s));
    free(s);
    return out;
}

typedef void (*KindFn)(const CheckSpec *s, CheckRaw *raw);

static const KindFn kinds[_CHECK_KIND_MAX] = {
    [CHECK_DISK] = check_run_disk, [CHECK_MEMORY] = check_run_memory, [CHECK_HTTP] = check_run_http,
    [CHECK_SQL] = check_run_sql,   [CHECK_REDIS] = check_run_redis,   [CHECK_UNIT] = check_run_unit,
};

void check_run(const CheckSpec *s, CheckResult *ret) {
    long long t0 = time_mono_ms();
    CheckRaw raw = {.status = CHECK_STATUS_UNKNOWN};
    if (s->kind < _CHECK_KIND_MAX && kinds[s->kind]) {
        kinds[s->kind](s, &raw);
    } else {
        check_raw_fail(&raw, CHECK_STATUS_UNKNOWN, "this kind of check is not supported");
    }
    CheckStatus st = raw.status;
    if (raw.judge) {
        char *why = NULL;
        st = check_judge(s, raw.value, &why);
        if (why) {
            free(raw.error);
            raw.error = why;
        }
    }
    *ret = (CheckResult){
        .status = st,
        .value = clean(raw.value, s->password),
        .error = clean(raw.error, s->password),
        .note = clean(raw.note, s->password),
        .latency_ms = time_mono_ms() - t0,
        .checked_at = time_now(),
        .unreachable = raw.unreachable,
    };
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init_once(void) {
    check_http_global_init();
    check_sql_global_init();
}

void check_global_init(void) {
    (void)pthread_once(&global_once, global_init_once);
}
