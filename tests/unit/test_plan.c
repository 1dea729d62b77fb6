/* core/plan.h: loading a plan from YAML, where every field lands, lookups, journal path. */
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

// clang-format off
static const char FULL_PLAN[] =
    /*  1 */ "plan: Full Plan\n"
    /*  2 */ "id: full\n"
    /*  3 */ "start: 2026-11-28T22:00:00Z\n"
    /*  4 */ "state: full.journal\n"
    /*  5 */ "sync: { redis: \"redis://127.0.0.1:6379/1\", key: \"opsdeck:full\" }\n"
    /*  6 */ "repo: { path: /opt/app }\n"
    /*  7 */ "x-units: &units [app-web.service, app-worker.service]\n"
    /*  8 */ "databases:\n"
    /*  9 */ "  - { id: appdb, host: db.internal, port: 3307, user: app, database: appdata,"
             " password_env: APP_DB_PW, option_file: ~/.my.cnf }\n"
    /* 10 */ "  - { id: localdb, socket: /run/mysqld/mysqld.sock }\n"
    /* 11 */ "redis:\n"
    /* 12 */ "  - { id: queue, url: \"redis://127.0.0.1:6379/0\", password_env: REDIS_PW }\n"
    /* 13 */ "services:\n"
    /* 14 */ "  - { unit: app-web.service, title: Web, critical: true }\n"
    /* 15 */ "  - { unit: app-worker.service }\n"
    /* 16 */ "logs:\n"
    /* 17 */ "  - { id: web-log, unit: app-web.service }\n"
    /* 18 */ "  - { id: errors, title: Errors, file: /var/log/app/error.log,"
             " highlight: [ERROR, Traceback] }\n"
    /* 19 */ "checks:\n"
    /* 20 */ "  - { id: disk, kind: disk, path: /srv, warn: \"85%\", fail: \"95%\","
             " interval: 5m, timeout: 30 }\n"
    /* 21 */ "  - { id: mem, kind: memory, warn: \"90%\" }\n"
    /* 22 */ "  - { id: health, kind: http, url: \"http://127.0.0.1:8000/health/\","
             " expect: 200 }\n"
    /* 23 */ "  - { id: rows, kind: sql, database: appdb, query: \"SELECT 1\", expect: \"> 0\" }\n"
    /* 24 */ "  - { id: queue-len, kind: redis, redis: queue, command: LLEN q,"
             " warn: \"> 1000\" }\n"
    /* 25 */ "  - { id: web-up, kind: unit, unit: app-web.service }\n"
    /* 26 */ "  - { id: pong, kind: redis, redis: queue, command: PING, expect: PONG }\n"
    /* 27 */ "actions:\n"
    /* 28 */ "  - { id: backup, title: Back up, db.backup: appdb }\n"
    /* 29 */ "  - { id: backup2, db.backup: { database: appdb, dir: /srv/backups } }\n"
    /* 30 */ "  - { id: migrate, db.query: { database: appdb, query: \"SELECT COUNT(*) FROM t\" } }\n"
    /* 31 */ "  - { id: start-web, systemd.start: app-web.service }\n"
    /* 32 */ "  - { id: stop-all, systemd.stop: *units }\n"
    /* 33 */ "  - { id: restart, title: Restart,"
             " systemd.restart: [app-web.service, app-worker.service] }\n"
    /* 34 */ "  - { id: reload, systemd.reload: [app-web.service] }\n"
    /* 35 */ "  - { id: fetch, git.fetch: upstream }\n"
    /* 36 */ "  - { id: checkout, git.checkout: v2.0 }\n"
    /* 37 */ "  - { id: tag-live, git.tag: { name: LIVE, force: true } }\n"
    /* 38 */ "  - { id: tag-simple, git.tag: deployed }\n"
    /* 39 */ "  - { id: rollback-code, git.rollback: ~ }\n"
    /* 40 */ "  - id: smoke\n"
    /* 41 */ "    title: Smoke tests\n"
    /* 42 */ "    run: [./x, --y]\n"
    /* 43 */ "    cwd: /opt/app\n"
    /* 44 */ "    env: { MODE: smoke, LEVEL: \"3\" }\n"
    /* 45 */ "    timeout: 2m\n"
    /* 46 */ "    shell: false\n"
    /* 47 */ "  - { id: sh, run: \"make check | tee log\", shell: true, timeout: 90 }\n"
    /* 48 */ "phases:\n"
    /* 49 */ "  - id: prep\n"
    /* 50 */ "    title: Preparation\n"
    /* 51 */ "    risk: low\n"
    /* 52 */ "    duration: 2h\n"
    /* 53 */ "    owner: ops\n"
    /* 54 */ "    watch: [app-web.service, web-log, health]\n"
    /* 55 */ "    x-note: ignored\n"
    /* 56 */ "    items:\n"
    /* 57 */ "      - { id: prep.backup, text: Back up the database, action: backup,"
             " check: rows }\n"
    /* 58 */ "      - id: prep.notes\n"
    /* 59 */ "        text: Read the notes\n"
    /* 60 */ "        details: |\n"
    /* 61 */ "          line one\n"
    /* 62 */ "          line two\n"
    /* 63 */ "      - { id: prep.opt, text: Optional step, optional: true }\n"
    /* 64 */ "    rollback:\n"
    /* 65 */ "      - { id: prep.rb, text: Restore the backup, action: backup2 }\n"
    /* 66 */ "  - id: deploy\n"
    /* 67 */ "    title: Deploy\n"
    /* 68 */ "    risk: coordination\n"
    /* 69 */ "    depends: [prep]\n"
    /* 70 */ "    duration: 1h30m\n"
    /* 71 */ "    point_of_no_return: true\n"
    /* 72 */ "    items:\n"
    /* 73 */ "      - { id: deploy.restart, text: Restart, action: restart }\n"
    /* 74 */ "  - id: verify\n"
    /* 75 */ "    title: Verify\n"
    /* 76 */ "    risk: high\n"
    /* 77 */ "    depends: [deploy, prep]\n"
    /* 78 */ "    items: [{ id: verify.ok, text: It works, check: health }]\n";
