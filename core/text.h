#pragma once
/* Making untrusted bytes safe to show: every control byte, escape sequence
 * introducer, C1 control, bidi override and invalid UTF-8 becomes a visible
 * escape, so nothing can move the cursor, retitle the terminal or write the
 * clipboard.  Valid printable UTF-8 passes through unchanged. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum {
    TEXT_KEEP_NEWLINE = 1u << 0, /* '\n' passes (multi-line text shown line by line) */
    TEXT_KEEP_TAB = 1u << 1,     /* '\t' passes (the caller expands it) */
};

/* Returns a new NUL-terminated string, or NULL on OOM.  Embedded NULs are escaped. */
char *text_sanitize(const char *s, size_t n);
char *text_sanitize_flags(const char *s, size_t n, unsigned flags);
/* printf, then text_sanitize: for messages built from untrusted pieces.  NULL on OOM. */
char *text_sanitize_vf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *text_sanitizef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Append the sanitised form of s to *buf (length *len, capacity *cap, always NUL-terminated).
 * Returns 0 or -ENOMEM. */
int text_sanitize_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n,
                         unsigned flags);

/* True when s[0..n) would pass text_sanitize unchanged. */
bool text_is_clean(const char *s, size_t n, unsigned flags);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s does not start one.
 * Rejects overlongs, surrogates and code points above U+10FFFF. */
size_t text_utf8_len(const unsigned char *s, size_t n, unsigned *ret_cp);

/* Byte offset of the first invalid UTF-8 sequence, or n when s is valid. */
size_t text_utf8_validate(const char *s, size_t n);

/* Code points that are valid UTF-8 but must not reach a terminal raw: C1 controls
 * (including the 8-bit CSI), bidi embeddings, overrides and isolates, line and
 * paragraph separators, directional marks, the BOM. */
bool text_cp_is_dangerous(unsigned cp);

/* Display width in columns of valid, sanitised UTF-8 (wide CJK counts 2). */
size_t text_width(const char *s);
