/* widgets/theme: parsing, loading the shipped themes, attributes and pairs. */
#include <curses.h>
#include <errno.h>
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

#include "widgets/roles.h"
#include "widgets/theme.h"

static const char *const shipped[] = {"default", "light", "high-contrast", "mono"};

static void test_role_names(void **state) {
    for (int r = 0; r < _ROLE_MAX; r++) {
        assert_non_null(role_name((Role)r));
        assert_int_equal(role_from_name(role_name((Role)r)), r);
    }
    assert_int_equal(role_from_name("risk-high"), ROLE_RISK_HIGH);
    assert_int_equal(role_from_name("nope"), -1);
    assert_int_equal(role_from_name(NULL), -1);
    assert_null(role_name(_ROLE_MAX));
}

static void test_parse_good(void **state) {
    const char *text = "# a theme\n"
                       "name = sunset\n"
                       "\n"
                       "normal   = white/252 black/234\n"
                       "ok       = green/71 default bold   # fg bg attrs\n"
                       "selected = black cyan/31 bold reverse\r\n"
                       "warn     = 214\n"
                       "fail     = bold underline\n"
                       "  risk-high\t=\tmagenta/199 default italic standout\n"
                       "dim = 3 none";
    Theme *t = NULL;
    char *err = (char *)"untouched";
    assert_int_equal(theme_parse("file", text, &t, &err), 0);
    assert_null(err);
    assert_string_equal(t->name, "sunset");
    assert_false(t->mono);
    const ThemeStyle *ok = &t->style[ROLE_OK];
    assert_true(ok->set);
    assert_int_equal(ok->fg8, COLOR_GREEN);
    assert_int_equal(ok->fg256, 71);
    assert_int_equal(ok->bg8, -1);
    assert_int_equal(ok->bg256, -1);
    assert_int_equal(ok->attrs, A_BOLD);
    const ThemeStyle *sel = &t->style[ROLE_SELECTED];
    assert_int_equal(sel->fg8, COLOR_BLACK);
    assert_int_equal(sel->fg256, COLOR_BLACK);
    assert_int_equal(sel->bg8, COLOR_CYAN);
    assert_int_equal(sel->bg256, 31);
    assert_int_equal(sel->attrs, A_BOLD | A_REVERSE);
    /* a bare number: itself on 256 colours, the nearest basic colour on 8 */
    assert_int_equal(t->style[ROLE_WARN].fg256, 214);
    assert_int_equal(t->style[ROLE_WARN].fg8, COLOR_YELLOW);
    assert_int_equal(t->style[ROLE_WARN].bg256, -1);
    assert_int_equal(t->style[ROLE_DIM].fg8, 3);
    assert_int_equal(t->style[ROLE_DIM].attrs, 0);
    /* attributes alone keep the terminal's colours */
    assert_int_equal(t->style[ROLE_FAIL].fg8, -1);
    assert_int_equal(t->style[ROLE_FAIL].attrs, A_BOLD | A_UNDERLINE);
    assert_int_equal(t->style[ROLE_RISK_HIGH].attrs, A_ITALIC | A_STANDOUT);
    assert_int_equal(t->style[ROLE_RISK_HIGH].fg256, 199);
    /* a role not named falls back to normal */
    const ThemeStyle *now = &t->style[ROLE_NOW];
    assert_false(now->set);
    assert_int_equal(now->fg256, 252);
    assert_int_equal(now->bg256, 234);
    assert_int_equal(now->fg8, COLOR_WHITE);
    assert_int_equal(now->bg8, COLOR_BLACK);
    assert_null(theme_free(t));
    assert_null(theme_free(NULL));
}

static void test_parse_defaults_and_mono(void **state) {
    Theme *t = NULL;
    char *err = NULL;
    assert_int_equal(theme_parse("empty", "", &t, &err), 0);
    assert_string_equal(t->name, "empty");
    for (int r = 0; r < _ROLE_MAX; r++) {
        assert_int_equal(t->style[r].fg8, -1);
        assert_int_equal(t->style[r].bg256, -1);
        assert_int_equal(t->style[r].attrs, 0);
    }
    theme_free(t);
    assert_int_equal(theme_parse("x", "mono = yes\nselected = reverse\n", &t, &err), 0);
    assert_true(t->mono);
    theme_free(t);
    assert_int_equal(theme_parse("mono", "ok = none\n", &t, &err), 0);
    assert_true(t->mono); /* by name */
    theme_free(t);
}

/* text must fail, and the error must be exactly want. */
static void expect_error(const char *text, const char *want) {
    Theme *t = (Theme *)0x1;
    char *err = NULL;
    assert_int_equal(theme_parse("bad", text, &t, &err), -EINVAL);
    assert_ptr_equal(t, (Theme *)0x1); /* untouched */
    assert_non_null(err);
    if (strcmp(err, want) != 0) {
        fail_msg("error\n  got:  %s\n  want: %s", err, want);
    }
    free(err);
}

