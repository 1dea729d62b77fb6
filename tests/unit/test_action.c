/* core/action_*.c without servers: the read-only guard of db.query, masking the
 * password, the option file's quoting, git.tag templates, the confirmation policy,
 * line splitting of streamed output, and journaling start/end. */
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

#include "core/action_internal.h"
#include "core/sql_guard.h"
#include "plan_test_util.h"

static void test_sql_read_only(void **state) {
    const char *ok[] = {
        "SELECT 1",
        "  select count(*) from catalogue_product",
        "SHOW PROCESSLIST",
        "EXPLAIN SELECT * FROM t",
        "DESCRIBE t",
        "desc t",
        "SELECT 'DELETE FROM t; INTO' FROM dual",
        "SELECT 1;",
        "SELECT 1; -- trailing comment",
        "/* why */ SELECT `into` FROM t",
        "-- a comment\nSELECT 2",
    };
    for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
        const char *why = NULL;
        if (!sql_is_read_only(ok[i], &why)) {
            fail_msg("'%s' refused: %s", ok[i], why);
        }
    }
    const char *bad[] = {
        "DELETE FROM t",
        "UPDATE t SET a = 1",
        "DROP TABLE t",
        "SELECT 1; DROP TABLE t",
        "SELECT * FROM t INTO OUTFILE '/tmp/x'",
        "SELECT a INTO @x FROM t",
        "SELECT * FROM t FOR UPDATE",
        "SELECT * FROM t LOCK IN SHARE MODE",
        "/*!50000 DELETE FROM t */ SELECT 1",
        "SELECT 1 /*M!100000 , SLEEP(1) */",
        "EXPLAIN ANALYZE DELETE FROM t",
        "",
        "   ",
        "-- only a comment",
        "CALL p()",
        "(SELECT 1)",
    };
    for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
        const char *why = NULL;
        if (sql_is_read_only(bad[i], &why)) {
            fail_msg("'%s' accepted", bad[i]);
        }
        assert_non_null(why);
    }
    assert_false(sql_is_read_only(NULL, NULL));
}

static void test_mask(void **state) {
    char *m = act_mask("pw=hunter2 and hunter2!", 23, "hunter2");
    assert_string_equal(m, "pw=*** and ***!");
    free(m);
    m = act_mask("abc", 3, NULL);
    assert_string_equal(m, "abc");
    free(m);
    m = act_mask("aaaa", 4, "a");
    assert_string_equal(m, "************");
    free(m);
}

static const char PLAN[] =
    "plan: P\n"
    "repo: { path: repo }\n"
    "databases:\n"
    "  - { id: db, host: db.example, port: 3307, user: \"u s\", password_env: T_PW }\n"
    "  - { id: sock, socket: /run/mysqld/mysqld.sock, user: u, option_file: ~/.my.cnf }\n"
    "services:\n"
    "  - { unit: mariadb.service, critical: true }\n"
    "actions:\n"
    "  - { id: backup, db.backup: db }\n"
    "  - { id: backup-sock, db.backup: { database: sock, dir: /srv/b } }\n"
    "  - { id: q, db.query: { database: db, query: SELECT 1 } }\n"
    "  - { id: tag, git.tag: { name: \"DEPLOYED-%Y-%m-%d/%H%M\", force: true } }\n"
    "  - { id: fetch, git.fetch: {} }\n"
    "  - { id: stop-db, systemd.stop: mariadb.service }\n"
    "  - { id: smoke, run: [./smoke.sh, --quick], env: { A: b }, timeout: 2m }\n"
    "  - { id: risky, run: [true] }\n"
    "phases:\n"
    "  - id: a\n"
    "    title: A\n"
    "    items:\n"
    "      - { id: a.1, text: x, action: smoke }\n"
    "  - id: h\n"
    "    title: H\n"
    "    risk: high\n"
    "    items:\n"
    "      - { id: h.1, text: y, action: risky }\n";

static ActionSpec *spec_for(const Plan *p, const char *id) {
    ActionOptions o = {.journal_path = "/var/lib/x/plan.journal", .actor = "alice"};
    ActionSpec *s = NULL;
    assert_int_equal(action_spec_new(p, plan_find_action(p, id), &o, &s), 0);
    return s;
}

