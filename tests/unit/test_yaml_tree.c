/* core/yaml_tree.h: the YAML document as a compact tree, with hostile input bounded. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/bigbuf.h"
#include "core/yaml_tree.h"

typedef struct Parsed {
    DiagList *d;
    YTree *t;
    int r;
} Parsed;

static Parsed parse(const char *yaml) {
    Parsed p = {.d = diag_list_new("test.yaml")};
    assert_non_null(p.d);
    p.r = ytree_parse(yaml, strlen(yaml), p.d, &p.t);
    return p;
}

static void parsed_done(Parsed *p) {
    ytree_free(p->t);
    diag_list_free(p->d);
}

static const YTree *parse_ok(Parsed *p, const char *yaml) {
    *p = parse(yaml);
    if (p->r != 0) {
        for (size_t i = 0; i < p->d->n; i++) {
            print_message("%u:%u: %s\n", p->d->v[i].line, p->d->v[i].col, p->d->v[i].msg);
        }
        fail_msg("parse failed: %d", p->r);
    }
    assert_int_equal(p->d->n_errors, 0);
    return p->t;
}

/* Parse must fail with -EINVAL and exactly one error at line:col containing needle. */
static void parse_fails(const char *yaml, unsigned line, unsigned col, const char *needle) {
    Parsed p = parse(yaml);
    assert_int_equal(p.r, -EINVAL);
    assert_null(p.t);
    assert_int_equal(p.d->n_errors, 1);
    const Diag *g = &p.d->v[0];
    if (g->line != line || g->col != col || !strstr(g->msg, needle)) {
        fail_msg("got %u:%u: %s; want %u:%u: ...%s...", g->line, g->col, g->msg, line, col, needle);
    }
    parsed_done(&p);
}

static const YNode *child(const YTree *t, const YNode *n, unsigned i) {
    uint32_t c = n->first;
    while (c && i-- > 0) {
        c = ynode(t, c)->next;
    }
    assert_true(c != 0);
    return ynode(t, c);
}

static const YNode *get(const YTree *t, const YNode *map, const char *key) {
    assert_int_equal(map->type, YNODE_MAP);
    for (uint32_t k = map->first; k; k = ynode(t, ynode(t, k)->next)->next) {
        if (strcmp(yscalar(t, ynode(t, k)), key) == 0) {
            return ynode(t, ynode(t, k)->next);
        }
    }
    fail_msg("no key '%s'", key);
    return NULL;
}

static void assert_scalar(const YTree *t, const YNode *n, const char *s) {
    assert_int_equal(n->type, YNODE_SCALAR);
    assert_string_equal(yscalar(t, n), s);
    assert_int_equal(n->len, strlen(s));
}

static void assert_pos(const YNode *n, unsigned line, unsigned col) {
    if (n->line != line || n->col != col) {
        fail_msg("node at %u:%u, want %u:%u", n->line, n->col, line, col);
    }
}

static void test_types_and_children(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "a: 1\n"
                                  "b: [x, 'y', \"z\"]\n"
                                  "c: {d: ~, e: null}\n"
                                  "f:\n"
                                  "  - one\n"
                                  "  - k: v\n");
    const YNode *root = ynode(t, t->root);
    assert_non_null(root);
    assert_int_equal(root->type, YNODE_MAP);
    assert_int_equal(root->n, 8); /* key, value ×4 */
    assert_scalar(t, child(t, root, 0), "a");
    assert_scalar(t, get(t, root, "a"), "1");

    const YNode *b = get(t, root, "b");
    assert_int_equal(b->type, YNODE_SEQ);
    assert_int_equal(b->n, 3);
    assert_scalar(t, child(t, b, 0), "x");
    assert_scalar(t, child(t, b, 1), "y");
    assert_scalar(t, child(t, b, 2), "z");
    assert_int_equal(child(t, b, 2)->next, 0);
    assert_int_equal(b->size, 4); /* itself and three scalars */

    const YNode *c = get(t, root, "c");
    assert_int_equal(c->type, YNODE_MAP);
    assert_int_equal(c->n, 4);

    const YNode *f = get(t, root, "f");
    assert_int_equal(f->type, YNODE_SEQ);
    assert_int_equal(f->n, 2);
    assert_scalar(t, child(t, f, 0), "one");
    assert_scalar(t, get(t, child(t, f, 1), "k"), "v");
    /* ynode(t, 0) is "none" */
    assert_null(ynode(t, 0));
    parsed_done(&p);
}

