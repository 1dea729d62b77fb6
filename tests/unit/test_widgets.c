/* widgets/: the logic that needs no terminal (ring, UTF-8, lines, bars,
 * function bar, modal and help key handling; the list and text view are in
 * test_widgets_list.c). */
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

#include "widgets/bars.h"
#include "widgets/canvas.h"
#include "widgets/modal.h"
#include "widgets/overlay.h"
#include "widgets/ring.h"
#include "widgets/utf8.h"

#define CODE(k) WKEY_CODE(k)
static const Canvas canvas = {.utf8 = true};

/* ---- ring ---- */

static void test_ring_order_and_wrap(void **state) {
    Ring *r = ring_new(3);
    assert_non_null(r);
    assert_null(ring_get(r, 0));
    char buf[8];
    for (int i = 0; i < 7; i++) {
        int n = snprintf(buf, sizeof(buf), "l%d", i);
        assert_int_equal(ring_push(r, buf, (size_t)n), 0);
        assert_int_equal(r->n, i < 3 ? (size_t)i + 1 : 3);
    }
    assert_int_equal(r->total, 7);
    assert_string_equal(ring_get(r, 0), "l4"); /* the oldest kept */
    assert_string_equal(ring_get(r, 1), "l5");
    assert_string_equal(ring_get(r, 2), "l6");
    assert_null(ring_get(r, 3));
    ring_clear(r);
    assert_int_equal(r->n, 0);
    assert_int_equal(r->total, 7);
    assert_int_equal(ring_push(r, "x", 1), 0);
    assert_string_equal(ring_get(r, 0), "x");
    assert_null(ring_free(r));
    assert_null(ring_free(NULL));
}

static void test_ring_copies_and_cap_zero(void **state) {
    Ring *r = ring_new(0);
    assert_int_equal(r->cap, 1);
    char s[] = "abcdef";
    assert_int_equal(ring_push(r, s, 3), 0); /* only len bytes, NUL-terminated */
    s[0] = 'X';
    assert_string_equal(ring_get(r, 0), "abc");
    assert_int_equal(ring_push(r, "", 0), 0);
    assert_string_equal(ring_get(r, 0), "");
    assert_int_equal(r->total, 2);
    ring_free(r);
}

/* ---- UTF-8 and lines ---- */

static void test_utf8_width_and_clip(void **state) {
    assert_int_equal(utf8_width("abc", 3), 3);
    assert_int_equal(utf8_width("日本", strlen("日本")), 4);
    assert_int_equal(utf8_width("e\xcc\x81", 3), 1); /* e + combining acute */
    int cols;
    /* "a日b": 1 + 2 + 1; 2 columns hold only "a" (no half of a wide char) */
    assert_int_equal(utf8_clip("a日b", strlen("a日b"), 2, &cols), 1);
    assert_int_equal(cols, 1);
    assert_int_equal(utf8_clip("a日b", strlen("a日b"), 3, &cols), 4);
    assert_int_equal(cols, 3);
    assert_int_equal(utf8_clip("ééé", 6, 2, &cols), 4); /* never mid-sequence */
    assert_int_equal(utf8_last_len("aé", 3), 2);
    assert_int_equal(utf8_last_len("a日", 4), 3);
    assert_int_equal(utf8_last_len("ab", 2), 1);
    assert_int_equal(utf8_last_len("", 0), 0);
    char out[4];
    assert_int_equal(utf8_encode(0x65e5, out), 3);
    assert_memory_equal(out, "日", 3);
    assert_int_equal(utf8_encode(0xd800, out), 0);
    assert_int_equal(utf8_find_nocase("Hello World", 11, "WORLD", 5), 6);
    assert_int_equal(utf8_find_nocase("Hello", 5, "xyz", 3), -1);
}

static void test_utf8_wrap(void **state) {
    const char *s = "the quick brown fox";
    size_t next, n = utf8_wrap(s, strlen(s), 10, true, &next);
    assert_int_equal(n, 9); /* "the quick" */
    assert_int_equal(next, 10);
    n = utf8_wrap(s, strlen(s), 10, false, &next);
    assert_int_equal(n, 10);
    assert_int_equal(utf8_wrap_rows(s, strlen(s), 10, false), 2);
    assert_int_equal(utf8_wrap_rows("", 0, 10, false), 1);
    /* a wide character never straddles two rows */
    assert_int_equal(utf8_wrap_rows("a日日", strlen("a日日"), 2, false), 3);
}

