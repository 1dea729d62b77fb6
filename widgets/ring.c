/* widgets/ring.c: a bounded ring of copied text lines. */
#include "widgets/ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

Ring *ring_new(size_t cap) {
    Ring *r = calloc(1, sizeof(*r));
    if (!r) {
        return NULL;
    }
    r->cap = cap ? cap : 1;
    r->lines = calloc(r->cap, sizeof(*r->lines));
    if (!r->lines) {
        free(r);
        return NULL;
    }
    return r;
}

Ring *ring_free(Ring *r) {
    if (r) {
        ring_clear(r);
        free(r->lines);
        free(r);
    }
    return NULL;
}

/* Drop the oldest line. */
static void drop_oldest(Ring *r) {
    char *old = r->lines[r->head];
    r->bytes -= old ? strlen(old) + 1 : 0;
    free(old);
    r->lines[r->head] = NULL;
    r->head = (r->head + 1) % r->cap;
    r->n--;
}

int ring_push(Ring *r, const char *s, size_t len) {
    char *copy = malloc(len + 1);
    if (!copy) {
        return -ENOMEM;
    }
    if (len) {
        memcpy(copy, s, len);
    }
    copy[len] = '\0';
    if (r->n == r->cap) {
        drop_oldest(r); /* full: the oldest line makes room */
    }
    r->lines[(r->head + r->n) % r->cap] = copy;
    r->n++;
    r->bytes += len + 1;
    r->total++;
    while (r->max_bytes && r->bytes > r->max_bytes && r->n > 1) {
        drop_oldest(r);
    }
    return 0;
}

const char *ring_get(const Ring *r, size_t i) {
    if (!r || i >= r->n) {
        return NULL;
    }
    return r->lines[(r->head + i) % r->cap];
}

void ring_clear(Ring *r) {
    for (size_t i = 0; i < r->n; i++) {
        size_t slot = (r->head + i) % r->cap;
        free(r->lines[slot]);
        r->lines[slot] = NULL;
    }
    r->head = 0;
    r->n = 0;
    r->bytes = 0;
}
