/* Cross-references and the dependency graph: everything that can only be
 * checked once the whole plan is read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan_internal.h"

/* The object an id names, or NULL; *ret_kind gets its kind. */
static void *lookup(Loader *L, const char *id, IdKind *ret_kind) {
    int tag = 0;
    void *obj = strmap_get(L->index->ids, id, &tag);
    *ret_kind = (IdKind)tag;
    return obj;
}

static const char *article(IdKind k) {
    return k == ID_ITEM || k == ID_ACTION ? "an" : "a";
}

static void want(Loader *L, const char *ref, IdKind kind, Pos at, const char *what) {
    if (!ref) {
        return;
    }
    IdKind found;
    if (!lookup(L, ref, &found)) {
        diag_error(L->d, at.line, at.col, "%s refers to unknown %s '%s'", what, id_kind_name(kind),
                   ref);
    } else if (found != kind) {
        diag_error(L->d, at.line, at.col, "%s refers to '%s', which is %s %s, not %s %s", what, ref,
                   article(found), id_kind_name(found), article(kind), id_kind_name(kind));
    }
}

static void check_items(Loader *L, const Item *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char what[96];
        snprintf(what, sizeof(what), "item '%s'", v[i].id ? v[i].id : "?");
        want(L, v[i].action, ID_ACTION, v[i].action_pos, what);
        want(L, v[i].check, ID_CHECK, v[i].check_pos, what);
    }
}

static void check_phase_refs(Loader *L, Phase *ph) {
    Plan *p = L->p;
    char what[96];
    snprintf(what, sizeof(what), "phase '%s'", ph->id ? ph->id : "?");
    ph->dep = arena_alloc(L->arena, (ph->depends.n ? ph->depends.n : 1) * sizeof(size_t));
    if (!ph->dep) {
        return;
    }
    size_t nd = 0;
    for (size_t k = 0; k < ph->depends.n; k++) {
        const char *d = ph->depends.v[k];
        IdKind kind;
        const Phase *dep = lookup(L, d, &kind);
        Pos at = ph->depends.pos ? ph->depends.pos[k] : ph->pos;
        if (ph->id && strcmp(d, ph->id) == 0) {
            diag_error(L->d, at.line, at.col, "%s depends on itself", what);
        } else if (!dep || kind != ID_PHASE) {
            diag_error(L->d, at.line, at.col, "%s depends on unknown phase '%s'", what, d);
        } else {
            /* unresolved dependencies are dropped so the graph stays well-formed */
            ph->depends.v[nd] = d;
            if (ph->depends.pos) {
                ph->depends.pos[nd] = at;
            }
            ph->dep[nd++] = (size_t)(dep - p->phases);
        }
    }
    ph->depends.n = nd;
    for (size_t k = 0; k < ph->watch.n; k++) {
        const char *w = ph->watch.v[k];
        IdKind kind;
        bool found = lookup(L, w, &kind) != NULL;
        bool ok =
            strmap_get(L->index->units, w, NULL) || (found && (kind == ID_LOG || kind == ID_CHECK));
        Pos at = ph->watch.pos ? ph->watch.pos[k] : ph->pos;
        if (!ok) {
            diag_error(L->d, at.line, at.col,
                       "%s watches '%s', which is not a service unit, log or check of the plan",
                       what, w);
        }
    }
    check_items(L, ph->items, ph->n_items);
    check_items(L, ph->rollback, ph->n_rollback);
}

typedef struct Graph {
    size_t n;
    size_t *pending; /* unmet dependencies per phase */
    bool *done;
    size_t *rev_start; /* dependents of i: rev[rev_start[i] .. rev_start[i+1]) */
    size_t *rev;
    size_t *queue;
    size_t q_head, q_tail;
} Graph;

static void graph_free(Graph *g) {
    free(g->pending);
    free(g->done);
    free(g->rev_start);
    free(g->rev);
    free(g->queue);
}

static int graph_init(Graph *g, const Plan *p) {
    size_t n = p->n_phases, edges = 0;
    for (size_t i = 0; i < n; i++) {
        edges += p->phases[i].depends.n;
    }
    *g = (Graph){.n = n};
    g->pending = calloc(n + 1, sizeof(size_t));
    g->done = calloc(n + 1, sizeof(bool));
    g->rev_start = calloc(n + 2, sizeof(size_t));
    g->rev = calloc(edges + 1, sizeof(size_t));
    g->queue = calloc(n + 1, sizeof(size_t));
    if (!g->pending || !g->done || !g->rev_start || !g->rev || !g->queue) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        g->pending[i] = p->phases[i].depends.n;
        for (size_t k = 0; k < p->phases[i].depends.n; k++) {
            g->rev_start[p->phases[i].dep[k] + 1]++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        g->rev_start[i + 1] += g->rev_start[i];
    }
    size_t *fill = calloc(n + 1, sizeof(size_t));
    if (!fill) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p->phases[i].depends.n; k++) {
            size_t d = p->phases[i].dep[k];
            g->rev[g->rev_start[d] + fill[d]++] = i;
        }
    }
    free(fill);
    for (size_t i = 0; i < n; i++) {
        if (g->pending[i] == 0) {
            g->queue[g->q_tail++] = i;
        }
    }
    return 0;
}