static void test_positions_are_one_based(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "# comment\n"
                                  "key: value\n"
                                  "list:\n"
                                  "  - { id: a, n: 42 }\n"
                                  "  - [p, q]\n");
    const YNode *root = ynode(t, t->root);
    assert_pos(root, 2, 1);
    assert_pos(child(t, root, 0), 2, 1); /* key */
    assert_pos(child(t, root, 1), 2, 6); /* value */
    const YNode *list = get(t, root, "list");
    assert_pos(list, 4, 3);
    const YNode *m = child(t, list, 0);
    assert_pos(m, 4, 5);
    assert_pos(get(t, m, "id"), 4, 11);
    assert_pos(get(t, m, "n"), 4, 17);
    const YNode *s = child(t, list, 1);
    assert_pos(s, 5, 5);
    assert_pos(child(t, s, 1), 5, 9);
    parsed_done(&p);
}

static void test_positions_count_characters(void **state) {
    /* libyaml columns are characters, not bytes */
    Parsed p;
    const YTree *t = parse_ok(&p, "[\xe6\x97\xa5\xe6\x9c\xac, x]\n");
    assert_pos(child(t, ynode(t, t->root), 1), 1, 6);
    parsed_done(&p);
}

static void test_plain_flag_and_null(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "a: ~\n"
                                  "b: null\n"
                                  "c: Null\n"
                                  "d: NULL\n"
                                  "e:\n"
                                  "f: 'null'\n"
                                  "g: \"~\"\n"
                                  "h: ''\n"
                                  "i: nil\n"
                                  "j: [a]\n"
                                  "k: |\n"
                                  "  null\n");
    const YNode *root = ynode(t, t->root);
    static const char *const nulls[] = {"a", "b", "c", "d", "e"};
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
        const YNode *v = get(t, root, nulls[i]);
        assert_true(v->plain);
        assert_true(ynode_is_null(t, v));
    }
    static const char *const not_null[] = {"f", "g", "h", "i", "j", "k"};
    for (size_t i = 0; i < sizeof(not_null) / sizeof(not_null[0]); i++) {
        assert_false(ynode_is_null(t, get(t, root, not_null[i])));
    }
    assert_false(get(t, root, "f")->plain);
    assert_false(get(t, root, "g")->plain);
    assert_false(get(t, root, "k")->plain);
    assert_true(get(t, root, "i")->plain);
    parsed_done(&p);
}

static void test_scalars_with_nul_and_escapes(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "a: \"x\\ty\"\nb: \"p\\0q\"\n");
    const YNode *root = ynode(t, t->root);
    assert_scalar(t, get(t, root, "a"), "x\ty");
    const YNode *b = get(t, root, "b");
    assert_int_equal(b->len, 3); /* the NUL is kept in len */
    assert_memory_equal(yscalar(t, b), "p\0q", 3);
    parsed_done(&p);
}

static void test_alias_copies_subtree(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "a: &x [1, {k: v, l: [2, 3]}, 4]\n"
                                  "b: *x\n"
                                  "c: &s hello\n"
                                  "d: *s\n");
    const YNode *root = ynode(t, t->root);
    const YNode *a = get(t, root, "a"), *b = get(t, root, "b");
    assert_true(a != b);
    assert_int_equal(b->type, YNODE_SEQ);
    assert_int_equal(b->n, 3);
    assert_int_equal(b->size, a->size);
    /* same shape and order, new nodes, positioned at the alias */
    assert_scalar(t, child(t, b, 0), "1");
    assert_scalar(t, child(t, b, 2), "4");
    assert_true(child(t, b, 0) != child(t, a, 0));
    const YNode *m = child(t, b, 1);
    assert_int_equal(m->type, YNODE_MAP);
    assert_int_equal(m->n, 4);
    assert_scalar(t, child(t, m, 0), "k");
    assert_scalar(t, child(t, m, 1), "v");
    const YNode *l = get(t, m, "l");
    assert_int_equal(l->n, 2);
    assert_scalar(t, child(t, l, 0), "2");
    assert_scalar(t, child(t, l, 1), "3");
    assert_pos(b, 2, 4);
    /* scalar aliases too */
    assert_scalar(t, get(t, root, "d"), "hello");
    assert_true(get(t, root, "d")->plain);
    /* the original is intact */
    assert_int_equal(a->n, 3);
    assert_scalar(t, child(t, child(t, a, 1), 1), "v");
    parsed_done(&p);
}

