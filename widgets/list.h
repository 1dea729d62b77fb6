#pragma once
/* A scrolling list of Lines with a selection, keyboard navigation and search.
 * Rows are set by the owner (a view) every time its data changes. */
#include "widgets/canvas.h"
#include "widgets/widget.h"

typedef struct List {
    Widget base;
    const Canvas *canvas;
    Line *rows;       /* owned */
    bool *selectable; /* per row; headings are not; NULL = all selectable */
    size_t n_rows, cap_rows;
    size_t selected;
    size_t top;  /* first visible row */
    char *query; /* search, owned; NULL = none; matches are drawn in ROLE_MATCH */
    bool show_selection;
} List;

List *list_new(const Canvas *c);
/* Replace all rows.  The list takes over the buffers of rows[0..n): after the
 * call every rows[i] has been reset with line_init() (empty, owning nothing),
 * so the caller may refill the same array next time without freeing it.
 * selectable[0..n) is copied (NULL: every row selectable).  The selection
 * index is kept, clamped to the new rows and moved to the nearest selectable
 * row; the view scrolls only as far as needed to keep it visible.  Out of
 * memory: the list is left empty and the Lines are freed (and still reset). */
void list_set_rows(List *l, Line *rows, const bool *selectable, size_t n);
/* Select row i (clamped; skips to the nearest selectable row) and scroll it into view. */
void list_select(List *l, size_t i);
/* Case-insensitive substring search from the selection; forward or backward;
 * wraps around.  Returns true when a row matched (it is then selected).  Only
 * selectable rows match.  The query is kept (copied) for highlighting, even
 * when nothing matched; an empty or NULL query clears the search. */
bool list_search(List *l, const char *query, bool forward);
void list_clear_search(List *l);
/* Row index at screen row y, or -1. */
long list_row_at(const List *l, int y);
/* Keys: up/down/j/k, PgUp/PgDn, Home/End/g/G, Enter → WR_ACTIVATE, mouse wheel
 * (KEY_MOUSE handled by the owner calling list_scroll).  Navigation keys are
 * consumed (WR_HANDLED, plus WR_REDRAW when something moved) even at an end;
 * other keys are WR_IGNORED.  The selection keeps LIST_MARGIN (2) rows from the
 * edges where the list allows.  With show_selection false the keys scroll.
 *
 * Scroll the view by delta rows (clamped); a selection pushed out of view moves
 * to the nearest selectable row still visible. */
void list_scroll(List *l, int delta);
