#pragma once
/* A text view over a Ring (not owned): follows the tail or is scrolled back,
 * wraps or cuts long lines, highlights search matches. */
#include <stdbool.h>

#include "widgets/canvas.h"
#include "widgets/ring.h"
#include "widgets/widget.h"

typedef struct TextView {
    Widget base;
    const Canvas *canvas;
    const Ring *ring;
    bool follow;      /* stick to the newest line */
    bool wrap;        /* wrap long lines instead of cutting them */
    size_t top;       /* first visible line index into the ring when not following */
    char *query;      /* owned; highlighted */
    char **highlight; /* words drawn in ROLE_WARN; borrowed, NULL-terminated */
    /* Internal: ring lines dropped (ring->total - ring->n) when top was set, so
     * a scrolled-back view stays on the same text while the ring rolls. */
    unsigned long long top_dropped;
} TextView;

TextView *textview_new(const Canvas *c, const Ring *ring);
void textview_set_ring(TextView *t, const Ring *ring);
/* Keys: up/down/j/k, PgUp/PgDn, g/G (G resumes follow), f toggles follow, w wrap.
 * Scrolling up (k, PgUp, g) leaves follow mode; only G/End or f resume it.
 * Wrapping is by display columns (hard, as a log is); highlight words are
 * case-sensitive substrings, the search query is case-insensitive (ASCII) and
 * drawn in ROLE_MATCH over them.
 *
 * Search from the first visible line, wrapping around; a matching line becomes
 * the first visible one and follow mode is left.  The query is kept (copied)
 * for highlighting; NULL or "" clears it. */
bool textview_search(TextView *t, const char *query, bool forward);
void textview_clear_search(TextView *t);
/* The ring index of the first visible line (follow mode included). */
size_t textview_top(const TextView *t);
/* Screen rows a line of display width w takes when wrapped to cols (>= 1):
 * ceil(w / cols), at least 1.  (A wide character at a row's end may push a
 * line one row further; the view itself counts exactly.) */
int textview_wrapped_rows(int width, int cols);
