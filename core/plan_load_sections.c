#include "core/plan_load_sections.h"

#include <stdlib.h>
#include <string.h>

#include "core/plan_schema.h"
#include "core/redis_url.h"
#include "core/sql_guard.h"

static const char *const service_keys[] = {"unit", "title", "critical", NULL};
static const char *const log_keys[] = {"id", "title", "unit", "file", "highlight", NULL};
static const char *const database_keys[] = {
    "id", "host", "port", "user", "database", "password_env", "option_file", "socket", NULL,
};
static const char *const redis_keys[] = {"id", "url", "password_env", NULL};

#define CHECK_COMMON "id", "kind", "title", "interval", "timeout"
static const char *const *const check_keys[_CHECK_KIND_MAX] = {
    [CHECK_DISK] = (const char *const[]){CHECK_COMMON, "path", "warn", "fail", NULL},
    [CHECK_MEMORY] = (const char *const[]){CHECK_COMMON, "warn", "fail", NULL},
    [CHECK_HTTP] =
        (const char *const[]){CHECK_COMMON, "url", "ca_file", "expect", "warn", "fail", NULL},
    [CHECK_SQL] =
        (const char *const[]){CHECK_COMMON, "database", "query", "expect", "warn", "fail", NULL},
    [CHECK_REDIS] =
        (const char *const[]){CHECK_COMMON, "redis", "command", "expect", "warn", "fail", NULL},
    [CHECK_UNIT] = (const char *const[]){CHECK_COMMON, "unit", NULL},
};
static const char *const check_kind_names[_CHECK_KIND_MAX] = {
    [CHECK_DISK] = "disk", [CHECK_MEMORY] = "memory", [CHECK_HTTP] = "http",
    [CHECK_SQL] = "sql",   [CHECK_REDIS] = "redis",   [CHECK_UNIT] = "unit",
};

static const char *const action_kind_names[_ACTION_KIND_MAX] = {
    [ACTION_DB_BACKUP] = "db.backup",
    [ACTION_DB_QUERY] = "db.query",
    [ACTION_SYSTEMD_START] = "systemd.start",
    [ACTION_SYSTEMD_STOP] = "systemd.stop",
    [ACTION_SYSTEMD_RESTART] = "systemd.restart",
    [ACTION_SYSTEMD_RELOAD] = "systemd.reload",
    [ACTION_GIT_FETCH] = "git.fetch",
    [ACTION_GIT_CHECKOUT] = "git.checkout",
    [ACTION_GIT_TAG] = "git.tag",
    [ACTION_GIT_ROLLBACK] = "git.rollback",
    [ACTION_RUN] = "run",
};
static const char *const action_keys[] = {
    "id",
    "title",
    "db.backup",
    "db.query",
    "systemd.start",
    "systemd.stop",
    "systemd.restart",
    "systemd.reload",
    "git.fetch",
    "git.checkout",
    "git.tag",
    "git.rollback",
    "run",
    "cwd",
    "env",
    "timeout",
    "shell",
    NULL,
};

const char *check_kind_to_string(CheckKind k) {
    return k < _CHECK_KIND_MAX ? check_kind_names[k] : "?";
}

const char *action_kind_to_string(ActionKind k) {
    return k < _ACTION_KIND_MAX ? action_kind_names[k] : "?";
}

void sections_check_redis_url(Loader *L, const YNode *at, const char *url) {
    RedisUrl u;
    const char *why = NULL;
    int r = redis_url_parse(url, &u, &why);
    if (r < 0) {
        diag_error(L->d, at->line, at->col, "redis URL is not valid: %s",
                   why ? why : "out of memory");
        return;
    }
    if (u.has_password) {
        diag_error(L->d, at->line, at->col,
                   "redis URL carries a password: secrets never go in the plan; use "
                   "'password_env' (value not shown)");
    }
    redis_url_done(&u);
}

