#include "core/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

DiagList *diag_list_new(const char *file) {
    DiagList *l = calloc(1, sizeof(*l));
    if (!l) {
        return NULL;
    }
    l->file = strdup(file ? file : "-");
    if (!l->file) {
        free(l);
        return NULL;
    }
    return l;
}

DiagList *diag_list_free(DiagList *l) {
    if (!l) {
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].msg);
    }
    free(l->v);
    free(l->file);
    free(l);
    return NULL;
}

void diag_add(DiagList *l, DiagLevel level, unsigned line, unsigned col, const char *fmt, ...) {
    if (level == DIAG_ERROR) {
        l->n_errors++;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        Diag *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    int r = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (r < 0) {
        return;
    }
    l->v[l->n++] = (Diag){.level = level, .line = line, .col = col, .msg = msg};
}

static int diag_cmp(const void *a, const void *b) {
    const Diag *x = a, *y = b;
    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    if (x->col != y->col) {
        return x->col < y->col ? -1 : 1;
    }
    /* keep insertion order: compare addresses of the original slots */
    return x < y ? -1 : (x > y);
}

void diag_sort(DiagList *l) {
    if (l->n > 1) {
        qsort(l->v, l->n, sizeof(*l->v), diag_cmp);
    }
}

void diag_print(const DiagList *l, FILE *f) {
    _cleanup_(freep) char *file = text_sanitize(l->file, strlen(l->file));
    for (size_t i = 0; i < l->n; i++) {
        const Diag *d = &l->v[i];
        _cleanup_(freep) char *msg = text_sanitize(d->msg, strlen(d->msg));
        fprintf(f, "%s:%u:%u: %s%s\n", file ? file : "?", d->line, d->col,
                d->level == DIAG_WARNING ? "warning: " : "", msg ? msg : "(out of memory)");
    }
}
