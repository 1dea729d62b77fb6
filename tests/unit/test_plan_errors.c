/* core/plan.h: every kind of error in a plan, at its exact line and column, all of them
 * reported, secrets never echoed, hostile YAML bounded. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/plan.h"
#include "tests/unit/plan_test_util.h"

static void test_plan_id_is_validated(void **state) {
    /* the default journal path is built from the plan id: it must never climb out
     * of $XDG_STATE_HOME/opsdeck */
    expect_one_error("plan: P\nid: ../../../tmp/x\n" PHASES_A "    items: []\n", 2, 5, "id");
    expect_one_error("plan: P\nid: \"\"\n" PHASES_A "    items: []\n", 2, 5, "id");
}

static void test_error_duplicate_id(void **state) {
    expect_one_error(PHASE_HEAD "    items:\n"
                                "      - { id: a.1, text: x }\n"
                                "      - { id: a.1, text: y }\n",
                     7, 15, "duplicate id 'a.1': already used by the item at line 6");
    expect_one_error("plan: P\n"
                     "checks: [{ id: a, kind: memory }]\n" PHASES_A "    items: []\n",
                     4, 9, "duplicate id 'a': already used by the check at line 2");
}

static void test_error_unknown_keys(void **state) {
    expect_one_error(PHASE_HEAD "    risc: low\n    items: []\n", 5, 5,
                     "unknown key 'risc' in a phase (did you mean 'risk'?)");
    Loaded l = load_bad(PHASE_HEAD "    colour: red\n    items: []\n");
    expect_diag(l.d, 5, 5, "unknown key 'colour' in a phase");
    assert_null(strstr(l.d->v[0].msg, "did you mean"));
    loaded_done(&l);
    expect_one_error("plan: P\nphazes: []\n" PHASES_A "    items: []\n", 2, 1,
                     "unknown key 'phazes' in the plan (did you mean 'phases'?)");
    expect_one_error(PHASE_HEAD "    items: [{ id: a.1, txt: x, text: y }]\n", 5, 24,
                     "unknown key 'txt' in an item (did you mean 'text'?)");
}

static void test_error_unknown_references(void **state) {
    expect_one_error(PHASE_HEAD "    depends: [nope]\n    items: []\n", 5, 15,
                     "phase 'a' depends on unknown phase 'nope'");
    expect_one_error(PHASE_HEAD "    items: [{ id: a.1, text: x, action: launch }]\n", 5, 41,
                     "item 'a.1' refers to unknown action 'launch'");
    expect_one_error(PHASE_HEAD "    items: [{ id: a.1, text: x, check: health }]\n", 5, 40,
                     "item 'a.1' refers to unknown check 'health'");
    expect_one_error(PHASE_HEAD "    items: [{ id: a.1, text: x, check: a }]\n", 5, 40,
                     "refers to 'a', which is a phase, not a check");
    expect_one_error(PHASE_HEAD "    watch: [ghost.service]\n    items: []\n", 5, 13,
                     "phase 'a' watches 'ghost.service'");
    expect_one_error("plan: P\n"
                     "checks:\n"
                     "  - { id: rows, kind: sql, database: db2, query: \"SELECT 1\" }\n" PHASES_A
                     "    items: []\n",
                     3, 38, "check 'rows' refers to unknown database 'db2'");
    expect_one_error("plan: P\n"
                     "actions: [{ id: bk, db.backup: nodb }]\n" PHASES_A "    items: []\n",
                     2, 32, "action 'bk' refers to unknown database 'nodb'");
}

static void test_error_self_dependency(void **state) {
    expect_one_error(PHASE_HEAD "    depends: [a]\n    items: []\n", 5, 15,
                     "phase 'a' depends on itself");
}

/* Some error is "dependency cycle: X -> ... -> X" naming exactly the phases in want and
 * placed at one of them (each phase is written on its own line, lines[k], at column 5). */
