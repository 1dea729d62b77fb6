/* core/text.h: untrusted bytes made safe for the terminal, UTF-8 decoding, widths. */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/text.h"

/* The invariants every sanitised output holds, whatever the input. */
static void assert_safe(const char *out) {
    assert_non_null(out);
    size_t n = strlen(out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c < 0x20 || c == 0x7f) {
            fail_msg("control byte 0x%02x at offset %zu of output", c, i);
        }
    }
    assert_int_equal(text_utf8_validate(out, n), n);
    assert_true(text_is_clean(out, n, 0));
}

/* Sanitise s (length n, flags) and compare with want. */
static void expect_sanitized(const char *s, size_t n, unsigned flags, const char *want) {
    char *out = text_sanitize_flags(s, n, flags);
    assert_non_null(out);
    if (strcmp(out, want) != 0) {
        fail_msg("sanitised to '%s', want '%s'", out, want);
    }
    if (flags == 0) {
        assert_safe(out);
    }
    free(out);
}

#define EXPECT(lit, want) expect_sanitized((lit), sizeof(lit) - 1, 0, (want))

static void test_every_single_byte_is_safe(void **state) {
    for (unsigned b = 0; b < 256; b++) {
        char in = (char)b;
        char *out = text_sanitize(&in, 1);
        assert_safe(out);
        assert_null(strchr(out, 0x1b));
        if (b >= 0x20 && b < 0x7f) {
            assert_int_equal(strlen(out), 1);
            assert_int_equal((unsigned char)out[0], b);
        } else {
            /* every other single byte becomes a visible escape */
            assert_true(strlen(out) >= 2);
            assert_int_equal(out[0], '\\');
        }
        free(out);
    }
}

static void test_high_bytes_alone_escape_as_hex(void **state) {
    for (unsigned b = 0x80; b < 0x100; b++) {
        char in = (char)b, want[8];
        snprintf(want, sizeof(want), "\\x%02x", b);
        expect_sanitized(&in, 1, 0, want);
    }
}

static void test_control_bytes(void **state) {
    EXPECT("a\rb", "a\\rb");
    EXPECT("a\bb", "a\\x08b");
    EXPECT("a\nb", "a\\nb");
    EXPECT("a\tb", "a\\tb");
    EXPECT("\x7f", "\\x7f");
    EXPECT("\x07", "\\x07");
    EXPECT("\x1b", "\\e");
    EXPECT("\x01\x1f", "\\x01\\x1f");
}

static void test_embedded_nul_is_escaped(void **state) {
    EXPECT("a\0b", "a\\x00b");
    EXPECT("\0", "\\x00");
}

static void test_c1_controls_in_utf8_are_escaped(void **state) {
    EXPECT("\xc2\x9b", "\\u009b"); /* the 8-bit CSI */
    EXPECT("\xc2\x9b"
           "2J",
           "\\u009b2J");
    for (unsigned cp = 0x80; cp <= 0x9f; cp++) {
        char in[2] = {(char)0xc2, (char)(0x80 | (cp & 0x3f))};
        char *out = text_sanitize(in, 2);
        assert_safe(out);
        assert_null(strstr(out, "\xc2"));
        char want[8];
        snprintf(want, sizeof(want), "\\u%04x", cp);
        assert_string_equal(out, want);
        free(out);
    }
    /* U+00A0, just past C1, is printable */
    EXPECT("\xc2\xa0", "\xc2\xa0");
}

static void test_escape_sequences_lose_esc_and_bel(void **state) {
    static const char *const seqs[] = {
        "\x1b[2J",
        "\x1b[31mred\x1b[0m",
        "\x1b]0;title\x07",
        "\x1b]52;c;aGVsbG8=\x07",
        "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
        "\x1bPq#0;2;0;0;0\x1b\\",
        "\x1b"
        "c",
        "\xc2\x9b"
        "6n",
        "\xc2\x9d"
        "0;t\xc2\x9c",
    };
    for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
        char *out = text_sanitize(seqs[i], strlen(seqs[i]));
        assert_safe(out);
        assert_null(strchr(out, 0x1b));
        assert_null(strchr(out, 0x07));
        free(out);
    }
    EXPECT("\x1b[2J", "\\e[2J");
    EXPECT("\x1b]0;title\x07", "\\e]0;title\\x07");
}

