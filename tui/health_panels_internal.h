#pragma once
/* Between tui/health_panels.c and tui/health_panel_rows.c. */
#include <stdbool.h>
#include <stddef.h>

#include "core/health_refresh.h"
#include "tui/app.h"

/* Where the rows go: rows[*k], target[*k], selectable[*k], room reserved. */
typedef struct HealthPanelRows {
    Line *rows;
    size_t *target;
    bool *selectable;
    size_t *k;
} HealthPanelRows;

/* The next row, cleared; target: HEALTH_PANELS_NONE, or the entry it stands for
 * (then it is selectable).  Calling it twice for the same row is not possible:
 * each call takes a new row. */
Line *health_panel_row(HealthPanelRows *out, size_t target);
/* At most how many rows one target of kind takes. */
size_t health_panel_rows_max(HealthKind kind);
/* The rows of entry e (index i): its badge row, then its details. */
void health_panel_target(HealthPanelRows *out, App *a, const HealthEntry *e, size_t i,
                         long long now_ms);