static void test_line_build(void **state) {
    Line l;
    line_init(&l);
    assert_int_equal(line_width(&l), 0);
    assert_int_equal(line_add(&l, ROLE_OK, "ok "), 0);
    assert_int_equal(line_add(&l, ROLE_OK, "日本"), 0); /* same role: one run */
    assert_int_equal(line_add(&l, ROLE_FAIL, "é"), 0);
    assert_int_equal(line_add(&l, ROLE_FAIL, ""), 0);
    assert_int_equal(l.n_runs, 2);
    assert_int_equal(l.runs[0].off, 0);
    assert_int_equal(l.runs[0].len, strlen("ok 日本"));
    assert_int_equal(l.runs[1].role, ROLE_FAIL);
    assert_string_equal(l.text, "ok 日本é");
    assert_int_equal(line_width(&l), 3 + 4 + 1);
    assert_int_equal(line_pad(&l, ROLE_DIM, 50), 0);
    assert_int_equal(line_width(&l), 50);
    assert_int_equal(l.runs[l.n_runs - 1].role, ROLE_DIM);
    assert_int_equal(line_pad(&l, ROLE_DIM, 10), 0); /* already wider */
    assert_int_equal(line_width(&l), 50);
    line_clear(&l);
    assert_int_equal(l.len, 0);
    assert_int_equal(l.n_runs, 0);
    assert_string_equal(l.text, "");
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(line_addf(&l, ROLE_NORMAL, "%d/%d %s", 3, 7, big), 0);
    assert_int_equal(l.len, 4 + sizeof(big) - 1);
    assert_memory_equal(l.text, "3/7 xxx", 7);
    line_free(&l);
    assert_null(l.text);
    assert_int_equal(l.len, 0);
}

/* ---- bars and the function bar ---- */

static void test_gantt_cells(void **state) {
    assert_int_equal(gantt_cell(0, 100, 10, 0), 0);
    assert_int_equal(gantt_cell(0, 100, 10, 9.99), 0);
    assert_int_equal(gantt_cell(0, 100, 10, 10), 1);
    assert_int_equal(gantt_cell(0, 100, 10, 55), 5);
    assert_int_equal(gantt_cell(0, 100, 10, 100), 9);
    assert_int_equal(gantt_cell(0, 100, 10, -5), 0);
    assert_int_equal(gantt_cell(0, 100, 10, 1e9), 9);
    assert_int_equal(gantt_cell(0, 0, 10, 5), 0);
    assert_int_equal(gantt_cell(0, 100, 0, 5), 0);
    int a, b;
    assert_true(gantt_span(0, 100, 10, 20, 40, &a, &b));
    assert_int_equal(a, 2);
    assert_int_equal(b, 3); /* 40 is the end: cell 4 is not covered */
    assert_true(gantt_span(0, 100, 10, 20, 41, &a, &b));
    assert_int_equal(b, 4);
    assert_true(gantt_span(0, 100, 10, 25, 25, &a, &b)); /* an instant: one cell */
    assert_int_equal(a, 2);
    assert_int_equal(b, 2);
    assert_true(gantt_span(0, 100, 10, -50, 500, &a, &b));
    assert_int_equal(a, 0);
    assert_int_equal(b, 9);
    assert_false(gantt_span(0, 100, 10, 100, 120, &a, &b));
    assert_false(gantt_span(0, 100, 10, -20, -10, &a, &b));
    assert_false(gantt_span(0, 100, 10, -20, 0, &a, &b));
    assert_false(gantt_span(0, 100, 10, 50, 40, &a, &b));
}

static void test_progress_fill(void **state) {
    int e;
    assert_int_equal(progress_fill(0, 10, 20, &e), 0);
    assert_int_equal(e, 0);
    assert_int_equal(progress_fill(5, 10, 20, &e), 10);
    assert_int_equal(e, 0);
    assert_int_equal(progress_fill(10, 10, 20, &e), 20);
    assert_int_equal(progress_fill(99, 100, 10, &e), 9); /* never full before done */
    assert_int_equal(e, 7);
    assert_int_equal(progress_fill(1, 1000, 10, &e), 0); /* but shows a start */
    assert_int_equal(e, 1);
    assert_int_equal(progress_fill(3, 0, 10, &e), 0);
    assert_int_equal(progress_fill(20, 10, 10, NULL), 10);
}

