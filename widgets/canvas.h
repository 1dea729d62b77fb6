#pragma once
/* Drawing primitives over curses with roles.  Text given here must already be
 * sanitised (core's text_sanitize); these functions clip by display width and
 * never split a UTF-8 character. */
#include <stdbool.h>
#include <stddef.h>

#include "widgets/roles.h"
#include "widgets/theme.h"

/* Whether box-drawing and block glyphs may be used (UTF-8 locale), and the
 * active theme.  One per screen, owned by the application. */
typedef struct Canvas {
    bool utf8;
    const Theme *theme;
} Canvas;

/* Put s at (y, x) with role, at most max_cols display columns; returns columns used. */
int canvas_put(const Canvas *c, int y, int x, Role role, const char *s, int max_cols);
/* The same for s[0..len) (need not be NUL-terminated). */
int canvas_putn(const Canvas *c, int y, int x, Role role, const char *s, size_t len, int max_cols);
/* Fill cols cells from (y, x) with spaces in role. */
void canvas_fill(const Canvas *c, int y, int x, int cols, Role role);
/* A glyph with an ASCII fallback: canvas_glyph(c, "●", "*"). */
const char *canvas_glyph(const Canvas *c, const char *utf8, const char *ascii);
/* A box of rows x cols at (y, x): border (ACS lines with UTF-8, "+-|" without)
 * and the inside filled with spaces, all in role. */
void canvas_box(const Canvas *c, int y, int x, int rows, int cols, Role role);
/* Display width of a NUL-terminated string (0 for NULL). */
int canvas_width(const char *s);

/* A line of text made of runs with roles: what views hand to widgets. */
typedef struct LineRun {
    unsigned off, len; /* bytes into Line.text */
    Role role;
} LineRun;

typedef struct Line {
    char *text; /* owned, NUL-terminated */
    size_t len, cap;
    LineRun *runs; /* owned */
    size_t n_runs, cap_runs;
} Line;

void line_init(Line *l);
void line_clear(Line *l); /* empty, keeps memory */
void line_free(Line *l);  /* frees memory; l may be reused after line_init */
/* Append text (already sanitised) in role.  Returns 0 or -ENOMEM. */
int line_add(Line *l, Role role, const char *s);
int line_addf(Line *l, Role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Pad with spaces in role up to display width cols (no-op when already wider). */
int line_pad(Line *l, Role role, int cols);
/* Display width of the whole line. */
int line_width(const Line *l);
/* Draw at (y, x) clipped to cols; base role fills the rest of the cols when fill. */
void line_draw(const Canvas *c, const Line *l, int y, int x, int cols, bool fill, Role fill_role);
/* The same, with every run drawn in role override (e.g. ROLE_SELECTED). */
void line_draw_as(const Canvas *c, const Line *l, int y, int x, int cols, Role role);
