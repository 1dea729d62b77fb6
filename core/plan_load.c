/* Plan loader: file → YAML tree → Plan, reporting every error it can find. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/fileio.h"
#include "core/plan.h"
#include "core/plan_load_sections.h"
#include "core/plan_schema.h"
#include "core/text.h"
#include "core/timeutil.h"

#define PLAN_MAX_BYTES ((size_t)256 << 20)

static const char *const top_keys[] = {
    "plan",  "id",       "start", "state",  "sync",    "repo",   "databases",
    "redis", "services", "logs",  "checks", "actions", "phases", NULL,
};
static const char *const phase_keys[] = {
    "id",    "title",    "risk", "depends", "duration", "owner", "watch", "point_of_no_return",
    "items", "rollback", NULL,
};
static const char *const item_keys[] = {
    "id", "text", "details", "action", "check", "optional", NULL,
};
static const char *const sync_keys[] = {"redis", "key", "password_env", NULL};
static const char *const repo_keys[] = {"path", "remote", NULL};

enum { F_ID, F_TEXT, F_DETAILS, F_ACTION, F_CHECK, F_OPTIONAL, _F_MAX };

/* The hot path of a big plan: one walk over the item's keys. */
static void load_item(Loader *L, const YNode *n, Item *it, size_t phase, bool rollback) {
    const char *what = rollback ? "a rollback step" : "an item";
    if (n->type != YNODE_MAP) {
        diag_error(L->d, n->line, n->col, "%s must be a mapping with id and text", what);
        return;
    }
    const YNode *f[_F_MAX] = {0};
    schema_fields(L, n, item_keys, what, f);
    it->pos = node_pos(n);
    it->phase = phase;
    it->rollback = rollback;
    it->id = schema_id(L, n, what);
    it->text = schema_val_str(L, f[F_TEXT], n, "text", true, what);
    it->details = schema_val_str(L, f[F_DETAILS], n, "details", false, what);
    it->action = schema_val_str(L, f[F_ACTION], n, "action", false, what);
    it->check = schema_val_str(L, f[F_CHECK], n, "check", false, what);
    it->action_pos = node_pos(f[F_ACTION] ? f[F_ACTION] : n);
    it->check_pos = node_pos(f[F_CHECK] ? f[F_CHECK] : n);
    it->optional = schema_val_bool(L, f[F_OPTIONAL], "optional", false, what);
    schema_register_id(L, it->id, n, ID_ITEM, it);
}

static Item *load_items(Loader *L, const YNode *list, size_t phase, bool rollback, size_t *ret_n) {
    *ret_n = 0;
    if (!list || ynode_is_null(L->t, list)) {
        return NULL;
    }
    if (list->type != YNODE_SEQ) {
        diag_error(L->d, list->line, list->col, "'%s' must be a list",
                   rollback ? "rollback" : "items");
        return NULL;
    }
    Item *v = arena_alloc(L->arena, (list->n ? list->n : 1) * sizeof(Item));
    if (!v) {
        return NULL;
    }
    size_t i = 0;
    for (uint32_t c = list->first; c; c = ynode(L->t, c)->next) {
        load_item(L, ynode(L->t, c), &v[i++], phase, rollback);
    }
    *ret_n = i;
    return v;
}

static void load_phase(Loader *L, const YNode *n, Phase *ph, size_t index) {
    if (n->type != YNODE_MAP) {
        diag_error(L->d, n->line, n->col, "a phase must be a mapping with id, title and items");
        return;
    }
    schema_keys(L, n, phase_keys, "a phase");
    ph->pos = node_pos(n);
    ph->id = schema_id(L, n, "a phase");
    char what[96];
    snprintf(what, sizeof(what), "phase '%s'", ph->id ? ph->id : "?");
    ph->title = schema_str(L, n, "title", true, what);
    ph->owner = schema_str(L, n, "owner", false, what);
    const YNode *risk = schema_get(L, n, "risk");
    ph->risk = RISK_LOW;
    if (risk) {
        const char *s = schema_scalar(L, risk, "risk");
        int r = s ? risk_from_string(s) : 0;
        if (r < 0) {
            diag_error(L->d, risk->line, risk->col,
                       "risk '%s' of %s is not one of low, medium, coordination, high", s, what);
        } else {
            ph->risk = (Risk)r;
        }
    }
    int64_t d = schema_duration(L, n, "duration", 0, false, what);
    ph->duration = d < 0 ? 0 : d;
    ph->point_of_no_return = schema_bool(L, n, "point_of_no_return", false, what);
    ph->depends = schema_strlist(L, n, "depends", what);
    ph->watch = schema_strlist(L, n, "watch", what);
    schema_register_id(L, ph->id, n, ID_PHASE, ph);
    ph->items = load_items(L, schema_get(L, n, "items"), index, false, &ph->n_items);
    ph->rollback = load_items(L, schema_get(L, n, "rollback"), index, true, &ph->n_rollback);
    if (!schema_get(L, n, "items")) {
        diag_error(L->d, n->line, n->col, "%s has no 'items'", what);
    }
}

