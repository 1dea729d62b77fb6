/* widgets/utf8.c: decoding, width, clipping and wrapping of UTF-8 text. */
#include "widgets/utf8.h"

#include <wchar.h>

size_t utf8_decode(const char *s, size_t len, unsigned *ret_cp) {
    const unsigned char *u = (const unsigned char *)s;
    unsigned c = u[0], cp;
    size_t n;
    if (c < 0x80) {
        *ret_cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07;
    } else {
        goto invalid;
    }
    if (n > len) {
        goto invalid;
    }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            goto invalid;
        }
        cp = (cp << 6) | (u[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
        goto invalid;
    }
    *ret_cp = cp;
    return n;
invalid:
    *ret_cp = 0xfffd;
    return 1;
}

size_t utf8_encode(unsigned cp, char out[4]) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
        return 0;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp <= 0x10ffff) {
        out[0] = (char)(0xf0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char)(0x80 | (cp & 0x3f));
        return 4;
    }
    return 0;
}

int utf8_cp_width(unsigned cp) {
    if (cp < 0x7f) {
        return 1;
    }
    int w = wcwidth((wchar_t)cp);
    if (w < 0) {
        return 1;
    }
    return w > 2 ? 2 : w;
}

int utf8_width(const char *s, size_t len) {
    int w = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        i += utf8_decode(s + i, len - i, &cp);
        w += utf8_cp_width(cp);
    }
    return w;
}

size_t utf8_clip(const char *s, size_t len, int max_cols, int *ret_cols) {
    size_t i = 0;
    int w = 0;
    while (i < len) {
        unsigned cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        int cw = utf8_cp_width(cp);
        if (w + cw > max_cols) {
            break;
        }
        w += cw;
        i += n;
    }
    if (ret_cols) {
        *ret_cols = w;
    }
    return i;
}

size_t utf8_last_len(const char *s, size_t len) {
    if (len == 0) {
        return 0;
    }
    size_t i = len - 1;
    /* Back over at most three continuation bytes to a lead byte. */
    while (i > 0 && len - i < 4 && ((unsigned char)s[i] & 0xc0) == 0x80) {
        i--;
    }
    unsigned cp;
    if (utf8_decode(s + i, len - i, &cp) == len - i) {
        return len - i;
    }
    return 1;
}

size_t utf8_wrap(const char *s, size_t len, int cols, bool words, size_t *ret_next) {
    if (cols < 1) {
        cols = 1;
    }
    size_t n = utf8_clip(s, len, cols, NULL);
    if (n == 0 && len > 0) {
        /* A character wider than the row still takes a row of its own. */
        unsigned cp;
        n = utf8_decode(s, len, &cp);
    }
    if (n >= len) {
        *ret_next = len;
        return len;
    }
    if (words) {
        if (s[n] == ' ') {
            *ret_next = n + 1;
            return n;
        }
        for (size_t i = n; i > 1; i--) {
            if (s[i - 1] == ' ') {
                *ret_next = i;
                return i - 1;
            }
        }
    }
    *ret_next = n;
    return n;
}

int utf8_wrap_rows(const char *s, size_t len, int cols, bool words) {
    int rows = 0;
    size_t i = 0;
    do {
        size_t next;
        (void)utf8_wrap(s + i, len - i, cols, words, &next);
        i += next;
        rows++;
    } while (i < len);
    return rows;
}

static unsigned char ascii_lower(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

long utf8_find_nocase(const char *hay, size_t hlen, const char *needle, size_t nlen) {
    if (nlen == 0 || nlen > hlen) {
        return -1;
    }
    for (size_t i = 0; i + nlen <= hlen; i++) {
        size_t j = 0;
        while (j < nlen &&
               ascii_lower((unsigned char)hay[i + j]) == ascii_lower((unsigned char)needle[j])) {
            j++;
        }
        if (j == nlen) {
            return (long)i;
        }
    }
    return -1;
}