/* A section: a list of mappings; calls fn for each with its index. */
static void *load_list(Loader *L, const YNode *root, const char *key, size_t elem, size_t *ret_n,
                       void (*fn)(Loader *, const YNode *, void *)) {
    *ret_n = 0;
    const YNode *list = schema_get(L, root, key);
    if (!list || ynode_is_null(L->t, list)) {
        return NULL;
    }
    if (list->type != YNODE_SEQ) {
        diag_error(L->d, list->line, list->col, "'%s' must be a list", key);
        return NULL;
    }
    unsigned char *v = arena_alloc(L->arena, (list->n ? list->n : 1) * elem);
    if (!v) {
        return NULL;
    }
    size_t n = 0;
    for (uint32_t c = list->first; c; c = ynode(L->t, c)->next) {
        const YNode *e = ynode(L->t, c);
        if (e->type != YNODE_MAP) {
            diag_error(L->d, e->line, e->col, "an entry of '%s' must be a mapping", key);
            continue;
        }
        fn(L, e, v + n * elem);
        n++;
    }
    *ret_n = n;
    return v;
}

static void load_service(Loader *L, const YNode *n, void *out) {
    Service *s = out;
    schema_keys(L, n, service_keys, "a service");
    s->pos = node_pos(n);
    s->unit = schema_str(L, n, "unit", true, "a service");
    s->title = schema_str(L, n, "title", false, "a service");
    s->critical = schema_bool(L, n, "critical", false, "a service");
    if (s->unit && strmap_put(L->index->units, s->unit, s, 0, NULL, NULL) < 0) {
        diag_error(L->d, n->line, n->col, "service '%s' is listed twice", s->unit);
    }
}

static void load_log(Loader *L, const YNode *n, void *out) {
    LogSource *g = out;
    schema_keys(L, n, log_keys, "a log");
    g->pos = node_pos(n);
    g->id = schema_id(L, n, "a log");
    g->title = schema_str(L, n, "title", false, "a log");
    g->unit = schema_str(L, n, "unit", false, "a log");
    g->file = schema_str(L, n, "file", false, "a log");
    g->highlight = schema_strlist(L, n, "highlight", "a log");
    if (!!g->unit == !!g->file) {
        diag_error(L->d, n->line, n->col, "log '%s' needs exactly one of 'unit' and 'file'",
                   g->id ? g->id : "?");
    }
    schema_register_id(L, g->id, n, ID_LOG, g);
}

static void load_threshold(Loader *L, const YNode *n, const char *key, ThresholdMode mode,
                           Threshold *t, const char *what) {
    const YNode *v = schema_get(L, n, key);
    t->op = THRESH_NONE;
    if (!v || ynode_is_null(L->t, v)) {
        return;
    }
    const char *s = schema_scalar_of(L, v, "", key, what);
    if (s && threshold_parse(s, mode, t) < 0) {
        diag_error(L->d, v->line, v->col,
                   "'%s' of %s '%s' is not a threshold; write it like \"85%%\", \"> 1000\" or "
                   "\"< 5\"",
                   key, what, s);
    }
}

