#include "core/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigbuf.h"
#include "core/plan_internal.h"

static const char *const risk_names[_RISK_MAX] = {
    [RISK_LOW] = "low",
    [RISK_MEDIUM] = "medium",
    [RISK_COORDINATION] = "coordination",
    [RISK_HIGH] = "high",
};

const char *risk_to_string(Risk r) {
    return r < _RISK_MAX ? risk_names[r] : "?";
}

int risk_from_string(const char *s) {
    for (int i = 0; i < _RISK_MAX; i++) {
        if (strcmp(s, risk_names[i]) == 0) {
            return i;
        }
    }
    return -EINVAL;
}

Plan *plan_free(Plan *p) {
    if (!p) {
        return NULL;
    }
    if (p->index) {
        strmap_free(p->index->ids);
        strmap_free(p->index->units);
        free(p->index);
    }
    if (p->arena) {
        arena_free(p->arena->arena);
        bigbuf_free(p->arena->strings, p->arena->strings_size);
        free(p->arena);
    }
    free(p);
    return NULL;
}

static void *find(const Plan *p, const char *id, IdKind kind) {
    if (!p || !id) {
        return NULL;
    }
    int tag = 0;
    void *obj = strmap_get(p->index->ids, id, &tag);
    return obj && tag == (int)kind ? obj : NULL;
}

const Phase *plan_find_phase(const Plan *p, const char *id) {
    return find(p, id, ID_PHASE);
}

const Item *plan_find_item(const Plan *p, const char *id) {
    return find(p, id, ID_ITEM);
}

const Action *plan_find_action(const Plan *p, const char *id) {
    return find(p, id, ID_ACTION);
}

const Check *plan_find_check(const Plan *p, const char *id) {
    return find(p, id, ID_CHECK);
}

const LogSource *plan_find_log(const Plan *p, const char *id) {
    return find(p, id, ID_LOG);
}

const Service *plan_find_service(const Plan *p, const char *unit) {
    return p && unit ? strmap_get(p->index->units, unit, NULL) : NULL;
}

ssize_t plan_phase_index(const Plan *p, const char *id) {
    const Phase *ph = plan_find_phase(p, id);
    return ph ? ph - p->phases : -1;
}

int plan_journal_path(const Plan *p, char **ret) {
    char *path = NULL;
    if (p->state) {
        const char *s = p->state;
        if (s[0] == '~' && s[1] == '/' && getenv("HOME")) {
            if (asprintf(&path, "%s/%s", getenv("HOME"), s + 2) < 0) {
                return -ENOMEM;
            }
        } else if (s[0] == '/') {
            path = strdup(s);
        } else {
            /* relative to the plan file's directory, not the caller's cwd */
            const char *slash = strrchr(p->file, '/');
            int dl = slash ? (int)(slash - p->file) : 1;
            if (asprintf(&path, "%.*s/%s", dl, slash ? p->file : ".", s) < 0) {
                return -ENOMEM;
            }
        }
    } else {
        const char *xdg = getenv("XDG_STATE_HOME");
        const char *home = getenv("HOME");
        int r;
        if (xdg && xdg[0] == '/') {
            r = asprintf(&path, "%s/opsdeck/%s.journal", xdg, p->id);
        } else if (home && home[0] == '/') {
            r = asprintf(&path, "%s/.local/state/opsdeck/%s.journal", home, p->id);
        } else {
            return -ENOENT;
        }
        if (r < 0) {
            return -ENOMEM;
        }
    }
    if (!path) {
        return -ENOMEM;
    }
    *ret = path;
    return 0;
}