static void test_parse_errors(void **state) {
    expect_error("ok = green\nbogus = red\n", "2: unknown role 'bogus'");
    expect_error("\n\nok = pink\n", "3: unknown colour 'pink'");
    expect_error("ok = green blod\n", "1: unknown colour or attribute 'blod'");
    expect_error("ok = green default blod\n", "1: unknown attribute 'blod'");
    expect_error("ok = bold blod\n", "1: unknown attribute 'blod'");
    expect_error("ok = 256\n", "1: colour '256' is out of range: use 0-255");
    expect_error("ok = green/300\n", "1: colour 'green/300' is out of range: use 0-255");
    expect_error("ok = green/\n", "1: unknown colour 'green/'");
    expect_error("ok = bold red\n", "1: colour 'red' after attributes: write fg, bg, then "
                                    "attributes");
    expect_error("ok = red green blue\n",
                 "1: colour 'blue': a role has at most a foreground and a background");
    expect_error("ok green\n", "1: expected 'ROLE = COLOURS ATTRIBUTES', got 'ok green'");
    expect_error("ok =\n", "1: no colours or attributes for 'ok'");
    expect_error("ok = red # only a comment after\nok = green\n",
                 "2: role 'ok' is set twice (first on line 1)");
    expect_error("mono = maybe\n", "1: mono must be yes or no, got 'maybe'");
    expect_error("name = two words\n", "1: name must be one word, got 'two words'");
    expect_error("ok = \x1b[31m\n", "1: unknown colour '?[31m'");
}

static void test_parse_reports_every_line(void **state) {
    expect_error("# header\n"
                 "ok = green\n"
                 "warm = yellow\n"
                 "fail = red crimson\n"
                 "\n"
                 "risk-low = green/71 default bold\n"
                 "selected cyan\n"
                 "now = bright\n",
                 "3: unknown role 'warm'\n"
                 "4: unknown colour or attribute 'crimson'\n"
                 "7: expected 'ROLE = COLOURS ATTRIBUTES', got 'selected cyan'\n"
                 "8: unknown colour 'bright'");
}

static void test_attr_without_colours(void **state) {
    Theme *t = NULL;
    char *err = NULL;
    assert_int_equal(theme_parse("c", "selected = black cyan bold\nok = green\n", &t, &err), 0);
    /* not applied (or NO_COLOR): a colour theme falls back to the no-colour column */
    assert_false(t->colors_on);
    assert_int_equal(theme_attr(t, ROLE_SELECTED), A_REVERSE);
    assert_int_equal(theme_attr(t, ROLE_FAIL), A_BOLD | A_REVERSE);
    assert_int_equal(theme_attr(t, ROLE_WARN), A_BOLD);
    assert_int_equal(theme_attr(t, ROLE_DIM), A_DIM);
    assert_int_equal(theme_attr(t, ROLE_OK), A_NORMAL);
    assert_int_equal(theme_attr(t, ROLE_HEADER), A_REVERSE);
    assert_int_equal(theme_attr(NULL, ROLE_SELECTED), A_REVERSE);
    /* with colours on: the role's pair and its attributes */
    t->colors_on = true;
    assert_int_equal(theme_attr(t, ROLE_SELECTED), COLOR_PAIR(ROLE_SELECTED + 1) | A_BOLD);
    assert_int_equal(theme_attr(t, ROLE_OK), COLOR_PAIR(ROLE_OK + 1));
    assert_int_equal(theme_attr(t, (Role)999), COLOR_PAIR(ROLE_NORMAL + 1));
    theme_apply(t, false); /* no screen, no colour: attributes only */
    assert_false(t->colors_on);
    theme_free(t);
}

static void test_load_shipped(void **state) {
    for (size_t i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
        Theme *t = NULL;
        char *err = NULL;
        int r = theme_load(shipped[i], "nowhere:themes", &t, &err);
        if (r != 0) {
            fail_msg("theme %s: %d %s", shipped[i], r, err ? err : "");
        }
        assert_string_equal(t->name, shipped[i]);
        for (int role = 0; role < _ROLE_MAX; role++) {
            if (!t->style[role].set) {
                fail_msg("theme %s does not set %s", shipped[i], role_name((Role)role));
            }
        }
        if (strcmp(shipped[i], "mono") == 0) {
            assert_true(t->mono);
            for (int role = 0; role < _ROLE_MAX; role++) {
                assert_int_equal(t->style[role].fg8, -1);
                assert_int_equal(t->style[role].bg256, -1);
                /* the file and the built-in no-colour column agree */
                assert_int_equal(theme_attr(t, (Role)role), theme_mono_attr((Role)role));
            }
        } else {
            /* the selection and the header bars have a background of their own */
            assert_true(t->style[ROLE_SELECTED].bg8 >= 0 ||
                        t->style[ROLE_SELECTED].attrs & A_REVERSE);
            assert_true(t->style[ROLE_HEADER].bg256 >= 0);
            assert_true(
                memcmp(&t->style[ROLE_SELECTED], &t->style[ROLE_HEADER], sizeof(ThemeStyle)) != 0);
            assert_int_not_equal(t->style[ROLE_OK].fg8, t->style[ROLE_FAIL].fg8);
        }
        theme_free(t);
    }
}

