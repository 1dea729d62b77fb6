#pragma once
/* UTF-8 helpers for drawing: decoding, display width, clipping and wrapping by
 * columns without splitting a character.  Text is assumed sanitised; a stray
 * invalid byte counts as one column so nothing loops or overruns. */
#include <stdbool.h>
#include <stddef.h>

/* Decode the character at s[0..len) (len >= 1) into *ret_cp; returns the bytes
 * it takes (1..4).  An invalid byte decodes as U+FFFD and takes one byte. */
size_t utf8_decode(const char *s, size_t len, unsigned *ret_cp);
/* Encode cp into out (4 bytes); returns the byte count, 0 for an invalid cp. */
size_t utf8_encode(unsigned cp, char out[4]);
/* Columns a code point takes: 0 for combining marks, 2 for wide, 1 otherwise
 * (controls and characters the locale does not know count as 1). */
int utf8_cp_width(unsigned cp);
/* Display width of s[0..len). */
int utf8_width(const char *s, size_t len);
/* Bytes of the longest prefix of s[0..len) that fits max_cols columns; its
 * width goes to *ret_cols (may be NULL). */
size_t utf8_clip(const char *s, size_t len, int max_cols, int *ret_cols);
/* Bytes of the last character of s[0..len) (0 when len is 0). */
size_t utf8_last_len(const char *s, size_t len);
/* One row of s[0..len) wrapped to cols (>= 1): returns the bytes shown on the
 * row; *ret_next is where the next row starts (a space at a word break is
 * skipped).  words: break at the last space that fits, else hard. */
size_t utf8_wrap(const char *s, size_t len, int cols, bool words, size_t *ret_next);
/* Rows s[0..len) takes wrapped to cols (at least 1). */
int utf8_wrap_rows(const char *s, size_t len, int cols, bool words);
/* First occurrence of needle in hay, ASCII case-insensitive (other bytes
 * compare exactly); returns the byte offset or -1. */
long utf8_find_nocase(const char *hay, size_t hlen, const char *needle, size_t nlen);
