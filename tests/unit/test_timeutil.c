/* ISO 8601 parsing and formatting, the OPSDECK_NOW clock, the monotonic clock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/timeutil.h"

static time_t parse_ok(const char *s) {
    time_t t = 12345;
    int r = time_parse_iso8601(s, &t);
    if (r != 0) {
        fail_msg("'%s' did not parse: %d", s, r);
    }
    return t;
}

static void test_parse_utc(void **state) {
    assert_int_equal(parse_ok("2026-11-28T22:14:03Z"), 1795904043);
    assert_int_equal(parse_ok("2026-11-28t22:14:03z"), 1795904043);
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(parse_ok("2028-02-29T12:00:00Z"), 1835438400);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
}

static void test_parse_offsets(void **state) {
    assert_int_equal(parse_ok("2026-11-28T23:00:00+01:00"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T23:00:00+0100"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T23:00:00+01"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T16:30:00-05:30"), 1795903200);
    assert_int_equal(parse_ok("2026-11-29T03:30:00+05:30"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T22:00:00-00:00"), 1795903200);
}

static void test_parse_no_zone_is_utc(void **state) {
    assert_int_equal(parse_ok("2026-11-28 22:00"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T22:00"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28T22:00:00"), 1795903200);
    assert_int_equal(parse_ok("2026-11-28"), 1795824000);
    assert_int_equal(parse_ok("2026-11-28T22:00Z"), 1795903200);
}

static void test_parse_fractions_and_leap_second(void **state) {
    assert_int_equal(parse_ok("2026-11-28T22:14:03.999Z"), 1795904043);
    assert_int_equal(parse_ok("2026-11-28T22:14:03,5+00:00"), 1795904043);
    /* 23:59:60 is the first second of the next day */
    assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), parse_ok("2017-01-01T00:00:00Z"));
}

static void test_parse_rejects(void **state) {
    static const char *const bad[] = {
        "",
        "now",
        "2026",
        "2026-11",
        "2026-1-28",
        "2026-11-28T",
        "2026-11-28T22",
        "2026-11-28T22:0",
        "2026-11-28T22:00:0",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z",
        "2026-11-00T00:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T22:60:00Z",
        "2026-11-28T22:00:61Z",
        "2026-11-28T22:00:00.Z",
        "2026-11-28T22:00:00Zjunk",
        "2026-11-28T22:00:00 Z",
        "2026-11-28T22:00:00+24:00",
        "2026-11-28T22:00:00+01:60",
        "2026-11-28T22:00:00+1",
        "2026-11-28T22:00:00+01:0",
        "2026-11-28T22:00:00+01:00:00",
        " 2026-11-28T22:00:00Z",
        "2026-11-28T22:00:00Z ",
        "2026-11-28X22:00:00Z",
        "２026-11-28T22:00:00Z",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        time_t t = 777;
        int r = time_parse_iso8601(bad[i], &t);
        if (r != -EINVAL || t != 777) {
            fail_msg("'%s' parsed (r=%d t=%lld)", bad[i], r, (long long)t);
        }
    }
    time_t t = 0;
    assert_int_equal(time_parse_iso8601(NULL, &t), -EINVAL);
    assert_int_equal(time_parse_iso8601("2026-11-28T22:00:00Z", NULL), -EINVAL);
}

static void test_format(void **state) {
    char buf[32];
    assert_string_equal(time_format_iso8601(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
    assert_string_equal(time_format_iso8601(1795904043, buf, sizeof(buf)), "2026-11-28T22:14:03Z");
    assert_string_equal(time_format_iso8601(-1, buf, sizeof(buf)), "1969-12-31T23:59:59Z");
    char exact[21];
    assert_string_equal(time_format_iso8601(1835438400, exact, sizeof(exact)),
                        "2028-02-29T12:00:00Z");
    char small[5];
    assert_string_equal(time_format_iso8601(0, small, sizeof(small)), "1970");
    assert_ptr_equal(time_format_iso8601(0, buf, 0), buf);
}

static void test_round_trip(void **state) {
    char buf[32];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* anywhere from 1900 to 2400 */
        time_t t = (time_t)(x % 15778800000ull) - 2208988800;
        time_t back;
        assert_int_equal(time_parse_iso8601(time_format_iso8601(t, buf, sizeof(buf)), &back), 0);
        assert_int_equal(back, t);
    }
}

static void test_now_honours_opsdeck_now(void **state) {
    assert_int_equal(setenv("OPSDECK_NOW", "2026-11-28T23:00:00+01:00", 1), 0);
    assert_int_equal(time_now(), 1795903200);
    /* unparsable: the real clock */
    assert_int_equal(setenv("OPSDECK_NOW", "tomorrow", 1), 0);
    time_t real = time(NULL);
    assert_true(time_now() >= real && time_now() <= real + 5);
    assert_int_equal(setenv("OPSDECK_NOW", "", 1), 0);
    assert_true(time_now() >= real && time_now() <= real + 5);
    assert_int_equal(unsetenv("OPSDECK_NOW"), 0);
    assert_true(time_now() >= real && time_now() <= real + 5);
}

static void test_mono_ms(void **state) {
    long long a = time_mono_ms();
    long long b = time_mono_ms();
    assert_true(a > 0);
    assert_true(b >= a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_utc),
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_no_zone_is_utc),
        cmocka_unit_test(test_parse_fractions_and_leap_second),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_now_honours_opsdeck_now),
        cmocka_unit_test(test_mono_ms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