static void test_load_search_path(void **state) {
    char tmpl[] = "/tmp/opsdeck-theme-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char a[256], b[256], path[300], search[600];
    snprintf(a, sizeof(a), "%s/a", tmpl);
    snprintf(b, sizeof(b), "%s/b", tmpl);
    assert_int_equal(mkdir(a, 0700), 0);
    assert_int_equal(mkdir(b, 0700), 0);
    snprintf(path, sizeof(path), "%s/mine.theme", a);
    FILE *f = fopen(path, "w");
    fputs("ok = green\nbad = red\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/mine.theme", b);
    f = fopen(path, "w");
    fputs("ok = red\n", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/.hidden.theme", b);
    f = fopen(path, "w");
    fclose(f);

    Theme *t = NULL;
    char *err = NULL;
    /* the first directory with the file wins, even when its file is bad */
    snprintf(search, sizeof(search), "::%s:%s", b, a);
    assert_int_equal(theme_load("mine", search, &t, &err), 0);
    assert_int_equal(t->style[ROLE_OK].fg8, COLOR_RED);
    theme_free(t);
    snprintf(search, sizeof(search), "%s:%s", a, b);
    assert_int_equal(theme_load("mine", search, &t, &err), -EINVAL);
    char want[400];
    snprintf(want, sizeof(want), "%s/mine.theme:2: unknown role 'bad'", a);
    assert_string_equal(err, want);
    free(err);
    assert_int_equal(theme_load("absent", search, &t, &err), -ENOENT);
    assert_null(err);
    assert_int_equal(theme_load("../a/mine", search, &t, &err), -ENOENT);
    assert_int_equal(theme_load("", search, &t, &err), -ENOENT);
    assert_int_equal(theme_load(".hidden", search, &t, &err), -ENOENT);

    snprintf(search, sizeof(search), "%s:themes:%s:themes", a, b);
    char **names = theme_names(search);
    assert_non_null(names);
    const char *want_names[] = {"default", "high-contrast", "light", "mine", "mono", NULL};
    for (size_t i = 0; want_names[i] || names[i]; i++) {
        assert_non_null(names[i]);
        assert_non_null(want_names[i]);
        assert_string_equal(names[i], want_names[i]);
    }
    theme_names_free(names);
    names = theme_names("/nonexistent");
    assert_non_null(names);
    assert_null(names[0]);
    theme_names_free(names);
    theme_names_free(NULL);

    snprintf(path, sizeof(path), "rm -rf '%s'", tmpl);
    assert_int_equal(system(path), 0);
}

/* theme_apply on a real (if invisible) terminal of the given type. */
static void apply_on(const char *term, bool want_256) {
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    SCREEN *s = newterm(term, out, in);
    if (!s) {
        skip();
    }
    set_term(s);
    start_color();
    Theme *t = NULL;
    char *err = NULL;
    assert_int_equal(theme_load("default", "themes", &t, &err), 0);
    theme_apply(t, true);
    assert_true(t->colors_on);
    assert_int_equal(t->colors_256, want_256);
    for (int r = 0; r < _ROLE_MAX; r++) {
        short fg, bg;
        assert_int_equal(pair_content((short)(r + 1), &fg, &bg), OK);
        assert_int_equal(fg, want_256 ? t->style[r].fg256 : t->style[r].fg8);
        assert_int_equal(bg, want_256 ? t->style[r].bg256 : t->style[r].bg8);
    }
    assert_int_equal(theme_attr(t, ROLE_OK), COLOR_PAIR(ROLE_OK + 1) | t->style[ROLE_OK].attrs);
    theme_apply(t, false); /* NO_COLOR */
    assert_false(t->colors_on);
    assert_int_equal(theme_attr(t, ROLE_SELECTED), A_REVERSE);
    theme_free(t);
    assert_int_equal(theme_load("mono", "themes", &t, &err), 0);
    theme_apply(t, true);
    assert_false(t->colors_on); /* mono never uses pairs */
    assert_int_equal(theme_attr(t, ROLE_FAIL), A_BOLD | A_REVERSE);
    theme_free(t);
    endwin();
    delscreen(s);
    fclose(out);
    fclose(in);
}

static void test_apply_256(void **state) {
    apply_on("xterm-256color", true);
}

static void test_apply_8(void **state) {
    apply_on("xterm", false);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_defaults_and_mono),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_reports_every_line),
        cmocka_unit_test(test_attr_without_colours),
        cmocka_unit_test(test_load_shipped),
        cmocka_unit_test(test_load_search_path),
        cmocka_unit_test(test_apply_256),
        cmocka_unit_test(test_apply_8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
