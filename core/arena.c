#include "core/arena.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN (64 * 1024)
#define ALIGN 16

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    _Alignas(ALIGN) unsigned char data[];
} Chunk;

struct Arena {
    Chunk *chunks;
};

Arena *arena_new(void) {
    return calloc(1, sizeof(Arena));
}

Arena *arena_free(Arena *a) {
    if (!a) {
        return NULL;
    }
    for (Chunk *c = a->chunks, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(a);
    return NULL;
}

void *arena_alloc(Arena *a, size_t size) {
    size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (size == 0) {
        size = ALIGN;
    }
    Chunk *c = a->chunks;
    if (!c || c->size - c->used < size) {
        if (size > SIZE_MAX - sizeof(Chunk) - CHUNK_MIN) {
            return NULL;
        }
        size_t cs = size > CHUNK_MIN ? size : CHUNK_MIN;
        Chunk *nc = malloc(sizeof(Chunk) + cs);
        if (!nc) {
            return NULL;
        }
        nc->used = 0;
        nc->size = cs;
        if (c && size > CHUNK_MIN) {
            /* a big block gets its own chunk behind the current one */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            a->chunks = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *arena_strdup(Arena *a, const char *s) {
    return arena_strndup(a, s, strlen(s));
}
