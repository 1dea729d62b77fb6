/* Paths the plan names (option_file, ca_file) resolved as the checks open them,
 * and the warning about an option file other users can read. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/check.h"
#include "core/db_secrets.h"
#include "plan_test_util.h"

static char dir[PATH_MAX]; /* a fresh directory, its real path */

static int setup(void **state) {
    char tmpl[] = "/tmp/opsdeck-dbsec.XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, dir)) {
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *name, mode_t mode) {
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[client]\npassword=not-shown\n", f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

/* A plan file in dir (it need not exist) with one database using option_file. */
static Plan *load_db(Loaded *l, const char *option_file) {
    char name[PATH_MAX + 16], yaml[PATH_MAX + 512];
    snprintf(name, sizeof(name), "%s/plan.yaml", dir);
    snprintf(yaml, sizeof(yaml),
             "plan: P\ndatabases:\n  - { id: uplink, option_file: \"%s\" }\n"
             "checks:\n  - { id: q, kind: sql, database: uplink, query: SELECT 1 }\n"
             "  - { id: w, kind: http, url: \"https://x/\", ca_file: ca/ca.pem }\n" PHASES_A
             "    items:\n      - { id: a.1, text: x }\n",
             option_file);
    return load_ok(l, name, yaml);
}

static char *warning(const char *option_file) {
    Loaded l;
    Plan *p = load_db(&l, option_file);
    char *w = (char *)-1;
    assert_int_equal(db_secrets_option_file_warning(p, &p->databases[0], &w), 0);
    loaded_done(&l);
    return w;
}

static void test_plan_path(void **state) {
    Loaded l;
    Plan *p = load_db(&l, "x");
    char *s = NULL, want[PATH_MAX + 64];
    setenv("HOME", "/home/op", 1);
    assert_int_equal(check_plan_path(p, "~/.my.cnf", &s), 0);
    assert_string_equal(s, "/home/op/.my.cnf");
    free(s);
    assert_int_equal(check_plan_path(p, "/etc/ca.pem", &s), 0);
    assert_string_equal(s, "/etc/ca.pem");
    free(s);
    assert_int_equal(check_plan_path(p, "conf/my.cnf", &s), 0);
    snprintf(want, sizeof(want), "%s/conf/my.cnf", dir);
    assert_string_equal(s, want);
    free(s);

    /* the specs the checks run with carry the resolved paths */
    CheckSpec *q = NULL, *w = NULL;
    assert_int_equal(check_spec_new(p, &p->checks[0], 0, &q), 0);
    assert_int_equal(check_spec_new(p, &p->checks[1], 0, &w), 0);
    snprintf(want, sizeof(want), "%s/x", dir);
    assert_string_equal(q->db_option_file, want);
    assert_null(q->ca_file);
    snprintf(want, sizeof(want), "%s/ca/ca.pem", dir);
    assert_string_equal(w->ca_file, want);
    check_spec_free(q);
    check_spec_free(w);
    loaded_done(&l);
}

static void test_option_file_warning(void **state) {
    char want[3 * PATH_MAX];
    write_file("private.cnf", 0600);
    write_file("world.cnf", 0644);
    write_file("group.cnf", 0640);
    assert_null(warning("private.cnf"));
    assert_null(warning("missing.cnf")); /* whatever opens it says so */

    char *w = warning("world.cnf");
    snprintf(want, sizeof(want),
             "database 'uplink': option file %s/world.cnf is readable by others (mode 0644); "
             "run chmod 600 %s/world.cnf",
             dir, dir);
    assert_string_equal(w, want);
    free(w);
    w = warning("group.cnf");
    assert_non_null(strstr(w, "group.cnf is readable by others (mode 0640)"));
    assert_null(strstr(w, "not-shown"));
    free(w);

    /* a symlink: the target's mode, the target named */
    char link[PATH_MAX + 16];
    snprintf(link, sizeof(link), "%s/link.cnf", dir);
    assert_int_equal(symlink("group.cnf", link), 0);
    w = warning("link.cnf");
    snprintf(want, sizeof(want), "link.cnf (a link to %s/group.cnf) is readable by others", dir);
    assert_non_null(strstr(w, want));
    free(w);
    write_file("group.cnf", 0600);
    assert_null(warning("link.cnf"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_path),
        cmocka_unit_test(test_option_file_warning),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