static void test_alias_as_map_value_keeps_siblings(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "base: &b {x: 1}\n"
                                  "list: [*b, *b, {y: 2}]\n"
                                  "after: end\n");
    const YNode *root = ynode(t, t->root);
    const YNode *list = get(t, root, "list");
    assert_int_equal(list->n, 3);
    assert_scalar(t, get(t, child(t, list, 0), "x"), "1");
    assert_scalar(t, get(t, child(t, list, 1), "x"), "1");
    assert_scalar(t, get(t, child(t, list, 2), "y"), "2");
    assert_scalar(t, get(t, root, "after"), "end");
    parsed_done(&p);
}

static void test_anchor_redefinition_uses_newest(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "a: &x 1\n"
                                  "b: *x\n"
                                  "c: &x 2\n"
                                  "d: *x\n");
    const YNode *root = ynode(t, t->root);
    assert_scalar(t, get(t, root, "b"), "1");
    assert_scalar(t, get(t, root, "d"), "2");
    parsed_done(&p);
}

static void test_recursive_alias_rejected(void **state) {
    parse_fails("a: &x [1, *x]\n", 1, 11, "containing itself");
    parse_fails("&m {k: *m}\n", 1, 8, "containing itself");
    parse_fails("a: &x\n  b:\n    c: *x\n", 3, 8, "containing itself");
}

static void test_unknown_alias_rejected(void **state) {
    parse_fails("a: *nope\n", 1, 4, "no anchor");
    parse_fails("a: *x\nb: &x 1\n", 1, 4, "no anchor"); /* defined after use */
}

static void test_two_documents_rejected(void **state) {
    parse_fails("a: 1\n---\nb: 2\n", 2, 1, "second YAML document");
    parse_fails("--- a\n--- b\n", 2, 1, "second YAML document");
    Parsed p;
    const YTree *t = parse_ok(&p, "---\na: 1\n...\n");
    assert_int_equal(ynode(t, t->root)->type, YNODE_MAP);
    parsed_done(&p);
}

static char *nested(unsigned depth) {
    char *s = malloc(2 * (size_t)depth + 2);
    assert_non_null(s);
    memset(s, '[', depth);
    memset(s + depth, ']', depth);
    s[2 * depth] = '\n';
    s[2 * depth + 1] = '\0';
    return s;
}

static void test_depth_limit(void **state) {
    char *ok = nested(YTREE_MAX_DEPTH);
    Parsed p;
    const YTree *t = parse_ok(&p, ok);
    /* walk down to the innermost list */
    const YNode *n = ynode(t, t->root);
    unsigned levels = 1;
    while (n->first) {
        n = ynode(t, n->first);
        levels++;
    }
    assert_int_equal(levels, YTREE_MAX_DEPTH);
    parsed_done(&p);
    free(ok);

    char *deep = nested(YTREE_MAX_DEPTH + 1);
    parse_fails(deep, 1, YTREE_MAX_DEPTH + 1, "nesting deeper than");
    free(deep);

    /* block style counts the same way */
    char buf[8192];
    size_t off = 0;
    for (unsigned i = 0; i < YTREE_MAX_DEPTH + 1; i++) {
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%*sk:\n", (int)(2 * i), "");
    }
    snprintf(buf + off, sizeof(buf) - off, "%*sv\n", (int)(2 * (YTREE_MAX_DEPTH + 1)), "");
    Parsed q = parse(buf);
    assert_int_equal(q.r, -EINVAL);
    assert_int_equal(q.d->n_errors, 1);
    assert_int_equal(q.d->v[0].line, YTREE_MAX_DEPTH + 1);
    parsed_done(&q);
}

static void test_very_deep_nesting_rejected_quickly(void **state) {
    char *deep = nested(100000);
    parse_fails(deep, 1, YTREE_MAX_DEPTH + 1, "nesting deeper than");
    free(deep);
}

