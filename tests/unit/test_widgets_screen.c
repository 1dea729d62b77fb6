/* widgets/: drawing, checked on a curses screen that writes to /dev/null. */
#include <curses.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "widgets/bars.h"
#include "widgets/canvas.h"
#include "widgets/list.h"
#include "widgets/modal.h"
#include "widgets/overlay.h"
#include "widgets/textview.h"

typedef struct Screen {
    FILE *out, *in;
    SCREEN *s;
    Theme *theme;
    Canvas c;
} Screen;

static int setup(void **state) {
    Screen *sc = calloc(1, sizeof(*sc));
    sc->out = fopen("/dev/null", "w");
    sc->in = fopen("/dev/null", "r");
    sc->s = newterm("xterm-256color", sc->out, sc->in);
    if (!sc->s) {
        return -1;
    }
    set_term(sc->s);
    resizeterm(24, 80);
    char *err = NULL;
    if (theme_load("mono", "themes", &sc->theme, &err) < 0) {
        return -1;
    }
    theme_apply(sc->theme, false);
    sc->c = (Canvas){.utf8 = true, .theme = sc->theme};
    *state = sc;
    return 0;
}

static int teardown(void **state) {
    Screen *sc = *state;
    endwin();
    delscreen(sc->s);
    fclose(sc->out);
    fclose(sc->in);
    theme_free(sc->theme);
    free(sc);
    return 0;
}

static int clear_screen(void **state) {
    erase();
    return 0;
}

