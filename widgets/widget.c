/* widgets/widget.c: dispatch through a widget's ops table. */
#include "widgets/widget.h"

#include <stdlib.h>

void widget_draw(Widget *w) {
    if (!w) {
        return;
    }
    if (w->ops && w->ops->draw && w->cols > 0 && w->rows > 0) {
        w->ops->draw(w);
    }
    w->dirty = false;
}

unsigned widget_handle_key(Widget *w, int key) {
    if (!w || !w->ops || !w->ops->handle_key) {
        return WR_IGNORED;
    }
    unsigned r = w->ops->handle_key(w, key);
    if (r & WR_REDRAW) {
        w->dirty = true;
    }
    return r;
}

void widget_resize(Widget *w, int x, int y, int cols, int rows) {
    if (!w) {
        return;
    }
    if (cols < 0) {
        cols = 0;
    }
    if (rows < 0) {
        rows = 0;
    }
    w->x = x, w->y = y, w->cols = cols, w->rows = rows;
    if (w->ops && w->ops->resize) {
        w->ops->resize(w, x, y, cols, rows);
    }
    w->dirty = true;
}

Widget *widget_free(Widget *w) {
    if (!w) {
        return NULL;
    }
    if (w->ops && w->ops->free) {
        w->ops->free(w);
    } else {
        free(w);
    }
    return NULL;
}
