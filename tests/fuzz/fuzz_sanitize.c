/* Fuzz target: text_sanitize, what stands between untrusted bytes and the terminal.
 * Input: one byte of flags (TEXT_KEEP_NEWLINE, TEXT_KEEP_TAB), then the text.
 * Properties, checked with a UTF-8 decoder of our own (not the one under test):
 *   - the output is valid UTF-8 with no NUL inside;
 *   - no byte < 0x20 but '\n' / '\t' when the flags keep them, no DEL, no C1
 *     control (U+0080..U+009F), no bidi control, line/paragraph separator or BOM;
 *   - clean input passes unchanged, and only clean input does;
 *   - the output is clean: sanitising it again changes nothing;
 *   - appending to a buffer gives the prefix followed by the same output. */
#include <stdbool.h>
#include <string.h>

#include "core/text.h"
#include "tests/fuzz/fuzz.h"
#include "tests/tools/utf8_check.h"

static bool cp_forbidden(unsigned cp, unsigned flags) {
    if (cp < 0x20) {
        return !((cp == '\n' && (flags & TEXT_KEEP_NEWLINE)) ||
                 (cp == '\t' && (flags & TEXT_KEEP_TAB)));
    }
    return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c ||
           cp == 0x2028 || cp == 0x2029 || cp == 0xfeff;
}

/* -1: ill-formed at that offset; -2: a forbidden code point; 0: clean. */
static int scan(const unsigned char *s, size_t n, unsigned flags, size_t *ret_at) {
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t l = utf8_seq(s + i, n - i, &cp);
        *ret_at = i;
        if (l == 0) {
            return -1;
        }
        if (cp_forbidden(cp, flags)) {
            return -2;
        }
        i += l;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    unsigned flags = data[0] & (TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB);
    const char *in = (const char *)data + 1;
    size_t n = size - 1;

    char *out = NULL;
    size_t len = 0, cap = 0;
    FUZZ_CHECK(text_sanitize_append(&out, &len, &cap, in, n, flags) == 0, "out of memory");
    if (!out) {
        out = strdup("");
    }
    FUZZ_CHECK(strlen(out) == len, "a NUL inside the output at %zu of %zu", strlen(out), len);
    size_t at = 0;
    int bad = scan((const unsigned char *)out, len, flags, &at);
    FUZZ_CHECK(bad != -1, "ill-formed UTF-8 in the output at byte %zu", at);
    FUZZ_CHECK(bad != -2, "a control or bidi character in the output at byte %zu", at);

    bool clean = scan((const unsigned char *)in, n, flags, &at) == 0;
    bool same = len == n && memcmp(out, in, n) == 0;
    FUZZ_CHECK(clean == same, "clean input %s unchanged", clean ? "must pass" : "cannot pass");
    FUZZ_CHECK(text_is_clean(in, n, flags) == clean, "text_is_clean agrees");
    FUZZ_CHECK(text_is_clean(out, len, flags), "the output is clean");
    bool valid = true;
    for (size_t i = 0; i < n && valid;) {
        unsigned cp;
        size_t l = utf8_seq((const unsigned char *)in + i, n - i, &cp);
        valid = l > 0;
        i += l;
    }
    FUZZ_CHECK((text_utf8_validate(in, n) == n) == valid, "text_utf8_validate agrees");

    char *again = text_sanitize_flags(out, len, flags);
    FUZZ_CHECK(again && strcmp(again, out) == 0, "sanitising twice changes nothing");
    free(again);

    char *plain = text_sanitize_flags(in, n, flags);
    FUZZ_CHECK(plain && strcmp(plain, out) == 0, "text_sanitize_flags agrees with _append");
    free(plain);

    char *buf = strdup("prefix:");
    size_t blen = 7, bcap = 8;
    FUZZ_CHECK(text_sanitize_append(&buf, &blen, &bcap, in, n, flags) == 0, "append");
    FUZZ_CHECK(blen == 7 + len && memcmp(buf, "prefix:", 7) == 0 && memcmp(buf + 7, out, len) == 0,
               "appending keeps the prefix and adds the same output");
    free(buf);

    (void)text_width(out);
    free(out);
    return 0;
}