/* Mark i placed: its dependents have one unmet dependency less. */
static void graph_place(Graph *g, Plan *p, size_t i, size_t *out_n) {
    g->done[i] = true;
    p->topo[(*out_n)++] = i;
    for (size_t e = g->rev_start[i]; e < g->rev_start[i + 1]; e++) {
        size_t j = g->rev[e];
        if (g->pending[j] > 0 && --g->pending[j] == 0 && !g->done[j]) {
            g->queue[g->q_tail++] = j;
        }
    }
}

/* Walk unmet dependencies from an unplaced phase until one repeats; name that cycle
 * and place its phases so the search can go on to find any other. */
static int report_cycle(Loader *L, Graph *g, size_t *out_n) {
    Plan *p = L->p;
    size_t start = 0;
    while (g->done[start]) {
        start++;
    }
    size_t *seen = calloc(g->n, sizeof(size_t)); /* 1 + step at which it was visited */
    size_t *path = calloc(g->n + 1, sizeof(size_t));
    if (!seen || !path) {
        free(seen);
        free(path);
        return -ENOMEM;
    }
    size_t len = 0, cur = start;
    while (!seen[cur]) {
        seen[cur] = ++len;
        path[len - 1] = cur;
        const Phase *ph = &p->phases[cur];
        for (size_t k = 0; k < ph->depends.n; k++) {
            if (!g->done[ph->dep[k]]) {
                cur = ph->dep[k];
                break;
            }
        }
    }
    size_t from = seen[cur] - 1;
    /* dependencies point back in time: name the cycle in the order phases would run */
    char msg[1024];
    size_t off = 0;
    msg[0] = '\0';
    for (size_t i = len; i > from && off < sizeof(msg) - 1; i--) {
        int k = snprintf(msg + off, sizeof(msg) - off, "%s -> ", p->phases[path[i - 1]].id);
        off = k < 0 ? off : MIN(sizeof(msg) - 1, off + (size_t)k);
    }
    const Phase *first = &p->phases[path[len - 1]];
    diag_error(L->d, first->pos.line, first->pos.col, "dependency cycle: %s%s", msg, first->id);
    for (size_t i = from; i < len; i++) {
        if (!g->done[path[i]]) {
            graph_place(g, p, path[i], out_n);
        }
    }
    free(seen);
    free(path);
    return 0;
}

/* Kahn's algorithm; whatever is left over holds cycles, each reported. */
static int topo_sort(Loader *L) {
    Plan *p = L->p;
    p->topo = arena_alloc(L->arena, (p->n_phases ? p->n_phases : 1) * sizeof(size_t));
    Graph g;
    int r = p->topo ? graph_init(&g, p) : -ENOMEM;
    size_t out_n = 0;
    while (r == 0 && out_n < p->n_phases) {
        while (g.q_head < g.q_tail) {
            size_t i = g.queue[g.q_head++];
            if (!g.done[i]) {
                graph_place(&g, p, i, &out_n);
            }
        }
        if (out_n < p->n_phases) {
            r = report_cycle(L, &g, &out_n);
        }
    }
    if (p->topo) {
        graph_free(&g);
    }
    return r;
}

int plan_check_references(Loader *L) {
    Plan *p = L->p;
    for (size_t i = 0; i < p->n_phases; i++) {
        if (!p->phases[i].id) {
            /* an unusable phase: give it an empty graph so later passes are safe */
            p->phases[i].depends.n = 0;
        }
        check_phase_refs(L, &p->phases[i]);
    }
    for (size_t i = 0; i < p->n_checks; i++) {
        const Check *c = &p->checks[i];
        char what[96];
        snprintf(what, sizeof(what), "check '%s'", c->id ? c->id : "?");
        want(L, c->database, ID_DATABASE, c->database_pos, what);
        want(L, c->redis, ID_REDIS, c->pos, what);
    }
    for (size_t i = 0; i < p->n_actions; i++) {
        const Action *a = &p->actions[i];
        char what[96];
        snprintf(what, sizeof(what), "action '%s'", a->id ? a->id : "?");
        want(L, a->database, ID_DATABASE, a->database_pos, what);
    }
    return topo_sort(L);
}
