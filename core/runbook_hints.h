#pragma once
/* What a Markdown runbook says in its prose, read the way an operator would: planned
 * durations ("(30 minutes)", "Timeline: 2-3 weeks"), risk markers ("Risk: High",
 * "🔴 High Risk"), references to phases ("Prerequisites: Phase 2C complete"), and the
 * ids made from headings and item texts.  Pure functions over plain text (the Markdown
 * already parsed), so they are tested one by one. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/plan.h"

enum {
    HINT_ID_MAX = 65,      /* an id of the plan: at most 64 characters, plus the NUL */
    HINT_PHASE_SLUG = 24,  /* a heading's slug is cut (at a word) to this many characters */
};

/* A planned duration at the start of s[0..n): "2-3 weeks" (a range takes its upper
 * bound), "1 day (weekend)", "30 minutes", "1 hour 30 minutes", "1h30m", "an hour",
 * "Week 1-2" (weeks one to two: 2w).  Returns 0, or -EINVAL when s does not start with
 * a duration, or -ERANGE past ten years. */
int hint_parse_duration(const char *s, size_t n, int64_t *ret_seconds);

/* A duration written in a heading: a parenthesised one ("Preparation (30 minutes)"),
 * "Week 1-2", or one at the end after a dash or colon ("Cutover — 2 hours").
 * Returns 1 with *ret_seconds, or 0 when the heading gives none. */
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

/* "Phase 2A" at s (case-insensitive, s pointing at the word) → "p2a" ("Phase 2.5" →
 * "p2_5").  Returns the number of bytes read, or 0 when s does not name a phase. */
size_t hint_phase_ref(const char *s, char buf[static HINT_ID_MAX]);

/* Every "Phase X" in s[0..n), in order, at most max of them.  Returns how many. */
size_t hint_phase_refs(const char *s, size_t n, char (*ids)[HINT_ID_MAX], size_t max);

/* A dependency given by a label in a paragraph: "Prerequisites: ...", "Depends on: ...",
 * "Requires: ...", "After: ...", or "When: After ...".  Returns the value (up to the end
 * of its line, length in *ret_len), or NULL when there is none. */
const char *hint_depends_label(const char *para, size_t *ret_len);

/* A paragraph introducing a list that names the phase the list belongs to:
 * "Phase 2A (Python 3.12.3):", "Before Phase 2C:".  Fills buf with the phase id. */
bool hint_lead_in_phase(const char *para, char buf[static HINT_ID_MAX]);

/* A heading that only says "here is the checklist" ("Completion Checklist", "Action
 * Items", "2C.1 Tasks"): its items belong to the heading above it. */
bool hint_is_generic_title(const char *title);
bool hint_says_rollback(const char *s);
bool hint_says_checklist(const char *s);

/* The id a heading asks for: "Phase 2A: ..." → "p2a", "Appendix C: ..." → "appendix-c",
 * else the slug of the heading cut at a word to HINT_PHASE_SLUG characters. */
void hint_heading_id(const char *title, char buf[static HINT_ID_MAX]);

/* Lower-case ASCII letters and digits joined by '-', cut at a word boundary to at most
 * max (< HINT_ID_MAX) characters; when nothing is left, "x" and a hash of s.  Returns
 * the length written to buf. */
size_t hint_slug(const char *s, size_t max, char buf[static HINT_ID_MAX]);

/* Seconds as a plan duration: "3w", "1d", "1h30m", "45s". */
void hint_format_duration(int64_t seconds, char *buf, size_t size);
