#pragma once
/* Small helpers the plan loader uses to read typed values from the YAML tree,
 * each reporting its own errors with the node's position. */
#include "core/plan_internal.h"

/* Check a mapping: every key a scalar, no duplicates, each one of allowed (NULL-
 * terminated), no inline password.  what names the mapping in messages. */
bool schema_keys(Loader *L, const YNode *map, const char *const *allowed, const char *what);
const YNode *schema_get(Loader *L, const YNode *map, const char *key);
/* schema_keys in the same pass filling ret_vals[i] with the value of allowed[i]
 * (NULL when absent): one walk over the keys for mappings read in bulk. */
bool schema_fields(Loader *L, const YNode *map, const char *const *allowed, const char *what,
                   const YNode **ret_vals);
/* schema_str and schema_bool on a value already found (v may be NULL: absent). */
const char *schema_val_str(Loader *L, const YNode *v, const YNode *map, const char *key,
                           bool required, const char *what);
bool schema_val_bool(Loader *L, const YNode *v, const char *key, bool def, const char *what);

/* A string value; required: an error when absent.  Returns NULL when absent or wrong. */
const char *schema_str(Loader *L, const YNode *map, const char *key, bool required,
                       const char *what);
/* A scalar node as a string (error if not a non-null scalar). */
const char *schema_scalar(Loader *L, const YNode *n, const char *what);
/* The same, naming the value "PREFIX'KEY' of WHAT" in the error (built only on error). */
const char *schema_scalar_of(Loader *L, const YNode *n, const char *prefix, const char *key,
                             const char *what);
bool schema_bool(Loader *L, const YNode *map, const char *key, bool def, const char *what);
/* A duration ("30m", "1h30m"); bare_seconds: a bare integer counts as seconds.
 * Returns def when absent, -1 after an error. */
int64_t schema_duration(Loader *L, const YNode *map, const char *key, int64_t def,
                        bool bare_seconds, const char *what);
/* A scalar or a list of scalars. */
StrList schema_strlist(Loader *L, const YNode *map, const char *key, const char *what);
/* An id: letters, digits, '.', '_', '-', starting with a letter or digit, at most 64. */
const char *schema_id(Loader *L, const YNode *map, const char *what);
/* Register an id in the plan's single namespace; duplicate ids are errors. */
void schema_register_id(Loader *L, const char *id, const YNode *at, IdKind kind, void *obj);

/* Edit distance, for "did you mean". */
size_t schema_distance(const char *a, const char *b);