static void expect_cycle(const DiagList *d, const char *const *want, size_t n_want,
                         const unsigned *lines) {
    for (size_t i = 0; i < d->n; i++) {
        const Diag *g = &d->v[i];
        if (strncmp(g->msg, "dependency cycle: ", 18) != 0) {
            continue;
        }
        char buf[256], *save = NULL, *names[16];
        size_t n = 0;
        snprintf(buf, sizeof(buf), "%s", g->msg + 18);
        for (char *tok = strtok_r(buf, " ->", &save); tok && n < 16;
             tok = strtok_r(NULL, " ->", &save)) {
            names[n++] = tok;
        }
        if (n != n_want + 1 || strcmp(names[0], names[n - 1]) != 0) {
            continue;
        }
        size_t named = 0;
        bool at_member = false;
        for (size_t k = 0; k < n_want; k++) {
            for (size_t j = 0; j < n - 1; j++) {
                named += strcmp(names[j], want[k]) == 0;
            }
            at_member = at_member || (g->line == lines[k] && g->col == 5);
        }
        if (named == n_want && at_member) {
            return;
        }
    }
    print_diags(d);
    fail_msg("no dependency cycle through exactly %zu phases starting with '%s'", n_want, want[0]);
}

static void test_error_cycles(void **state) {
    Loaded l = load_bad("plan: P\n"
                        "phases:\n"
                        "  - { id: a, title: A, depends: [b], items: [] }\n"
                        "  - { id: b, title: B, depends: [a], items: [] }\n");
    expect_cycle(l.d, (const char *const[]){"a", "b"}, 2, (const unsigned[]){3, 4});
    assert_int_equal(l.d->n_errors, 1);
    loaded_done(&l);

    l = load_bad("plan: P\n"
                 "phases:\n"
                 "  - { id: p1, title: A, depends: [p2], items: [] }\n"
                 "  - { id: p2, title: B, depends: [p3], items: [] }\n"
                 "  - { id: p3, title: C, depends: [p1], items: [] }\n"
                 "  - { id: p4, title: D, depends: [p1], items: [] }\n");
    expect_cycle(l.d, (const char *const[]){"p1", "p2", "p3"}, 3, (const unsigned[]){3, 4, 5});
    assert_int_equal(l.d->n_errors, 1);
    loaded_done(&l);
}

static void test_error_two_separate_cycles(void **state) {
    Loaded l = load_bad("plan: P\n"
                        "phases:\n"
                        "  - { id: a, title: A, depends: [b], items: [] }\n"
                        "  - { id: b, title: B, depends: [a], items: [] }\n"
                        "  - { id: c, title: C, depends: [d], items: [] }\n"
                        "  - { id: d, title: D, depends: [c], items: [] }\n");
    expect_cycle(l.d, (const char *const[]){"a", "b"}, 2, (const unsigned[]){3, 4});
    expect_cycle(l.d, (const char *const[]){"c", "d"}, 2, (const unsigned[]){5, 6});
    assert_int_equal(l.d->n_errors, 2);
    loaded_done(&l);
}

static void test_error_bad_values(void **state) {
    expect_one_error(PHASE_HEAD "    risk: extreme\n    items: []\n", 5, 11,
                     "risk 'extreme' of phase 'a' is not one of low, medium, coordination, high");
    expect_one_error(PHASE_HEAD "    duration: 90x\n    items: []\n", 5, 15,
                     "'duration' of phase 'a' '90x' is not a duration");
    expect_one_error(PHASE_HEAD "    duration: 30m1h\n    items: []\n", 5, 15, "not a duration");
    expect_one_error(PHASE_HEAD "    duration: 99999w\n    items: []\n", 5, 15,
                     "longer than ten years");
    expect_one_error("plan: P\nstart: next friday\n" PHASES_A "    items: []\n", 2, 8,
                     "start 'next friday' is not an ISO 8601 time");
    expect_one_error(PHASE_HEAD "    items: [{ id: a.1, text: x, optional: maybe }]\n", 5, 43,
                     "'optional' of an item must be true or false");
    expect_one_error("plan: P\nchecks: [{ id: c, kind: disk, warn: lots }]\n" PHASES_A
                     "    items: []\n",
                     2, 37, "'warn' of check 'c' 'lots' is not a threshold");
}

static void test_error_tabs(void **state) {
    Loaded l = load_bad("plan: P\nphases:\n\t- id: a\n\t  title: A\n");
    expect_diag(l.d, 3, 1, "tab character in indentation");
    expect_diag(l.d, 4, 1, "tab character in indentation");
    loaded_done(&l);
}

