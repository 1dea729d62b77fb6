/* widgets/canvas.c: putting clipped UTF-8 text and boxes on stdscr in roles. */
#include "widgets/canvas.h"

#include <curses.h>
#include <string.h>

#include "widgets/utf8.h"

static void set_role(const Canvas *c, Role role) {
    (void)wattrset(stdscr, (int)theme_attr(c ? c->theme : NULL, role));
}

static void reset_role(void) {
    (void)wattrset(stdscr, A_NORMAL);
}

/* Clip cols to what is left of the screen from (y, x); 0 when off screen. */
static int screen_room(int y, int x, int cols) {
    if (!stdscr || y < 0 || x < 0 || y >= getmaxy(stdscr) || x >= getmaxx(stdscr)) {
        return 0;
    }
    int room = getmaxx(stdscr) - x;
    return cols < room ? cols : room;
}

/* A character that must not reach curses as it is: controls (a tab or newline
 * that slipped through shows as a space), and anything but ASCII when the
 * terminal is not UTF-8. */
static bool needs_substitute(const Canvas *c, unsigned cp) {
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0xfffd ||
           (cp >= 0x80 && !(c && c->utf8));
}

int canvas_putn(const Canvas *c, int y, int x, Role role, const char *s, size_t len, int max_cols) {
    max_cols = screen_room(y, x, max_cols);
    if (!s || max_cols <= 0) {
        return 0;
    }
    int used = 0;
    size_t n = utf8_clip(s, len, max_cols, &used);
    set_role(c, role);
    (void)move(y, x);
    size_t run = 0; /* start of bytes not yet handed to curses */
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (needs_substitute(c, cp)) {
            if (i > run) {
                (void)addnstr(s + run, (int)(i - run));
            }
            char sub = cp == '\t' || cp == '\n' ? ' ' : '?';
            for (int w = utf8_cp_width(cp); w > 0; w--) {
                (void)addch((chtype)(unsigned char)sub);
            }
            run = i + k;
        }
        i += k;
    }
    if (n > run) {
        (void)addnstr(s + run, (int)(n - run));
    }
    reset_role();
    return used;
}

int canvas_put(const Canvas *c, int y, int x, Role role, const char *s, int max_cols) {
    if (!s) {
        return 0;
    }
    return canvas_putn(c, y, x, role, s, strlen(s), max_cols);
}

void canvas_fill(const Canvas *c, int y, int x, int cols, Role role) {
    cols = screen_room(y, x, cols);
    if (cols <= 0) {
        return;
    }
    set_role(c, role);
    (void)move(y, x);
    for (int i = 0; i < cols; i++) {
        (void)addch(' ');
    }
    reset_role();
}

const char *canvas_glyph(const Canvas *c, const char *utf8, const char *ascii) {
    return c && c->utf8 ? utf8 : ascii;
}

static void put_border(int y, int x, chtype acs, char ascii, bool utf8) {
    if (screen_room(y, x, 1) > 0) {
        (void)mvaddch(y, x, utf8 ? acs : (chtype)(unsigned char)ascii);
    }
}

void canvas_box(const Canvas *c, int y, int x, int rows, int cols, Role role) {
    if (rows < 2 || cols < 2) {
        return;
    }
    bool u = c && c->utf8;
    for (int r = 1; r < rows - 1; r++) {
        canvas_fill(c, y + r, x + 1, cols - 2, role);
    }
    set_role(c, role);
    put_border(y, x, ACS_ULCORNER, '+', u);
    put_border(y, x + cols - 1, ACS_URCORNER, '+', u);
    put_border(y + rows - 1, x, ACS_LLCORNER, '+', u);
    put_border(y + rows - 1, x + cols - 1, ACS_LRCORNER, '+', u);
    for (int i = 1; i < cols - 1; i++) {
        put_border(y, x + i, ACS_HLINE, '-', u);
        put_border(y + rows - 1, x + i, ACS_HLINE, '-', u);
    }
    for (int r = 1; r < rows - 1; r++) {
        put_border(y + r, x, ACS_VLINE, '|', u);
        put_border(y + r, x + cols - 1, ACS_VLINE, '|', u);
    }
    reset_role();
}

int canvas_width(const char *s) {
    return s ? utf8_width(s, strlen(s)) : 0;
}
