#pragma once
/* The runbook importer's inside: what the Markdown parse collects (headings, their
 * first paragraphs, checklist items, rollback steps, code), and the phases built from
 * it.  runbook_parse.c fills an RbDoc, runbook_build.c turns it into RbPhases,
 * runbook_emit.c writes those as YAML. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/plan.h"
#include "core/runbook_hints.h"
#include "core/runbook_ids.h"

#define RB_NONE SIZE_MAX

enum {
    RB_MAX_DEPTH = 64,          /* Markdown nesting followed; deeper is ignored */
    RB_MAX_TEXT = 2048,         /* bytes of an item's text or a heading's title */
    RB_MAX_LEAD = 4096,         /* bytes of a heading's first paragraphs */
    RB_MAX_DETAILS = 64 * 1024, /* bytes of an item's details (its code blocks) */
};

typedef struct RbHeading {
    unsigned level; /* 1..6; 7 for the stand-in of items before any heading */
    unsigned line;
    char *title; /* plain text; NULL for the stand-in */
    char *lead;  /* its first paragraph(s), lines split by '\n'; NULL when none */
    unsigned lead_line;
    char *code;                /* code blocks of its own section, kept only in rollback sections */
    bool rollback;             /* its title says rollback */
    char natural[HINT_ID_MAX]; /* the id its title asks for ("p2a") */
    bool phase_named;          /* its title starts with "Phase X" */
    /* filled by the build */
    size_t parent; /* enclosing heading or RB_NONE */
    size_t end;    /* index of the first heading after its section */
    unsigned end_line;
    size_t phase;   /* index into RbBuild.phases or RB_NONE */
    size_t n_steps; /* rollback steps written in its own section */
} RbHeading;

typedef struct RbItem {
    unsigned line;
    char *text;              /* NULL: empty, skipped */
    char *details;           /* its code blocks, or NULL */
    size_t heading;          /* the heading whose section holds it */
    size_t rollback;         /* the rollback heading it is a step of, or RB_NONE */
    char route[HINT_ID_MAX]; /* "Phase 2A:" before its list: the phase it belongs to */
    bool task;               /* - [ ] rather than a plain list item (rollback steps) */
} RbItem;

/* What the parse collects.  Owns everything. */
typedef struct RbDoc {
    RbHeading *h;
    size_t n_h, cap_h;
    RbItem *it;
    size_t n_it, cap_it;
    char *title;    /* the first level-1 heading */
    size_t n_tasks; /* task-list lines seen, the ignored ones included */
    size_t n_deep;  /* of those, nested too deep to be followed */
    DiagList *d;    /* borrowed */
} RbDoc;

typedef struct RbPhase {
    size_t heading;
    char id[HINT_ID_MAX];
    unsigned pos;  /* where its checklist starts: the order of phases */
    size_t *items; /* indexes into RbDoc.it */
    size_t n_items, cap_items;
    size_t *steps; /* rollback steps: indexes into RbDoc.it, or ~heading for a heading's code */
    size_t n_steps, cap_steps;
    int64_t duration; /* 0: none */
    bool has_risk;
    Risk risk;
    size_t *deps; /* indexes into RbBuild.phases */
    size_t n_deps;
    char (*item_ids)[HINT_ID_MAX];
    char (*step_ids)[HINT_ID_MAX];
} RbPhase;

/* The phases, in order.  Owns them; the doc stays the caller's. */
typedef struct RbBuild {
    RbPhase *phases;
    size_t n_phases;
    size_t n_items, n_steps;
} RbBuild;

/* A step that stands for a heading's code (a rollback section without a list). */
#define RB_STEP_HEADING(h) (~(size_t)(h))
#define RB_STEP_IS_HEADING(s) ((s) > (SIZE_MAX >> 1))

int rb_parse(const char *buf, size_t len, RbDoc *doc);
void rb_doc_done(RbDoc *doc);

int rb_build(RbDoc *doc, RbBuild *b);
void rb_build_done(RbBuild *b);

/* The plan as YAML after a comment header naming source_name.  Returns 0 or -ENOMEM. */
int rb_emit(const RbDoc *doc, const RbBuild *b, const char *source_name, char **ret,
            size_t *ret_len);

/* Growable text with a cap; *truncated set when something did not fit. */
typedef struct RbBuf {
    char *s;
    size_t n, cap, max;
    bool truncated;
    bool oom;
} RbBuf;

void rb_buf_add(RbBuf *b, const char *s, size_t n);
void rb_buf_reset(RbBuf *b);
/* A copy with runs of whitespace made one space and the ends trimmed; NULL when empty. */
char *rb_buf_collapse(const RbBuf *b, bool *ret_oom);

/* An HTML entity ("&amp;", "&#233;", "&#x1F600;") as UTF-8 into out (at least 8 bytes);
 * returns its length, or 0 when the entity is unknown. */
size_t rb_decode_entity(const char *s, size_t n, char *out);

/* old (may be NULL) with s[0..n) appended, at most max bytes in all (*ret_cut set when
 * cut, at a character).  Returns the new string, or NULL on OOM (old is kept). */
char *rb_append_text(char *old, const char *s, size_t n, size_t max, bool *ret_cut);

/* A note ("could not map ..." is the caller's to say) at line, as a DIAG_WARNING. */
void rb_note(DiagList *d, unsigned line, const char *fmt, ...) _printf_(3, 4);

/* v (n entries of size bytes, *cap allocated) with room for one more: v itself, a
 * larger copy (*cap updated), or NULL on OOM (v is kept). */
void *rb_grow(void *v, size_t *cap, size_t n, size_t size);
