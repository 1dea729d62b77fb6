#include "core/yaml_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/bigbuf.h"
#include "core/strmap.h"

typedef struct Frame {
    uint32_t node;
    uint32_t last_child;
} Frame;

typedef struct Builder {
    YTree *t;
    DiagList *diags;
    Frame stack[YTREE_MAX_DEPTH + 1];
    size_t depth;
    StrMap *anchors; /* name (malloc'd, owned via names) -> node index */
    char **names;
    size_t n_names, cap_names;
    uint64_t alias_nodes;
    unsigned documents;
} Builder;

static uint32_t sat_add(uint32_t a, uint32_t b) {
    return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

static int new_node(Builder *b, YNodeType type, const yaml_mark_t *mark, uint32_t *ret) {
    YTree *t = b->t;
    if (t->n_nodes >= YTREE_MAX_NODES) {
        diag_error(b->diags, (unsigned)mark->line + 1, (unsigned)mark->column + 1,
                   "plan too large: more than %d YAML nodes", YTREE_MAX_NODES);
        return -EINVAL;
    }
    if (t->n_nodes == t->cap_nodes) {
        size_t cap = t->cap_nodes ? t->cap_nodes * 2 : 1024;
        void *v = t->nodes;
        if (bigbuf_resize(&v, t->cap_nodes * sizeof(YNode), cap * sizeof(YNode)) < 0) {
            return -ENOMEM;
        }
        t->nodes = v;
        t->cap_nodes = cap;
    }
    uint32_t i = (uint32_t)t->n_nodes++;
    t->nodes[i] =
        (YNode){.type = (uint8_t)type,
                .line = (uint32_t)mark->line + 1,
                .col = mark->column + 1 > UINT16_MAX ? UINT16_MAX : (uint16_t)(mark->column + 1),
                .size = 1};
    *ret = i;
    return 0;
}

static int add_string(Builder *b, const char *s, size_t len, uint32_t *ret) {
    YTree *t = b->t;
    if (t->len_strings + len + 1 > UINT32_MAX) {
        return -E2BIG;
    }
    if (t->len_strings + len + 1 > t->cap_strings) {
        size_t cap = t->cap_strings ? t->cap_strings : 4096;
        while (cap < t->len_strings + len + 1) {
            cap *= 2;
        }
        void *v = t->strings;
        if (bigbuf_resize(&v, t->cap_strings, cap) < 0) {
            return -ENOMEM;
        }
        t->strings = v;
        t->cap_strings = cap;
    }
    memcpy(t->strings + t->len_strings, s, len);
    t->strings[t->len_strings + len] = '\0';
    *ret = (uint32_t)t->len_strings;
    t->len_strings += len + 1;
    return 0;
}

/* Link child (already built) into the current container, or make it the root. */
static void attach(Builder *b, uint32_t child) {
    if (b->depth == 0) {
        b->t->root = child;
        return;
    }
    Frame *f = &b->stack[b->depth - 1];
    YNode *parent = &b->t->nodes[f->node];
    if (f->last_child) {
        b->t->nodes[f->last_child].next = child;
    } else {
        parent->first = child;
    }
    f->last_child = child;
    parent->n++;
}

static int remember_anchor(Builder *b, const yaml_char_t *anchor, uint32_t node) {
    if (!anchor) {
        return 0;
    }
    if (b->n_names == b->cap_names) {
        size_t cap = b->cap_names ? b->cap_names * 2 : 16;
        char **v = realloc(b->names, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        b->names = v;
        b->cap_names = cap;
    }
    char *name = strdup((const char *)anchor);
    if (!name) {
        return -ENOMEM;
    }
    b->names[b->n_names++] = name;
    /* a redefined anchor refers to the newest node from here on (YAML 1.2) */
    return strmap_set(b->anchors, name, (void *)(uintptr_t)node, 0);
}

static int open_container(Builder *b, YNodeType type, const yaml_event_t *ev,
                          const yaml_char_t *anchor) {
    if (b->depth >= YTREE_MAX_DEPTH) {
        diag_error(b->diags, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
                   "nesting deeper than %d levels; a plan never needs this much", YTREE_MAX_DEPTH);
        return -EINVAL;
    }
    uint32_t i;
    int r = new_node(b, type, &ev->start_mark, &i);
    if (r < 0) {
        return r;
    }
    attach(b, i);
    r = remember_anchor(b, anchor, i);
    if (r < 0) {
        return r;
    }
    b->stack[b->depth++] = (Frame){.node = i};
    return 0;
}

static void close_container(Builder *b) {
    Frame *f = &b->stack[--b->depth];
    YNode *n = &b->t->nodes[f->node];
    uint32_t size = 1;
    for (uint32_t c = n->first; c; c = b->t->nodes[c].next) {
        size = sat_add(size, b->t->nodes[c].size);
    }
    n->size = size;
}

static int on_alias(Builder *b, const yaml_event_t *ev) {
    const char *name = (const char *)ev->data.alias.anchor;
    unsigned line = (unsigned)ev->start_mark.line + 1, col = (unsigned)ev->start_mark.column + 1;
    void *v = strmap_get(b->anchors, name, NULL);
    if (!v) {
        diag_error(b->diags, line, col, "alias '*%s' refers to no anchor defined before it", name);
        return -EINVAL;
    }
    uint32_t target = (uint32_t)(uintptr_t)v;
    /* an anchor still open (its container not closed) cannot be expanded: that is
     * a recursive structure */
    for (size_t d = 0; d < b->depth; d++) {
        if (b->stack[d].node == target) {
            diag_error(b->diags, line, col, "alias '*%s' refers to a node containing itself", name);
            return -EINVAL;
        }
    }
    b->alias_nodes += b->t->nodes[target].size;
    if (b->alias_nodes > YTREE_MAX_ALIAS_NODES) {
        diag_error(b->diags, line, col,
                   "aliases expand to more than %d nodes (an alias bomb?); plan rejected",
                   YTREE_MAX_ALIAS_NODES);
        return -EINVAL;
    }
    /* Aliases are rare in plans: copy the target's shape by reference would need
     * shared children, which breaks sibling links.  Copy the subtree instead,
     * iteratively; the budget above bounds the work. */
    uint32_t copy_root = 0;
    struct {
        uint32_t src, dst_parent;
    } *todo = NULL;
    size_t n_todo = 0, cap_todo = 0;
    int r = 0;
#define PUSH(s, p)                                                                                 \
    do {                                                                                           \
        if (n_todo == cap_todo) {                                                                  \
            size_t nc = cap_todo ? cap_todo * 2 : 32;                                              \
            void *nv = realloc(todo, nc * sizeof(*todo));                                          \
            if (!nv) {                                                                             \
                r = -ENOMEM;                                                                       \
                goto out;                                                                          \
            }                                                                                      \
            todo = nv;                                                                             \
            cap_todo = nc;                                                                         \
        }                                                                                          \
        todo[n_todo].src = (s);                                                                    \
        todo[n_todo].dst_parent = (p);                                                             \
        n_todo++;                                                                                  \
    } while (0)
    PUSH(target, 0);
    while (n_todo > 0) {
        uint32_t src = todo[n_todo - 1].src, parent = todo[n_todo - 1].dst_parent;
        n_todo--;
        uint32_t dst;
        yaml_mark_t mark = {.line = ev->start_mark.line, .column = ev->start_mark.column};
        YNode snap = b->t->nodes[src];
        r = new_node(b, (YNodeType)snap.type, &mark, &dst);
        if (r < 0) {
            goto out;
        }
        YNode *d = &b->t->nodes[dst];
        d->plain = snap.plain;
        d->size = snap.size;
        if (snap.type == YNODE_SCALAR) {
            d->str = snap.str;
            d->len = snap.len;
        }
        if (parent == 0) {
            copy_root = dst;
        } else {
            YNode *p = &b->t->nodes[parent];
            d->next = p->first;
            p->first = dst;
            p->n++;
        }
        /* pushed first to last, popped last to first, each prepended: order kept */
        for (uint32_t c = snap.type == YNODE_SCALAR ? 0 : snap.first; c; c = b->t->nodes[c].next) {
            PUSH(c, dst);
        }
    }
    attach(b, copy_root);
out:
#undef PUSH
    free(todo);
    return r;
}

static int on_scalar(Builder *b, const yaml_event_t *ev) {
    uint32_t i;
    int r = new_node(b, YNODE_SCALAR, &ev->start_mark, &i);
    if (r < 0) {
        return r;
    }
    uint32_t off;
    r = add_string(b, (const char *)ev->data.scalar.value, ev->data.scalar.length, &off);
    if (r < 0) {
        return r;
    }
    YNode *n = &b->t->nodes[i];
    n->str = off;
    n->len = (uint32_t)ev->data.scalar.length;
    n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    attach(b, i);
    return remember_anchor(b, ev->data.scalar.anchor, i);
}

static int syntax_error(Builder *b, const yaml_parser_t *p) {
    const yaml_mark_t *m = &p->problem_mark;
    const char *problem = p->problem ? p->problem : "malformed YAML";
    if (p->context) {
        diag_error(b->diags, (unsigned)m->line + 1, (unsigned)m->column + 1,
                   "YAML syntax error: %s %s (line %u)", problem, p->context,
                   (unsigned)p->context_mark.line + 1);
    } else {
        diag_error(b->diags, (unsigned)m->line + 1, (unsigned)m->column + 1,
                   "YAML syntax error: %s", problem);
    }
    return -EINVAL;
}

static int build(Builder *b, yaml_parser_t *p) {
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(p, &ev)) {
            return p->error == YAML_MEMORY_ERROR ? -ENOMEM : syntax_error(b, p);
        }
        int r = 0;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            yaml_event_delete(&ev);
            return 0;
        case YAML_DOCUMENT_START_EVENT:
            if (++b->documents > 1) {
                diag_error(b->diags, (unsigned)ev.start_mark.line + 1,
                           (unsigned)ev.start_mark.column + 1,
                           "a second YAML document: a plan is one document");
                r = -EINVAL;
            }
            break;
        case YAML_SCALAR_EVENT:
            r = on_scalar(b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            r = open_container(b, YNODE_SEQ, &ev, ev.data.sequence_start.anchor);
            break;
        case YAML_MAPPING_START_EVENT:
            r = open_container(b, YNODE_MAP, &ev, ev.data.mapping_start.anchor);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            close_container(b);
            break;
        case YAML_ALIAS_EVENT:
            r = on_alias(b, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (r < 0) {
            return r;
        }
    }
}

int ytree_parse(const char *buf, size_t len, DiagList *diags, YTree **ret) {
    YTree *t = calloc(1, sizeof(*t));
    if (!t) {
        return -ENOMEM;
    }
    Builder b = {.t = t, .diags = diags, .anchors = strmap_new()};
    yaml_parser_t p;
    int r;
    if (!b.anchors || !yaml_parser_initialize(&p)) {
        strmap_free(b.anchors);
        ytree_free(t);
        return -ENOMEM;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    /* about one node per dozen bytes of YAML: size once instead of doubling up to it */
    size_t guess = len / 12 < 1024 ? 1024 : len / 12;
    void *nodes = NULL;
    if (bigbuf_resize(&nodes, 0, guess * sizeof(YNode)) < 0) {
        yaml_parser_delete(&p);
        strmap_free(b.anchors);
        ytree_free(t);
        return -ENOMEM;
    }
    t->nodes = nodes;
    t->cap_nodes = guess;
    /* node 0 is the "none" sentinel */
    yaml_mark_t zero = {0};
    uint32_t sentinel;
    r = new_node(&b, YNODE_SCALAR, &zero, &sentinel);
    if (r == 0) {
        r = build(&b, &p);
    }
    yaml_parser_delete(&p);
    for (size_t i = 0; i < b.n_names; i++) {
        free(b.names[i]);
    }
    free(b.names);
    strmap_free(b.anchors);
    if (r < 0) {
        ytree_free(t);
        return r;
    }
    *ret = t;
    return 0;
}

YTree *ytree_free(YTree *t) {
    if (t) {
        bigbuf_free(t->nodes, t->cap_nodes * sizeof(YNode));
        bigbuf_free(t->strings, t->cap_strings);
        free(t);
    }
    return NULL;
}

char *ytree_steal_strings(YTree *t, size_t *ret_size) {
    char *s = t->strings;
    *ret_size = t->cap_strings;
    t->strings = NULL;
    t->len_strings = t->cap_strings = 0;
    return s;
}

bool ynode_is_null(const YTree *t, const YNode *n) {
    if (n->type != YNODE_SCALAR || !n->plain) {
        return false;
    }
    const char *s = yscalar(t, n);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}
