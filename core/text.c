#include "core/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

size_t text_utf8_len(const unsigned char *s, size_t n, unsigned *ret_cp) {
    if (n == 0) {
        return 0;
    }
    unsigned c = s[0];
    if (c < 0x80) {
        *ret_cp = c;
        return 1;
    }
    size_t len;
    unsigned cp, min;
    if ((c & 0xe0) == 0xc0) {
        len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }
    *ret_cp = cp;
    return len;
}

size_t text_utf8_validate(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        unsigned cp;
        size_t l = text_utf8_len(p + i, n - i, &cp);
        if (l == 0) {
            return i;
        }
        i += l;
    }
    return n;
}

bool text_cp_is_dangerous(unsigned cp) {
    return (cp >= 0x80 && cp <= 0x9f) ||     /* C1 controls, including the 8-bit CSI */
           (cp >= 0x202a && cp <= 0x202e) || /* bidi embeddings and overrides */
           (cp >= 0x2066 && cp <= 0x2069) || /* bidi isolates */
           cp == 0x2028 || cp == 0x2029 ||   /* line and paragraph separators */
           cp == 0x200e || cp == 0x200f ||   /* directional marks */
           cp == 0x061c || cp == 0xfeff;     /* Arabic letter mark, BOM */
}

static bool byte_is_control(unsigned char c, unsigned flags) {
    if (c == '\n' && (flags & TEXT_KEEP_NEWLINE)) {
        return false;
    }
    if (c == '\t' && (flags & TEXT_KEEP_TAB)) {
        return false;
    }
    return c < 0x20 || c == 0x7f;
}

bool text_is_clean(const char *s, size_t n, unsigned flags) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            if (byte_is_control(p[i], flags)) {
                return false;
            }
            i++;
            continue;
        }
        unsigned cp;
        size_t l = text_utf8_len(p + i, n - i, &cp);
        if (l == 0 || text_cp_is_dangerous(cp)) {
            return false;
        }
        i += l;
    }
    return true;
}

static int grow(char **buf, size_t *cap, size_t need) {
    if (need <= *cap) {
        return 0;
    }
    size_t c = *cap ? *cap : 64;
    while (c < need) {
        if (c > SIZE_MAX / 2) {
            return -ENOMEM;
        }
        c *= 2;
    }
    char *b = realloc(*buf, c);
    if (!b) {
        return -ENOMEM;
    }
    *buf = b;
    *cap = c;
    return 0;
}

/* "\n", "\r", "\t", "\e" or "\xNN" at out (no NUL); its length.  Written out by hand:
 * a log of invalid bytes is escaped byte by byte, and sprintf() made that 25 MB/s. */
static size_t escape_byte(char *out, unsigned char c) {
    static const char hex[] = "0123456789abcdef";
    char name = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : c == 0x1b ? 'e' : 0;
    out[0] = '\\';
    if (name) {
        out[1] = name;
        return 2;
    }
    out[1] = 'x';
    out[2] = hex[c >> 4];
    out[3] = hex[c & 0xf];
    return 4;
}

int text_sanitize_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n,
                         unsigned flags) {
    const unsigned char *p = (const unsigned char *)s;
    /* worst case: every byte becomes "\xNN" (4 bytes) */
    if (n > (SIZE_MAX - *len - 1) / 4) {
        return -ENOMEM;
    }
    if (grow(buf, cap, *len + n * 4 + 1) < 0) {
        return -ENOMEM;
    }
    char *o = *buf + *len;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            if (byte_is_control(c, flags)) {
                o += escape_byte(o, c);
            } else {
                *o++ = (char)c;
            }
            i++;
            continue;
        }
        unsigned cp;
        size_t l = text_utf8_len(p + i, n - i, &cp);
        if (l == 0) {
            o += escape_byte(o, c);
            i++;
        } else if (text_cp_is_dangerous(cp)) {
            /* "\u202e" is 6 bytes; the source was at least 2 — re-check capacity */
            size_t used = (size_t)(o - *buf);
            if (grow(buf, cap, used + 7 + (n - i) * 4 + 1) < 0) {
                return -ENOMEM;
            }
            o = *buf + used;
            o += sprintf(o, "\\u%04x", cp);
            i += l;
        } else {
            memcpy(o, p + i, l);
            o += l;
            i += l;
        }
    }
    *o = '\0';
    *len = (size_t)(o - *buf);
    return 0;
}

char *text_sanitize_flags(const char *s, size_t n, unsigned flags) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (text_sanitize_append(&buf, &len, &cap, s, n, flags) < 0) {
        free(buf);
        return NULL;
    }
    if (!buf) {
        buf = strdup("");
    }
    return buf;
}

char *text_sanitize(const char *s, size_t n) {
    return text_sanitize_flags(s, n, 0);
}

char *text_sanitize_vf(const char *fmt, va_list ap) {
    char *raw = NULL;
    int n = vasprintf(&raw, fmt, ap);
    if (n < 0) {
        return NULL;
    }
    char *s = text_sanitize(raw, (size_t)n);
    free(raw);
    return s;
}

char *text_sanitizef(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = text_sanitize_vf(fmt, ap);
    va_end(ap);
    return s;
}

size_t text_width(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, w = 0;
    while (i < n) {
        unsigned cp;
        size_t l = text_utf8_len(p + i, n - i, &cp);
        if (l == 0) {
            w++, i++;
            continue;
        }
        int cw = wcwidth((wchar_t)cp);
        w += cw < 0 ? 1 : (size_t)cw;
        i += l;
    }
    return w;
}