static void test_error_yaml_syntax(void **state) {
    Loaded l = load_bad("plan: P\nphases:\n  - id: a\n    title: \"unterminated\n    items: []\n");
    assert_int_equal(l.d->n_errors, 1);
    assert_non_null(strstr(l.d->v[0].msg, "YAML syntax error"));
    assert_int_equal(l.d->v[0].line, 6);
    assert_int_equal(l.d->v[0].col, 1);
    loaded_done(&l);
    expect_one_error("plan: P\nphases: [a, b\n", 3, 1, "YAML syntax error");
}

static void test_error_invalid_utf8(void **state) {
    expect_one_error("plan: P\nphases: \xff\xfe\n", 2, 9, "invalid UTF-8 (byte 0xff)");
    expect_one_error("plan: \"\xc0\xaf\"\nphases: []\n", 1, 8, "invalid UTF-8 (byte 0xc0)");
    expect_one_error("# comment \xed\xa0\x80\nplan: P\n", 1, 11, "invalid UTF-8");
    static const char nul[] = "plan: P\0\nphases: []\n";
    Loaded l = {.d = diag_list_new("nul.yaml")};
    assert_int_equal(plan_load_buffer("nul.yaml", nul, sizeof(nul) - 1, l.d, &l.p), -EINVAL);
    expect_diag(l.d, 1, 1, "NUL bytes");
    loaded_done(&l);
}

static void test_error_invalid_utf8_column_counts_characters(void **state) {
    /* KNOWN BUG (reported): the column of invalid UTF-8 counts bytes, while every
     * other diagnostic (libyaml's marks) counts characters.  Remove the skip()
     * once they agree. */
    
    expect_one_error("plan: \"\xe6\x97\xa5\xe6\x9c\xac\xff\"\n", 1, 10, "invalid UTF-8");
}

static void test_error_empty_documents(void **state) {
    static const char *const empty[] = {"",      "\n\n", "   \n", "# only a comment\n# another\n",
                                        "---\n", "~\n",  "null\n"};
    for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
        expect_one_error(empty[i], 1, 1, "the plan is empty");
    }
    expect_one_error("- a\n- b\n", 1, 1, "a plan is a mapping");
    expect_one_error("plan: P\n", 1, 1, "the plan has no 'phases'");
}

static bool any_diag_contains(const DiagList *d, const char *s) {
    for (size_t i = 0; i < d->n; i++) {
        if (strstr(d->v[i].msg, s)) {
            return true;
        }
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    diag_print(d, f);
    fclose(f);
    bool found = strstr(out, s) != NULL;
    free(out);
    return found;
}

static void test_error_inline_password_never_echoed(void **state) {
    Loaded l = load_bad("plan: P\n"
                        "password: top-hunter2-SECRET\n"
                        "databases:\n"
                        "  - id: db\n"
                        "    password: db-hunter2-SECRET\n"
                        "actions: [{ id: q, db.query: { database: db, query: SELECT 1,"
                        " passwd: arg-hunter2-SECRET } }]\n" PHASES_A "    items: []\n");
    expect_diag(l.d, 2, 1, "inline 'password' in the plan: secrets never go in the plan");
    expect_diag(l.d, 5, 5, "inline 'password' in a database");
    expect_diag(l.d, 6, 63, "inline 'passwd'");
    assert_false(any_diag_contains(l.d, "hunter2"));
    assert_int_equal(l.d->n_errors, 3);
    loaded_done(&l);
}

static void test_error_redis_url_password_never_echoed(void **state) {
    Loaded l = load_bad("plan: P\n"
                        "sync: { redis: \"redis://:sync-s3cr3t@127.0.0.1/1\" }\n"
                        "redis:\n"
                        "  - { id: q, url: \"redis://app:q-s3cr3t@127.0.0.1:6379/0\" }\n"
                        "  - { id: r, url: \"http://nope\" }\n" PHASES_A "    items: []\n");
    expect_diag(l.d, 2, 16, "redis URL carries a password");
    expect_diag(l.d, 4, 19, "redis URL carries a password");
    expect_diag(l.d, 5, 19, "redis URL is not valid");
    assert_false(any_diag_contains(l.d, "s3cr3t"));
    assert_int_equal(l.d->n_errors, 3);
    loaded_done(&l);
}

static void test_error_alias_bomb(void **state) {
    char buf[2048];
    size_t off = (size_t)snprintf(buf, sizeof(buf),
                                  "plan: Bomb\nx-a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n");
    for (char c = 'b'; c <= 'i'; c++) {
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "x-%c: &%c [", c, c);
        for (int i = 0; i < 9; i++) {
            off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s*%c", i ? "," : "", c - 1);
        }
        off += (size_t)snprintf(buf + off, sizeof(buf) - off, "]\n");
    }
    snprintf(buf + off, sizeof(buf) - off, "phases: []\n");
    Loaded l = load_bad(buf);
    assert_int_equal(l.d->n_errors, 1);
    assert_non_null(strstr(l.d->v[0].msg, "aliases expand to more than 100000 nodes"));
    loaded_done(&l);
}

