/* widgets/list and widgets/textview: selection, scrolling, search and follow
 * mode, driven through widget_handle_key with no terminal. */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "widgets/canvas.h"
#include "widgets/list.h"
#include "widgets/ring.h"
#include "widgets/textview.h"

#define CODE(k) WKEY_CODE(k)
static const Canvas canvas = {.utf8 = true};

/* ---- list ---- */

/* n rows "row I"; rows listed in headings are not selectable. */
static List *make_list(size_t n, const size_t *headings, size_t n_headings, int rows) {
    List *l = list_new(&canvas);
    assert_non_null(l);
    Line *lines = calloc(n ? n : 1, sizeof(*lines));
    bool *sel = calloc(n ? n : 1, sizeof(*sel));
    for (size_t i = 0; i < n; i++) {
        line_init(&lines[i]);
        assert_int_equal(line_addf(&lines[i], ROLE_NORMAL, "row %zu", i), 0);
        sel[i] = true;
    }
    for (size_t i = 0; i < n_headings; i++) {
        sel[headings[i]] = false;
    }
    widget_resize(&l->base, 0, 1, 40, rows);
    list_set_rows(l, lines, n_headings ? sel : NULL, n);
    for (size_t i = 0; i < n; i++) {
        assert_null(lines[i].text); /* taken over, reset */
        assert_int_equal(lines[i].len, 0);
        assert_null(lines[i].runs);
    }
    free(lines);
    free(sel);
    return l;
}

static unsigned key(List *l, int k) {
    return widget_handle_key(&l->base, k);
}

static void assert_visible(const List *l) {
    assert_true(l->selected >= l->top);
    assert_true(l->selected < l->top + (size_t)l->base.rows);
}

static void test_list_select_clamps_and_skips(void **state) {
    const size_t heads[] = {0, 5, 6};
    List *l = make_list(20, heads, 3, 10);
    assert_int_equal(l->selected, 1); /* row 0 is a heading */
    assert_int_equal(l->top, 0);
    list_select(l, 1000);
    assert_int_equal(l->selected, 19);
    assert_visible(l);
    list_select(l, 5);
    assert_int_equal(l->selected, 4); /* 4 is nearer than 7 */
    list_select(l, 6);
    assert_int_equal(l->selected, 7);
    list_select(l, 0);
    assert_int_equal(l->selected, 1);
    assert_string_equal(l->rows[3].text, "row 3");
    widget_free(&l->base);
}

static void test_list_keys_skip_headings(void **state) {
    const size_t heads[] = {0, 5, 6};
    List *l = make_list(20, heads, 3, 10);
    list_select(l, 4);
    assert_int_equal(key(l, 'j'), WR_HANDLED | WR_REDRAW);
    assert_int_equal(l->selected, 7);
    assert_int_equal(key(l, CODE(KEY_UP)), WR_HANDLED | WR_REDRAW);
    assert_int_equal(l->selected, 4);
    list_select(l, 1);
    assert_int_equal(key(l, 'k'), WR_HANDLED); /* nothing above: consumed, no change */
    assert_int_equal(l->selected, 1);
    assert_int_equal(l->top, 0);
    assert_int_equal(key(l, 'x'), WR_IGNORED);
    assert_int_equal(key(l, ' '), WR_IGNORED);
    assert_int_equal(key(l, '\r'), WR_HANDLED | WR_ACTIVATE);
    assert_int_equal(key(l, CODE(KEY_ENTER)), WR_HANDLED | WR_ACTIVATE);
    widget_free(&l->base);
}

static void test_list_margin(void **state) {
    List *l = make_list(100, NULL, 0, 10);
    for (int i = 0; i < 7; i++) {
        key(l, CODE(KEY_DOWN));
    }
    assert_int_equal(l->selected, 7);
    assert_int_equal(l->top, 0); /* row 7 of 10: two rows still below it */
    key(l, 'j');
    assert_int_equal(l->selected, 8);
    assert_int_equal(l->top, 1);
    list_select(l, 50);
    assert_int_equal(l->top, 50 + 2 + 1 - 10);
    key(l, 'k');
    key(l, 'k');
    key(l, 'k');
    key(l, 'k');
    key(l, 'k');
    assert_int_equal(l->selected, 45);
    assert_int_equal(l->top, 43);
    widget_free(&l->base);
}

static void test_list_pages_and_ends(void **state) {
    List *l = make_list(100, NULL, 0, 10);
    assert_int_equal(key(l, CODE(KEY_NPAGE)), WR_HANDLED | WR_REDRAW);
    assert_int_equal(l->selected, 9);
    assert_visible(l);
    size_t top = l->top;
    key(l, CODE(KEY_NPAGE));
    assert_int_equal(l->selected, 18);
    assert_int_equal(l->top, top + 9); /* the selection keeps its screen row */
    key(l, CODE(KEY_PPAGE));
    assert_int_equal(l->selected, 9);
    assert_int_equal(l->top, top);
    key(l, 'G');
    assert_int_equal(l->selected, 99);
    assert_int_equal(l->top, 90);
    assert_int_equal(key(l, CODE(KEY_END)), WR_HANDLED);
    assert_int_equal(key(l, CODE(KEY_NPAGE)), WR_HANDLED);
    key(l, 'g');
    assert_int_equal(l->selected, 0);
    assert_int_equal(l->top, 0);
    key(l, CODE(KEY_END));
    key(l, CODE(KEY_HOME));
    assert_int_equal(l->selected, 0);
    assert_int_equal(key(l, CODE(KEY_PPAGE)), WR_HANDLED);
    widget_free(&l->base);
}

