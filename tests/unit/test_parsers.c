/* Small value parsers of the plan: durations, thresholds, redis URLs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/duration.h"
#include "core/redis_url.h"
#include "core/threshold.h"

/* ---- duration ---------------------------------------------------------- */

static int64_t dur_ok(const char *s) {
    int64_t v = -12345;
    int r = duration_parse(s, &v);
    if (r != 0) {
        fail_msg("duration '%s' did not parse: %d", s, r);
    }
    return v;
}

static void dur_bad(const char *s, int want) {
    int64_t v = -12345;
    int r = duration_parse(s, &v);
    if (r != want) {
        fail_msg("duration '%s': got %d, want %d", s, r, want);
    }
}

static void test_duration_parse_units(void **state) {
    assert_int_equal(dur_ok("30m"), 1800);
    assert_int_equal(dur_ok("2h"), 7200);
    assert_int_equal(dur_ok("1d"), 86400);
    assert_int_equal(dur_ok("2w"), 1209600);
    assert_int_equal(dur_ok("45s"), 45);
    assert_int_equal(dur_ok("0m"), 0);
    assert_int_equal(dur_ok("1h30m"), 5400);
    assert_int_equal(dur_ok("1w2d3h4m5s"), 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    assert_int_equal(dur_ok("1d30s"), 86430); /* units may be skipped */
    assert_int_equal(dur_ok("90m"), 5400);    /* and need not be normalised */
    assert_int_equal(dur_ok("007m"), 420);
}

static void test_duration_parse_rejects(void **state) {
    static const char *const bad[] = {
        "",    "h",   "30", "30x", "30m1h", "1h1h", "-5m", "1.5h",  "1h 30m",
        " 1h", "1h ", "1H", "m30", "30mm",  "1h30", "+5m", "0x10m", "1e3s",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        dur_bad(bad[i], -EINVAL);
    }
}

static void test_duration_parse_range(void **state) {
    dur_bad("99999999999w", -ERANGE);
    dur_bad("99999999999999999999999999s", -ERANGE);
    dur_bad("3651d", -ERANGE);
    dur_bad("522w", -ERANGE);
    dur_bad("520w100d", -ERANGE);
    /* ten years exactly is the limit */
    assert_int_equal(dur_ok("3650d"), (int64_t)3650 * 86400);
    assert_int_equal(dur_ok("521w"), (int64_t)521 * 604800);
}

static void test_duration_format(void **state) {
    char buf[32];
    assert_string_equal(duration_format(0, buf, sizeof(buf)), "0m");
    assert_string_equal(duration_format(45, buf, sizeof(buf)), "45s");
    assert_string_equal(duration_format(59, buf, sizeof(buf)), "59s");
    assert_string_equal(duration_format(60, buf, sizeof(buf)), "1m");
    assert_string_equal(duration_format(45 * 60, buf, sizeof(buf)), "45m");
    assert_string_equal(duration_format(3 * 3600 + 5 * 60, buf, sizeof(buf)), "3h 05m");
    assert_string_equal(duration_format(3600, buf, sizeof(buf)), "1h 00m");
    assert_string_equal(duration_format(86399, buf, sizeof(buf)), "23h 59m");
    assert_string_equal(duration_format(86400 + 2 * 3600, buf, sizeof(buf)), "1d 2h");
    assert_string_equal(duration_format(604800 + 2 * 86400, buf, sizeof(buf)), "1w 2d");
    assert_string_equal(duration_format(2 * 604800, buf, sizeof(buf)), "2w 0d");
    assert_string_equal(duration_format(-45 * 60, buf, sizeof(buf)), "-45m");
    assert_string_equal(duration_format(-45, buf, sizeof(buf)), "-45s");
    assert_string_equal(duration_format(-(604800 + 86400), buf, sizeof(buf)), "-1w 1d");
    /* the extreme does not overflow */
    assert_true(duration_format(INT64_MIN, buf, sizeof(buf))[0] == '-');
    /* a small buffer truncates, NUL-terminated */
    char tiny[4];
    assert_string_equal(duration_format(604800 + 86400, tiny, sizeof(tiny)), "1w ");
}

static void test_duration_round_trip(void **state) {
    /* what the parser reads back from the format (spaces removed) is the same */
    static const char *const in[] = {"45s", "30m", "3h05m", "1d2h", "1w2d"};
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
        char buf[32], compact[32];
        const char *f = duration_format(dur_ok(in[i]), buf, sizeof(buf));
        size_t k = 0;
        for (const char *p = f; *p; p++) {
            if (*p != ' ') {
                compact[k++] = *p;
            }
        }
        compact[k] = '\0';
        assert_int_equal(dur_ok(compact), dur_ok(in[i]));
    }
}

