#include "core/plan_schema.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"

#define ID_MAX 64

size_t schema_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32) {
        return SIZE_MAX;
    }
    size_t row[33];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best) {
                best = row[j] + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *nearest(const char *key, const char *const *allowed) {
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (const char *const *a = allowed; *a; a++) {
        size_t d = schema_distance(key, *a);
        if (d < best_d) {
            best_d = d, best = *a;
        }
    }
    size_t len = strlen(key);
    /* near miss: at most 2 edits, and fewer than half the key */
    if (best && best_d <= 2 && best_d * 2 < len) {
        return best;
    }
    return NULL;
}

bool schema_keys(Loader *L, const YNode *map, const char *const *allowed, const char *what) {
    return schema_fields(L, map, allowed, what, NULL);
}

bool schema_fields(Loader *L, const YNode *map, const char *const *allowed, const char *what,
                   const YNode **ret_vals) {
    const YTree *t = L->t;
    bool ok = true;
    for (uint32_t k = map->first; k; k = ynode(t, ynode(t, k)->next)->next) {
        const YNode *key = ynode(t, k);
        if (key->type != YNODE_SCALAR) {
            diag_error(L->d, key->line, key->col, "a key of %s must be a plain word", what);
            ok = false;
            continue;
        }
        const char *name = yscalar(t, key);
        if (strcmp(name, "password") == 0 || strcmp(name, "passwd") == 0) {
            diag_error(L->d, key->line, key->col,
                       "inline '%s' in %s: secrets never go in the plan; name an environment "
                       "variable with 'password_env' or an option file with 'option_file' "
                       "(value not shown)",
                       name, what);
            ok = false;
            continue;
        }
        for (uint32_t k2 = map->first; k2 != k; k2 = ynode(t, ynode(t, k2)->next)->next) {
            const YNode *prev = ynode(t, k2);
            if (prev->type == YNODE_SCALAR && strcmp(yscalar(t, prev), name) == 0) {
                diag_error(L->d, key->line, key->col, "duplicate key '%s' in %s (first at line %u)",
                           name, what, prev->line);
                ok = false;
                break;
            }
        }
        /* x-… keys are the user's own (a place for YAML anchors), as in compose files */
        bool known = strncmp(name, "x-", 2) == 0;
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, name) == 0) {
                known = true;
                if (ret_vals && !ret_vals[a - allowed]) {
                    ret_vals[a - allowed] = ynode(t, key->next);
                }
                break;
            }
        }
        if (!known) {
            const char *hint = nearest(name, allowed);
            if (hint) {
                diag_error(L->d, key->line, key->col, "unknown key '%s' in %s (did you mean '%s'?)",
                           name, what, hint);
            } else {
                diag_error(L->d, key->line, key->col, "unknown key '%s' in %s", name, what);
            }
            ok = false;
        }
    }
    return ok;
}

const YNode *schema_get(Loader *L, const YNode *map, const char *key) {
    const YTree *t = L->t;
    if (!map || map->type != YNODE_MAP) {
        return NULL;
    }
    for (uint32_t k = map->first; k; k = ynode(t, ynode(t, k)->next)->next) {
        const YNode *kn = ynode(t, k);
        if (kn->type == YNODE_SCALAR && strcmp(yscalar(t, kn), key) == 0) {
            return ynode(t, kn->next);
        }
    }
    return NULL;
}

const char *schema_scalar(Loader *L, const YNode *n, const char *what) {
    if (n->type != YNODE_SCALAR) {
        diag_error(L->d, n->line, n->col, "%s must be a single value, not a %s", what,
                   n->type == YNODE_MAP ? "mapping" : "list");
        return NULL;
    }
    if (ynode_is_null(L->t, n)) {
        diag_error(L->d, n->line, n->col, "%s is empty", what);
        return NULL;
    }
    return yscalar(L->t, n);
}

const char *schema_scalar_of(Loader *L, const YNode *n, const char *prefix, const char *key,
                             const char *what) {
    if (n->type == YNODE_SCALAR && !ynode_is_null(L->t, n)) {
        return yscalar(L->t, n);
    }
    /* the message is only built on the error path: loading must stay fast */
    char buf[200];
    snprintf(buf, sizeof(buf), "%s'%s' of %s", prefix, key, what);
    return schema_scalar(L, n, buf);
}

const char *schema_val_str(Loader *L, const YNode *v, const YNode *map, const char *key,
                           bool required, const char *what) {
    if (!v) {
        if (required) {
            diag_error(L->d, map->line, map->col, "%s has no '%s'", what, key);
        }
        return NULL;
    }
    if (!required && ynode_is_null(L->t, v)) {
        return NULL;
    }
    return schema_scalar_of(L, v, "", key, what);
}

const char *schema_str(Loader *L, const YNode *map, const char *key, bool required,
                       const char *what) {
    const YNode *v = schema_get(L, map, key);
    if (!v) {
        if (required) {
            diag_error(L->d, map->line, map->col, "%s has no '%s'", what, key);
        }
        return NULL;
    }
    if (!required && ynode_is_null(L->t, v)) {
        return NULL;
    }
    return schema_scalar_of(L, v, "", key, what);
}

bool schema_bool(Loader *L, const YNode *map, const char *key, bool def, const char *what) {
    return schema_val_bool(L, schema_get(L, map, key), key, def, what);
}