// clang-format on

static void test_full_plan_top_and_targets(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_string_equal(p->file, "/plans/full.yaml");
    assert_string_equal(p->title, "Full Plan");
    assert_string_equal(p->id, "full");
    assert_true(p->has_start);
    assert_int_equal(p->start, 1795903200);
    assert_string_equal(p->state, "full.journal");
    assert_string_equal(p->sync_redis, "redis://127.0.0.1:6379/1");
    assert_string_equal(p->sync_key, "opsdeck:full");
    assert_string_equal(p->repo_path, "/opt/app");
    assert_string_equal(p->repo_remote, "origin"); /* the default */

    assert_int_equal(p->n_databases, 2);
    const Database *db = &p->databases[0];
    assert_string_equal(db->id, "appdb");
    assert_string_equal(db->host, "db.internal");
    assert_int_equal(db->port, 3307);
    assert_string_equal(db->user, "app");
    assert_string_equal(db->database, "appdata");
    assert_string_equal(db->password_env, "APP_DB_PW");
    assert_string_equal(db->option_file, "~/.my.cnf");
    assert_int_equal(db->pos.line, 9);
    assert_int_equal(db->pos.col, 5);
    db = &p->databases[1];
    assert_string_equal(db->socket, "/run/mysqld/mysqld.sock");
    assert_int_equal(db->port, 3306);
    assert_string_equal(db->database, "localdb"); /* defaults to the id */

    assert_int_equal(p->n_redis, 1);
    assert_string_equal(p->redis[0].url, "redis://127.0.0.1:6379/0");
    assert_string_equal(p->redis[0].password_env, "REDIS_PW");

    assert_int_equal(p->n_services, 2);
    assert_string_equal(p->services[0].unit, "app-web.service");
    assert_string_equal(p->services[0].title, "Web");
    assert_true(p->services[0].critical);
    assert_null(p->services[1].title);
    assert_false(p->services[1].critical);

    assert_int_equal(p->n_logs, 2);
    assert_string_equal(p->logs[0].unit, "app-web.service");
    assert_null(p->logs[0].file);
    assert_string_equal(p->logs[1].file, "/var/log/app/error.log");
    assert_int_equal(p->logs[1].highlight.n, 2);
    assert_string_equal(p->logs[1].highlight.v[1], "Traceback");
    loaded_done(&l);
}

