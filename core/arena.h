#pragma once
/* A bump allocator: many small allocations freed together (a plan's strings and arrays). */
#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(void);
Arena *arena_free(Arena *a);
/* Zeroed memory, aligned for any type; NULL on OOM. */
void *arena_alloc(Arena *a, size_t size);
/* Copies; NULL on OOM. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
