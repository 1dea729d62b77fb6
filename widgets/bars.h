#pragma once
/* Small drawing pieces: a progress bar, a status badge, a Gantt row. */
#include <stdbool.h>

#include "widgets/canvas.h"

/* [█████░░░░] done/total in width cells; ASCII "#" and "-" without UTF-8.
 * The brackets (in todo_role) are drawn when width >= 4 and count in width.
 * The bar is full only when done >= total, and shows something as soon as
 * done > 0 (UTF-8 draws eighths of a cell at its end). */
void progress_draw(const Canvas *c, int y, int x, int width, unsigned long done,
                   unsigned long total, Role done_role, Role todo_role);
/* Full cells of a bar of cells cells, and the eighths of the next (may be NULL). */
int progress_fill(unsigned long done, unsigned long total, int cells, int *ret_eighths);
/* " OK " style badge; returns columns used.  A role that is plain text (no
 * background of its own, not reverse) is drawn in reverse video so the badge
 * reads as a block of its colour; roles with a background are drawn as they are. */
int badge_draw(const Canvas *c, int y, int x, Role role, const char *text);
/* Whether badge_draw would reverse role. */
bool badge_reversed(const Canvas *c, Role role);

/* A Gantt row over a time axis [t0, t1) drawn in width cells: the planned bar,
 * the actual bar (on top, may be open-ended: actual_end < 0 means "still
 * running"), and the now marker.  Times are in any unit as long as they agree. */
typedef struct GanttRow {
    double planned_start, planned_end;
    double actual_start, actual_end; /* actual_start < 0: not started */
    double now;                      /* < 0: no now marker */
    Role planned_role, actual_role, now_role;
} GanttRow;

/* Draws only the bars and the marker (UTF-8 "░", "█", "│"; ASCII "-", "=",
 * "|"); other cells are left as they are, so the caller clears or fills the
 * row (e.g. in ROLE_SELECTED) first. */
void gantt_draw(const Canvas *c, int y, int x, int width, double t0, double t1,
                const GanttRow *row);
/* Cell index of time t on the axis (clamped to [0, width-1]): floor((t - t0) /
 * (t1 - t0) * width).  0 when width <= 0 or t1 <= t0. */
int gantt_cell(double t0, double t1, int width, double t);
/* Cells [*ret_a, *ret_b] a bar over [start, end) covers: from the cell of
 * start to the cell of the last instant before end (at least one cell).  False
 * when it is wholly outside the axis (or end < start). */
bool gantt_span(double t0, double t1, int width, double start, double end, int *ret_a, int *ret_b);