static void test_full_plan_checks(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_int_equal(p->n_checks, 7);
    const Check *c = plan_find_check(p, "disk");
    assert_ptr_equal(c, &p->checks[0]);
    assert_int_equal(c->kind, CHECK_DISK);
    assert_string_equal(c->path, "/srv");
    assert_int_equal(c->warn.op, THRESH_GE);
    assert_true(c->warn.value == 85 && c->warn.percent);
    assert_true(c->fail.value == 95);
    assert_int_equal(c->expect.op, THRESH_NONE);
    assert_int_equal(c->interval_ms, 300000);
    assert_int_equal(c->timeout_ms, 30000); /* a bare number is seconds */
    assert_int_equal(c->pos.line, 20);
    c = plan_find_check(p, "mem");
    assert_int_equal(c->kind, CHECK_MEMORY);
    assert_int_equal(c->interval_ms, 10000); /* defaults */
    assert_int_equal(c->timeout_ms, 5000);
    assert_int_equal(c->fail.op, THRESH_NONE);
    c = plan_find_check(p, "health");
    assert_int_equal(c->kind, CHECK_HTTP);
    assert_string_equal(c->url, "http://127.0.0.1:8000/health/");
    assert_int_equal(c->expect.op, THRESH_EQ);
    assert_true(c->expect.value == 200);
    c = plan_find_check(p, "rows");
    assert_int_equal(c->kind, CHECK_SQL);
    assert_string_equal(c->database, "appdb");
    assert_string_equal(c->query, "SELECT 1");
    assert_int_equal(c->expect.op, THRESH_GT);
    c = plan_find_check(p, "queue-len");
    assert_int_equal(c->kind, CHECK_REDIS);
    assert_string_equal(c->redis, "queue");
    assert_string_equal(c->command, "LLEN q");
    assert_int_equal(c->warn.op, THRESH_GT);
    assert_true(c->warn.value == 1000);
    c = plan_find_check(p, "web-up");
    assert_int_equal(c->kind, CHECK_UNIT);
    assert_string_equal(c->unit, "app-web.service");
    c = plan_find_check(p, "pong");
    assert_int_equal(c->expect.op, THRESH_STR);
    assert_string_equal(c->expect.str, "PONG");
    loaded_done(&l);
}