static void test_option_file(void **state) {
    Loaded l;
    setenv("T_PW", "p\"w\\#x y", 1);
    Plan *p = load_ok(&l, "/plans/p.yaml", PLAN);
    ActionSpec *s = spec_for(p, "backup");
    assert_string_equal(s->password, "p\"w\\#x y");
    assert_string_equal(s->dir, "/var/lib/x/backups");
    char *text = action_db_option_text(s, false);
    assert_non_null(strstr(text, "[client]\n"));
    assert_non_null(strstr(text, "user=\"u s\"\n"));
    assert_non_null(strstr(text, "password=\"p\\\"w\\\\#x y\"\n"));
    assert_non_null(strstr(text, "host=\"db.example\"\nport=3307\n"));
    free(text);
    text = action_db_option_text(s, true);
    assert_non_null(strstr(text, "password=\"***\"\n"));
    assert_null(strstr(text, "hunter"));
    free(text);
    action_spec_free(s);

    setenv("HOME", "/home/op", 1);
    s = spec_for(p, "backup-sock");
    text = action_db_option_text(s, false);
    assert_non_null(strstr(text, "!include /home/op/.my.cnf\n[client]\n"));
    assert_non_null(strstr(text, "socket=\"/run/mysqld/mysqld.sock\"\nprotocol=socket\n"));
    assert_null(strstr(text, "password"));
    assert_string_equal(s->dir, "/srv/b");
    free(text);
    action_spec_free(s);
    unsetenv("T_PW");
    s = spec_for(p, "backup");
    assert_true(s->password_missing);
    assert_non_null(action_db_password_problem(s));
    action_spec_free(s);
    loaded_done(&l);
}

static void test_tag_template_and_paths(void **state) {
    Loaded l;
    setenv("OPSDECK_NOW", "2026-11-28T22:14:03Z", 1);
    Plan *p = load_ok(&l, "/plans/p.yaml", PLAN);
    ActionSpec *s = spec_for(p, "tag");
    assert_string_equal(s->tag, "DEPLOYED-2026-11-28/2214");
    assert_true(s->tag_force);
    assert_string_equal(s->repo, "/plans/repo");
    assert_string_equal(s->targets[0], "DEPLOYED-2026-11-28/2214");
    action_spec_free(s);
    s = spec_for(p, "fetch");
    assert_string_equal(s->remote, "origin");
    action_spec_free(s);
    s = spec_for(p, "smoke");
    assert_string_equal(s->argv[0], "./smoke.sh");
    assert_string_equal(s->env[0], "A=b");
    assert_int_equal(s->timeout_ms, 120000);
    assert_string_equal(s->cwd, "/plans");
    action_spec_free(s);
    unsetenv("OPSDECK_NOW");
    loaded_done(&l);
}

static void test_confirm_policy(void **state) {
    Loaded l;
    Plan *p = load_ok(&l, "p.yaml", PLAN);
    const char *word = NULL;
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "q"), NULL, &word),
                     ACTION_CONFIRM_NONE);
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "fetch"), NULL, &word),
                     ACTION_CONFIRM_NONE);
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "smoke"), NULL, &word),
                     ACTION_CONFIRM_YES);
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "risky"), NULL, &word),
                     ACTION_CONFIRM_TYPE);
    assert_string_equal(word, "risky");
    /* the same action from a low-risk phase only asks y/N */
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "risky"), &p->phases[0], &word),
                     ACTION_CONFIRM_YES);
    assert_int_equal(action_confirm_level(p, plan_find_action(p, "stop-db"), NULL, &word),
                     ACTION_CONFIRM_TYPE);
    assert_string_equal(word, "mariadb.service");
    loaded_done(&l);
}

typedef struct Lines {
    char v[16][128];
    size_t n;
} Lines;

static void collect(void *userdata, ActionLine kind, const char *text) {
    Lines *l = userdata;
    if (l->n < 16) {
        snprintf(l->v[l->n++], 128, "%s", text);
    }
}

