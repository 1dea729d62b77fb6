#pragma once
/* What a Markdown runbook says in its prose, read the way an operator would: planned
 * durations ("(30 minutes)", "Timeline: 2-3 weeks"), risk markers ("Risk: High",
 * "🔴 High Risk") and dependencies ("Prerequisites: Phase 2C complete").  Pure functions
 * over plain text (the Markdown already parsed), so they are tested one by one. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/plan.h"

/* A planned duration at the start of s[0..n): "2-3 weeks" (a range takes its upper
 * bound), "1 day (weekend)", "30 minutes", "1 hour 30 minutes", "1h30m", "an hour",
 * "Week 1-2" (weeks one to two: 2w).  Returns 0, or -EINVAL when s does not start with
 * a duration, or -ERANGE past ten years. */
int hint_parse_duration(const char *s, size_t n, int64_t *ret_seconds);

/* A duration written in a heading: a parenthesised one ("Preparation (30 minutes)"),
 * "Week 1-2", or one at the end after a dash or colon ("Cutover — 2 hours").
 * Returns 1 with *ret_seconds, 0 when the heading gives none, -ERANGE when the one it
 * gives is longer than ten years. */
int hint_heading_duration(const char *title, int64_t *ret_seconds);

/* A duration given by a label in a paragraph: "Duration: 1-2 hours", "Timeline: 1 week",
 * "Time: 30m", "Estimate: ...".  Returns 1 with *ret_seconds; 0 when there is no such
 * label; -EINVAL when there is one but its value is not a duration ("Timeline: ongoing"),
 * then *ret_value / *ret_len name the value.  -ERANGE past ten years. */
int hint_label_duration(const char *para, int64_t *ret_seconds, const char **ret_value,
                        size_t *ret_len);

/* A risk marker: "Risk: High", "Risk level: medium", "HIGH RISK", "Medium-risk",
 * "🔴" high, "🟡" medium, "🔵" coordination, "🟢" low.  Returns 1 with *ret_risk, 0 when
 * there is none, -EINVAL for "Risk: <a word that is no level>" (*ret_word, *ret_len). */
int hint_risk(const char *s, Risk *ret_risk, const char **ret_word, size_t *ret_len);

/* A dependency given by a label in a paragraph: "Prerequisites: ...", "Depends on: ...",
 * "Requires: ...", "After: ...", or "When: After ...".  Returns the value (up to the end
 * of its line, length in *ret_len), or NULL when there is none. */
const char *hint_depends_label(const char *para, size_t *ret_len);

/* The paragraph starts with a label: "Timeline: 2-3 weeks", "Prerequisites:". */
bool hint_starts_with_label(const char *s);

/* Seconds as a plan duration: "3w", "1d", "1h30m", "45s". */
void hint_format_duration(int64_t seconds, char *buf, size_t size);