static void test_full_plan_actions(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_int_equal(p->n_actions, 14);
    const Action *a = plan_find_action(p, "backup");
    assert_int_equal(a->kind, ACTION_DB_BACKUP);
    assert_string_equal(a->title, "Back up");
    assert_string_equal(a->database, "appdb");
    assert_null(a->dir); /* beside the journal */
    a = plan_find_action(p, "backup2");
    assert_null(a->title);
    assert_string_equal(a->database, "appdb");
    assert_string_equal(a->dir, "/srv/backups");
    a = plan_find_action(p, "migrate");
    assert_int_equal(a->kind, ACTION_DB_QUERY);
    assert_string_equal(a->query, "SELECT COUNT(*) FROM t");
    a = plan_find_action(p, "start-web");
    assert_int_equal(a->kind, ACTION_SYSTEMD_START);
    assert_int_equal(a->units.n, 1);
    assert_string_equal(a->units.v[0], "app-web.service");
    a = plan_find_action(p, "stop-all"); /* through an alias */
    assert_int_equal(a->kind, ACTION_SYSTEMD_STOP);
    assert_int_equal(a->units.n, 2);
    assert_string_equal(a->units.v[1], "app-worker.service");
    a = plan_find_action(p, "restart");
    assert_int_equal(a->kind, ACTION_SYSTEMD_RESTART);
    assert_int_equal(a->units.n, 2);
    assert_string_equal(a->units.v[0], "app-web.service");
    assert_string_equal(a->units.v[1], "app-worker.service");
    assert_int_equal(plan_find_action(p, "reload")->kind, ACTION_SYSTEMD_RELOAD);
    a = plan_find_action(p, "fetch");
    assert_int_equal(a->kind, ACTION_GIT_FETCH);
    assert_string_equal(a->remote, "upstream");
    a = plan_find_action(p, "checkout");
    assert_int_equal(a->kind, ACTION_GIT_CHECKOUT);
    assert_string_equal(a->ref, "v2.0");
    a = plan_find_action(p, "tag-live");
    assert_int_equal(a->kind, ACTION_GIT_TAG);
    assert_string_equal(a->tag, "LIVE");
    assert_true(a->force);
    a = plan_find_action(p, "tag-simple");
    assert_string_equal(a->tag, "deployed");
    assert_false(a->force);
    assert_int_equal(plan_find_action(p, "rollback-code")->kind, ACTION_GIT_ROLLBACK);
    a = plan_find_action(p, "smoke");
    assert_int_equal(a->kind, ACTION_RUN);
    assert_int_equal(a->argv.n, 2);
    assert_string_equal(a->argv.v[0], "./x");
    assert_string_equal(a->argv.v[1], "--y");
    assert_string_equal(a->cwd, "/opt/app");
    assert_int_equal(a->n_env, 2);
    assert_string_equal(a->env[0].key, "MODE");
    assert_string_equal(a->env[0].value, "smoke");
    assert_string_equal(a->env[1].key, "LEVEL");
    assert_string_equal(a->env[1].value, "3");
    assert_int_equal(a->timeout_ms, 120000);
    assert_false(a->shell);
    assert_int_equal(a->pos.line, 40);
    assert_int_equal(a->pos.col, 5);
    a = plan_find_action(p, "sh");
    assert_true(a->shell);
    assert_int_equal(a->argv.n, 1);
    assert_string_equal(a->argv.v[0], "make check | tee log");
    assert_int_equal(a->timeout_ms, 90000);
    assert_int_equal(a->n_env, 0);
    loaded_done(&l);
}

static void test_full_plan_phases_and_items(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_int_equal(p->n_phases, 3);
    const Phase *ph = &p->phases[0];
    assert_string_equal(ph->id, "prep");
    assert_string_equal(ph->title, "Preparation");
    assert_string_equal(ph->owner, "ops");
    assert_int_equal(ph->risk, RISK_LOW);
    assert_int_equal(ph->duration, 7200);
    assert_false(ph->point_of_no_return);
    assert_int_equal(ph->depends.n, 0);
    assert_int_equal(ph->watch.n, 3);
    assert_string_equal(ph->watch.v[1], "web-log");
    assert_int_equal(ph->watch.pos[2].line, 54);
    assert_int_equal(ph->watch.pos[2].col, 39);
    assert_int_equal(ph->pos.line, 49);
    assert_int_equal(ph->pos.col, 5);
    assert_int_equal(ph->n_items, 3);
    assert_int_equal(ph->n_rollback, 1);
    const Item *it = &ph->items[0];
    assert_string_equal(it->id, "prep.backup");
    assert_string_equal(it->text, "Back up the database");
    assert_string_equal(it->action, "backup");
    assert_string_equal(it->check, "rows");
    assert_int_equal(it->action_pos.line, 57);
    assert_int_equal(it->action_pos.col, 64);
    assert_null(it->details);
    assert_false(it->optional);
    assert_false(it->rollback);
    assert_string_equal(ph->items[1].details, "line one\nline two\n");
    assert_null(ph->items[1].action);
    assert_true(ph->items[2].optional);
    assert_true(ph->rollback[0].rollback);
    assert_string_equal(ph->rollback[0].action, "backup2");

    ph = &p->phases[1];
    assert_int_equal(ph->risk, RISK_COORDINATION);
    assert_int_equal(ph->duration, 5400);
    assert_true(ph->point_of_no_return);
    assert_null(ph->owner);
    assert_int_equal(ph->depends.n, 1);
    assert_string_equal(ph->depends.v[0], "prep");
    assert_int_equal(ph->dep[0], 0);
    ph = &p->phases[2];
    assert_int_equal(ph->risk, RISK_HIGH);
    assert_int_equal(ph->duration, 0);
    assert_int_equal(ph->depends.n, 2);
    assert_int_equal(ph->dep[0], 1);
    assert_int_equal(ph->dep[1], 0);
    loaded_done(&l);
}

