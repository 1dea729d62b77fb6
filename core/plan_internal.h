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

struct PlanIndex {
    StrMap *ids;   /* every id of the plan -> its object, tagged with its IdKind */
    StrMap *units; /* service unit -> Service */
};

struct PlanArena {
    Arena *arena;
    char *strings; /* the YAML tree's scalars, which the plan's strings point into */
    size_t strings_size;
};

typedef struct Loader {
    const YTree *t;
    DiagList *d;
    Plan *p;
    Arena *arena;
    struct PlanIndex *index;
} Loader;

const char *id_kind_name(IdKind k);
/* Where the object an id names is written. */
Pos id_obj_pos(IdKind k, const void *obj);

/* plan_check.c: references, dependency cycles, topological order. */
int plan_check_references(Loader *L);

/* plan_load.c helpers used by the section parsers */
static inline Pos node_pos(const YNode *n) {
    return (Pos){n->line, n->col};
}