static void test_bidi_and_invisible_controls_are_escaped(void **state) {
    EXPECT("abc\xe2\x80\xae"
           "def",
           "abc\\u202edef");           /* RIGHT-TO-LEFT OVERRIDE */
    EXPECT("\xe2\x81\xa6", "\\u2066"); /* LEFT-TO-RIGHT ISOLATE */
    EXPECT("\xe2\x80\xaa", "\\u202a"); /* LRE */
    EXPECT("\xe2\x81\xa9", "\\u2069"); /* PDI */
    EXPECT("\xe2\x80\x8e", "\\u200e"); /* LRM */
    EXPECT("\xe2\x80\x8f", "\\u200f"); /* RLM */
    EXPECT("\xe2\x80\xa8", "\\u2028"); /* LINE SEPARATOR */
    EXPECT("\xe2\x80\xa9", "\\u2029"); /* PARAGRAPH SEPARATOR */
    EXPECT("\xd8\x9c", "\\u061c");     /* ARABIC LETTER MARK */
    EXPECT("\xef\xbb\xbf"
           "x",
           "\\ufeffx"); /* BOM */
}

static void test_invalid_utf8_is_escaped_bytewise(void **state) {
    EXPECT("\xc0\xaf", "\\xc0\\xaf");                            /* overlong '/' */
    EXPECT("\xe0\x80\xaf", "\\xe0\\x80\\xaf");                   /* overlong, 3 bytes */
    EXPECT("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");          /* overlong, 4 bytes */
    EXPECT("\xed\xa0\x80", "\\xed\\xa0\\x80");                   /* surrogate U+D800 */
    EXPECT("\xed\xbf\xbf", "\\xed\\xbf\\xbf");                   /* surrogate U+DFFF */
    EXPECT("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");          /* U+110000 */
    EXPECT("\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80"); /* 5-byte form */
    EXPECT("\xe6\x97", "\\xe6\\x97");                            /* truncated at the end */
    EXPECT("\xe6\x97"
           "A",
           "\\xe6\\x97A"); /* truncated, then ASCII */
    EXPECT("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
    EXPECT("\x80", "\\x80"); /* a lone continuation byte */
    EXPECT("\xc3"
           "\xc3\xa9",
           "\\xc3\xc3\xa9"); /* a broken lead byte does not swallow the next character */
}

static void test_valid_utf8_passes_unchanged(void **state) {
    static const char *const ok[] = {
        "plain ascii ~!@#$%^&*()_+{}|:\"<>?",
        "caf\xc3\xa9",              /* café */
        "\xe6\x97\xa5\xe6\x9c\xac", /* 日本 */
        "\xf0\x9f\x98\x80",         /* 😀 */
        "e\xcc\x81",                /* e + combining acute */
        "",
        "\xed\x9f\xbf\xee\x80\x80",         /* U+D7FF, U+E000 around the surrogates */
        "\xef\xbf\xbd\xf4\x8f\xbf\xbf",     /* U+FFFD, U+10FFFF */
        "\xc2\xa0\xe2\x80\x8b\xe2\x81\xa0", /* NBSP, ZWSP, WJ: not in the escape set */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        expect_sanitized(ok[i], strlen(ok[i]), 0, ok[i]);
        assert_true(text_is_clean(ok[i], strlen(ok[i]), 0));
    }
}

static void test_keep_flags(void **state) {
    const char in[] = "a\nb\tc\rd";
    size_t n = sizeof(in) - 1;
    expect_sanitized(in, n, 0, "a\\nb\\tc\\rd");
    expect_sanitized(in, n, TEXT_KEEP_NEWLINE, "a\nb\\tc\\rd");
    expect_sanitized(in, n, TEXT_KEEP_TAB, "a\\nb\tc\\rd");
    expect_sanitized(in, n, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB, "a\nb\tc\\rd");

    assert_false(text_is_clean("a\nb", 3, 0));
    assert_true(text_is_clean("a\nb", 3, TEXT_KEEP_NEWLINE));
    assert_false(text_is_clean("a\nb", 3, TEXT_KEEP_TAB));
    assert_false(text_is_clean("a\tb", 3, 0));
    assert_true(text_is_clean("a\tb", 3, TEXT_KEEP_TAB));
    /* keeping newlines never keeps CR, ESC or the rest */
    assert_false(text_is_clean("\r\n", 2, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB));
    assert_false(text_is_clean("\x1b\n", 2, TEXT_KEEP_NEWLINE | TEXT_KEEP_TAB));
}

static void test_empty_input_gives_empty_string(void **state) {
    char *out = text_sanitize("", 0);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
    out = text_sanitize("ignored", 0);
    assert_string_equal(out, "");
    free(out);
    assert_true(text_is_clean("", 0, 0));
}

static void test_one_megabyte_line(void **state) {
    size_t n = (size_t)1 << 20;
    char *in = malloc(n);
    assert_non_null(in);
    memset(in, 'x', n);
    char *out = text_sanitize(in, n);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    assert_memory_equal(out, in, n);
    free(out);

    /* the worst case: every byte grows to a four-byte escape */
    memset(in, 0xff, n);
    out = text_sanitize(in, n);
    assert_non_null(out);
    assert_int_equal(strlen(out), 4 * n);
    assert_safe(out);
    free(out);

    /* every C1 control: six output bytes for two input bytes */
    for (size_t i = 0; i + 1 < n; i += 2) {
        in[i] = (char)0xc2;
        in[i + 1] = (char)0x9b;
    }
    out = text_sanitize(in, n);
    assert_non_null(out);
    assert_int_equal(strlen(out), 3 * n);
    assert_safe(out);
    free(out);
    free(in);
}

static void test_sanitize_append_accumulates(void **state) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(text_sanitize_append(&buf, &len, &cap, "ab", 2, 0), 0);
    assert_string_equal(buf, "ab");
    assert_int_equal(len, 2);
    assert_int_equal(text_sanitize_append(&buf, &len, &cap, "\x1b[K", 3, 0), 0);
    assert_string_equal(buf, "ab\\e[K");
    assert_int_equal(len, strlen(buf));
    assert_true(cap > len);
    assert_int_equal(text_sanitize_append(&buf, &len, &cap, "\n", 1, TEXT_KEEP_NEWLINE), 0);
    assert_string_equal(buf, "ab\\e[K\n");
    /* appending nothing keeps the string intact */
    assert_int_equal(text_sanitize_append(&buf, &len, &cap, "", 0, 0), 0);
    assert_string_equal(buf, "ab\\e[K\n");
    assert_int_equal(len, 7);
    free(buf);
}

