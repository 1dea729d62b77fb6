#include "core/logring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

LogRing *logring_new(size_t cap) {
    LogRing *r = calloc(1, sizeof(*r));
    if (!r) {
        return NULL;
    }
    r->cap = cap ? cap : 1;
    r->lines = calloc(r->cap, sizeof(char *));
    if (!r->lines) {
        free(r);
        return NULL;
    }
    return r;
}

LogRing *logring_free(LogRing *r) {
    if (!r) {
        return NULL;
    }
    for (size_t i = 0; i < r->cap; i++) {
        free(r->lines[i]);
    }
    free(r->lines);
    free(r);
    return NULL;
}

int logring_push(LogRing *r, const char *s, size_t len) {
    size_t slot = (r->head + r->n) % r->cap;
    /* a full ring reuses the oldest line's memory */
    char *p = realloc(r->lines[slot], len + 1);
    if (!p) {
        return -ENOMEM;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    r->lines[slot] = p;
    if (r->n < r->cap) {
        r->n++;
    } else {
        r->head = (r->head + 1) % r->cap;
    }
    r->total++;
    return 0;
}

const char *logring_get(const LogRing *r, size_t i) {
    return i < r->n ? r->lines[(r->head + i) % r->cap] : NULL;
}

void logring_clear(LogRing *r) {
    for (size_t i = 0; i < r->cap; i++) {
        free(r->lines[i]);
        r->lines[i] = NULL;
    }
    r->head = r->n = 0;
}
