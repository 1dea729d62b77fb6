/* ActionSpec: a self-contained copy of a plan action; the confirmation policy. */
#include "core/action_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/timeutil.h"

static char *xstrdup(const char *s, int *r) {
    if (!s) {
        return NULL;
    }
    char *d = strdup(s);
    if (!d) {
        *r = -ENOMEM;
    }
    return d;
}

/* "~/x" → $HOME/x; absolute stays; relative → relative to dir. */
static char *resolve(const char *dir, const char *path, int *r) {
    if (!path) {
        return NULL;
    }
    char *out = NULL;
    const char *home = getenv("HOME");
    int k;
    if (path[0] == '~' && path[1] == '/' && home && *home) {
        k = asprintf(&out, "%s/%s", home, path + 2);
    } else if (path[0] == '/' || !dir) {
        k = asprintf(&out, "%s", path);
    } else {
        k = asprintf(&out, "%s/%s", dir, path);
    }
    if (k < 0) {
        *r = -ENOMEM;
        return NULL;
    }
    return out;
}

/* The directory of file, absolute when it exists (journaled paths mean something
 * later). */
static char *dir_of(const char *file, int *r) {
    const char *slash = file ? strrchr(file, '/') : NULL;
    char *d = slash ? strndup(file, slash == file ? 1 : (size_t)(slash - file)) : strdup(".");
    char *abs = d ? realpath(d, NULL) : NULL;
    if (abs) {
        free(d);
        d = abs;
    }
    if (!d) {
        *r = -ENOMEM;
    }
    return d;
}

static char **strv_copy(const char *const *v, size_t n, int *r) {
    char **out = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; out && i < n; i++) {
        out[i] = xstrdup(v[i], r);
    }
    if (!out) {
        *r = -ENOMEM;
    }
    return out;
}

static void strv_free(char **v) {
    for (size_t i = 0; v && v[i]; i++) {
        free(v[i]);
    }
    free(v);
}

static size_t strv_len(char *const *v) {
    size_t n = 0;
    while (v && v[n]) {
        n++;
    }
    return n;
}

/* git.tag names with '%' are strftime templates, expanded from UTC now. */
static char *expand_tag(const char *tmpl, int *r) {
    if (!tmpl || !strchr(tmpl, '%')) {
        return xstrdup(tmpl, r);
    }
    time_t now = time_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    char buf[256];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    /* the plan's template is the format, by design: strftime only formats times */
    size_t n = strftime(buf, sizeof(buf), tmpl, &tm);
#pragma GCC diagnostic pop
    return xstrdup(n ? buf : tmpl, r);
}

static const Database *find_database(const Plan *p, const char *id) {
    for (size_t i = 0; id && i < p->n_databases; i++) {
        if (p->databases[i].id && streq(p->databases[i].id, id)) {
            return &p->databases[i];
        }
    }
    return NULL;
}

static void copy_db(ActionSpec *s, const Plan *p, const Action *a, const ActionOptions *o, int *r) {
    s->db_id = xstrdup(a->database, r);
    s->query = xstrdup(a->query, r);
    const Database *db = find_database(p, a->database);
    if (!db) {
        return;
    }
    s->db_name = xstrdup(db->database ? db->database : db->id, r);
    s->db_host = xstrdup(db->host, r);
    s->db_user = xstrdup(db->user, r);
    s->db_socket = xstrdup(db->socket, r);
    s->db_option_file = resolve(s->plan_dir, db->option_file, r);
    s->db_port = db->port;
    s->password_env = xstrdup(db->password_env, r);
    if (db->password_env) {
        const char *pw = getenv(db->password_env);
        s->password = xstrdup(pw, r);
        s->password_missing = !pw;
    }
    size_t n = 0;
    s->secret_envs = calloc(p->n_databases + p->n_redis + 1, sizeof(char *));
    for (size_t i = 0; s->secret_envs && i < p->n_databases + p->n_redis; i++) {
        const char *e = i < p->n_databases ? p->databases[i].password_env
                                           : p->redis[i - p->n_databases].password_env;
        if (e && !(s->secret_envs[n++] = strdup(e))) {
            *r = -ENOMEM;
        }
    }
    if (!s->secret_envs) {
        *r = -ENOMEM;
    }
    if (a->kind == ACTION_DB_BACKUP) {
        if (a->dir) {
            s->dir = resolve(s->plan_dir, a->dir, r);
        } else if (o->journal_path) {
            _cleanup_(freep) char *jdir = dir_of(o->journal_path, r);
            s->dir = jdir ? resolve(jdir, "backups", r) : NULL;
        }
    }
}

