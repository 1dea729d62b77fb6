/* Text helpers of the runbook importer: capped buffers, HTML entities, appending. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/runbook_internal.h"

void rb_buf_add(RbBuf *b, const char *s, size_t n) {
    if (b->oom) {
        return;
    }
    if (b->n + n > b->max) {
        n = b->max > b->n ? b->max - b->n : 0;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
            n--; /* never cut a UTF-8 sequence */
        }
        b->truncated = true;
    }
    if (b->n + n + 1 > b->cap) {
        size_t cap = MAX(b->cap * 2, b->n + n + 1);
        cap = MAX(cap, (size_t)64);
        char *s2 = realloc(b->s, cap);
        if (!s2) {
            b->oom = true;
            return;
        }
        b->s = s2, b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void rb_buf_reset(RbBuf *b) {
    b->n = 0;
    b->truncated = false;
    if (b->s) {
        b->s[0] = '\0';
    }
}

char *rb_buf_collapse(const RbBuf *b, bool *ret_oom) {
    char *out = malloc(b->n + 1);
    if (!out) {
        *ret_oom = true;
        return NULL;
    }
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < b->n; i++) {
        char c = b->s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = k > 0;
            continue;
        }
        if (space) {
            out[k++] = ' ';
            space = false;
        }
        out[k++] = c;
    }
    out[k] = '\0';
    if (k == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* "&amp;", "&#233;", "&#x1F600;" as UTF-8 into out (at least 8 bytes); 0 when unknown. */
size_t rb_decode_entity(const char *s, size_t n, char *out) {
    static const struct {
        const char *name, *text;
    } named[] = {{"&amp;", "&"},
                 {"&lt;", "<"},
                 {"&gt;", ">"},
                 {"&quot;", "\""},
                 {"&apos;", "'"},
                 {"&nbsp;", " "},
                 {"&ndash;", "\xe2\x80\x93"},
                 {"&mdash;", "\xe2\x80\x94"}};
    for (size_t i = 0; i < ELEMENTSOF(named); i++) {
        if (strlen(named[i].name) == n && memcmp(s, named[i].name, n) == 0) {
            return (size_t)snprintf(out, 8, "%s", named[i].text);
        }
    }
    if (n < 4 || s[1] != '#') {
        return 0;
    }
    unsigned long cp =
        s[2] == 'x' || s[2] == 'X' ? strtoul(s + 3, NULL, 16) : strtoul(s + 2, NULL, 10);
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        cp = 0xfffd;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12)), out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18)), out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *rb_append_text(char *old, const char *s, size_t n, size_t max, bool *ret_cut) {
    size_t o = old ? strlen(old) : 0;
    if (o + n + 2 > max) {
        *ret_cut = true;
        n = o + 2 < max ? max - o - 2 : 0;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
            n--;
        }
    }
    char *v = realloc(old, o + n + 2);
    if (!v) {
        return NULL;
    }
    memcpy(v + o, s, n);
    v[o + n] = '\0';
    return v;
}

void rb_note(DiagList *d, unsigned line, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_warn(d, line, 1, "%s", msg);
}

void *rb_grow(void *v, size_t *cap, size_t n, size_t size) {
    if (n < *cap) {
        return v;
    }
    size_t c = *cap ? *cap * 2 : 32;
    void *nv = realloc(v, c * size);
    if (nv) {
        *cap = c;
    }
    return nv;
}