static void test_linesplit(void **state) {
    ActionSpec spec = {.password = "sekrit"};
    Lines lines = {0};
    ActionSink sink = {.line = collect, .userdata = &lines};
    ActionCtx c = {.s = &spec, .sink = &sink};
    LineSplit ls = {.kind = ACTION_LINE_OUT};
    const char in[] = "one\r\ntw";
    linesplit_feed(&c, &ls, in, strlen(in));
    linesplit_feed(&c, &ls, "o\n10%\r50%\r100%\na\tb\n\x1b[31mred sekrit", 35);
    linesplit_flush(&c, &ls);
    assert_int_equal(lines.n, 5);
    assert_string_equal(lines.v[0], "one");
    assert_string_equal(lines.v[1], "two");
    assert_string_equal(lines.v[2], "100%");
    assert_string_equal(lines.v[3], "a       b");
    assert_string_equal(lines.v[4], "\\e[31mred ***");
}

static int count_events(const JournalEvent *ev, void *userdata) {
    int *n = userdata;
    (*n)++;
    return 0;
}

static void test_journal_start_end(void **state) {
    char dir[] = "/tmp/opsdeck-ut.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/j.journal", dir);
    Journal *j = NULL;
    assert_int_equal(journal_open(path, 0, &j), 0);
    Loaded l;
    Plan *p = load_ok(&l, "p.yaml", PLAN);
    ActionSpec *s = spec_for(p, "smoke");
    assert_int_equal(action_journal_start(j, s, NULL, NULL), 0);
    ActionResult res = {.result = strdup("failed"), .exit_code = 3, .error = strdup("boom")};
    res.extra = cJSON_CreateObject();
    cJSON_AddStringToObject(res.extra, "signal", "TERM");
    assert_int_equal(action_journal_end(j, s, &res, NULL, NULL), 0);
    action_result_done(&res);
    Journal *r = NULL;
    int n = 0;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    assert_int_equal(journal_read(r, count_events, &n), 0);
    assert_int_equal(n, 2);
    journal_free(r);
    FILE *f = fopen(path, "r");
    char buf[4096] = "";
    size_t got = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "\"type\":\"action-start\",\"action\":\"smoke\""));
    assert_non_null(strstr(buf, "\"targets\":[\"./smoke.sh\",\"--quick\"]"));
    assert_non_null(strstr(buf, "\"result\":\"failed\",\"exit\":3"));
    assert_non_null(strstr(buf, "\"error\":\"boom\""));
    assert_non_null(strstr(buf, "\"kind\":\"run\""));
    action_spec_free(s);
    journal_free(j);
    loaded_done(&l);
    unlink(path);
    rmdir(dir);
}

static void test_read_only_journal_runs_nothing(void **state) {
    char dir[] = "/tmp/opsdeck-ut.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], marker[256];
    snprintf(path, sizeof(path), "%s/j.journal", dir);
    snprintf(marker, sizeof(marker), "%s/ran", dir);
    Journal *j = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &j), 0);
    char yaml[512];
    snprintf(yaml, sizeof(yaml),
             "plan: P\nactions:\n  - { id: touch, run: [touch, %s] }\n" PHASES_A
             "    items: [ { id: a.1, text: x } ]\n",
             marker);
    Loaded l;
    Plan *p = load_ok(&l, "p.yaml", yaml);
    ActionSpec *s = spec_for(p, "touch");
    ActionResult res;
    assert_int_equal(action_run(j, s, NULL, NULL, NULL, NULL, &res), -EROFS);
    assert_string_equal(res.result, "not run");
    assert_int_equal(access(marker, F_OK), -1);
    action_result_done(&res);
    action_spec_free(s);
    journal_free(j);
    loaded_done(&l);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sql_read_only),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_option_file),
        cmocka_unit_test(test_tag_template_and_paths),
        cmocka_unit_test(test_confirm_policy),
        cmocka_unit_test(test_linesplit),
        cmocka_unit_test(test_journal_start_end),
        cmocka_unit_test(test_read_only_journal_runs_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