static void test_fnbar_hit(void **state) {
    const FnKey keys[] = {
        {"F1", "Help"},  /* 0..6: "F1Help " */
        {"F2", NULL},    /* skipped */
        {"F3", "Find"},  /* 7..13 */
        {"F10", "Quit"}, /* 14..21 */
    };
    assert_int_equal(fnbar_hit(keys, 4, 0), 0);
    assert_int_equal(fnbar_hit(keys, 4, 6), 0);
    assert_int_equal(fnbar_hit(keys, 4, 7), 2);
    assert_int_equal(fnbar_hit(keys, 4, 13), 2);
    assert_int_equal(fnbar_hit(keys, 4, 14), 3);
    assert_int_equal(fnbar_hit(keys, 4, 21), 3);
    assert_int_equal(fnbar_hit(keys, 4, 22), -1);
    assert_int_equal(fnbar_hit(keys, 4, -1), -1);
    assert_int_equal(fnbar_hit(keys, 0, 0), -1);
}

/* ---- modal ---- */

static unsigned mkey(Modal *m, int k) {
    return widget_handle_key(&m->base, k);
}

static void type(Modal *m, const char *s) {
    for (size_t i = 0; s[i];) {
        unsigned cp;
        i += utf8_decode(s + i, strlen(s + i), &cp);
        assert_int_equal(mkey(m, (int)cp), WR_HANDLED | WR_REDRAW);
    }
}

static void test_modal_confirm(void **state) {
    Modal *m = modal_new(&canvas, MODAL_CONFIRM, "Stop", "Stop db?", NULL, 7);
    assert_int_equal(m->tag, 7);
    assert_int_equal(mkey(m, 'x'), WR_HANDLED);
    assert_int_equal(m->state, MODAL_OPEN);
    assert_int_equal(mkey(m, 'Y'), WR_HANDLED | WR_CLOSE | WR_ACTIVATE);
    assert_int_equal(m->state, MODAL_ACCEPTED);
    assert_int_equal(mkey(m, 'n'), WR_IGNORED); /* answered */
    widget_free(&m->base);
    m = modal_new(&canvas, MODAL_CONFIRM, "Stop", "Stop db?", NULL, 0);
    assert_int_equal(mkey(m, 'n'), WR_HANDLED | WR_CLOSE);
    assert_int_equal(m->state, MODAL_CANCELLED);
    widget_free(&m->base);
    m = modal_new(&canvas, MODAL_CONFIRM, "Stop", "Stop db?", NULL, 0);
    assert_int_equal(mkey(m, 27), WR_HANDLED | WR_CLOSE);
    assert_int_equal(m->state, MODAL_CANCELLED);
    widget_free(&m->base);
    m = modal_new(&canvas, MODAL_CONFIRM, "Stop", "Stop db?", NULL, 0);
    assert_int_equal(mkey(m, '\r'), WR_HANDLED | WR_CLOSE | WR_ACTIVATE);
    widget_free(&m->base);
}

static void test_modal_prompt_utf8(void **state) {
    Modal *m = modal_new(&canvas, MODAL_PROMPT, "Note", NULL, NULL, 0);
    assert_string_equal(m->input, "");
    type(m, "né 日x");
    assert_string_equal(m->input, "né 日x");
    assert_int_equal(mkey(m, CODE(KEY_BACKSPACE)), WR_HANDLED | WR_REDRAW);
    assert_string_equal(m->input, "né 日");
    assert_int_equal(mkey(m, 127), WR_HANDLED | WR_REDRAW); /* over a 3-byte character */
    assert_string_equal(m->input, "né ");
    mkey(m, 8);
    mkey(m, 8);
    assert_string_equal(m->input, "n");
    assert_int_equal(m->input_len, 1);
    assert_int_equal(mkey(m, CODE(KEY_LEFT)), WR_HANDLED); /* not text */
    assert_int_equal(mkey(m, 0x01), WR_HANDLED);
    assert_int_equal(mkey(m, 0x85), WR_HANDLED); /* C1 control */
    assert_string_equal(m->input, "n");
    mkey(m, 8);
    assert_int_equal(mkey(m, 8), WR_HANDLED); /* nothing left */
    type(m, "q?");
    assert_int_equal(m->state, MODAL_OPEN); /* q and ? are text here */
    mkey(m, 0x15);
    assert_string_equal(m->input, "");
    type(m, "done");
    assert_int_equal(mkey(m, '\n'), WR_HANDLED | WR_CLOSE | WR_ACTIVATE);
    assert_string_equal(m->input, "done");
    widget_free(&m->base);
}

