#pragma once
/* Telling the operator about credentials at risk (core/db_secrets.h). */
#include <stdio.h>

#include "core/plan.h"

/* "opsdeck: warning: database 'uplink': option file … (mode 0644); run chmod
 * 600 …", one line on f for each database of p whose option_file others can
 * read.  Returns how many it printed. */
size_t cli_print_secret_warnings(const Plan *p, FILE *f);
