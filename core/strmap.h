#pragma once
/* A string-keyed hash map.  Keys are borrowed (they must outlive the map);
 * values are opaque pointers with a small tag. */
#include <stddef.h>
#include <stdint.h>

typedef struct StrMap StrMap;

StrMap *strmap_new(void);
StrMap *strmap_free(StrMap *m);
/* Make room for n entries up front.  Returns 0 or -ENOMEM. */
int strmap_reserve(StrMap *m, size_t n);

/* Insert key.  Returns 0, -EEXIST (then *ret_old gets the existing value and
 * tag, when not NULL), or -ENOMEM. */
int strmap_put(StrMap *m, const char *key, void *value, int tag, void **ret_old, int *ret_old_tag);
/* Insert or replace.  Returns 0 or -ENOMEM. */
int strmap_set(StrMap *m, const char *key, void *value, int tag);
/* Value for key or NULL; *ret_tag gets the tag when not NULL. */
void *strmap_get(const StrMap *m, const char *key, int *ret_tag);
size_t strmap_size(const StrMap *m);

/* Iterate: *state starts at 0; returns 0 at the end. */
int strmap_next(const StrMap *m, size_t *state, const char **ret_key, void **ret_value,
                int *ret_tag);
