#include "core/strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct Slot {
    const char *key; /* NULL = empty */
    void *value;
    uint32_t hash;
    int tag;
} Slot;

struct StrMap {
    Slot *slots;
    size_t cap; /* power of two */
    size_t n;
};

static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

StrMap *strmap_new(void) {
    return calloc(1, sizeof(StrMap));
}

StrMap *strmap_free(StrMap *m) {
    if (m) {
        free(m->slots);
        free(m);
    }
    return NULL;
}

static Slot *find(const StrMap *m, const char *key, uint32_t h) {
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        Slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) {
            return s;
        }
    }
}

static int grow(StrMap *m) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    Slot *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = calloc(cap, sizeof(Slot));
    if (!m->slots) {
        m->slots = old;
        return -ENOMEM;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key) {
            *find(m, old[i].key, old[i].hash) = old[i];
        }
    }
    free(old);
    return 0;
}

int strmap_put(StrMap *m, const char *key, void *value, int tag, void **ret_old,
               int *ret_old_tag) {
    if ((m->n + 1) * 10 > m->cap * 7) {
        int r = grow(m);
        if (r < 0) {
            return r;
        }
    }
    uint32_t h = hash_str(key);
    Slot *s = find(m, key, h);
    if (s->key) {
        if (ret_old) {
            *ret_old = s->value;
        }
        if (ret_old_tag) {
            *ret_old_tag = s->tag;
        }
        return -EEXIST;
    }
    *s = (Slot){.key = key, .value = value, .hash = h, .tag = tag};
    m->n++;
    return 0;
}

int strmap_set(StrMap *m, const char *key, void *value, int tag) {
    void *unused;
    int r = strmap_put(m, key, value, tag, &unused, NULL);
    if (r == -EEXIST) {
        Slot *s = find(m, key, hash_str(key));
        s->key = key;
        s->value = value;
        s->tag = tag;
        r = 0;
    }
    return r;
}

void *strmap_get(const StrMap *m, const char *key, int *ret_tag) {
    if (!m || m->n == 0) {
        return NULL;
    }
    Slot *s = find(m, key, hash_str(key));
    if (!s->key) {
        return NULL;
    }
    if (ret_tag) {
        *ret_tag = s->tag;
    }
    return s->value;
}

size_t strmap_size(const StrMap *m) {
    return m ? m->n : 0;
}

int strmap_next(const StrMap *m, size_t *state, const char **ret_key, void **ret_value,
                int *ret_tag) {
    for (size_t i = *state; m && i < m->cap; i++) {
        if (m->slots[i].key) {
            *state = i + 1;
            if (ret_key) {
                *ret_key = m->slots[i].key;
            }
            if (ret_value) {
                *ret_value = m->slots[i].value;
            }
            if (ret_tag) {
                *ret_tag = m->slots[i].tag;
            }
            return 1;
        }
    }
    return 0;
}
