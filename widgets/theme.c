/* widgets/theme.c: parsing theme text, and turning roles into curses attributes. */
#include "widgets/theme.h"

#include <curses.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The no-colour column (as ncdu's util.h): what each role looks like with
 * attributes only, used when colours are off for a theme that is not mono. */
static const unsigned mono_attrs[_ROLE_MAX] = {
    [ROLE_NORMAL] = A_NORMAL,
    [ROLE_DIM] = A_DIM,
    [ROLE_TITLE] = A_BOLD,
    [ROLE_HEADER] = A_REVERSE,
    [ROLE_HEADER_DIM] = A_REVERSE | A_DIM,
    [ROLE_SELECTED] = A_REVERSE,
    [ROLE_OK] = A_NORMAL,
    [ROLE_WARN] = A_BOLD,
    [ROLE_FAIL] = A_BOLD | A_REVERSE,
    [ROLE_UNKNOWN] = A_DIM,
    [ROLE_RISK_LOW] = A_NORMAL,
    [ROLE_RISK_MEDIUM] = A_BOLD,
    [ROLE_RISK_COORDINATION] = A_UNDERLINE,
    [ROLE_RISK_HIGH] = A_BOLD | A_REVERSE,
    [ROLE_ACTIVE] = A_BOLD,
    [ROLE_DONE] = A_NORMAL,
    [ROLE_PENDING] = A_NORMAL,
    [ROLE_BLOCKED] = A_BOLD | A_UNDERLINE,
    [ROLE_CRITICAL] = A_BOLD | A_UNDERLINE,
    [ROLE_NOW] = A_BOLD,
    [ROLE_PLANNED_BAR] = A_DIM,
    [ROLE_ACTUAL_BAR] = A_BOLD,
    [ROLE_KEY] = A_BOLD,
    [ROLE_KEY_LABEL] = A_REVERSE,
    [ROLE_MATCH] = A_BOLD | A_UNDERLINE,
    [ROLE_MODAL] = A_NORMAL,
    [ROLE_MODAL_TITLE] = A_BOLD,
    [ROLE_READONLY] = A_BOLD | A_REVERSE,
    [ROLE_STALE] = A_REVERSE,
};

static const struct {
    const char *name;
    unsigned attr;
} attr_names[] = {
    {"none", A_NORMAL},     {"bold", A_BOLD},           {"dim", A_DIM},
    {"reverse", A_REVERSE}, {"underline", A_UNDERLINE}, {"standout", A_STANDOUT},
    {"italic", A_ITALIC},
};

static const char *const colour_names[] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

unsigned theme_mono_attr(Role r) {
    return (unsigned)r < _ROLE_MAX ? mono_attrs[r] : A_NORMAL;
}

/* Errors collected while parsing: "LINE: message" lines joined by '\n'. */
typedef struct Errors {
    char *buf;
    size_t len;
    bool oom;
} Errors;