static void test_item_indexes_and_counts(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_int_equal(p->n_items, 5);     /* rollback excluded */
    assert_int_equal(p->n_all_items, 6); /* rollback included */
    static const char *const order[] = {"prep.backup", "prep.notes",     "prep.opt",
                                        "prep.rb",     "deploy.restart", "verify.ok"};
    static const size_t phase[] = {0, 0, 0, 0, 1, 2};
    for (size_t i = 0; i < p->n_all_items; i++) {
        const Item *it = p->all_items[i];
        assert_string_equal(it->id, order[i]);
        assert_int_equal(it->index, i);
        assert_int_equal(it->phase, phase[i]);
        assert_ptr_equal(plan_find_item(p, order[i]), it);
    }
    loaded_done(&l);
}

static void test_lookups(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "/plans/full.yaml", FULL_PLAN);
    assert_ptr_equal(plan_find_phase(p, "deploy"), &p->phases[1]);
    assert_ptr_equal(plan_find_item(p, "prep.rb"), &p->phases[0].rollback[0]);
    assert_ptr_equal(plan_find_action(p, "smoke"), &p->actions[12]);
    assert_ptr_equal(plan_find_check(p, "rows"), &p->checks[3]);
    assert_ptr_equal(plan_find_log(p, "errors"), &p->logs[1]);
    assert_ptr_equal(plan_find_service(p, "app-worker.service"), &p->services[1]);
    assert_int_equal(plan_phase_index(p, "prep"), 0);
    assert_int_equal(plan_phase_index(p, "verify"), 2);
    assert_int_equal(plan_phase_index(p, "nope"), -1);
    /* one namespace, but each lookup only finds its own kind */
    assert_null(plan_find_phase(p, "prep.backup"));
    assert_null(plan_find_item(p, "prep"));
    assert_null(plan_find_action(p, "disk"));
    assert_null(plan_find_check(p, "backup"));
    assert_null(plan_find_log(p, "health"));
    assert_null(plan_find_service(p, "web-log"));
    assert_int_equal(plan_phase_index(p, "prep.backup"), -1);
    assert_null(plan_find_phase(p, "appdb"));
    assert_null(plan_find_phase(p, NULL));
    assert_null(plan_find_service(p, NULL));
    assert_null(plan_find_phase(p, ""));
    loaded_done(&l);
}

static void test_topo_puts_dependencies_first(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "t.yaml",
                            "plan: Topo\n"
                            "phases:\n"
                            "  - { id: d, title: D, depends: [b, c], items: [] }\n"
                            "  - { id: c, title: C, depends: [a], items: [] }\n"
                            "  - { id: b, title: B, depends: [a], items: [] }\n"
                            "  - { id: a, title: A, items: [] }\n"
                            "  - { id: e, title: E, items: [] }\n");
    size_t where[5] = {0};
    bool seen[5] = {false};
    for (size_t k = 0; k < p->n_phases; k++) {
        size_t i = p->topo[k];
        assert_true(i < p->n_phases);
        assert_false(seen[i]);
        seen[i] = true;
        where[i] = k;
    }
    for (size_t i = 0; i < p->n_phases; i++) {
        for (size_t k = 0; k < p->phases[i].depends.n; k++) {
            assert_true(where[p->phases[i].dep[k]] < where[i]);
        }
    }
    assert_int_equal(p->topo[0], 3); /* a has no dependencies */
    assert_int_equal(p->n_items, 0);
    assert_int_equal(p->n_all_items, 0);
    loaded_done(&l);
}

