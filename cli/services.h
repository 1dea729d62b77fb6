#pragma once
/* The plan's services as the command line shows them: one bounded read of
 * every unit over the bus (status). */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/plan.h"
#include "core/systemd_units.h"

/* How long status waits for systemd at most. */
#define CLI_SERVICES_TIMEOUT_MS 5000

typedef struct CliServices {
    SystemdUnits *units; /* NULL when the bus could not be read */
    char *error;         /* why, when units is NULL; owned */
} CliServices;

/* Read every service of the plan once (nothing when it has none). */
void cli_services_query(const Plan *p, bool user_bus, CliServices *ret);
void cli_services_done(CliServices *sv);

/* The `services` array of status --json: unit, load, active, sub, and the
 * rest of what is known, or "error" with the reason. */
cJSON *cli_services_json(const Plan *p, const CliServices *sv);
/* The services section of status in text. */
void cli_services_print(FILE *f, const Plan *p, const CliServices *sv);