static void load_phases(Loader *L, const YNode *list) {
    Plan *p = L->p;
    if (!list) {
        diag_error(L->d, 1, 1, "the plan has no 'phases'");
        return;
    }
    if (list->type != YNODE_SEQ || list->n == 0) {
        diag_error(L->d, list->line, list->col, "'phases' must be a non-empty list");
        return;
    }
    p->phases = arena_alloc(L->arena, list->n * sizeof(Phase));
    if (!p->phases) {
        return;
    }
    for (uint32_t c = list->first; c; c = ynode(L->t, c)->next) {
        load_phase(L, ynode(L->t, c), &p->phases[p->n_phases], p->n_phases);
        p->n_phases++;
    }
}

static void load_top_scalars(Loader *L, const YNode *root, const char *name) {
    Plan *p = L->p;
    p->title = schema_str(L, root, "plan", true, "the plan");
    /* the plan id names the default journal file: the same rule as every id, so it
     * can never climb out of the state directory */
    p->id = schema_get(L, root, "id") ? schema_id(L, root, "the plan") : NULL;
    if (!p->id) {
        /* derive from the file name: letters, digits and '-' */
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        size_t n = strcspn(base, ".");
        char *id = arena_alloc(L->arena, n + 1);
        if (id) {
            for (size_t i = 0; i < n; i++) {
                char c = base[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
                id[i] = ok ? c : '-';
            }
            p->id = n && n <= 64 && id[0] != '-' && id[0] != '_' ? id : "plan";
        }
    }
    const YNode *start = schema_get(L, root, "start");
    if (start && !ynode_is_null(L->t, start)) {
        const char *s = schema_scalar(L, start, "'start'");
        if (s && time_parse_iso8601(s, &p->start) < 0) {
            diag_error(L->d, start->line, start->col,
                       "start '%s' is not an ISO 8601 time such as 2026-11-28T22:00:00Z", s);
        } else if (s) {
            p->has_start = true;
        }
    }
    p->state = schema_str(L, root, "state", false, "the plan");
    const YNode *sync = schema_get(L, root, "sync");
    if (sync && !ynode_is_null(L->t, sync)) {
        if (sync->type != YNODE_MAP) {
            diag_error(L->d, sync->line, sync->col, "'sync' must be a mapping with 'redis'");
        } else {
            schema_keys(L, sync, sync_keys, "'sync'");
            p->sync_redis = schema_str(L, sync, "redis", true, "'sync'");
            p->sync_key = schema_str(L, sync, "key", false, "'sync'");
            p->sync_password_env = schema_str(L, sync, "password_env", false, "'sync'");
            if (p->sync_redis) {
                sections_check_redis_url(L, schema_get(L, sync, "redis"), p->sync_redis);
            }
        }
    }
    const YNode *repo = schema_get(L, root, "repo");
    if (repo && !ynode_is_null(L->t, repo)) {
        if (repo->type != YNODE_MAP) {
            diag_error(L->d, repo->line, repo->col, "'repo' must be a mapping with 'path'");
        } else {
            schema_keys(L, repo, repo_keys, "'repo'");
            p->repo_path = schema_str(L, repo, "path", true, "'repo'");
            p->repo_remote = schema_str(L, repo, "remote", false, "'repo'");
            if (!p->repo_remote) {
                p->repo_remote = "origin";
            }
        }
    }
}

/* Flat item table and counts, once everything is loaded. */
static int index_items(Loader *L) {
    Plan *p = L->p;
    size_t n = 0;
    for (size_t i = 0; i < p->n_phases; i++) {
        n += p->phases[i].n_items + p->phases[i].n_rollback;
        p->n_items += p->phases[i].n_items;
    }
    p->all_items = arena_alloc(L->arena, (n ? n : 1) * sizeof(Item *));
    if (!p->all_items) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < p->n_phases; i++) {
        Phase *ph = &p->phases[i];
        for (size_t k = 0; k < ph->n_items; k++) {
            ph->items[k].index = p->n_all_items;
            p->all_items[p->n_all_items++] = &ph->items[k];
        }
        for (size_t k = 0; k < ph->n_rollback; k++) {
            ph->rollback[k].index = p->n_all_items;
            p->all_items[p->n_all_items++] = &ph->rollback[k];
        }
    }
    return 0;
}

/* After a parse failure: bad encoding is clearer said as what it is.  (libyaml
 * rejects invalid UTF-8 and NUL itself, so a good plan never pays for this scan.) */
static bool report_encoding(const char *buf, size_t len, DiagList *d) {
    size_t bad = text_utf8_validate(buf, len);
    if (bad < len) {
        unsigned line = 1, col = 1;
        for (size_t i = 0; i < bad; i++) {
            if (buf[i] == '\n') {
                line++, col = 1;
            } else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
                col++; /* columns count characters, as libyaml's marks do */
            }
        }
        diag_error(d, line, col, "invalid UTF-8 (byte 0x%02x); save the plan as UTF-8",
                   (unsigned char)buf[bad]);
        return true;
    }
    if (memchr(buf, '\0', len)) {
        diag_error(d, 1, 1, "the plan contains NUL bytes; it is not a text file");
        return true;
    }
    return false;
}