static void copy_run(ActionSpec *s, const Action *a, int *r) {
    s->argv = strv_copy(a->argv.v, a->argv.n, r);
    s->cwd = a->cwd ? resolve(s->plan_dir, a->cwd, r) : xstrdup(s->plan_dir, r);
    s->env = calloc(a->n_env + 1, sizeof(char *));
    if (!s->env) {
        *r = -ENOMEM;
    }
    for (size_t i = 0; s->env && i < a->n_env; i++) {
        if (asprintf(&s->env[i], "%s=%s", a->env[i].key, a->env[i].value) < 0) {
            s->env[i] = NULL;
            *r = -ENOMEM;
            break;
        }
    }
    s->timeout_ms = a->timeout_ms;
    s->shell = a->shell;
}

static void make_targets(ActionSpec *s, int *r) {
    const char *one = NULL;
    switch (s->kind) {
    case ACTION_DB_BACKUP:
    case ACTION_DB_QUERY:
        one = s->db_id;
        break;
    case ACTION_GIT_FETCH:
        one = s->remote;
        break;
    case ACTION_GIT_CHECKOUT:
        one = s->ref;
        break;
    case ACTION_GIT_TAG:
        one = s->tag;
        break;
    case ACTION_RUN:
        s->targets = strv_copy((const char *const *)s->argv, strv_len(s->argv), r);
        return;
    case ACTION_GIT_ROLLBACK:
        break;
    default:
        s->targets = strv_copy((const char *const *)s->units, strv_len(s->units), r);
        return;
    }
    s->targets = strv_copy(&one, one ? 1 : 0, r);
}

int action_spec_new(const Plan *p, const Action *a, const ActionOptions *o, ActionSpec **ret) {
    ActionSpec *s = calloc(1, sizeof(*s));
    if (!s) {
        return -ENOMEM;
    }
    int r = 0;
    s->kind = a->kind;
    s->id = xstrdup(a->id, &r);
    s->title = xstrdup(a->title, &r);
    s->item = xstrdup(o->item, &r);
    s->actor = xstrdup(o->actor ? o->actor : "unknown", &r);
    s->journal_path = xstrdup(o->journal_path, &r);
    s->force_target = xstrdup(o->force_target, &r);
    s->user_bus = o->user_bus;
    s->plan_dir = dir_of(p->file, &r);
    s->repo = resolve(s->plan_dir, p->repo_path, &r);
    s->remote = xstrdup(a->remote ? a->remote : p->repo_remote ? p->repo_remote : "origin", &r);
    s->ref = xstrdup(a->ref, &r);
    s->tag = expand_tag(a->tag, &r);
    s->tag_force = a->force;
    if (a->kind == ACTION_DB_BACKUP || a->kind == ACTION_DB_QUERY) {
        copy_db(s, p, a, o, &r);
    }
    if (a->kind == ACTION_RUN) {
        copy_run(s, a, &r);
    }
    if (a->units.n) {
        s->units = strv_copy(a->units.v, a->units.n, &r);
    }
    make_targets(s, &r);
    if (r < 0 || !s->targets) {
        action_spec_free(s);
        return -ENOMEM;
    }
    *ret = s;
    return 0;
}

