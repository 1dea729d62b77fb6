/* What every list view shares: row storage, the mouse, teardown. */
#include <errno.h>
#include <stdlib.h>

#include "tui/app.h"

View *view_list_init(View *v, const ViewOps *ops, App *a) {
    v->ops = ops;
    v->list = list_new(&a->canvas);
    return v->list ? v : NULL;
}

int view_rows_reserve(View *v, size_t n) {
    if (n <= v->cap_rows) {
        return 0;
    }
    size_t cap = n < 16 ? 16 : n * 2;
    Line *r = realloc(v->rows, cap * sizeof(Line));
    if (!r) {
        return -ENOMEM;
    }
    for (size_t i = v->cap_rows; i < cap; i++) {
        line_init(&r[i]);
    }
    v->rows = r;
    v->cap_rows = cap;
    return 0;
}

void view_list_done(View *v) {
    for (size_t i = 0; i < v->cap_rows; i++) {
        line_free(&v->rows[i]);
    }
    free(v->rows);
    v->rows = NULL;
    v->cap_rows = 0;
    v->list = (List *)widget_free(v->list ? &v->list->base : NULL);
}

void view_list_click(View *v, App *a, int y, int x, bool double_click) {
    long row = list_row_at(v->list, y + 1);
    if (row >= 0) {
        list_select(v->list, (size_t)row);
    }
}

void view_list_wheel(View *v, App *a, int delta) {
    list_scroll(v->list, delta);
}
