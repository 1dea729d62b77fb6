#pragma once
/* Bars and overlays: the header bar, the function-key bar, the help overlay. */
#include <stddef.h>

#include "widgets/canvas.h"
#include "widgets/widget.h"

/* Header: left text, then badges, right-aligned text; one row, ROLE_HEADER.
 * The badges (badge_draw) and the right text sit at the right edge; the left
 * Line is clipped before them.  When the row is narrow the right text is
 * dropped first, then badges from the last, so the left keeps 24 columns. */
typedef struct HeaderBadge {
    const char *text;
    Role role;
} HeaderBadge;

void header_draw(const Canvas *c, int y, int cols, const Line *left, const HeaderBadge *badges,
                 size_t n_badges, const char *right);

/* Function-key bar as in htop: "F1Help  F2Timeline …"; keys in ROLE_KEY,
 * labels in ROLE_KEY_LABEL.  Entries with a NULL label are skipped. */
typedef struct FnKey {
    const char *key;   /* "F1", "Space" … */
    const char *label; /* "Help" */
} FnKey;

void fnbar_draw(const Canvas *c, int y, int cols, const FnKey *keys, size_t n);
/* Which entry a click at column x hits, or -1.  Entry i takes the columns of
 * its key, its label and one space after it, laid out from column 0. */
long fnbar_hit(const FnKey *keys, size_t n, int x);

/* Help overlay: a titled box listing (keys, description) rows, scrollable. */
typedef struct HelpRow {
    const char *keys;
    const char *text;
} HelpRow;

typedef struct Help {
    Widget base;
    const Canvas *canvas;
    char *title;   /* owned */
    HelpRow *rows; /* owned copy of the array; strings borrowed (static tables) */
    size_t n_rows;
    size_t top;
} Help;

Help *help_new(const Canvas *c, const char *title, const HelpRow *rows, size_t n);
/* Keys: up/down/PgUp/PgDn scroll; q, ?, Esc close (WR_CLOSE).
 * Also j/k, g/G, Home/End; every other key is swallowed (WR_HANDLED).  A row
 * with empty keys is a section heading.  The box is centred in the geometry. */
