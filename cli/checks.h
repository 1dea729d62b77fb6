#pragma once
/* Running the plan's checks once from the command line (status, tick): all in
 * parallel on the engine's workers, each bounded by its timeout. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cli/cli.h"
#include "core/check_engine.h"

/* Run the checks whose indexes (in Plan.checks) are in idx — all of them when
 * idx is NULL — and wait for them: at most the longest timeout plus the
 * engine's grace.  Returns 0 and the engine holding the results, or -ENOMEM. */
int cli_checks_run(const Plan *p, const Options *o, const size_t *idx, size_t n, CheckEngine **ret);
/* Frees e unless a run is still in flight (a client library past its own
 * timeout): then the process is about to exit and the worker is left alone. */
void cli_checks_done(CheckEngine *e);

/* {"id","kind","status","value","error","note","latency_ms","checked_at"} */
cJSON *cli_check_json(const CheckEntry *ce);
/* One line: status, id, kind, value, latency, error or note. */
void cli_check_print(FILE *f, const CheckEntry *ce);
/* "HTTP 503 after 12 ms" / the value: what a refusal says about the result. */
void cli_check_summary(const CheckEntry *ce, char *buf, size_t size);
