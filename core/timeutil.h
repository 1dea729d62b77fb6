#pragma once
/* Wall-clock times as the journal and the plan write them: ISO 8601, UTC. */
#include <stddef.h>
#include <time.h>

/* "2026-11-28T22:00:00Z", "2026-11-28T23:00:00+01:00", "2026-11-28 22:00"
 * (no zone: UTC).  Returns 0 or -EINVAL. */
int time_parse_iso8601(const char *s, time_t *ret);

/* "2026-11-28T22:14:03Z" into buf (at least 21 bytes). */
const char *time_format_iso8601(time_t t, char *buf, size_t size);

/* The current wall-clock time; OPSDECK_NOW (ISO 8601) overrides it, so tests
 * and demos can stand at a chosen moment of the window. */
time_t time_now(void);

/* Monotonic milliseconds, for deadlines and measurements. */
long long time_mono_ms(void);