static const char MINIMAL[] = "plan: P\n"
                              "phases: [{ id: a, title: A, items: [{ id: a.1, text: x }] }]\n";

static void test_id_defaults_from_file_name(void **state) {
    Loaded l;
    assert_string_equal(load_ok(&l, "/x/my-plan.yaml", MINIMAL)->id, "my-plan");
    loaded_done(&l);
    assert_string_equal(load_ok(&l, "my_plan.v2.yaml", MINIMAL)->id, "my_plan");
    loaded_done(&l);
    assert_string_equal(load_ok(&l, "/x/odd name!.yaml", MINIMAL)->id, "odd-name-");
    loaded_done(&l);
}

static char *journal_path(const char *name, const char *yaml) {
    Loaded l;
    const Plan *p = load_ok(&l, name, yaml);
    char *path = NULL;
    assert_int_equal(plan_journal_path(p, &path), 0);
    assert_non_null(path);
    loaded_done(&l);
    return path;
}

static void expect_journal(const char *name, const char *yaml, const char *want) {
    char *path = journal_path(name, yaml);
    assert_string_equal(path, want);
    free(path);
}

static void test_journal_path(void **state) {
    char *old_xdg = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    const char *rel = "state: j/run.journal\n";
    char yaml[512];

    snprintf(yaml, sizeof(yaml), "%s%s", rel, MINIMAL);
    expect_journal("/srv/plans/p.yaml", yaml, "/srv/plans/j/run.journal");
    expect_journal("/p.yaml", yaml, "/j/run.journal");
    char *here = journal_path("p.yaml", yaml); /* no directory: the current one */
    assert_true(strcmp(here, "./j/run.journal") == 0 || strcmp(here, "j/run.journal") == 0);
    free(here);

    snprintf(yaml, sizeof(yaml), "state: /var/lib/opsdeck/x.journal\n%s", MINIMAL);
    expect_journal("/srv/plans/p.yaml", yaml, "/var/lib/opsdeck/x.journal");

    assert_int_equal(setenv("HOME", "/home/op", 1), 0);
    snprintf(yaml, sizeof(yaml), "state: ~/x.journal\n%s", MINIMAL);
    expect_journal("/srv/plans/p.yaml", yaml, "/home/op/x.journal");

    assert_int_equal(setenv("XDG_STATE_HOME", "/tmp/xdg-state", 1), 0);
    expect_journal("/srv/plans/my-plan.yaml", MINIMAL, "/tmp/xdg-state/opsdeck/my-plan.journal");
    snprintf(yaml, sizeof(yaml), "id: custom\n%s", MINIMAL);
    expect_journal("/srv/plans/my-plan.yaml", yaml, "/tmp/xdg-state/opsdeck/custom.journal");
    assert_int_equal(unsetenv("XDG_STATE_HOME"), 0);
    expect_journal("/srv/plans/my-plan.yaml", MINIMAL,
                   "/home/op/.local/state/opsdeck/my-plan.journal");
    /* a relative XDG_STATE_HOME is invalid and ignored */
    assert_int_equal(setenv("XDG_STATE_HOME", "rel/state", 1), 0);
    expect_journal("/srv/plans/my-plan.yaml", MINIMAL,
                   "/home/op/.local/state/opsdeck/my-plan.journal");

    if (old_xdg) {
        (void)setenv("XDG_STATE_HOME", old_xdg, 1);
    } else {
        (void)unsetenv("XDG_STATE_HOME");
    }
    if (old_home) {
        (void)setenv("HOME", old_home, 1);
    }
    free(old_xdg);
    free(old_home);
}

