#pragma once
/* A YAML document as a compact tree, built from libyaml's events without
 * recursion.  Hostile input is bounded: nesting depth, alias expansion and node
 * count are capped, and the first violation stops the parse with a clear error.
 * Node 0 is unused; index 0 means "none". */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"

#define YTREE_MAX_DEPTH 64
#define YTREE_MAX_ALIAS_NODES 100000 /* nodes reachable through aliases, in all */
#define YTREE_MAX_NODES 50000000

typedef enum YNodeType { YNODE_SCALAR = 1, YNODE_SEQ, YNODE_MAP } YNodeType;

/* 24 bytes: a plan of 100,000 items is over half a million of these. */
typedef struct YNode {
    uint8_t type;
    uint8_t plain; /* an unquoted scalar: may be null/bool/number */
    uint16_t col;  /* saturates at 65535 */
    uint32_t line;
    uint32_t next; /* next sibling */
    union {
        struct {
            uint32_t first; /* first child (seq: items; map: key, value, key, value …) */
            uint32_t n;     /* number of children */
        };
        struct {
            uint32_t str; /* scalar: offset into YTree.strings */
            uint32_t len; /* scalar: length in bytes */
        };
    };
    uint32_t size; /* nodes in the expanded subtree (saturating) */
} YNode;

/* Owns nodes and strings. */
typedef struct YTree {
    YNode *nodes;
    size_t n_nodes, cap_nodes;
    char *strings; /* NUL-terminated scalars back to back */
    size_t len_strings, cap_strings;
    uint32_t root;
} YTree;

/* Parse buf as one YAML document.  Returns 0 and the tree; or -EINVAL with
 * errors in diags (syntax, depth, aliases, more than one document); or -ENOMEM. */
int ytree_parse(const char *buf, size_t len, DiagList *diags, YTree **ret);
YTree *ytree_free(YTree *t);
DEFINE_FREEP(YTree, ytree_free)

/* Give up ownership of the string buffer (the plan keeps it; free it with
 * bigbuf_free(s, *ret_size)). */
char *ytree_steal_strings(YTree *t, size_t *ret_size);

static inline const YNode *ynode(const YTree *t, uint32_t i) {
    return i ? &t->nodes[i] : NULL;
}
static inline const char *yscalar(const YTree *t, const YNode *n) {
    return t->strings + n->str;
}
/* A plain "", "~", "null", "Null", "NULL". */
bool ynode_is_null(const YTree *t, const YNode *n);