static void test_utf8_len(void **state) {
    unsigned cp = 0;
#define LEN(lit) text_utf8_len((const unsigned char *)(lit), sizeof(lit) - 1, &cp)
    assert_int_equal(LEN("A"), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(LEN("\xc3\xa9"), 2);
    assert_int_equal(cp, 0xe9);
    assert_int_equal(LEN("\xe6\x97\xa5"), 3);
    assert_int_equal(cp, 0x65e5);
    assert_int_equal(LEN("\xf0\x9f\x98\x80"), 4);
    assert_int_equal(cp, 0x1f600);
    /* the smallest and largest of each length */
    assert_int_equal(LEN("\xc2\x80"), 2);
    assert_int_equal(cp, 0x80);
    assert_int_equal(LEN("\xe0\xa0\x80"), 3);
    assert_int_equal(cp, 0x800);
    assert_int_equal(LEN("\xf0\x90\x80\x80"), 4);
    assert_int_equal(cp, 0x10000);
    assert_int_equal(LEN("\xf4\x8f\xbf\xbf"), 4);
    assert_int_equal(cp, 0x10ffff);
    assert_int_equal(LEN("\xed\x9f\xbf"), 3);
    assert_int_equal(cp, 0xd7ff);
    /* only the first sequence counts */
    assert_int_equal(LEN("\xc3\xa9xyz"), 2);

    assert_int_equal(LEN("\xc0\xaf"), 0);
    assert_int_equal(LEN("\xc1\xbf"), 0);
    assert_int_equal(LEN("\xe0\x9f\xbf"), 0);
    assert_int_equal(LEN("\xf0\x8f\xbf\xbf"), 0);
    assert_int_equal(LEN("\xed\xa0\x80"), 0);
    assert_int_equal(LEN("\xed\xbf\xbf"), 0);
    assert_int_equal(LEN("\xf4\x90\x80\x80"), 0);
    assert_int_equal(LEN("\xf7\xbf\xbf\xbf"), 0);
    assert_int_equal(LEN("\x80"), 0);
    assert_int_equal(LEN("\xbf"), 0);
    assert_int_equal(LEN("\xf8\x88\x80\x80\x80"), 0);
    assert_int_equal(LEN("\xff"), 0);
    assert_int_equal(LEN("\xc3"
                         "A"),
                     0);
    /* n shorter than the sequence */
    assert_int_equal(text_utf8_len((const unsigned char *)"\xe6\x97\xa5", 2, &cp), 0);
    assert_int_equal(text_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 3, &cp), 0);
    assert_int_equal(text_utf8_len((const unsigned char *)"A", 0, &cp), 0);
#undef LEN
}

static void test_utf8_validate(void **state) {
    assert_int_equal(text_utf8_validate("", 0), 0);
    assert_int_equal(text_utf8_validate("abc", 3), 3);
    assert_int_equal(text_utf8_validate("caf\xc3\xa9", 5), 5);
    assert_int_equal(text_utf8_validate("ab\xff"
                                        "c",
                                        4),
                     2);
    assert_int_equal(text_utf8_validate("\xc3\xa9\xc3", 3), 2);
    assert_int_equal(text_utf8_validate("x\xed\xa0\x80", 4), 1);
    assert_int_equal(text_utf8_validate("\xc0\xaf", 2), 0);
    /* NUL is valid UTF-8: only the length bounds the scan */
    assert_int_equal(text_utf8_validate("a\0b", 3), 3);
}

