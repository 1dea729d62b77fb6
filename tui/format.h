#pragma once
/* Small translations from core values to what views show: icons, roles, times.
 * Shared so that every view says the same thing the same way. */
#include <stddef.h>
#include <time.h>

#include "core/plan.h"
#include "core/state.h"
#include "widgets/canvas.h"

const char *fmt_status_icon(const Canvas *c, PhaseStatus st);
Role fmt_status_role(PhaseStatus st);
Role fmt_risk_role(Risk r);
/* "Sat 22:14" in local time, or "—". */
const char *fmt_when(time_t t, char *buf, size_t size);
/* "+1h 05m", "-20m", "—" when unknown. */
const char *fmt_slip(long long seconds, int known, char *buf, size_t size);
/* Sanitised s cut to at most cols display columns, ending in "…" when cut.  Free it. */
char *fmt_cut(const char *s, int cols);
/* Sanitised copy of untrusted or plan text for one line (newlines escaped); never NULL
 * unless out of memory.  Free it. */
char *fmt_safe(const char *s);
