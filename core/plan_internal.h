#pragma once
/* Shared between the plan loader's files; not for other modules. */
#include "core/arena.h"
#include "core/plan.h"
#include "core/strmap.h"
#include "core/yaml_tree.h"

typedef enum IdKind {
    ID_PHASE = 1,
    ID_ITEM,
    ID_ACTION,
    ID_CHECK,
    ID_LOG,
    ID_DATABASE,
    ID_REDIS,
} IdKind;

typedef struct IdEntry {
    IdKind kind;
    void *obj;
    Pos pos;
} IdEntry;

struct PlanIndex {
    StrMap *ids;   /* every id of the plan -> IdEntry */
    StrMap *units; /* service unit -> Service */
};

struct PlanArena {
    Arena *arena;
};

typedef struct Loader {
    const YTree *t;
    DiagList *d;
    Plan *p;
    Arena *arena;
    struct PlanIndex *index;
} Loader;

const char *id_kind_name(IdKind k);

/* plan_check.c: references, dependency cycles, topological order. */
int plan_check_references(Loader *L);

/* plan_load.c helpers used by the section parsers */
static inline Pos node_pos(const YNode *n) {
    return (Pos){n->line, n->col};
}