/* An empty plan (nothing, or only comments) gets a message of its own. */
static bool is_empty(const char *buf, size_t len) {
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) {
        i++;
    }
    bool only_comments = true;
    for (size_t k = i; k < len; k++) {
        if (k == i || buf[k - 1] == '\n') {
            size_t s = k;
            while (s < len && (buf[s] == ' ' || buf[s] == '\t')) {
                s++;
            }
            if (s < len && buf[s] != '#' && buf[s] != '\n' && buf[s] != '\r') {
                only_comments = false;
                break;
            }
        }
    }
    return i == len || only_comments;
}

/* After a syntax error: tabs used for indentation are the usual cause; name them all. */
static bool report_tabs(const char *buf, size_t len, DiagList *d) {
    bool found = false;
    unsigned line = 1;
    for (size_t i = 0; i < len; line++) {
        size_t col = 0;
        while (i + col < len && (buf[i + col] == ' ' || buf[i + col] == '\t')) {
            if (buf[i + col] == '\t') {
                diag_error(d, line, (unsigned)col + 1,
                           "tab character in indentation; YAML indents with spaces only");
                found = true;
                break;
            }
            col++;
        }
        const char *nl = memchr(buf + i, '\n', len - i);
        i = nl ? (size_t)(nl - buf) + 1 : len;
    }
    return found;
}

/* owned_buf: buf is ours to free as soon as it has been parsed, which keeps the
 * peak memory of a huge plan down. */
static int load(const char *name, const char *buf, size_t len, char *owned_buf, DiagList *diags,
                Plan **ret) {
    _cleanup_(freep) char *owned = owned_buf;
    if (is_empty(buf, len)) {
        diag_error(diags, 1, 1, "the plan is empty: it needs at least 'plan:' and 'phases:'");
        return -EINVAL;
    }
    _cleanup_(diag_list_freep) DiagList *syntax = diag_list_new(name);
    if (!syntax) {
        return -ENOMEM;
    }
    _cleanup_(ytree_freep) YTree *t = NULL;
    int r = ytree_parse(buf, len, syntax, &t);
    if (r == -ENOMEM) {
        return r;
    }
    if (r < 0 && (report_encoding(buf, len, diags) || report_tabs(buf, len, diags))) {
        return -EINVAL;
    }
    owned = mfree(owned);
    for (size_t i = 0; i < syntax->n; i++) {
        diag_add(diags, syntax->v[i].level, syntax->v[i].line, syntax->v[i].col, "%s",
                 syntax->v[i].msg);
    }
    if (r < 0) {
        return r;
    }
    const YNode *root = ynode(t, t->root);
    if (!root || ynode_is_null(t, root)) {
        diag_error(diags, 1, 1, "the plan is empty: it needs at least 'plan:' and 'phases:'");
        return -EINVAL;
    }
    if (root->type != YNODE_MAP) {
        diag_error(diags, root->line, root->col,
                   "a plan is a mapping with 'plan:', 'phases:' and the other keys");
        return -EINVAL;
    }

    _cleanup_(plan_freep) Plan *p = calloc(1, sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    p->arena = calloc(1, sizeof(*p->arena));
    p->index = calloc(1, sizeof(*p->index));
    if (!p->arena || !p->index || !(p->arena->arena = arena_new()) ||
        !(p->index->ids = strmap_new()) || !(p->index->units = strmap_new())) {
        return -ENOMEM;
    }
    /* roughly one id per five nodes (an item is a mapping of two or three pairs) */
    if (strmap_reserve(p->index->ids, t->n_nodes / 5) < 0) {
        return -ENOMEM;
    }
    Loader L = {.t = t, .d = diags, .p = p, .arena = p->arena->arena, .index = p->index};
    p->file = arena_strdup(L.arena, name);
    size_t errors_before = diags->n_errors;

    schema_keys(&L, root, top_keys, "the plan");
    load_top_scalars(&L, root, name);
    sections_load_targets(&L, root);
    load_phases(&L, schema_get(&L, root, "phases"));
    r = index_items(&L);
    if (r < 0) {
        return r;
    }
    r = plan_check_references(&L);
    if (r < 0) {
        return r;
    }
    /* the plan's strings live in the tree's string buffer: keep it */
    p->arena->strings = ytree_steal_strings(t, &p->arena->strings_size);
    if (diags->n_errors > errors_before) {
        return -EINVAL;
    }
    *ret = TAKE_PTR(p);
    return 0;
}

int plan_load_buffer(const char *name, const char *buf, size_t len, DiagList *diags, Plan **ret) {
    return load(name, buf, len, NULL, diags, ret);
}

int plan_load(const char *path, DiagList *diags, Plan **ret) {
    char *buf = NULL;
    size_t len = 0;
    int r = file_read_all(path, PLAN_MAX_BYTES, &buf, &len);
    if (r < 0) {
        return r;
    }
    return load(path, buf, len, buf, diags, ret);
}