static void test_is_clean(void **state) {
    assert_true(text_is_clean("ok", 2, 0));
    assert_true(text_is_clean("\xe6\x97\xa5", 3, 0));
    assert_false(text_is_clean("\x1b[2J", 4, 0));
    assert_false(text_is_clean("\xc2\x9b", 2, 0));
    assert_false(text_is_clean("\xe2\x80\xae", 3, 0));
    assert_false(text_is_clean("\xc0\xaf", 2, 0));
    assert_false(text_is_clean("\xe6\x97", 2, 0));
    assert_false(text_is_clean("a\0b", 3, 0));
    assert_false(text_is_clean("\x7f", 1, 0));
    /* only n bytes are looked at */
    assert_true(text_is_clean("ok\x1b", 2, 0));
}

static void test_width_ascii_and_narrow(void **state) {
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width("abc"), 3);
    assert_int_equal(text_width("\\e[2J"), 5);
}

static void test_width_wide_in_utf8_locale(void **state) {
    if (!setlocale(LC_CTYPE, "C.UTF-8")) {
        skip();
    }
    assert_int_equal(text_width("caf\xc3\xa9"), 4);
    assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4); /* 日本 */
    assert_int_equal(text_width("a\xf0\x9f\x98\x80"), 3);        /* a😀 */
    assert_int_equal(text_width("e\xcc\x81"), 1);                /* combining accent */
    (void)setlocale(LC_CTYPE, "C");
}

/* xorshift64*: the same sequence on every libc. */
static uint64_t rng_next(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dULL;
}

static void test_random_bytes_property(void **state) {
    /* bytes that start or end trouble, mixed with plain noise */
    static const unsigned char hot[] = {0x00, 0x07, 0x08, 0x0a, 0x0d, 0x1b, 0x7f, 0x80, 0x9b,
                                        0x9c, 0x9d, 0xa0, 0xae, 0xbf, 0xc0, 0xc2, 0xe0, 0xe2,
                                        0xed, 0xef, 0xf0, 0xf4, 0xf8, 0xff, '[',  ']'};
    uint64_t seed = 0x6f70736465636bULL;
    unsigned char in[96];
    for (int iter = 0; iter < 10000; iter++) {
        size_t n = (size_t)(rng_next(&seed) % sizeof(in));
        for (size_t i = 0; i < n; i++) {
            uint64_t r = rng_next(&seed);
            in[i] = (r & 0x300) ? (unsigned char)r : hot[(r >> 16) % sizeof(hot)];
        }
        unsigned flags = (unsigned)(rng_next(&seed) & 3);
        char *out = text_sanitize_flags((const char *)in, n, flags);
        assert_non_null(out);
        size_t on = strlen(out);
        assert_int_equal(text_utf8_validate(out, on), on);
        assert_true(text_is_clean(out, on, flags));
        if (flags == 0) {
            assert_safe(out);
        }
        /* clean input is returned as is; sanitising is idempotent */
        if (text_is_clean((const char *)in, n, flags)) {
            assert_int_equal(on, n);
            assert_memory_equal(out, in, n);
        }
        char *again = text_sanitize_flags(out, on, flags);
        assert_string_equal(again, out);
        free(again);
        free(out);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_single_byte_is_safe),
        cmocka_unit_test(test_high_bytes_alone_escape_as_hex),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_embedded_nul_is_escaped),
        cmocka_unit_test(test_c1_controls_in_utf8_are_escaped),
        cmocka_unit_test(test_escape_sequences_lose_esc_and_bel),
        cmocka_unit_test(test_bidi_and_invisible_controls_are_escaped),
        cmocka_unit_test(test_invalid_utf8_is_escaped_bytewise),
        cmocka_unit_test(test_valid_utf8_passes_unchanged),
        cmocka_unit_test(test_keep_flags),
        cmocka_unit_test(test_empty_input_gives_empty_string),
        cmocka_unit_test(test_one_megabyte_line),
        cmocka_unit_test(test_sanitize_append_accumulates),
        cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_utf8_validate),
        cmocka_unit_test(test_is_clean),
        cmocka_unit_test(test_width_ascii_and_narrow),
        cmocka_unit_test(test_width_wide_in_utf8_locale),
        cmocka_unit_test(test_random_bytes_property),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