static void load_check(Loader *L, const YNode *n, void *out) {
    Check *c = out;
    c->pos = node_pos(n);
    c->id = schema_id(L, n, "a check");
    char what[96];
    snprintf(what, sizeof(what), "check '%s'", c->id ? c->id : "?");
    const char *kind = schema_str(L, n, "kind", true, what);
    int k = -1;
    for (int i = 0; kind && i < _CHECK_KIND_MAX; i++) {
        if (strcmp(kind, check_kind_names[i]) == 0) {
            k = i;
        }
    }
    if (kind && k < 0) {
        const YNode *kn = schema_get(L, n, "kind");
        diag_error(L->d, kn->line, kn->col,
                   "kind '%s' of %s is not one of disk, memory, http, sql, redis, unit", kind,
                   what);
    }
    schema_register_id(L, c->id, n, ID_CHECK, c);
    if (k < 0) {
        /* still report unknown keys and inline secrets against every kind's keys */
        static const char *const any_check_keys[] = {
            CHECK_COMMON, "path", "url",  "ca_file", "database", "query", "redis",
            "command",    "unit", "warn", "fail",    "expect",   NULL,
        };
        schema_keys(L, n, any_check_keys, what);
        return;
    }
    c->kind = (CheckKind)k;
    schema_keys(L, n, check_keys[k], what);
    c->title = schema_str(L, n, "title", false, what);
    c->interval_ms = schema_duration(L, n, "interval", 10, true, what) * 1000;
    c->timeout_ms = schema_duration(L, n, "timeout", 5, true, what) * 1000;
    if (c->interval_ms <= 0) {
        c->interval_ms = 10000;
    }
    if (c->timeout_ms <= 0) {
        c->timeout_ms = 5000;
    }
    c->path = schema_str(L, n, "path", false, what);
    if (k == CHECK_DISK && !c->path) {
        c->path = "/";
    }
    c->url = schema_str(L, n, "url", k == CHECK_HTTP, what);
    c->ca_file = schema_str(L, n, "ca_file", false, what);
    c->database = schema_str(L, n, "database", k == CHECK_SQL, what);
    const YNode *dbn = schema_get(L, n, "database");
    c->database_pos = node_pos(dbn ? dbn : n);
    c->query = schema_str(L, n, "query", k == CHECK_SQL, what);
    c->redis = schema_str(L, n, "redis", k == CHECK_REDIS, what);
    c->command = schema_str(L, n, "command", k == CHECK_REDIS, what);
    c->unit = schema_str(L, n, "unit", k == CHECK_UNIT, what);
    load_threshold(L, n, "warn", THRESHOLD_LIMIT, &c->warn, what);
    load_threshold(L, n, "fail", THRESHOLD_LIMIT, &c->fail, what);
    load_threshold(L, n, "expect", THRESHOLD_EXPECT, &c->expect, what);
}

static void load_database(Loader *L, const YNode *n, void *out) {
    Database *d = out;
    schema_keys(L, n, database_keys, "a database");
    d->pos = node_pos(n);
    d->id = schema_id(L, n, "a database");
    d->host = schema_str(L, n, "host", false, "a database");
    d->user = schema_str(L, n, "user", false, "a database");
    d->database = schema_str(L, n, "database", false, "a database");
    d->password_env = schema_str(L, n, "password_env", false, "a database");
    d->option_file = schema_str(L, n, "option_file", false, "a database");
    d->socket = schema_str(L, n, "socket", false, "a database");
    d->port = 3306;
    const YNode *port = schema_get(L, n, "port");
    if (port) {
        const char *s = schema_scalar(L, port, "'port' of a database");
        char *end = NULL;
        long v = s ? strtol(s, &end, 10) : 0;
        if (s && (*end || v <= 0 || v > 65535)) {
            diag_error(L->d, port->line, port->col, "port '%s' is not a number 1-65535", s);
        } else if (s) {
            d->port = (unsigned)v;
        }
    }
    if (!d->host && !d->socket) {
        d->host = "127.0.0.1";
    }
    if (!d->database) {
        d->database = d->id;
    }
    schema_register_id(L, d->id, n, ID_DATABASE, d);
}

static void load_redis(Loader *L, const YNode *n, void *out) {
    RedisTarget *r = out;
    schema_keys(L, n, redis_keys, "a redis target");
    r->pos = node_pos(n);
    r->id = schema_id(L, n, "a redis target");
    r->url = schema_str(L, n, "url", true, "a redis target");
    r->password_env = schema_str(L, n, "password_env", false, "a redis target");
    if (r->url) {
        sections_check_redis_url(L, schema_get(L, n, "url"), r->url);
    }
    schema_register_id(L, r->id, n, ID_REDIS, r);
}