/* ---- threshold --------------------------------------------------------- */

static Threshold th(const char *s, ThresholdMode mode) {
    Threshold t;
    memset(&t, 0xa5, sizeof(t));
    int r = threshold_parse(s, mode, &t);
    if (r != 0) {
        fail_msg("threshold '%s' (mode %d) did not parse: %d", s, (int)mode, r);
    }
    return t;
}

static void assert_th(Threshold t, ThresholdOp op, double value, bool percent) {
    assert_int_equal(t.op, op);
    assert_true(t.value == value);
    assert_int_equal(t.percent, percent);
}

static void test_threshold_limit_mode(void **state) {
    assert_th(th("85%", THRESHOLD_LIMIT), THRESH_GE, 85, true);
    assert_th(th("> 1000", THRESHOLD_LIMIT), THRESH_GT, 1000, false);
    assert_th(th(">1000", THRESHOLD_LIMIT), THRESH_GT, 1000, false);
    assert_th(th(">= 5", THRESHOLD_LIMIT), THRESH_GE, 5, false);
    assert_th(th("< 100", THRESHOLD_LIMIT), THRESH_LT, 100, false);
    assert_th(th("<= 7", THRESHOLD_LIMIT), THRESH_LE, 7, false);
    assert_th(th("= 0", THRESHOLD_LIMIT), THRESH_EQ, 0, false);
    assert_th(th("== 0", THRESHOLD_LIMIT), THRESH_EQ, 0, false);
    assert_th(th("!= 3", THRESHOLD_LIMIT), THRESH_NE, 3, false);
    assert_th(th("200", THRESHOLD_LIMIT), THRESH_GE, 200, false); /* bare: at least */
    assert_th(th("  > 90 % ", THRESHOLD_LIMIT), THRESH_GT, 90, true);
    assert_th(th("> 0.5", THRESHOLD_LIMIT), THRESH_GT, 0.5, false);
    assert_th(th("< -3", THRESHOLD_LIMIT), THRESH_LT, -3, false);
    assert_th(th("1e3", THRESHOLD_LIMIT), THRESH_GE, 1000, false);
}

static void test_threshold_limit_rejects(void **state) {
    static const char *const bad[] = {
        "",     "lots",     "> lots", ">",    "85%%",   "85 % x", "nan",  "NaN",  "inf",
        "-inf", "Infinity", "> inf",  "0x10", "> 0x10", "1e999",  "<> 3", "=> 3", "5 5",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        Threshold t = {.op = THRESH_GT, .value = 42};
        int r = threshold_parse(bad[i], THRESHOLD_LIMIT, &t);
        if (r != -EINVAL) {
            fail_msg("limit '%s' parsed (%d), want -EINVAL", bad[i], r);
        }
    }
}

static void test_threshold_expect_mode(void **state) {
    assert_th(th("200", THRESHOLD_EXPECT), THRESH_EQ, 200, false); /* bare: equals */
    assert_th(th("> 0", THRESHOLD_EXPECT), THRESH_GT, 0, false);
    assert_th(th("!= 3", THRESHOLD_EXPECT), THRESH_NE, 3, false);
    assert_th(th("41%", THRESHOLD_EXPECT), THRESH_EQ, 41, true);

    Threshold t = th("ok", THRESHOLD_EXPECT);
    assert_int_equal(t.op, THRESH_STR);
    assert_string_equal(t.str, "ok");
    t = th("= ok", THRESHOLD_EXPECT);
    assert_int_equal(t.op, THRESH_STR);
    assert_string_equal(t.str, "ok");
    t = th("lots", THRESHOLD_EXPECT);
    assert_int_equal(t.op, THRESH_STR);
    /* numbers strtod would take but the parser does not are strings */
    static const char *const strs[] = {"nan", "inf", "0x10", "PONG", "1.2.3"};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        t = th(strs[i], THRESHOLD_EXPECT);
        assert_int_equal(t.op, THRESH_STR);
        assert_string_equal(t.str, strs[i]);
    }
}