static void test_alias_budget(void **state) {
    /* a 999-element list is 1000 nodes: 100 aliases reach the budget exactly */
    size_t cap = 64 * 1024;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t off = (size_t)snprintf(buf, cap, "a: &a [");
    for (int i = 0; i < 999; i++) {
        off += (size_t)snprintf(buf + off, cap - off, "%s%d", i ? "," : "", i);
    }
    off += (size_t)snprintf(buf + off, cap - off, "]\nb: [");
    size_t list_start = off;
    for (int i = 0; i < 100; i++) {
        off += (size_t)snprintf(buf + off, cap - off, "%s*a", i ? "," : "");
    }
    snprintf(buf + off, cap - off, "]\n");
    Parsed p;
    const YTree *t = parse_ok(&p, buf);
    assert_int_equal(get(t, ynode(t, t->root), "b")->n, 100);
    parsed_done(&p);

    /* one more alias is over */
    snprintf(buf + off, cap - off, ",*a]\n");
    parse_fails(buf, 2, (unsigned)(off - list_start) + 6, "alias bomb");
    free(buf);
}

static void test_billion_laughs_rejected(void **state) {
    char buf[2048];
    size_t off =
        (size_t)snprintf(buf, sizeof(buf), "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (char c = 'b'; c <= 'i'; c++) {
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%c: &%c [", c, c);
        for (int i = 0; i < 9; i++) {
            off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s*%c", i ? "," : "", c - 1);
        }
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "]\n");
    }
    Parsed p = parse(buf);
    assert_int_equal(p.r, -EINVAL);
    assert_null(p.t);
    assert_int_equal(p.d->n_errors, 1);
    assert_non_null(strstr(p.d->v[0].msg, "aliases expand to more than"));
    parsed_done(&p);
}

static void test_syntax_errors(void **state) {
    Parsed p = parse("a: [1, 2\n");
    assert_int_equal(p.r, -EINVAL);
    assert_int_equal(p.d->n_errors, 1);
    assert_non_null(strstr(p.d->v[0].msg, "YAML syntax error"));
    assert_int_equal(p.d->v[0].line, 2);
    parsed_done(&p);

    p = parse("a: 1\n b: 2\n");
    assert_int_equal(p.r, -EINVAL);
    assert_non_null(strstr(p.d->v[0].msg, "YAML syntax error"));
    assert_int_equal(p.d->v[0].line, 2);
    parsed_done(&p);

    p = parse("a:\n\tb: 1\n");
    assert_int_equal(p.r, -EINVAL);
    assert_int_equal(p.d->v[0].line, 2);
    parsed_done(&p);
}

static void test_empty_and_scalar_documents(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "");
    assert_int_equal(t->root, 0);
    parsed_done(&p);
    t = parse_ok(&p, "# only a comment\n");
    assert_int_equal(t->root, 0);
    parsed_done(&p);
    t = parse_ok(&p, "just text\n");
    assert_scalar(t, ynode(t, t->root), "just text");
    parsed_done(&p);
    t = parse_ok(&p, "[]\n");
    assert_int_equal(ynode(t, t->root)->type, YNODE_SEQ);
    assert_int_equal(ynode(t, t->root)->n, 0);
    assert_int_equal(ynode(t, t->root)->first, 0);
    parsed_done(&p);
}

static void test_steal_strings(void **state) {
    Parsed p;
    const YTree *t = parse_ok(&p, "greeting: hello\n");
    const YNode *v = get(t, ynode(t, t->root), "greeting");
    uint32_t off = v->str;
    size_t size = 0;
    char *s = ytree_steal_strings(p.t, &size);
    assert_non_null(s);
    assert_true(size > off + 5);
    assert_null(p.t->strings);
    assert_string_equal(s + off, "hello");
    parsed_done(&p); /* frees the tree but not the stolen strings */
    assert_string_equal(s + off, "hello");
    bigbuf_free(s, size);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types_and_children),
        cmocka_unit_test(test_positions_are_one_based),
        cmocka_unit_test(test_positions_count_characters),
        cmocka_unit_test(test_plain_flag_and_null),
        cmocka_unit_test(test_scalars_with_nul_and_escapes),
        cmocka_unit_test(test_alias_copies_subtree),
        cmocka_unit_test(test_alias_as_map_value_keeps_siblings),
        cmocka_unit_test(test_anchor_redefinition_uses_newest),
        cmocka_unit_test(test_recursive_alias_rejected),
        cmocka_unit_test(test_unknown_alias_rejected),
        cmocka_unit_test(test_two_documents_rejected),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_very_deep_nesting_rejected_quickly),
        cmocka_unit_test(test_alias_budget),
        cmocka_unit_test(test_billion_laughs_rejected),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_empty_and_scalar_documents),
        cmocka_unit_test(test_steal_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
