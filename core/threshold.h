#pragma once
/* Thresholds and expectations of checks: "85%", "> 1000", "= 0", "< 100", 200, "ok". */
#include <stdbool.h>

typedef enum ThresholdOp {
    THRESH_NONE, /* absent */
    THRESH_GT,
    THRESH_GE,
    THRESH_LT,
    THRESH_LE,
    THRESH_EQ,
    THRESH_NE,
    THRESH_STR, /* equals a string */
} ThresholdOp;

typedef struct Threshold {
    ThresholdOp op;
    double value;
    bool percent;    /* written with a trailing % */
    const char *str; /* THRESH_STR; points into the caller's storage */
} Threshold;

typedef enum ThresholdMode {
    THRESHOLD_LIMIT,  /* warn/fail: a bare number means ">=" */
    THRESHOLD_EXPECT, /* expect: a bare number means "=", anything else a string */
} ThresholdMode;

/* Parse s.  Returns 0, or -EINVAL for a malformed limit (an expectation is never
 * malformed: what is not a comparison is a string). */
int threshold_parse(const char *s, ThresholdMode mode, Threshold *ret);

/* Whether value (numeric, or text when not numeric) meets t.  A numeric
 * threshold against a non-numeric text is false. */
bool threshold_match(const Threshold *t, const char *text);

/* "> 1000", "85%", "= \"ok\"" into buf. */
const char *threshold_format(const Threshold *t, char *buf, unsigned size);