static void test_journal_path_without_home(void **state) {
    char *old_xdg = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    (void)unsetenv("XDG_STATE_HOME");
    (void)unsetenv("HOME");
    Loaded l;
    const Plan *p = load_ok(&l, "/srv/p.yaml", MINIMAL);
    char *path = NULL;
    assert_int_equal(plan_journal_path(p, &path), -ENOENT);
    assert_null(path);
    loaded_done(&l);
    if (old_xdg) {
        (void)setenv("XDG_STATE_HOME", old_xdg, 1);
    }
    if (old_home) {
        (void)setenv("HOME", old_home, 1);
    }
    free(old_xdg);
    free(old_home);
}

static void test_plan_load_from_file(void **state) {
    char dir[] = "/tmp/opsdeck-test-plan.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], bad[128];
    snprintf(path, sizeof(path), "%s/weekend.yaml", dir);
    snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(FULL_PLAN, f);
    fclose(f);
    f = fopen(bad, "w");
    assert_non_null(f);
    fputs(PHASE_HEAD "    risk: extreme\n    items: []\n", f);
    fclose(f);

    DiagList *d = diag_list_new(path);
    Plan *p = NULL;
    assert_int_equal(plan_load(path, d, &p), 0);
    assert_string_equal(p->file, path);
    assert_int_equal(p->n_all_items, 6);
    p = plan_free(p);
    assert_int_equal(plan_load(bad, d, &p), -EINVAL);
    assert_null(p);
    expect_diag(d, 5, 11, "risk 'extreme'");
    assert_int_equal(plan_load("/nonexistent/opsdeck/plan.yaml", d, &p), -ENOENT);
    assert_int_equal(plan_load(dir, d, &p), -EISDIR);
    assert_null(p);
    diag_list_free(d);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(unlink(bad), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_aliases_and_x_keys(void **state) {
    Loaded l;
    const Plan *p = load_ok(&l, "a.yaml",
                            "plan: Anchors\n"
                            "x-steps: &steps\n"
                            "  - { id: s.1, text: Restart the app }\n"
                            "  - { id: s.2, text: Check it }\n"
                            "x-units: &units [web.service, worker.service]\n"
                            "x-anything: { nested: [1, 2, {deep: true}] }\n"
                            "services: [{ unit: web.service }, { unit: worker.service }]\n"
                            "actions: [{ id: restart, systemd.restart: *units }]\n"
                            "phases:\n"
                            "  - id: a\n"
                            "    title: A\n"
                            "    watch: *units\n"
                            "    items: *steps\n");
    assert_int_equal(p->phases[0].n_items, 2);
    assert_string_equal(p->phases[0].items[0].id, "s.1");
    assert_string_equal(p->phases[0].items[1].text, "Check it");
    assert_int_equal(p->phases[0].watch.n, 2);
    assert_int_equal(p->actions[0].units.n, 2);
    assert_string_equal(p->actions[0].units.v[1], "worker.service");
    loaded_done(&l);
}

static void test_enum_names(void **state) {
    assert_string_equal(risk_to_string(RISK_COORDINATION), "coordination");
    assert_int_equal(risk_from_string("high"), RISK_HIGH);
    assert_int_equal(risk_from_string("HIGH"), -EINVAL);
    assert_string_equal(check_kind_to_string(CHECK_SQL), "sql");
    assert_string_equal(action_kind_to_string(ACTION_GIT_TAG), "git.tag");
    assert_string_equal(action_kind_to_string(ACTION_RUN), "run");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_plan_top_and_targets),
        cmocka_unit_test(test_full_plan_checks),
        cmocka_unit_test(test_full_plan_actions),
        cmocka_unit_test(test_full_plan_phases_and_items),
        cmocka_unit_test(test_item_indexes_and_counts),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_topo_puts_dependencies_first),
        cmocka_unit_test(test_id_defaults_from_file_name),
        cmocka_unit_test(test_journal_path),
        cmocka_unit_test(test_journal_path_without_home),
        cmocka_unit_test(test_plan_load_from_file),
        cmocka_unit_test(test_aliases_and_x_keys),
        cmocka_unit_test(test_enum_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
