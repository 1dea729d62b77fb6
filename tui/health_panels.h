#pragma once
/* The git, database and Redis panels of view 5, under the checks: one row per
 * target with a status badge (the red one says why and when it retries), then
 * its details.  The panels own the refresher (core/health_refresh.h): its worker
 * fd and its next deadline are loop sources, so every probe runs on a worker
 * thread and the loop thread only submits and collects. */
#include <stdbool.h>
#include <stddef.h>

#include "tui/app.h"

#define HEALTH_PANELS_NONE ((size_t)-1)

typedef struct HealthPanels HealthPanels;

/* Join the loop.  NULL when the plan has no repo, database or Redis target, or
 * when out of memory (*ret_oom is then set).  Nothing is probed until view 5
 * shows the panels: a production database is not asked for its largest tables
 * every 10 s while nobody looks. */
HealthPanels *health_panels_new(App *a, bool *ret_oom);
/* View 5 is drawn: probe what is due, and go on at the interval while it shows. */
void health_panels_shown(HealthPanels *hp, App *a);
/* Leave the loop and stop the probes (waiting for those in flight, each bounded
 * by its timeout).  Accepts NULL; returns NULL. */
HealthPanels *health_panels_free(HealthPanels *hp, App *a);

/* At most how many rows health_panels_rows() adds. */
size_t health_panels_max_rows(const HealthPanels *hp);
/* Append the panels' rows at rows[*k…] (room reserved by the caller);
 * ret_target[row] is the target a row stands for (its first row, selectable),
 * or HEALTH_PANELS_NONE for headings and details. */
void health_panels_rows(HealthPanels *hp, App *a, Line *rows, size_t *ret_target,
                        bool *ret_selectable, size_t *k);
/* Enter on a target's row: probe it now. */
void health_panels_probe_now(HealthPanels *hp, App *a, size_t target);
/* Targets whose latest probe failed, for the view's title. */
size_t health_panels_failing(const HealthPanels *hp);
size_t health_panels_count(const HealthPanels *hp);

/* "12 s ago", "3 min ago", "2 h ago" (the checks' rows use it too). */
void health_format_age(long long seconds, char *buf, size_t size);