/* Row y from column x, n cells, as ASCII ('?' for anything else). */
static const char *text_at(int y, int x, int n) {
    static char buf[256];
    int i = 0;
    for (; i < n && i < (int)sizeof(buf) - 1; i++) {
        chtype ch = mvinch(y, x + i) & A_CHARTEXT;
        buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    buf[i] = '\0';
    return buf;
}

static unsigned attr_at(int y, int x) {
    return (unsigned)(mvinch(y, x) & (A_ATTRIBUTES & ~A_ALTCHARSET));
}

static void test_put_clips_wide_chars(void **state) {
    Screen *sc = *state;
    assert_int_equal(canvas_put(&sc->c, 0, 0, ROLE_NORMAL, "a日b", 2), 1);
    assert_string_equal(text_at(0, 0, 3), "a  ");
    assert_int_equal(canvas_put(&sc->c, 1, 0, ROLE_NORMAL, "a日b", 3), 3);
    cchar_t cc;
    wchar_t wc[4];
    attr_t a;
    short pair;
    assert_int_equal(mvin_wch(1, 1, &cc), OK);
    assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
    assert_int_equal(wc[0], 0x65e5);
    assert_int_equal(canvas_put(&sc->c, 2, 76, ROLE_NORMAL, "abcdefgh", 100), 4); /* screen edge */
    assert_int_equal(canvas_put(&sc->c, 2, 80, ROLE_NORMAL, "abc", 10), 0);
    assert_int_equal(canvas_put(&sc->c, 30, 0, ROLE_NORMAL, "abc", 10), 0);
    Canvas ascii = sc->c;
    ascii.utf8 = false;
    assert_int_equal(canvas_put(&ascii, 3, 0, ROLE_NORMAL, "é日x\ty", 10), 6);
    assert_string_equal(text_at(3, 0, 6), "???x y");
    assert_string_equal(canvas_glyph(&ascii, "●", "*"), "*");
    assert_string_equal(canvas_glyph(&sc->c, "●", "*"), "●");
}

static void test_line_draw_roles(void **state) {
    Screen *sc = *state;
    Line l;
    line_init(&l);
    line_add(&l, ROLE_WARN, "warn");
    line_add(&l, ROLE_NORMAL, " ok");
    line_draw(&sc->c, &l, 0, 2, 10, true, ROLE_SELECTED);
    assert_string_equal(text_at(0, 2, 10), "warn ok   ");
    assert_int_equal(attr_at(0, 2), A_BOLD);
    assert_int_equal(attr_at(0, 6), A_NORMAL);
    assert_int_equal(attr_at(0, 9), A_REVERSE); /* the fill */
    assert_int_equal(attr_at(0, 12), A_NORMAL); /* nothing past cols */
    line_draw_as(&sc->c, &l, 1, 0, 5, ROLE_SELECTED);
    assert_string_equal(text_at(1, 0, 6), "warn  ");
    assert_int_equal(attr_at(1, 0), A_REVERSE);
    assert_int_equal(attr_at(1, 4), A_REVERSE);
    assert_int_equal(attr_at(1, 5), A_NORMAL);
    line_free(&l);
}

static void test_list_draw(void **state) {
    Screen *sc = *state;
    List *l = list_new(&sc->c);
    Line rows[4];
    const bool sel[4] = {false, true, true, true};
    const char *text[4] = {"Heading", "alpha", "beta", "gamma"};
    for (int i = 0; i < 4; i++) {
        line_init(&rows[i]);
        line_add(&rows[i], ROLE_NORMAL, text[i]);
    }
    list_set_rows(l, rows, sel, 4);
    widget_resize(&l->base, 1, 2, 20, 3);
    list_select(l, 2);
    list_search(l, "ET", false); /* the selection itself, searched last */
    assert_int_equal(l->selected, 2);
    widget_draw(&l->base);
    assert_false(l->base.dirty);
    /* three rows: a row of margin each side of the selection hides the heading */
    assert_int_equal(l->top, 1);
    assert_string_equal(text_at(2, 1, 20), "alpha               ");
    assert_string_equal(text_at(3, 1, 20), "beta                ");
    assert_int_equal(attr_at(3, 1), A_REVERSE); /* selection: the full width */
    assert_int_equal(attr_at(3, 20), A_REVERSE);
    assert_int_equal(attr_at(3, 21), A_NORMAL);
    assert_int_equal(attr_at(3, 2), A_BOLD | A_UNDERLINE); /* "et" matched */
    assert_int_equal(attr_at(3, 3), A_BOLD | A_UNDERLINE);
    assert_int_equal(attr_at(2, 1), A_NORMAL);
    assert_string_equal(text_at(4, 1, 5), "gamma");
    widget_resize(&l->base, 1, 2, 20, 10);
    erase();
    widget_draw(&l->base);
    assert_string_equal(text_at(2, 1, 8), "Heading ");
    assert_string_equal(text_at(6, 1, 4), "    ");
    widget_free(&l->base);
}

static void test_bars_ascii(void **state) {
    Screen *sc = *state;
    Canvas ascii = sc->c;
    ascii.utf8 = false;
    progress_draw(&ascii, 0, 0, 10, 1, 2, ROLE_OK, ROLE_DIM);
    assert_string_equal(text_at(0, 0, 10), "[####----]");
    assert_int_equal(attr_at(0, 1), theme_attr(sc->theme, ROLE_OK));
    assert_int_equal(attr_at(0, 5), A_DIM);
    progress_draw(&ascii, 1, 0, 3, 1, 1, ROLE_OK, ROLE_DIM);
    assert_string_equal(text_at(1, 0, 3), "###");
    GanttRow g = {.planned_start = 10,
                  .planned_end = 60,
                  .actual_start = 20,
                  .actual_end = -1,
                  .now = 40,
                  .planned_role = ROLE_PLANNED_BAR,
                  .actual_role = ROLE_ACTUAL_BAR,
                  .now_role = ROLE_NOW};
    gantt_draw(&ascii, 2, 0, 10, 0, 100, &g);
    /* cells of 10: planned 10-60 → 1..5, actual 20-now(40) → 2..3, now → 4 */
    assert_string_equal(text_at(2, 0, 10), " -==|-    ");
    g.now = -1;
    g.actual_end = 30;
    gantt_draw(&ascii, 3, 0, 10, 0, 100, &g);
    assert_string_equal(text_at(3, 0, 10), " -=---    ");
    assert_int_equal(badge_draw(&ascii, 4, 0, ROLE_OK, "OK"), 4);
    assert_string_equal(text_at(4, 0, 4), " OK ");
    assert_int_equal(attr_at(4, 0), A_REVERSE); /* plain text role: reversed */
    assert_int_equal(badge_draw(&ascii, 4, 10, ROLE_FAIL, "FAIL"), 6);
    assert_int_equal(attr_at(4, 11), A_BOLD | A_REVERSE); /* already reverse */
}

static void test_header_and_fnbar(void **state) {
    Screen *sc = *state;
    Line left;
    line_init(&left);
    line_add(&left, ROLE_HEADER, " Uplink 2.0  3/12");
    const HeaderBadge badges[] = {{"journal", ROLE_OK}, {"READ-ONLY", ROLE_READONLY}};
    header_draw(&sc->c, 0, 80, &left, badges, 2, "12:34");
    assert_string_equal(text_at(0, 0, 17), " Uplink 2.0  3/12");
    assert_string_equal(text_at(0, 80 - 6, 6), "12:34 ");
    assert_string_equal(text_at(0, 80 - 6 - 12, 11), " READ-ONLY ");
    assert_string_equal(text_at(0, 80 - 6 - 12 - 10, 9), " journal ");
    assert_int_equal(attr_at(0, 30), A_REVERSE);
    /* narrow: the clock goes, then the last badge; the title keeps its room */
    erase();
    header_draw(&sc->c, 0, 40, &left, badges, 2, "12:34");
    assert_string_equal(text_at(0, 40 - 22, 22), " journal   READ-ONLY  ");
    erase();
    header_draw(&sc->c, 0, 30, &left, badges, 2, "12:34");
    assert_string_equal(text_at(0, 0, 30), " Uplink 2.0  3/12    journal  ");
    erase();
    header_draw(&sc->c, 0, 10, &left, badges, 2, "12:34");
    assert_string_equal(text_at(0, 0, 11), " Uplink 2. ");
    line_free(&left);
    const FnKey keys[] = {{"F1", "Help"}, {"F2", NULL}, {"F10", "Quit"}};
    fnbar_draw(&sc->c, 23, 80, keys, 3);
    assert_string_equal(text_at(23, 0, 16), "F1Help F10Quit  ");
    assert_int_equal(attr_at(23, 0), A_BOLD);
    assert_int_equal(attr_at(23, 2), A_REVERSE);
    assert_int_equal(attr_at(23, 79), A_REVERSE);
}

static bool screen_has(const char *needle) {
    for (int y = 0; y < LINES; y++) {
        if (strstr(text_at(y, 0, COLS), needle)) {
            return true;
        }
    }
    return false;
}

static void test_modal_draw(void **state) {
    Screen *sc = *state;
    Modal *m = modal_new(&sc->c, MODAL_TYPE_TO_CONFIRM, "Point of no return",
                         "Starting this phase cannot be undone.\nBackups are taken.", "migrate", 0);
    widget_resize(&m->base, 0, 0, 80, 24);
    widget_draw(&m->base);
    assert_true(screen_has("Point of no return"));
    assert_true(screen_has("Starting this phase cannot be undone."));
    assert_true(screen_has("Type 'migrate' to confirm"));
    assert_false(screen_has("does not match"));
    widget_handle_key(&m->base, 'x');
    widget_handle_key(&m->base, '\r');
    erase();
    widget_draw(&m->base);
    assert_true(screen_has("> x"));
    assert_true(screen_has("That does not match 'migrate'."));
    assert_true(screen_has("Enter Confirm"));
    /* any size: nothing is drawn outside the screen, nothing crashes */
    for (int cols = 0; cols < 30; cols += 3) {
        for (int rows = 0; rows < 12; rows += 2) {
            erase();
            widget_resize(&m->base, 0, 0, cols, rows);
            widget_draw(&m->base);
        }
    }
    widget_free(&m->base);
}

static void test_help_and_textview_draw(void **state) {
    Screen *sc = *state;
    const HelpRow rows[] = {{"", "Timeline"}, {"j k", "move"}, {"Enter", "open the checklist"}};
    Help *h = help_new(&sc->c, "Help: timeline", rows, 3);
    widget_resize(&h->base, 0, 0, 80, 24);
    widget_draw(&h->base);
    assert_true(screen_has("Help: timeline"));
    assert_true(screen_has("Enter  open the checklist"));
    assert_true(screen_has("q close"));
    widget_resize(&h->base, 0, 0, 5, 2);
    widget_draw(&h->base);
    widget_free(&h->base);

    erase();
    Ring *r = ring_new(10);
    ring_push(r, "ok: started", 11);
    ring_push(r, "ERROR: disk full", 16);
    TextView *t = textview_new(&sc->c, r);
    char *words[] = {"ERROR", NULL};
    t->highlight = words;
    widget_resize(&t->base, 0, 5, 20, 4);
    textview_search(t, "disk", true);
    widget_draw(&t->base);
    assert_string_equal(text_at(5, 0, 16), "ok: started     ");
    assert_string_equal(text_at(6, 0, 16), "ERROR: disk full");
    assert_int_equal(attr_at(6, 0), A_BOLD);               /* highlight: warn */
    assert_int_equal(attr_at(6, 7), A_BOLD | A_UNDERLINE); /* the search */
    assert_int_equal(attr_at(6, 6), A_NORMAL);
    t->wrap = true;
    widget_resize(&t->base, 0, 5, 6, 4);
    erase();
    widget_handle_key(&t->base, 'G');
    widget_draw(&t->base);
    /* 2 + 3 rows do not fit 4: the newest line and what fits before it */
    assert_string_equal(text_at(5, 0, 6), "ERROR:");
    assert_string_equal(text_at(6, 0, 6), " disk ");
    assert_string_equal(text_at(7, 0, 6), "full  ");
    assert_string_equal(text_at(8, 0, 6), "      ");
    widget_free(&t->base);
    ring_free(r);
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_put_clips_wide_chars, clear_screen),
        cmocka_unit_test_setup(test_line_draw_roles, clear_screen),
        cmocka_unit_test_setup(test_list_draw, clear_screen),
        cmocka_unit_test_setup(test_bars_ascii, clear_screen),
        cmocka_unit_test_setup(test_header_and_fnbar, clear_screen),
        cmocka_unit_test_setup(test_modal_draw, clear_screen),
        cmocka_unit_test_setup(test_help_and_textview_draw, clear_screen),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
