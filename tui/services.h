#pragma once
/* Views 3 (services) and 4 (logs), and what the rest of the panel asks of
 * them: the header's systemd badge, the wallboard's service grid, the unit
 * actions' confirmation, opening a unit's journal from view 3. */
#include <stdbool.h>

#include "core/systemd_units.h"
#include "tui/app.h"

/* The header badge: "systemd" (ok), "systemd: 2 down" (failed or missing), "systemd
 * unavailable" (fail), "systemd…" while connecting.  False when the plan
 * watches no unit. */
bool services_badge(const App *a, char *buf, size_t size, Role *ret_role);
/* The role of a unit's state: ROLE_OK, ROLE_WARN, ROLE_FAIL or ROLE_UNKNOWN. */
Role services_state_role(const UnitStatus *st);
/* One line of the wallboard: every unit with its state badge, as many as fit. */
void services_wallboard_line(App *a, int y, int cols);

/* A unit action of view 3 is waiting for its job: true, and "restart
 * t-db.service" in buf (may be NULL).  Quitting then journals its end as
 * "detached" (the job keeps running in systemd). */
bool services_action_running(const App *a, char *buf, size_t size);
/* The unit action dialog was answered (OP_UNIT_ACTION). */
void services_modal_done(App *a, bool accepted, const char *input);
/* Bus work was queued outside the bus callbacks: poll for it. */
void services_bus_kick(App *a);

/* Show view 4 on the journal of unit (a log of the plan when one follows it). */
void view_logs_open_unit(App *a, const char *unit);
