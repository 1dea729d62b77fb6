#include "core/strmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Open addressing over a compact index (hash + entry number, 8 bytes a slot),
 * with the entries themselves appended in insertion order: probing stays in
 * cache even for a hundred thousand ids. */
typedef struct Slot {
    uint32_t hash;
    uint32_t entry; /* 1-based index into entries; 0 = empty */
} Slot;

typedef struct Entry {
    const char *key;
    void *value;
    int tag;
} Entry;

struct StrMap {
    Slot *slots;
    size_t cap; /* power of two */
    Entry *entries;
    size_t n, cap_entries;
};

static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    /* FNV's low bits cluster on ids that differ in one digit; mix before masking */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

StrMap *strmap_new(void) {
    return calloc(1, sizeof(StrMap));
}

StrMap *strmap_free(StrMap *m) {
    if (m) {
        free(m->slots);
        free(m->entries);
        free(m);
    }
    return NULL;
}

static Slot *find(const StrMap *m, const char *key, uint32_t h) {
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        Slot *s = &m->slots[i];
        if (!s->entry || (s->hash == h && strcmp(m->entries[s->entry - 1].key, key) == 0)) {
            return s;
        }
    }
}

static int resize(StrMap *m, size_t cap) {
    Slot *slots = calloc(cap, sizeof(Slot));
    if (!slots) {
        return -ENOMEM;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < m->n; i++) {
        uint32_t h = hash_str(m->entries[i].key);
        size_t mask = cap - 1, k = h & mask;
        while (slots[k].entry) {
            k = (k + 1) & mask;
        }
        slots[k] = (Slot){.hash = h, .entry = (uint32_t)i + 1};
    }
    return 0;
}

static int reserve_entries(StrMap *m, size_t n) {
    if (n <= m->cap_entries) {
        return 0;
    }
    size_t cap = m->cap_entries ? m->cap_entries : 16;
    while (cap < n) {
        cap *= 2;
    }
    Entry *v = realloc(m->entries, cap * sizeof(Entry));
    if (!v) {
        return -ENOMEM;
    }
    m->entries = v;
    m->cap_entries = cap;
    return 0;
}

int strmap_reserve(StrMap *m, size_t n) {
    size_t cap = m->cap ? m->cap : 16;
    while (n * 10 > cap * 7) {
        cap *= 2;
    }
    if (reserve_entries(m, n) < 0) {
        return -ENOMEM;
    }
    return cap > m->cap ? resize(m, cap) : 0;
}

int strmap_put(StrMap *m, const char *key, void *value, int tag, void **ret_old, int *ret_old_tag) {
    if ((m->n + 1) * 10 > m->cap * 7) {
        int r = resize(m, m->cap ? m->cap * 2 : 16);
        if (r < 0) {
            return r;
        }
    }
    if (m->n >= UINT32_MAX - 1 || reserve_entries(m, m->n + 1) < 0) {
        return -ENOMEM;
    }
    uint32_t h = hash_str(key);
    Slot *s = find(m, key, h);
    if (s->entry) {
        const Entry *e = &m->entries[s->entry - 1];
        if (ret_old) {
            *ret_old = e->value;
        }
        if (ret_old_tag) {
            *ret_old_tag = e->tag;
        }
        return -EEXIST;
    }
    m->entries[m->n] = (Entry){.key = key, .value = value, .tag = tag};
    *s = (Slot){.hash = h, .entry = (uint32_t)++m->n};
    return 0;
}

int strmap_set(StrMap *m, const char *key, void *value, int tag) {
    void *unused;
    int r = strmap_put(m, key, value, tag, &unused, NULL);
    if (r == -EEXIST) {
        Entry *e = &m->entries[find(m, key, hash_str(key))->entry - 1];
        e->key = key;
        e->value = value;
        e->tag = tag;
        r = 0;
    }
    return r;
}

void *strmap_get(const StrMap *m, const char *key, int *ret_tag) {
    if (!m || m->n == 0) {
        return NULL;
    }
    Slot *s = find(m, key, hash_str(key));
    if (!s->entry) {
        return NULL;
    }
    const Entry *e = &m->entries[s->entry - 1];
    if (ret_tag) {
        *ret_tag = e->tag;
    }
    return e->value;
}

size_t strmap_size(const StrMap *m) {
    return m ? m->n : 0;
}

int strmap_next(const StrMap *m, size_t *state, const char **ret_key, void **ret_value,
                int *ret_tag) {
    if (!m || *state >= m->n) {
        return 0;
    }
    const Entry *e = &m->entries[(*state)++];
    if (ret_key) {
        *ret_key = e->key;
    }
    if (ret_value) {
        *ret_value = e->value;
    }
    if (ret_tag) {
        *ret_tag = e->tag;
    }
    return 1;
}
