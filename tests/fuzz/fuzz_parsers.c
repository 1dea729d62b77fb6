/* Fuzz target: the small parsers of plan values.  Input: one selector byte, then the
 * text (cut at its first NUL, as a C string would be).
 *   0 duration_parse     1 threshold_parse (limit)   2 threshold_parse (expect)
 *   3 threshold_match    4 redis_url_parse/redact    5 time_parse_iso8601
 * Properties: no crash or undefined behaviour on any text; a duration is 0..10
 * years; a limit is a comparison with a finite number; an expectation always
 * parses and a string expectation matches its own text; a redis URL has exactly
 * one of host and socket; a parsed time formats and parses back to itself. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/duration.h"
#include "core/redis_url.h"
#include "core/threshold.h"
#include "core/timeutil.h"
#include "tests/fuzz/fuzz.h"

#define AT_MIN ((time_t)-62167219200) /* 0000-01-01T00:00:00Z */
#define AT_MAX ((time_t)253402300799) /* 9999-12-31T23:59:59Z */

static void formats(const Threshold *t) {
    char big[128], tiny[3];
    threshold_format(t, big, sizeof(big));
    threshold_format(t, tiny, sizeof(tiny));
    FUZZ_CHECK(strlen(tiny) < sizeof(tiny), "threshold_format respects its buffer");
}

static void fuzz_duration(const char *s) {
    int64_t secs = -1;
    int r = duration_parse(s, &secs);
    FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE, "duration_parse returned %d", r);
    if (r == 0) {
        FUZZ_CHECK(secs >= 0 && secs <= (int64_t)10 * 365 * 86400, "duration %lld in range",
                   (long long)secs);
        char buf[32], tiny[2];
        duration_format(secs, buf, sizeof(buf));
        duration_format(-secs, buf, sizeof(buf));
        duration_format(secs, tiny, sizeof(tiny));
    }
}

static void fuzz_threshold(const char *s, ThresholdMode mode) {
    Threshold t = {0};
    int r = threshold_parse(s, mode, &t);
    if (mode == THRESHOLD_EXPECT) {
        FUZZ_CHECK(r == 0, "an expectation always parses");
    }
    if (r < 0) {
        FUZZ_CHECK(r == -EINVAL, "threshold_parse returned %d", r);
        return;
    }
    FUZZ_CHECK(t.op != THRESH_NONE, "a parsed threshold has an operator");
    if (t.op == THRESH_STR) {
        FUZZ_CHECK(mode == THRESHOLD_EXPECT && t.str, "only expectations are strings");
        FUZZ_CHECK(t.str >= s && t.str <= s + strlen(s), "the string points into the input");
        FUZZ_CHECK(threshold_match(&t, t.str), "a string expectation matches its own text");
    } else {
        FUZZ_CHECK(isfinite(t.value), "a numeric threshold is finite");
    }
    formats(&t);
    (void)threshold_match(&t, s);
    (void)threshold_match(&t, "0");
    (void)threshold_match(&t, "100%");
    (void)threshold_match(&t, "");
}

/* "THRESHOLD\x01TEXT": parse the first part either way, match the second. */
static void fuzz_match(const char *s) {
    char *copy = strdup(s);
    char *sep = strchr(copy, '\x01');
    const char *text = "";
    if (sep) {
        *sep = '\0';
        text = sep + 1;
    }
    Threshold t;
    if (threshold_parse(copy, THRESHOLD_LIMIT, &t) == 0) {
        (void)threshold_match(&t, text);
    }
    if (threshold_parse(copy, THRESHOLD_EXPECT, &t) == 0) {
        (void)threshold_match(&t, text);
    }
    free(copy);
}

static void fuzz_redis(const char *s) {
    RedisUrl u;
    const char *why = NULL;
    int r = redis_url_parse(s, &u, &why);
    FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "redis_url_parse returned %d", r);
    if (r == -EINVAL) {
        FUZZ_CHECK(why && *why, "a refused URL says why");
    }
    if (r == 0) {
        FUZZ_CHECK(!u.host != !u.socket, "exactly one of host and socket");
        FUZZ_CHECK(u.port <= 65535 && u.db <= 65535, "port and db in range");
        FUZZ_CHECK(!u.socket || u.socket[0] == '/', "a socket path is absolute");
        redis_url_done(&u);
    }
    free(redis_url_redact(s));
}

static void fuzz_time(const char *s) {
    time_t t;
    int r = time_parse_iso8601(s, &t);
    FUZZ_CHECK(r == 0 || r == -EINVAL, "time_parse_iso8601 returned %d", r);
    if (r == 0 && t >= AT_MIN && t <= AT_MAX) {
        char buf[32];
        time_format_iso8601(t, buf, sizeof(buf));
        time_t back;
        FUZZ_CHECK(time_parse_iso8601(buf, &back) == 0 && back == t,
                   "'%s' formats as '%s' and parses back", s, buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    char *s = malloc(size);
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    switch (data[0] % 6) {
    case 0:
        fuzz_duration(s);
        break;
    case 1:
        fuzz_threshold(s, THRESHOLD_LIMIT);
        break;
    case 2:
        fuzz_threshold(s, THRESHOLD_EXPECT);
        break;
    case 3:
        fuzz_match(s);
        break;
    case 4:
        fuzz_redis(s);
        break;
    default:
        fuzz_time(s);
        break;
    }
    free(s);
    return 0;
}