static void test_threshold_match_numeric(void **state) {
    Threshold t = th("> 1000", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "1001"));
    assert_false(threshold_match(&t, "1000"));
    assert_true(threshold_match(&t, " 1500 "));
    assert_false(threshold_match(&t, "lots"));
    assert_false(threshold_match(&t, ""));
    assert_false(threshold_match(&t, "nan"));
    assert_false(threshold_match(&t, "inf"));
    assert_false(threshold_match(&t, "0x1000"));

    t = th("85%", THRESHOLD_LIMIT);
    assert_false(threshold_match(&t, "41%"));
    assert_true(threshold_match(&t, "85%"));
    assert_true(threshold_match(&t, "97.5%"));
    assert_true(threshold_match(&t, "90"));

    t = th("< 100", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "99.9"));
    assert_false(threshold_match(&t, "100"));
    t = th("<= 100", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "100"));
    t = th(">= 5", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "5"));
    assert_false(threshold_match(&t, "4"));
    t = th("= 0", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "0"));
    assert_true(threshold_match(&t, "0.0"));
    assert_false(threshold_match(&t, "1"));
    t = th("!= 3", THRESHOLD_LIMIT);
    assert_true(threshold_match(&t, "4"));
    assert_false(threshold_match(&t, "3"));
    t = th("200", THRESHOLD_EXPECT);
    assert_true(threshold_match(&t, "200"));
    assert_false(threshold_match(&t, "404"));
    t = th("41%", THRESHOLD_EXPECT);
    assert_true(threshold_match(&t, "41%"));
    assert_false(threshold_match(&t, "42%"));
}

static void test_threshold_match_string_and_none(void **state) {
    Threshold t = th("ok", THRESHOLD_EXPECT);
    assert_true(threshold_match(&t, "ok"));
    assert_false(threshold_match(&t, "OK"));
    assert_false(threshold_match(&t, "ok "));
    assert_false(threshold_match(&t, ""));
    t = th("= PONG", THRESHOLD_EXPECT);
    assert_true(threshold_match(&t, "PONG"));

    Threshold none = {.op = THRESH_NONE};
    assert_false(threshold_match(&none, "0"));
    assert_false(threshold_match(&none, ""));
}

static void test_threshold_format(void **state) {
    char buf[64];
    Threshold t = th("> 1000", THRESHOLD_LIMIT);
    assert_string_equal(threshold_format(&t, buf, sizeof(buf)), "> 1000");
    t = th("!= 3", THRESHOLD_LIMIT);
    assert_string_equal(threshold_format(&t, buf, sizeof(buf)), "!= 3");
    t = th("85%", THRESHOLD_LIMIT);
    assert_string_equal(threshold_format(&t, buf, sizeof(buf)), ">= 85%");
    t = th("ok", THRESHOLD_EXPECT);
    assert_string_equal(threshold_format(&t, buf, sizeof(buf)), "= \"ok\"");
    Threshold none = {.op = THRESH_NONE};
    assert_string_equal(threshold_format(&none, buf, sizeof(buf)), "-");
}

/* ---- redis URL --------------------------------------------------------- */

static RedisUrl url_ok(const char *s) {
    RedisUrl u;
    const char *why = NULL;
    int r = redis_url_parse(s, &u, &why);
    if (r != 0) {
        fail_msg("redis URL '%s' did not parse: %d (%s)", s, r, why ? why : "?");
    }
    return u;
}

static void url_bad(const char *s) {
    RedisUrl u = {0};
    const char *why = NULL;
    int r = redis_url_parse(s, &u, &why);
    if (r != -EINVAL) {
        redis_url_done(&u);
        fail_msg("redis URL '%s': got %d, want -EINVAL", s, r);
    }
    assert_non_null(why);
    assert_true(strlen(why) > 0);
}

static void test_redis_url_full(void **state) {
    RedisUrl u = url_ok("redis://127.0.0.1:6379/0");
    assert_string_equal(u.host, "127.0.0.1");
    assert_null(u.socket);
    assert_null(u.user);
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_false(u.tls);
    assert_false(u.has_password);
    redis_url_done(&u);

    u = url_ok("redis://cache.internal:6380/5");
    assert_string_equal(u.host, "cache.internal");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 5);
    redis_url_done(&u);
}

static void test_redis_url_defaults(void **state) {
    RedisUrl u = url_ok("redis://host");
    assert_string_equal(u.host, "host");
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_false(u.tls);
    redis_url_done(&u);
    u = url_ok("redis://host/");
    assert_int_equal(u.db, 0);
    redis_url_done(&u);
}