bool schema_val_bool(Loader *L, const YNode *v, const char *key, bool def, const char *what) {
    if (!v || ynode_is_null(L->t, v)) {
        return def;
    }
    if (v->type == YNODE_SCALAR) {
        const char *s = yscalar(L->t, v);
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
            return true;
        }
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
            return false;
        }
    }
    diag_error(L->d, v->line, v->col, "'%s' of %s must be true or false", key, what);
    return def;
}

int64_t schema_duration(Loader *L, const YNode *map, const char *key, int64_t def,
                        bool bare_seconds, const char *what) {
    const YNode *v = schema_get(L, map, key);
    if (!v || ynode_is_null(L->t, v)) {
        return def;
    }
    const char *s = schema_scalar_of(L, v, "", key, what);
    if (!s) {
        return -1;
    }
    if (bare_seconds && s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789") == strlen(s) &&
        strlen(s) < 10) {
        return strtoll(s, NULL, 10);
    }
    int64_t sec;
    int r = duration_parse(s, &sec);
    if (r == -ERANGE) {
        diag_error(L->d, v->line, v->col, "'%s' of %s '%s' is longer than ten years", key, what, s);
        return -1;
    }
    if (r < 0) {
        diag_error(L->d, v->line, v->col,
                   "'%s' of %s '%s' is not a duration; write it like 30m, 2h, 1d, 2w or 1h30m", key,
                   what, s);
        return -1;
    }
    return sec;
}

StrList schema_strlist(Loader *L, const YNode *map, const char *key, const char *what) {
    StrList out = {0};
    const YNode *v = schema_get(L, map, key);
    if (!v || ynode_is_null(L->t, v)) {
        return out;
    }
    if (v->type == YNODE_SCALAR) {
        out.v = arena_alloc(L->arena, sizeof(char *));
        out.pos = arena_alloc(L->arena, sizeof(Pos));
        if (out.v && out.pos && (out.v[0] = schema_scalar_of(L, v, "an entry of ", key, what))) {
            out.pos[0] = node_pos(v);
            out.n = 1;
        }
        return out;
    }
    if (v->type != YNODE_SEQ) {
        diag_error(L->d, v->line, v->col, "'%s' of %s must be a list", key, what);
        return out;
    }
    out.v = arena_alloc(L->arena, (v->n ? v->n : 1) * sizeof(char *));
    out.pos = arena_alloc(L->arena, (v->n ? v->n : 1) * sizeof(Pos));
    if (!out.v || !out.pos) {
        return (StrList){0};
    }
    for (uint32_t c = v->first; c; c = ynode(L->t, c)->next) {
        const char *s = schema_scalar_of(L, ynode(L->t, c), "an entry of ", key, what);
        if (s) {
            out.pos[out.n] = node_pos(ynode(L->t, c));
            out.v[out.n++] = s;
        }
    }
    return out;
}

static bool id_char(char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return !first && (c == '.' || c == '_' || c == '-');
}

const char *schema_id(Loader *L, const YNode *map, const char *what) {
    const char *id = schema_str(L, map, "id", true, what);
    if (!id) {
        return NULL;
    }
    size_t n = strlen(id);
    bool ok = n >= 1 && n <= ID_MAX;
    for (size_t i = 0; ok && i < n; i++) {
        ok = id_char(id[i], i == 0);
    }
    if (!ok) {
        const YNode *v = schema_get(L, map, "id");
        diag_error(L->d, v->line, v->col,
                   "id of %s is not valid: use letters, digits, '.', '_' and '-', starting "
                   "with a letter or digit, at most %d characters",
                   what, ID_MAX);
        return NULL;
    }
    return id;
}

const char *id_kind_name(IdKind k) {
    static const char *const names[] = {
        [ID_PHASE] = "phase",        [ID_ITEM] = "item", [ID_ACTION] = "action",
        [ID_CHECK] = "check",        [ID_LOG] = "log",   [ID_DATABASE] = "database",
        [ID_REDIS] = "redis target",
    };
    return k >= ID_PHASE && k <= ID_REDIS ? names[k] : "?";
}

Pos id_obj_pos(IdKind k, const void *obj) {
    switch (k) {
    case ID_PHASE:
        return ((const Phase *)obj)->pos;
    case ID_ITEM:
        return ((const Item *)obj)->pos;
    case ID_ACTION:
        return ((const Action *)obj)->pos;
    case ID_CHECK:
        return ((const Check *)obj)->pos;
    case ID_LOG:
        return ((const LogSource *)obj)->pos;
    case ID_DATABASE:
        return ((const Database *)obj)->pos;
    case ID_REDIS:
        return ((const RedisTarget *)obj)->pos;
    }
    return (Pos){0, 0};
}

void schema_register_id(Loader *L, const char *id, const YNode *at, IdKind kind, void *obj) {
    if (!id) {
        return;
    }
    void *old = NULL;
    int old_kind = 0;
    if (strmap_put(L->index->ids, id, obj, kind, &old, &old_kind) == -EEXIST) {
        const YNode *idn = schema_get(L, at, "id");
        Pos here = node_pos(idn ? idn : at);
        diag_error(L->d, here.line, here.col,
                   "duplicate id '%s': already used by the %s at line %u", id,
                   id_kind_name((IdKind)old_kind), id_obj_pos((IdKind)old_kind, old).line);
    }
}