/* The argument of an action kind: a scalar, or a mapping with named fields. */
static void load_action_arg(Loader *L, Action *a, const YNode *n_action, const YNode *arg,
                            const char *what) {
    const YTree *t = L->t;
    bool is_map = arg->type == YNODE_MAP;
    bool is_null = ynode_is_null(t, arg);
    switch (a->kind) {
    case ACTION_DB_BACKUP:
    case ACTION_DB_QUERY:
        if (is_map) {
            schema_keys(L, arg, (const char *const[]){"database", "dir", "query", NULL}, what);
            a->database = schema_str(L, arg, "database", true, what);
            const YNode *dbn = schema_get(L, arg, "database");
            a->database_pos = node_pos(dbn ? dbn : arg);
            a->dir = schema_str(L, arg, "dir", false, what);
            a->query = schema_str(L, arg, "query", a->kind == ACTION_DB_QUERY, what);
            const char *why = NULL;
            if (a->kind == ACTION_DB_QUERY && a->query && !sql_is_read_only(a->query, &why)) {
                const YNode *qn = schema_get(L, arg, "query");
                diag_error(L->d, qn->line, qn->col, "%s: the query must be read-only: %s", what,
                           why);
            }
        } else {
            a->database = schema_scalar(L, arg, what);
            a->database_pos = node_pos(arg);
            if (a->kind == ACTION_DB_QUERY) {
                diag_error(L->d, arg->line, arg->col,
                           "%s needs a mapping with 'database' and 'query'", what);
            }
        }
        break;
    case ACTION_SYSTEMD_START:
    case ACTION_SYSTEMD_STOP:
    case ACTION_SYSTEMD_RESTART:
    case ACTION_SYSTEMD_RELOAD: {
        /* reuse the list reader through a one-key view: build by hand */
        if (arg->type == YNODE_SCALAR) {
            a->units.v = arena_alloc(L->arena, sizeof(char *));
            if (a->units.v && (a->units.v[0] = schema_scalar(L, arg, what))) {
                a->units.n = 1;
            }
        } else if (arg->type == YNODE_SEQ && arg->n > 0) {
            a->units.v = arena_alloc(L->arena, arg->n * sizeof(char *));
            for (uint32_t c = arg->first; a->units.v && c; c = ynode(t, c)->next) {
                const char *u = schema_scalar(L, ynode(t, c), what);
                if (u) {
                    a->units.v[a->units.n++] = u;
                }
            }
        } else {
            diag_error(L->d, arg->line, arg->col, "%s needs a unit or a list of units", what);
        }
        break;
    }
    case ACTION_GIT_FETCH:
        if (is_map) {
            schema_keys(L, arg, (const char *const[]){"remote", NULL}, what);
            a->remote = schema_str(L, arg, "remote", false, what);
        } else if (!is_null && arg->type == YNODE_SCALAR) {
            a->remote = yscalar(t, arg);
        }
        break;
    case ACTION_GIT_CHECKOUT:
        if (is_map) {
            schema_keys(L, arg, (const char *const[]){"ref", NULL}, what);
            a->ref = schema_str(L, arg, "ref", true, what);
        } else {
            a->ref = schema_scalar(L, arg, what);
        }
        break;
    case ACTION_GIT_TAG:
        if (is_map) {
            schema_keys(L, arg, (const char *const[]){"name", "force", NULL}, what);
            a->tag = schema_str(L, arg, "name", true, what);
            a->force = schema_bool(L, arg, "force", false, what);
        } else {
            a->tag = schema_scalar(L, arg, what);
        }
        break;
    case ACTION_GIT_ROLLBACK:
        if (is_map) {
            schema_keys(L, arg, (const char *const[]){NULL}, what);
        }
        break;
    case ACTION_RUN:
        if (arg->type == YNODE_SCALAR && !is_null) {
            /* a single string is a shell command line: it needs shell: true */
            if (!schema_bool(L, n_action, "shell", false, what)) {
                diag_error(L->d, arg->line, arg->col,
                           "%s: 'run' as a single string needs 'shell: true'; or give the "
                           "command as a list: run: [./scripts/smoke_test.sh, --quick]",
                           what);
            }
            a->argv.v = arena_alloc(L->arena, sizeof(char *));
            if (a->argv.v) {
                a->argv.v[0] = yscalar(t, arg);
                a->argv.n = 1;
            }
        } else if (arg->type == YNODE_SEQ && arg->n > 0) {
            a->argv.v = arena_alloc(L->arena, arg->n * sizeof(char *));
            for (uint32_t c = arg->first; a->argv.v && c; c = ynode(t, c)->next) {
                const char *s = schema_scalar(L, ynode(t, c), what);
                if (s) {
                    a->argv.v[a->argv.n++] = s;
                }
            }
        } else {
            diag_error(L->d, arg->line, arg->col,
                       "%s needs a command as a list: run: [./scripts/smoke_test.sh, --quick]",
                       what);
        }
        break;
    default:
        break;
    }
}