static void test_redis_url_tls_user_password(void **state) {
    RedisUrl u = url_ok("rediss://host:6380/3");
    assert_true(u.tls);
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 3);
    redis_url_done(&u);

    u = url_ok("rediss://host");
    assert_true(u.tls);
    assert_int_equal(u.port, 6379);
    redis_url_done(&u);

    u = url_ok("redis://user@host");
    assert_string_equal(u.user, "user");
    assert_false(u.has_password);
    redis_url_done(&u);

    u = url_ok("redis://:secret@host");
    assert_true(u.has_password);
    assert_null(u.user);
    assert_string_equal(u.host, "host");
    redis_url_done(&u);

    u = url_ok("redis://app:secret@host:7000/2");
    assert_true(u.has_password);
    assert_string_equal(u.user, "app");
    assert_int_equal(u.port, 7000);
    assert_int_equal(u.db, 2);
    redis_url_done(&u);
    /* redis_url_done leaves a zeroed struct; calling it twice is harmless */
    assert_null(u.host);
    redis_url_done(&u);
}

static void test_redis_url_unix_socket(void **state) {
    RedisUrl u = url_ok("unix:///run/redis.sock?db=2");
    assert_null(u.host);
    assert_non_null(u.socket);
    assert_int_equal(u.db, 2);
    assert_int_equal(u.port, 0);
    redis_url_done(&u);
}

static void test_redis_url_unix_socket_path(void **state) {
    /* KNOWN BUG (reported): curl treats the first path segment of
     * unix:///run/redis.sock as a host, so socket is "/redis.sock".  Remove the
     * skip() once redis_url_parse keeps the whole path. */
    
    RedisUrl u = url_ok("unix:///run/redis.sock?db=2");
    assert_string_equal(u.socket, "/run/redis.sock");
    redis_url_done(&u);
    u = url_ok("unix:///var/run/redis/redis-server.sock");
    assert_string_equal(u.socket, "/var/run/redis/redis-server.sock");
    assert_int_equal(u.db, 0);
    redis_url_done(&u);
}

static void test_redis_url_rejects(void **state) {
    url_bad("http://host:6379/0");
    url_bad("redis://host:99999");
    url_bad("redis://host:0");
    url_bad("redis://host/x");
    url_bad("redis://host/-1");
    url_bad("redis://host/1x");
    url_bad("redis://host/70000");
    url_bad("unix:///run/redis.sock?db=x");
    url_bad("host:6379");
    url_bad("");
    url_bad("not a url");
}

static void assert_redacted(const char *url, const char *secret) {
    char *r = redis_url_redact(url);
    assert_non_null(r);
    if (strstr(r, secret)) {
        fail_msg("redact('%s') = '%s' still shows '%s'", url, r, secret);
    }
    free(r);
}

static void test_redis_url_redact(void **state) {
    char *r = redis_url_redact("redis://:hunter2@host:6379/0");
    assert_non_null(r);
    assert_null(strstr(r, "hunter2"));
    assert_non_null(strstr(r, "***"));
    assert_non_null(strstr(r, "host"));
    free(r);

    assert_redacted("redis://app:hunter2@host/1", "hunter2");
    assert_redacted("rediss://app:hunter2@host:6380", "hunter2");
    assert_redacted("redis://:hunter2@host:99999/0", "hunter2"); /* unparsable */
    assert_redacted("redis://:hun@ter2@host/0", "ter2");
    assert_redacted("redis://:hun%74er2@host/0", "hun%74er2");
    assert_redacted("redis://:hun%74er2@host/0", "hunter2");
    assert_redacted("http://u:hunter2@host/", "hunter2");

    /* nothing to hide: the URL keeps its parts */
    r = redis_url_redact("redis://127.0.0.1:6379/0");
    assert_string_equal(r, "redis://127.0.0.1:6379/0");
    free(r);
    r = redis_url_redact("redis://app@host/1");
    assert_non_null(strstr(r, "app@host"));
    assert_null(strstr(r, "***"));
    free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parse_units),
        cmocka_unit_test(test_duration_parse_rejects),
        cmocka_unit_test(test_duration_parse_range),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_duration_round_trip),
        cmocka_unit_test(test_threshold_limit_mode),
        cmocka_unit_test(test_threshold_limit_rejects),
        cmocka_unit_test(test_threshold_expect_mode),
        cmocka_unit_test(test_threshold_match_numeric),
        cmocka_unit_test(test_threshold_match_string_and_none),
        cmocka_unit_test(test_threshold_format),
        cmocka_unit_test(test_redis_url_full),
        cmocka_unit_test(test_redis_url_defaults),
        cmocka_unit_test(test_redis_url_tls_user_password),
        cmocka_unit_test(test_redis_url_unix_socket),
        cmocka_unit_test(test_redis_url_unix_socket_path),
        cmocka_unit_test(test_redis_url_rejects),
        cmocka_unit_test(test_redis_url_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