static void test_modal_type_to_confirm(void **state) {
    Modal *m = modal_new(&canvas, MODAL_TYPE_TO_CONFIRM, "Point of no return",
                         "This starts the migration.", "migrate-db", 3);
    type(m, "migrate-DB");
    assert_int_equal(mkey(m, '\r'), WR_HANDLED | WR_REDRAW);
    assert_int_equal(m->state, MODAL_OPEN); /* does not match: stays open */
    assert_true(m->mismatch);
    mkey(m, 8);
    assert_false(m->mismatch);
    mkey(m, 8);
    type(m, "db ");
    assert_int_equal(mkey(m, CODE(KEY_ENTER)), WR_HANDLED | WR_REDRAW);
    assert_int_equal(m->state, MODAL_OPEN); /* a trailing space is not exact */
    mkey(m, 8);
    assert_int_equal(mkey(m, CODE(KEY_ENTER)), WR_HANDLED | WR_CLOSE | WR_ACTIVATE);
    assert_int_equal(m->state, MODAL_ACCEPTED);
    widget_free(&m->base);

    m = modal_new(&canvas, MODAL_TYPE_TO_CONFIRM, "x", "y", "migrate-db", 3);
    assert_int_equal(mkey(m, '\r'), WR_HANDLED | WR_REDRAW); /* empty does not match */
    type(m, "migrate-db");
    assert_int_equal(mkey(m, 27), WR_HANDLED | WR_CLOSE);
    assert_int_equal(m->state, MODAL_CANCELLED);
    widget_free(&m->base);

    m = modal_new(&canvas, MODAL_TYPE_TO_CONFIRM, "x", "y", "bücher-日", 0);
    type(m, "bücher-日");
    assert_int_equal(mkey(m, '\r'), WR_HANDLED | WR_CLOSE | WR_ACTIVATE);
    widget_free(&m->base);
}

static void test_modal_input_limit(void **state) {
    Modal *m = modal_new(&canvas, MODAL_PROMPT, "x", "y", NULL, 0);
    for (int i = 0; i < 2000; i++) {
        mkey(m, 'a');
    }
    assert_int_equal(m->input_len, 1024);
    assert_int_equal(strlen(m->input), 1024);
    widget_free(&m->base);
}

/* ---- help ---- */

static void test_help_keys(void **state) {
    HelpRow rows[40];
    for (int i = 0; i < 40; i++) {
        rows[i] = (HelpRow){i % 10 ? "k" : "", "text"};
    }
    Help *h = help_new(&canvas, "Keys", rows, 40);
    widget_resize(&h->base, 0, 0, 80, 24); /* 24 - 2 - 3 = 19 rows show */
    assert_int_equal(widget_handle_key(&h->base, 'j'), WR_HANDLED | WR_REDRAW);
    assert_int_equal(h->top, 1);
    widget_handle_key(&h->base, 'G');
    assert_int_equal(h->top, 21);
    assert_int_equal(widget_handle_key(&h->base, CODE(KEY_NPAGE)), WR_HANDLED);
    widget_handle_key(&h->base, CODE(KEY_PPAGE));
    assert_int_equal(h->top, 3);
    widget_resize(&h->base, 0, 0, 80, 60);
    assert_int_equal(h->top, 0); /* everything fits */
    assert_int_equal(widget_handle_key(&h->base, 'x'), WR_HANDLED);
    assert_int_equal(widget_handle_key(&h->base, 'q'), WR_HANDLED | WR_CLOSE);
    assert_int_equal(widget_handle_key(&h->base, '?'), WR_HANDLED | WR_CLOSE);
    assert_int_equal(widget_handle_key(&h->base, 27), WR_HANDLED | WR_CLOSE);
    widget_free(&h->base);
    assert_null(widget_free(NULL));
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_order_and_wrap),
        cmocka_unit_test(test_ring_copies_and_cap_zero),
        cmocka_unit_test(test_utf8_width_and_clip),
        cmocka_unit_test(test_utf8_wrap),
        cmocka_unit_test(test_line_build),
        cmocka_unit_test(test_gantt_cells),
        cmocka_unit_test(test_progress_fill),
        cmocka_unit_test(test_fnbar_hit),
        cmocka_unit_test(test_modal_confirm),
        cmocka_unit_test(test_modal_prompt_utf8),
        cmocka_unit_test(test_modal_type_to_confirm),
        cmocka_unit_test(test_modal_input_limit),
        cmocka_unit_test(test_help_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
