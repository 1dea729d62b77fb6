#pragma once
/* Planned durations: "30m", "2h", "1d", "2w", "1h30m", "45s". */
#include <stddef.h>
#include <stdint.h>

/* Parse into seconds.  Returns 0, or -EINVAL (empty, unknown unit, unit repeated
 * or out of order, missing number) or -ERANGE (over ten years). */
int duration_parse(const char *s, int64_t *ret_seconds);

/* "1w 2d", "3h 05m", "45m", "0m"; negative values get a leading '-'. */
const char *duration_format(int64_t seconds, char *buf, size_t size);