static void test_list_headings_at_ends(void **state) {
    const size_t heads[] = {0, 9};
    List *l = make_list(10, heads, 2, 4);
    key(l, 'G');
    assert_int_equal(l->selected, 8); /* the last selectable row */
    key(l, 'j');                      /* nothing to select: the trailing heading scrolls in */
    assert_int_equal(l->selected, 8);
    assert_int_equal(l->top, 6);
    key(l, 'g');
    assert_int_equal(l->selected, 1);
    assert_int_equal(l->top, 0); /* the heading above is shown */
    widget_free(&l->base);
}

static void test_list_rows_change(void **state) {
    List *l = make_list(100, NULL, 0, 10);
    list_select(l, 80);
    Line lines[5];
    for (int i = 0; i < 5; i++) {
        line_init(&lines[i]);
        line_add(&lines[i], ROLE_NORMAL, "new");
    }
    list_set_rows(l, lines, NULL, 5);
    assert_int_equal(l->n_rows, 5);
    assert_int_equal(l->selected, 4);
    assert_int_equal(l->top, 0);
    assert_null(lines[0].text);
    /* the caller refills the same array */
    for (int i = 0; i < 5; i++) {
        line_add(&lines[i], ROLE_NORMAL, "again");
    }
    const bool sel[5] = {true, true, false, true, true};
    list_select(l, 2);
    assert_int_equal(l->selected, 2);
    list_set_rows(l, lines, sel, 5);
    assert_int_equal(l->selected, 3); /* row 2 became a heading */
    assert_string_equal(l->rows[0].text, "again");
    list_set_rows(l, NULL, NULL, 0);
    assert_int_equal(l->n_rows, 0);
    assert_int_equal(l->selected, 0);
    assert_int_equal(key(l, 'j'), WR_HANDLED);
    assert_int_equal(key(l, '\r'), WR_HANDLED);
    widget_free(&l->base);
}

static void test_list_resize_keeps_selection_visible(void **state) {
    List *l = make_list(100, NULL, 0, 20);
    list_select(l, 19);
    widget_resize(&l->base, 0, 1, 40, 5);
    assert_visible(l);
    widget_resize(&l->base, 0, 1, 40, 200);
    assert_int_equal(l->top, 0);
    widget_free(&l->base);
}

static void test_list_scroll_and_row_at(void **state) {
    List *l = make_list(50, NULL, 0, 10);
    list_scroll(l, 20);
    assert_int_equal(l->top, 20);
    assert_int_equal(l->selected, 20); /* pulled into view */
    list_scroll(l, 1000);
    assert_int_equal(l->top, 40);
    list_scroll(l, -1000);
    assert_int_equal(l->top, 0);
    assert_int_equal(l->selected, 9);
    assert_int_equal(list_row_at(l, 1), 0); /* the list starts at screen row 1 */
    assert_int_equal(list_row_at(l, 10), 9);
    assert_int_equal(list_row_at(l, 0), -1);
    assert_int_equal(list_row_at(l, 11), -1);
    widget_free(&l->base);
}

static void test_list_search(void **state) {
    const size_t heads[] = {0};
    List *l = make_list(30, heads, 1, 10);
    assert_true(list_search(l, "ROW 1", true)); /* case-insensitive; from the selection */
    assert_int_equal(l->selected, 10);
    assert_string_equal(l->query, "ROW 1");
    assert_true(list_search(l, "row 1", true));
    assert_int_equal(l->selected, 11);
    assert_visible(l);
    assert_true(list_search(l, "row 1", false));
    assert_int_equal(l->selected, 10);
    assert_true(list_search(l, "row 1", false));
    assert_int_equal(l->selected, 1);
    assert_true(list_search(l, "row 1", false)); /* wraps to the end */
    assert_int_equal(l->selected, 19);
    assert_false(list_search(l, "row 0", true)); /* only a heading has it */
    assert_int_equal(l->selected, 19);
    list_select(l, 5);
    assert_false(list_search(l, "nothing", true));
    assert_int_equal(l->selected, 5);
    assert_string_equal(l->query, "nothing");
    assert_false(list_search(l, "", true));
    assert_null(l->query);
    list_search(l, "row", true);
    list_clear_search(l);
    assert_null(l->query);
    widget_free(&l->base);
}

/* ---- text view ---- */

static Ring *ring_of(size_t cap, int n) {
    Ring *r = ring_new(cap);
    char buf[32];
    for (int i = 0; i < n; i++) {
        int k = snprintf(buf, sizeof(buf), "line %d", i);
        assert_int_equal(ring_push(r, buf, (size_t)k), 0);
    }
    return r;
}