static void load_run_options(Loader *L, const YNode *n, Action *a, const char *what) {
    a->cwd = schema_str(L, n, "cwd", false, what);
    a->shell = schema_bool(L, n, "shell", false, what);
    int64_t to = schema_duration(L, n, "timeout", 0, true, what);
    a->timeout_ms = to > 0 ? to * 1000 : 0;
    const YNode *env = schema_get(L, n, "env");
    if (env && !ynode_is_null(L->t, env)) {
        if (env->type != YNODE_MAP) {
            diag_error(L->d, env->line, env->col, "'env' of %s must be a mapping", what);
            return;
        }
        a->env = arena_alloc(L->arena, (env->n / 2 + 1) * sizeof(KeyValue));
        for (uint32_t k = env->first; a->env && k; k = ynode(L->t, ynode(L->t, k)->next)->next) {
            const YNode *kn = ynode(L->t, k), *vn = ynode(L->t, kn->next);
            const char *key = schema_scalar(L, kn, "an 'env' name");
            const char *val =
                vn->type == YNODE_SCALAR && !ynode_is_null(L->t, vn) ? yscalar(L->t, vn) : NULL;
            if (!val) {
                diag_error(L->d, vn->line, vn->col, "'env' values of %s must be strings", what);
            }
            if (key && val) {
                a->env[a->n_env++] = (KeyValue){key, val};
            }
        }
    }
    if (a->kind != ACTION_RUN && (a->cwd || a->env || a->timeout_ms || a->shell)) {
        diag_error(L->d, n->line, n->col, "cwd, env, timeout and shell apply to 'run' only (%s)",
                   what);
    }
}

static void load_action(Loader *L, const YNode *n, void *out) {
    Action *a = out;
    a->pos = node_pos(n);
    a->id = schema_id(L, n, "an action");
    char what[96];
    snprintf(what, sizeof(what), "action '%s'", a->id ? a->id : "?");
    schema_keys(L, n, action_keys, what);
    a->title = schema_str(L, n, "title", false, what);
    int found = 0;
    const YNode *arg = NULL;
    for (int k = 0; k < _ACTION_KIND_MAX; k++) {
        const YNode *v = schema_get(L, n, action_kind_names[k]);
        if (v) {
            if (found++ == 0) {
                a->kind = (ActionKind)k;
                arg = v;
            } else {
                diag_error(L->d, v->line, v->col, "%s has more than one kind ('%s' and '%s')", what,
                           action_kind_names[a->kind], action_kind_names[k]);
            }
        }
    }
    if (!found) {
        diag_error(L->d, n->line, n->col,
                   "%s has no kind: add one of run, systemd.restart, db.backup, git.tag, … "
                   "(see opsdeck-plan(5))",
                   what);
    } else {
        load_action_arg(L, a, n, arg, what);
    }
    load_run_options(L, n, a, what);
    schema_register_id(L, a->id, n, ID_ACTION, a);
}

void sections_load_targets(Loader *L, const YNode *root) {
    Plan *p = L->p;
    p->databases =
        load_list(L, root, "databases", sizeof(Database), &p->n_databases, load_database);
    p->redis = load_list(L, root, "redis", sizeof(RedisTarget), &p->n_redis, load_redis);
    p->services = load_list(L, root, "services", sizeof(Service), &p->n_services, load_service);
    p->logs = load_list(L, root, "logs", sizeof(LogSource), &p->n_logs, load_log);
    p->checks = load_list(L, root, "checks", sizeof(Check), &p->n_checks, load_check);
    p->actions = load_list(L, root, "actions", sizeof(Action), &p->n_actions, load_action);
}