static void test_error_deep_nesting(void **state) {
    size_t depth = 100000, n = 16 + 2 * depth;
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    size_t off = (size_t)snprintf(buf, n, "plan: P\nphases: ");
    memset(buf + off, '[', depth);
    memset(buf + off + depth, ']', depth);
    buf[off + 2 * depth] = '\0';
    expect_one_error(buf, 2, 72, "nesting deeper than 64 levels");
    free(buf);
}

static void test_several_errors_all_reported(void **state) {
    // clang-format off
    Loaded l = load_bad(
        /*  1 */ "plan: Many\n"
        /*  2 */ "phaze: 1\n"
        /*  3 */ "phases:\n"
        /*  4 */ "  - id: a\n"
        /*  5 */ "    title: A\n"
        /*  6 */ "    risk: extreme\n"
        /*  7 */ "    duration: soon\n"
        /*  8 */ "    depends: [ghost]\n"
        /*  9 */ "    items:\n"
        /* 10 */ "      - { id: a.1, text: x, action: nope }\n"
        /* 11 */ "      - { id: a.1, text: y }\n"
        /* 12 */ "  - { id: b, title: B, depends: [b], items: [] }\n"
        /* 13 */ "checks: [{ id: c1, kind: ping }]\n"
        /* 14 */ "logs: [{ id: l1 }]\n");
    // clang-format on
    expect_diag(l.d, 2, 1, "unknown key 'phaze'");
    expect_diag(l.d, 6, 11, "risk 'extreme'");
    expect_diag(l.d, 7, 15, "'soon' is not a duration");
    expect_diag(l.d, 8, 15, "unknown phase 'ghost'");
    expect_diag(l.d, 10, 37, "unknown action 'nope'");
    expect_diag(l.d, 11, 15, "duplicate id 'a.1'");
    expect_diag(l.d, 12, 34, "depends on itself");
    expect_diag(l.d, 13, 26, "kind 'ping' of check 'c1'");
    expect_diag(l.d, 14, 8, "log 'l1' needs exactly one of 'unit' and 'file'");
    assert_int_equal(l.d->n_errors, 9);
    assert_null(l.p);
    loaded_done(&l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_id_is_validated),
        cmocka_unit_test(test_error_duplicate_id),
        cmocka_unit_test(test_error_unknown_keys),
        cmocka_unit_test(test_error_unknown_references),
        cmocka_unit_test(test_error_self_dependency),
        cmocka_unit_test(test_error_cycles),
        cmocka_unit_test(test_error_two_separate_cycles),
        cmocka_unit_test(test_error_bad_values),
        cmocka_unit_test(test_error_tabs),
        cmocka_unit_test(test_error_yaml_syntax),
        cmocka_unit_test(test_error_invalid_utf8),
        cmocka_unit_test(test_error_invalid_utf8_column_counts_characters),
        cmocka_unit_test(test_error_empty_documents),
        cmocka_unit_test(test_error_inline_password_never_echoed),
        cmocka_unit_test(test_error_redis_url_password_never_echoed),
        cmocka_unit_test(test_error_alias_bomb),
        cmocka_unit_test(test_error_deep_nesting),
        cmocka_unit_test(test_several_errors_all_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
