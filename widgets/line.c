/* widgets/line.c: Lines (text with role runs) built by views and drawn by widgets. */
#include "widgets/canvas.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/utf8.h"

void line_init(Line *l) {
    *l = (Line){0};
}

void line_clear(Line *l) {
    l->len = 0;
    l->n_runs = 0;
    if (l->text) {
        l->text[0] = '\0';
    }
}

void line_free(Line *l) {
    free(l->text);
    free(l->runs);
    line_init(l);
}

static int line_reserve(Line *l, size_t extra) {
    if (l->len + extra + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 32;
        while (cap < l->len + extra + 1) {
            cap *= 2;
        }
        char *t = realloc(l->text, cap);
        if (!t) {
            return -ENOMEM;
        }
        l->text = t;
        l->cap = cap;
    }
    if (l->n_runs + 1 > l->cap_runs) {
        size_t cap = l->cap_runs ? l->cap_runs * 2 : 4;
        LineRun *r = realloc(l->runs, cap * sizeof(*r));
        if (!r) {
            return -ENOMEM;
        }
        l->runs = r;
        l->cap_runs = cap;
    }
    return 0;
}

static int line_append(Line *l, Role role, const char *s, size_t n) {
    if (n == 0) {
        return 0;
    }
    int r = line_reserve(l, n);
    if (r < 0) {
        return r;
    }
    memcpy(l->text + l->len, s, n);
    LineRun *last = l->n_runs ? &l->runs[l->n_runs - 1] : NULL;
    if (last && last->role == role && last->off + last->len == l->len) {
        last->len += (unsigned)n;
    } else {
        l->runs[l->n_runs++] = (LineRun){.off = (unsigned)l->len, .len = (unsigned)n, .role = role};
    }
    l->len += n;
    l->text[l->len] = '\0';
    return 0;
}

int line_add(Line *l, Role role, const char *s) {
    return s ? line_append(l, role, s, strlen(s)) : 0;
}

int line_addf(Line *l, Role role, const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return -EINVAL;
    }
    if ((size_t)n < sizeof(buf)) {
        return line_append(l, role, buf, (size_t)n);
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        return -ENOMEM;
    }
    va_start(ap, fmt);
    (void)vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int r = line_append(l, role, big, (size_t)n);
    free(big);
    return r;
}

int line_pad(Line *l, Role role, int cols) {
    static const char spaces[] = "                                ";
    int missing = cols - line_width(l);
    while (missing > 0) {
        int n = missing < (int)sizeof(spaces) - 1 ? missing : (int)sizeof(spaces) - 1;
        int r = line_append(l, role, spaces, (size_t)n);
        if (r < 0) {
            return r;
        }
        missing -= n;
    }
    return 0;
}

int line_width(const Line *l) {
    return l && l->text ? utf8_width(l->text, l->len) : 0;
}

static void line_draw_runs(const Canvas *c, const Line *l, int y, int x, int cols, bool fill,
                           Role fill_role, const Role *override) {
    int used = 0;
    for (size_t i = 0; l && i < l->n_runs && used < cols; i++) {
        const LineRun *run = &l->runs[i];
        if (run->off >= l->len) {
            continue;
        }
        size_t len = run->len;
        if (run->off + len > l->len) {
            len = l->len - run->off;
        }
        int want = utf8_width(l->text + run->off, len);
        int got = canvas_putn(c, y, x + used, override ? *override : run->role, l->text + run->off,
                              len, cols - used);
        used += got;
        if (got < want) {
            break; /* clipped: a wide character did not fit */
        }
    }
    if (fill && used < cols) {
        canvas_fill(c, y, x + used, cols - used, fill_role);
    }
}

void line_draw(const Canvas *c, const Line *l, int y, int x, int cols, bool fill, Role fill_role) {
    line_draw_runs(c, l, y, x, cols, fill, fill_role, NULL);
}

void line_draw_as(const Canvas *c, const Line *l, int y, int x, int cols, Role role) {
    line_draw_runs(c, l, y, x, cols, true, role, &role);
}
