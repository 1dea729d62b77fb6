#include "core/runbook_import.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/runbook_internal.h"
#include "core/text.h"

RunbookImport *runbook_import_free(RunbookImport *r) {
    if (r) {
        free(r->yaml);
        free(r);
    }
    return NULL;
}

static void position(const char *buf, size_t off, unsigned *ret_line, unsigned *ret_col) {
    unsigned line = 1;
    size_t start = 0;
    const char *end = buf + off;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(end - p)));) {
        line++;
        start = (size_t)(++p - buf);
    }
    *ret_line = line;
    *ret_col = (unsigned)(off - start + 1);
}

/* UTF-8 text without NUL bytes, or an error saying where it is not. */
static int check_text(const char *buf, size_t len, DiagList *d) {
    unsigned line, col;
    size_t bad = text_utf8_validate(buf, len);
    if (bad < len) {
        position(buf, bad, &line, &col);
        diag_error(d, line, col, "invalid UTF-8 (byte 0x%02x); save the runbook as UTF-8",
                   (unsigned char)buf[bad]);
        return -EILSEQ;
    }
    const char *nul = memchr(buf, '\0', len);
    if (nul) {
        position(buf, (size_t)(nul - buf), &line, &col);
        diag_error(d, line, col, "a NUL byte: this is not a text file");
        return -EILSEQ;
    }
    return 0;
}

static void explain_empty(const RbDoc *doc, DiagList *d) {
    size_t in_rollback = 0, empty = 0;
    for (size_t i = 0; i < doc->n_it; i++) {
        if (doc->it[i].task && !doc->it[i].text) {
            empty++;
        } else if (doc->it[i].task && doc->it[i].rollback != RB_NONE) {
            in_rollback++;
        }
    }
    if (doc->n_tasks == 0) {
        diag_error(d, 0, 0, "there is not one task-list line ('- [ ] text') in it");
    } else if (doc->n_deep == doc->n_tasks) {
        diag_error(d, 0, 0, "its task-list lines are nested deeper than %d levels", RB_MAX_DEPTH);
    } else if (in_rollback > 0 && empty + in_rollback + doc->n_deep == doc->n_tasks) {
        diag_error(d, 0, 0, "its task-list lines are all in rollback sections");
    } else {
        diag_error(d, 0, 0, "its task-list lines are all empty");
    }
}

int runbook_import(const char *buf, size_t len, const char *source_name, DiagList *d,
                   RunbookImport **ret) {
    if (len > RUNBOOK_MAX_BYTES) {
        return -EFBIG;
    }
    int r = check_text(buf, len, d);
    if (r < 0) {
        return r;
    }
    RbDoc doc = {.d = d};
    RbBuild b = {0};
    _cleanup_(runbook_import_freep) RunbookImport *imp = calloc(1, sizeof(*imp));
    if (!imp) {
        return -ENOMEM;
    }
    const char *name = strrchr(source_name, '/') ? strrchr(source_name, '/') + 1 : source_name;
    r = rb_parse(buf, len, &doc);
    if (r >= 0) {
        r = rb_build(&doc, &b);
    }
    if (r >= 0 && b.n_items == 0) {
        explain_empty(&doc, d);
        r = -ENOMSG;
    }
    if (r >= 0) {
        r = rb_emit(&doc, &b, name, &imp->yaml, &imp->yaml_len);
    }
    imp->n_phases = b.n_phases;
    imp->n_items = b.n_items;
    imp->n_rollback = b.n_steps;
    imp->n_tasks = doc.n_tasks;
    rb_build_done(&b);
    rb_doc_done(&doc);
    if (r < 0) {
        return r;
    }
    *ret = TAKE_PTR(imp);
    return 0;
}

int runbook_import_file(const char *path, DiagList *d, RunbookImport **ret) {
    _cleanup_(freep) char *buf = NULL;
    size_t len = 0;
    int r = file_read_all(path, RUNBOOK_MAX_BYTES, &buf, &len);
    if (r < 0) {
        return r;
    }
    return runbook_import(buf, len, path, d, ret);
}
