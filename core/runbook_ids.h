#pragma once
/* Names in a runbook: references to phases ("Phase 2A", "Before Phase 2C:"), what a
 * heading says it is (a generic "Completion Checklist", a rollback section), and the
 * plan ids made from headings and item texts.  Pure functions over plain text. */
#include <stdbool.h>
#include <stddef.h>

enum {
    HINT_ID_MAX = 65,     /* an id of the plan: at most 64 characters, plus the NUL */
    HINT_PHASE_SLUG = 24, /* a heading's slug is cut (at a word) to this many characters */
};

/* "Phase 2A" at s (case-insensitive, s pointing at the word) → "p2a" ("Phase 2.5" →
 * "p2_5").  Returns the number of bytes read, or 0 when s does not name a phase. */
size_t hint_phase_ref(const char *s, char buf[static HINT_ID_MAX]);

/* Every "Phase X" in s[0..n), in order, at most max of them.  Returns how many. */
size_t hint_phase_refs(const char *s, size_t n, char (*ids)[HINT_ID_MAX], size_t max);

/* A one-line paragraph ending in ':' that introduces a list by naming the phase it
 * belongs to: "Phase 2A (Python 3.12.3):", "Before Phase 2C:".  Fills buf with its id. */
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
