#pragma once
/* The panel's word on credentials at risk (core/db_secrets.h), once, at start. */
#include "tui/app.h"

/* A warning on the status line when an option file of the plan's databases is
 * open to other users: the first one in full, the count of the others. */
void secret_notice_show(App *a);
