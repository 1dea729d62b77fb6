#pragma once
/* The base of every widget: an ops table, geometry and a dirty flag.  Widgets
 * hold rows of text and roles, never plan objects; views in tui/ translate. */
#include <stdbool.h>
#include <stddef.h>

#include "widgets/roles.h"

/* Keys as widgets receive them: a character is its Unicode code point; a
 * function key (curses KEY_*) is KEY_CODE_FLAG | code.  The app reads with
 * wget_wch() and encodes. */
#define KEY_CODE_FLAG 0x40000000
#define WKEY_CODE(code) (KEY_CODE_FLAG | (code))
#define WKEY_CHAR(cp) ((int)(cp))
/* Widgets accept Enter as '\r', '\n' or WKEY_CODE(KEY_ENTER); Esc as 27;
 * Backspace as WKEY_CODE(KEY_BACKSPACE), 127 or 8 (widgets/keys.h). */

static inline bool widget_key_is_char(int key) {
    return !(key & KEY_CODE_FLAG);
}

static inline int widget_key_code(int key) {
    return key & ~KEY_CODE_FLAG;
}

typedef struct Widget Widget;

typedef enum WidgetResult {
    WR_IGNORED = 0,        /* not ours: the caller may try another handler */
    WR_HANDLED = 1u << 0,  /* consumed */
    WR_REDRAW = 1u << 1,   /* consumed and the widget changed */
    WR_ACTIVATE = 1u << 2, /* Enter on a row / a modal answered: the owner acts */
    WR_CLOSE = 1u << 3,    /* an overlay asks to be closed */
} WidgetResult;

typedef struct WidgetOps {
    void (*draw)(Widget *w);
    unsigned (*handle_key)(Widget *w, int key); /* WidgetResult bits */
    void (*resize)(Widget *w, int x, int y, int cols, int rows);
    void (*free)(Widget *w);
} WidgetOps;

/* Every widget struct starts with this. */
struct Widget {
    const WidgetOps *ops;
    int x, y, cols, rows;
    bool dirty;
};

/* Draws when the widget has a non-empty geometry; clears dirty. */
void widget_draw(Widget *w);
unsigned widget_handle_key(Widget *w, int key);
/* Sets the geometry (negative sizes become 0), then calls ops->resize (may be
 * NULL) so the widget can re-layout, and marks it dirty. */
void widget_resize(Widget *w, int x, int y, int cols, int rows);
/* Calls ops->free; accepts NULL; returns NULL. */
Widget *widget_free(Widget *w);
