#pragma once
/* A plan from a Markdown runbook.  Headings that hold checklist lines ("- [ ] ...")
 * become phases, the lines their items; durations, risk markers, "Prerequisites:
 * Phase 2C", rollback sections and code blocks under items are mapped as well.  What
 * cannot be mapped is noted, with its line.  The result is the plan's YAML text.
 * Core: nothing is printed; the caller reports the notes. */
#include <stddef.h>

#include "core/diag.h"
#include "core/macro.h"

/* The largest runbook read: the same bound as a plan file. */
#define RUNBOOK_MAX_BYTES ((size_t)256 << 20)

/* An imported plan.  Owns its text. */
typedef struct RunbookImport {
    char *yaml; /* the plan: a comment header, then YAML; NUL-terminated */
    size_t yaml_len;
    size_t n_phases, n_items, n_rollback;
    size_t n_tasks; /* task-list lines read, the ones not imported included */
} RunbookImport;

RunbookImport *runbook_import_free(RunbookImport *r);
DEFINE_FREEP(RunbookImport, runbook_import_free)

/* Import the Markdown buf[0..len).  source_name is shown in the plan's header (its
 * last path component) and gives the plan its id ("uplink-2.0.md" → "uplink-2").
 * Notes ("could not map ...") are DIAG_WARNINGs in d, with their line.
 * Returns 0 and *ret, or
 *   -EILSEQ  not UTF-8 text (invalid UTF-8 or a NUL byte): an error in d with its line;
 *   -ENOMSG  no checklist to import: an error in d saying why;
 *   -EFBIG   larger than RUNBOOK_MAX_BYTES;
 *   -ENOMEM. */
int runbook_import(const char *buf, size_t len, const char *source_name, DiagList *d,
                   RunbookImport **ret);

/* The same for a file: also -errno when it cannot be read, -EISDIR for a directory. */
int runbook_import_file(const char *path, DiagList *d, RunbookImport **ret);