static void test_textview_wrapped_rows(void **state) {
    assert_int_equal(textview_wrapped_rows(0, 10), 1);
    assert_int_equal(textview_wrapped_rows(1, 10), 1);
    assert_int_equal(textview_wrapped_rows(10, 10), 1);
    assert_int_equal(textview_wrapped_rows(11, 10), 2);
    assert_int_equal(textview_wrapped_rows(95, 10), 10);
    assert_int_equal(textview_wrapped_rows(5, 0), 5);
}

static void test_textview_follow(void **state) {
    Ring *r = ring_of(100, 30);
    TextView *t = textview_new(&canvas, r);
    widget_resize(&t->base, 0, 0, 40, 10);
    assert_true(t->follow);
    assert_int_equal(textview_top(t), 20);
    ring_push(r, "new", 3);
    assert_int_equal(textview_top(t), 21); /* sticks to the newest line */
    assert_int_equal(widget_handle_key(&t->base, 'k'), WR_HANDLED | WR_REDRAW);
    assert_false(t->follow);
    assert_int_equal(textview_top(t), 20);
    ring_push(r, "newer", 5);
    assert_int_equal(textview_top(t), 20); /* stays put */
    widget_handle_key(&t->base, CODE(KEY_PPAGE));
    assert_int_equal(textview_top(t), 11);
    widget_handle_key(&t->base, 'g');
    assert_int_equal(textview_top(t), 0);
    widget_handle_key(&t->base, 'j');
    assert_int_equal(textview_top(t), 1);
    widget_handle_key(&t->base, CODE(KEY_NPAGE));
    widget_handle_key(&t->base, CODE(KEY_NPAGE));
    widget_handle_key(&t->base, CODE(KEY_NPAGE));
    assert_int_equal(textview_top(t), 22); /* clamped at the last page */
    assert_false(t->follow);
    assert_int_equal(widget_handle_key(&t->base, 'G'), WR_HANDLED | WR_REDRAW);
    assert_true(t->follow);
    widget_handle_key(&t->base, 'f');
    assert_false(t->follow);
    assert_int_equal(textview_top(t), 22);
    widget_handle_key(&t->base, 'f');
    assert_true(t->follow);
    assert_int_equal(widget_handle_key(&t->base, 'x'), WR_IGNORED);
    widget_free(&t->base);
    ring_free(r);
}

static void test_textview_scrolled_back_stays_on_text(void **state) {
    Ring *r = ring_of(20, 20);
    TextView *t = textview_new(&canvas, r);
    widget_resize(&t->base, 0, 0, 40, 5);
    widget_handle_key(&t->base, 'g');
    widget_handle_key(&t->base, 'j');
    widget_handle_key(&t->base, 'j');
    assert_string_equal(ring_get(r, textview_top(t)), "line 2");
    ring_push(r, "x", 1); /* the ring rolls: "line 0" is dropped */
    assert_string_equal(ring_get(r, textview_top(t)), "line 2");
    for (int i = 0; i < 5; i++) {
        ring_push(r, "y", 1);
    }
    assert_int_equal(textview_top(t), 0); /* its line is gone: the oldest */
    widget_free(&t->base);
    ring_free(r);
}

static void test_textview_wrap_and_search(void **state) {
    Ring *r = ring_new(10);
    ring_push(r, "short", 5);
    const char *longl = "0123456789012345678901234"; /* 25 columns: 3 rows of 10 */
    ring_push(r, longl, strlen(longl));
    ring_push(r, "tail", 4);
    TextView *t = textview_new(&canvas, r);
    widget_resize(&t->base, 0, 0, 10, 4);
    assert_int_equal(textview_top(t), 0);
    widget_handle_key(&t->base, 'w');
    assert_true(t->wrap);
    assert_int_equal(textview_top(t), 1); /* 3 + 1 rows fit, not 1 + 3 + 1 */
    widget_resize(&t->base, 0, 0, 10, 3);
    assert_int_equal(textview_top(t), 2); /* only "tail" and nothing before it */
    assert_true(textview_search(t, "SHORT", true));
    assert_false(t->follow);
    assert_int_equal(textview_top(t), 0);
    assert_false(textview_search(t, "absent", false));
    textview_clear_search(t);
    assert_null(t->query);
    widget_free(&t->base);
    ring_free(r);
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_select_clamps_and_skips),
        cmocka_unit_test(test_list_keys_skip_headings),
        cmocka_unit_test(test_list_margin),
        cmocka_unit_test(test_list_pages_and_ends),
        cmocka_unit_test(test_list_headings_at_ends),
        cmocka_unit_test(test_list_rows_change),
        cmocka_unit_test(test_list_resize_keeps_selection_visible),
        cmocka_unit_test(test_list_scroll_and_row_at),
        cmocka_unit_test(test_list_search),
        cmocka_unit_test(test_textview_wrapped_rows),
        cmocka_unit_test(test_textview_follow),
        cmocka_unit_test(test_textview_scrolled_back_stays_on_text),
        cmocka_unit_test(test_textview_wrap_and_search),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