static void error_add(Errors *e, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void error_add(Errors *e, unsigned line, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t need = e->len + strlen(msg) + 24;
    char *b = realloc(e->buf, need);
    if (!b) {
        e->oom = true;
        return;
    }
    e->buf = b;
    e->len +=
        (size_t)snprintf(b + e->len, need - e->len, "%s%u: %s", e->len ? "\n" : "", line, msg);
}

/* A token from the file made safe to quote: printable ASCII, at most 32 bytes. */
static const char *quote(const char *tok, char out[40]) {
    size_t i = 0;
    for (; tok[i] && i < 32; i++) {
        unsigned char ch = (unsigned char)tok[i];
        out[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    if (tok[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* The nearest of the 8 basic colours to a 256-colour index. */
static short approx8(int n) {
    if (n < 8) {
        return (short)n;
    }
    if (n < 16) {
        return (short)(n - 8);
    }
    if (n >= 232) {
        return n >= 244 ? COLOR_WHITE : COLOR_BLACK;
    }
    n -= 16;
    int r = n / 36, g = (n / 6) % 6, b = n % 6;
    return (short)((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0));
}

/* One colour: a name, "default" or 0-255.  0 or -1 when it is not a colour. */
static int parse_one_colour(const char *s, int *ret) {
    if (strcmp(s, "default") == 0) {
        *ret = -1;
        return 0;
    }
    for (int i = 0; i < 8; i++) {
        if (strcmp(s, colour_names[i]) == 0) {
            *ret = i;
            return 0;
        }
    }
    if (*s < '0' || *s > '9' || strlen(s) > 3 || strspn(s, "0123456789") != strlen(s)) {
        return -1;
    }
    int n = atoi(s);
    if (n > 255) {
        return -ERANGE;
    }
    *ret = n;
    return 0;
}

/* "X", "N" or "X/N".  Returns 0, -1 (not a colour) or -ERANGE. */
static int parse_colour(const char *tok, short *ret8, short *ret256) {
    char buf[64];
    if (strlen(tok) >= sizeof(buf)) {
        return -1;
    }
    strcpy(buf, tok);
    char *slash = strchr(buf, '/');
    int a, b, r;
    if (slash) {
        *slash = '\0';
        if ((r = parse_one_colour(buf, &a)) < 0 || (r = parse_one_colour(slash + 1, &b)) < 0) {
            return r;
        }
    } else {
        if ((r = parse_one_colour(buf, &a)) < 0) {
            return r;
        }
        b = a;
    }
    *ret8 = a < 0 ? -1 : approx8(a);
    *ret256 = (short)b;
    return 0;
}

static int parse_attr(const char *tok, unsigned *ret) {
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
        if (strcmp(tok, attr_names[i].name) == 0) {
            *ret = attr_names[i].attr;
            return 0;
        }
    }
    return -1;
}

/* The value of "role = ...": colours then attributes.  Errors go to e. */
static void parse_style(char *value, const char *role, unsigned line, ThemeStyle *st, Errors *e) {
    char q[40];
    int n_colours = 0;
    bool seen_attr = false, any = false;
    *st = (ThemeStyle){.fg8 = -1, .bg8 = -1, .fg256 = -1, .bg256 = -1, .set = true};
    for (char *save = NULL, *tok = strtok_r(value, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        any = true;
        unsigned attr;
        short c8, c256;
        if (parse_attr(tok, &attr) == 0) {
            st->attrs |= attr;
            seen_attr = true;
            continue;
        }
        int r = parse_colour(tok, &c8, &c256);
        if (r == -ERANGE) {
            error_add(e, line, "colour '%s' is out of range: use 0-255", quote(tok, q));
        } else if (r < 0) {
            error_add(e, line, "unknown %s '%s'",
                      seen_attr || n_colours == 2 ? "attribute"
                      : n_colours == 0            ? "colour"
                                                  : "colour or attribute",
                      quote(tok, q));
        } else if (seen_attr) {
            error_add(e, line, "colour '%s' after attributes: write fg, bg, then attributes",
                      quote(tok, q));
        } else if (n_colours == 2) {
            error_add(e, line, "colour '%s': a role has at most a foreground and a background",
                      quote(tok, q));
        } else if (n_colours++ == 0) {
            st->fg8 = c8, st->fg256 = c256;
        } else {
            st->bg8 = c8, st->bg256 = c256;
        }
    }
    if (!any) {
        error_add(e, line, "no colours or attributes for '%s'", role);
    }
}

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
        s[--n] = '\0';
    }
    return s;
}

static int set_name(Theme *t, const char *name) {
    char *copy = strdup(name);
    if (!copy) {
        return -ENOMEM;
    }
    free(t->name);
    t->name = copy;
    return 0;
}

/* One line: a comment, "name = N", "mono = yes|no" or "role = style". */
static int parse_line(Theme *t, char *s, unsigned line, unsigned *first_line, Errors *e) {
    char q[40];
    char *hash = strchr(s, '#');
    if (hash) {
        *hash = '\0';
    }
    s = trim(s);
    if (!*s) {
        return 0;
    }
    char *eq = strchr(s, '=');
    if (!eq) {
        error_add(e, line, "expected 'ROLE = COLOURS ATTRIBUTES', got '%s'", quote(s, q));
        return 0;
    }
    *eq = '\0';
    char *key = trim(s), *value = trim(eq + 1);
    if (strcmp(key, "name") == 0) {
        if (!*value || strpbrk(value, " \t/")) {
            error_add(e, line, "name must be one word, got '%s'", quote(value, q));
            return 0;
        }
        return set_name(t, value);
    }
    if (strcmp(key, "mono") == 0) {
        if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0) {
            t->mono = true;
        } else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0) {
            t->mono = false;
        } else {
            error_add(e, line, "mono must be yes or no, got '%s'", quote(value, q));
        }
        return 0;
    }
    int role = role_from_name(key);
    if (role < 0) {
        error_add(e, line, "unknown role '%s'", quote(key, q));
        return 0;
    }
    if (first_line[role]) {
        error_add(e, line, "role '%s' is set twice (first on line %u)", key, first_line[role]);
        return 0;
    }
    first_line[role] = line;
    parse_style(value, key, line, &t->style[role], e);
    return 0;
}

int theme_parse(const char *name, const char *text, Theme **ret, char **ret_error) {
    if (ret_error) {
        *ret_error = NULL;
    }
    if (!ret || !text) {
        return -EINVAL;
    }
    Theme *t = calloc(1, sizeof(*t));
    char *copy = strdup(text);
    Errors e = {0};
    unsigned first_line[_ROLE_MAX] = {0};
    int r = t && copy ? set_name(t, name ? name : "") : -ENOMEM;
    unsigned line = 1;
    for (char *s = copy; r == 0 && s; line++) {
        char *nl = strchr(s, '\n');
        if (nl) {
            *nl = '\0';
        }
        r = parse_line(t, s, line, first_line, &e);
        s = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (r == 0 && e.oom) {
        r = -ENOMEM;
    }
    if (r == 0 && e.len > 0) {
        r = -EINVAL;
    }
    if (r < 0) {
        if (r == -EINVAL && ret_error) {
            *ret_error = e.buf;
            e.buf = NULL;
        }
        free(e.buf);
        theme_free(t);
        return r;
    }
    if (strcmp(t->name, "mono") == 0) {
        t->mono = true;
    }
    ThemeStyle normal = t->style[ROLE_NORMAL];
    if (!normal.set) {
        normal = (ThemeStyle){.fg8 = -1, .bg8 = -1, .fg256 = -1, .bg256 = -1};
    }
    for (int i = 0; i < _ROLE_MAX; i++) {
        if (!t->style[i].set) {
            t->style[i] = normal;
            t->style[i].set = false;
        }
    }
    *ret = t;
    return 0;
}

Theme *theme_free(Theme *t) {
    if (t) {
        free(t->name);
        free(t);
    }
    return NULL;
}

void theme_apply(Theme *t, bool use_color) {
    if (!t) {
        return;
    }
    t->colors_on = false;
    t->colors_256 = false;
    if (!use_color || t->mono || !has_colors() || COLORS < 8 || COLOR_PAIRS <= _ROLE_MAX) {
        return;
    }
    bool defaults = use_default_colors() == OK;
    t->colors_256 = COLORS >= 256;
    for (int r = 0; r < _ROLE_MAX; r++) {
        const ThemeStyle *st = &t->style[r];
        short fg = t->colors_256 ? st->fg256 : st->fg8;
        short bg = t->colors_256 ? st->bg256 : st->bg8;
        if (!defaults) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        (void)init_pair((short)(r + 1), fg, bg);
    }
    t->colors_on = true;
}

unsigned theme_attr(const Theme *t, Role r) {
    if ((unsigned)r >= _ROLE_MAX) {
        r = ROLE_NORMAL;
    }
    if (!t) {
        return mono_attrs[r];
    }
    if (t->colors_on) {
        return (unsigned)COLOR_PAIR(r + 1) | t->style[r].attrs;
    }
    return t->mono ? t->style[r].attrs : mono_attrs[r];
}
