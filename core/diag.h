#pragma once
/* Diagnostics about a plan: every error, each with its position. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/macro.h"

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING } DiagLevel;

typedef struct Diag {
    DiagLevel level;
    unsigned line; /* 1-based; 0 when the position is unknown */
    unsigned col;  /* 1-based */
    char *msg;     /* owned */
} Diag;

/* A list of diagnostics for one file.  Owns its entries and the file name. */
typedef struct DiagList {
    char *file;
    Diag *v;
    size_t n, cap;
    size_t n_errors;
} DiagList;

DiagList *diag_list_new(const char *file);
DiagList *diag_list_free(DiagList *l);
DEFINE_FREEP(DiagList, diag_list_free)

/* Record a diagnostic; on OOM it is dropped but n_errors still counts it. */
void diag_add(DiagList *l, DiagLevel level, unsigned line, unsigned col, const char *fmt, ...)
    _printf_(5, 6);
#define diag_error(l, line, col, ...) diag_add((l), DIAG_ERROR, (line), (col), __VA_ARGS__)
#define diag_warn(l, line, col, ...) diag_add((l), DIAG_WARNING, (line), (col), __VA_ARGS__)

/* Sort by position, stable. */
void diag_sort(DiagList *l);

/* "FILE:LINE:COL: message" (errors) or "FILE:LINE:COL: warning: message". */
void diag_print(const DiagList *l, FILE *f);