ActionSpec *action_spec_free(ActionSpec *s) {
    if (!s) {
        return NULL;
    }
    if (s->password) {
        explicit_bzero(s->password, strlen(s->password));
        free(s->password);
    }
    char *strs[] = {
        s->id,      s->title,   s->item,    s->actor,     s->journal_path,   s->plan_dir,
        s->repo,    s->remote,  s->ref,     s->tag,       s->force_target,   s->db_id,
        s->db_name, s->db_host, s->db_user, s->db_socket, s->db_option_file, s->password_env,
        s->dir,     s->query,   s->cwd};
    for (size_t i = 0; i < ELEMENTSOF(strs); i++) {
        free(strs[i]);
    }
    strv_free(s->targets);
    strv_free(s->argv);
    strv_free(s->env);
    strv_free(s->units);
    strv_free(s->secret_envs);
    free(s);
    return NULL;
}

/* ---- the confirmation policy ---------------------------------------------- */

static bool reads_only(ActionKind k) {
    return k == ACTION_DB_QUERY || k == ACTION_GIT_FETCH;
}

static Risk action_phase_risk(const Plan *p, const Action *a) {
    Risk worst = RISK_LOW;
    for (size_t i = 0; i < p->n_all_items; i++) {
        const Item *it = p->all_items[i];
        if (it->action && streq(it->action, a->id) && p->phases[it->phase].risk > worst) {
            worst = p->phases[it->phase].risk;
        }
    }
    return worst;
}

ActionConfirm action_confirm_level(const Plan *p, const Action *a, const Phase *phase,
                                   const char **ret_word) {
    *ret_word = NULL;
    if (reads_only(a->kind)) {
        return ACTION_CONFIRM_NONE;
    }
    if (a->kind == ACTION_SYSTEMD_STOP || a->kind == ACTION_SYSTEMD_RESTART) {
        for (size_t i = 0; i < a->units.n; i++) {
            const Service *sv = plan_find_service(p, a->units.v[i]);
            if (sv && sv->critical) {
                *ret_word = sv->unit;
                return ACTION_CONFIRM_TYPE;
            }
        }
    }
    Risk risk = phase ? phase->risk : action_phase_risk(p, a);
    if (risk == RISK_HIGH) {
        *ret_word = a->id;
        return ACTION_CONFIRM_TYPE;
    }
    return ACTION_CONFIRM_YES;
}

char *action_summary(const Plan *p, const Action *a) {
    char *out = NULL;
    const char *kind = action_kind_to_string(a->kind);
    const char *repo = p->repo_path ? p->repo_path : "(no repo)";
    int k = -1;
    switch (a->kind) {
    case ACTION_DB_BACKUP:
        k = asprintf(&out, "%s: dump database '%s' into a .sql.gz file", kind, a->database);
        break;
    case ACTION_DB_QUERY:
        k = asprintf(&out, "%s on '%s': %s", kind, a->database, a->query ? a->query : "");
        break;
    case ACTION_GIT_FETCH:
        k = asprintf(&out, "%s %s in %s", kind,
                     a->remote        ? a->remote
                     : p->repo_remote ? p->repo_remote
                                      : "origin",
                     repo);
        break;
    case ACTION_GIT_CHECKOUT:
        k = asprintf(&out, "%s %s in %s", kind, a->ref, repo);
        break;
    case ACTION_GIT_TAG:
        k = asprintf(&out, "%s %s%s on HEAD of %s", kind, a->tag,
                     a->force ? " (moved if it exists)" : "", repo);
        break;
    case ACTION_GIT_ROLLBACK:
        k = asprintf(&out, "%s: check out the commit deployed before the current one in %s", kind,
                     repo);
        break;
    case ACTION_RUN: {
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f) {
            return NULL;
        }
        fprintf(f, "run%s:", a->shell ? " (sh -c)" : "");
        for (size_t i = 0; i < a->argv.n; i++) {
            fprintf(f, " %s", a->argv.v[i]);
        }
        if (a->cwd) {
            fprintf(f, " (in %s)", a->cwd);
        }
        k = fclose(f) == 0 ? 0 : -1;
        break;
    }
    default: {
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (!f) {
            return NULL;
        }
        fputs(kind, f);
        for (size_t i = 0; i < a->units.n; i++) {
            fprintf(f, " %s", a->units.v[i]);
        }
        k = fclose(f) == 0 ? 0 : -1;
        break;
    }
    }
    return k < 0 ? mfree(out) : out;
}
