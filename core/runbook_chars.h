#pragma once
/* ASCII character helpers of the runbook importer's text readers (runbook_hints.c,
 * runbook_ids.c): the prose is UTF-8, but every word they look for is ASCII. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static inline bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static inline bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}

static inline char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The word w (lower case) at s[0..n), case-insensitively, not followed by a letter. */
static inline size_t word_at(const char *s, size_t n, const char *w) {
    size_t k = strlen(w);
    if (k > n || strncasecmp(s, w, k) != 0 || (k < n && is_alpha(s[k]))) {
        return 0;
    }
    return k;
}

static inline size_t skip_spaces(const char *s, size_t n, size_t i) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    return i;
}
