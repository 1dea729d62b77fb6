/* The journal record format: encoding, decoding, rejection of damaged lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "journal_test_util.h"

/* ---- encoding and decoding ---- */

static void test_event_type_strings(void **state) {
    static const char *const names[] = {
        "tick", "untick", "note", "phase-start", "phase-override", "action-start", "action-end"};
    for (unsigned t = 0; t < EVENT_UNKNOWN; t++) {
        assert_string_equal(event_type_to_string((EventType)t), names[t]);
        assert_int_equal(event_type_from_string(names[t]), t);
    }
    assert_int_equal(event_type_from_string("phase-complete"), EVENT_UNKNOWN);
    assert_int_equal(event_type_from_string(""), EVENT_UNKNOWN);
    assert_int_equal(event_type_from_string(NULL), EVENT_UNKNOWN);
    assert_string_equal(event_type_to_string(EVENT_UNKNOWN), "unknown");
    assert_null(event_type_to_string(_EVENT_TYPE_MAX));
}

static void test_encode_format(void **state) {
    JournalEvent ev = {.seq = 7,
                       .uid = UID,
                       .at = 1795904043,
                       .by = "alice",
                       .host = "jump1",
                       .type = EVENT_TICK,
                       .item = "p1.deps"};
    char *line = encode(&ev);
    const char *rest =
        "\"seq\":7,\"id\":\"" UID "\",\"at\":\"2026-11-28T22:14:03Z\","
        "\"by\":\"alice\",\"host\":\"jump1\",\"type\":\"tick\",\"item\":\"p1.deps\"}";
    char want[512];
    snprintf(want, sizeof(want), "{\"crc\":\"%08lx\",%s\n",
             crc32(0L, (const Bytef *)rest, (uInt)strlen(rest)), rest);
    assert_string_equal(line, want);
    /* lowercase hex */
    assert_int_equal(strspn(line + 8, "0123456789abcdef"), 8);
    free(line);

    /* every optional field, in the documented order, then extra */
    cJSON *extra = cJSON_Parse("{\"value\":\"41%\"}");
    JournalEvent end = {.seq = 8,
                        .uid = UID,
                        .at = 1795904043,
                        .by = "bob",
                        .host = "h",
                        .type = EVENT_ACTION_END,
                        .item = "i",
                        .phase = "p",
                        .action = "a",
                        .note = "n",
                        .reason = "r",
                        .result = "failed",
                        .exit_code = -3,
                        .has_exit = true,
                        .extra = extra};
    line = encode(&end);
    assert_non_null(strstr(line, "\"type\":\"action-end\",\"item\":\"i\",\"phase\":\"p\","
                                 "\"action\":\"a\",\"note\":\"n\",\"reason\":\"r\","
                                 "\"result\":\"failed\",\"exit\":-3,\"value\":\"41%\"}\n"));
    free(line);
    cJSON_Delete(extra);
}

static void assert_str_eq_or_null(const char *a, const char *b) {
    if (!a || !b) {
        assert_ptr_equal(a, b);
    } else {
        assert_string_equal(a, b);
    }
}

static void check_round_trip(const JournalEvent *ev) {
    char *line = encode(ev);
    size_t len = strlen(line);
    assert_int_equal(line[len - 1], '\n');
    assert_null(memchr(line, '\n', len - 1)); /* one line, whatever the strings hold */
    JournalEvent back;
    cJSON *json = NULL;
    assert_int_equal(journal_decode(line, len - 1, &back, &json), 0);
    assert_non_null(json);
    assert_int_equal(back.seq, ev->seq);
    assert_string_equal(back.uid, ev->uid);
    assert_int_equal(back.at, ev->at);
    assert_string_equal(back.by, ev->by);
    assert_string_equal(back.host, ev->host);
    assert_int_equal(back.type, ev->type);
    assert_string_equal(back.type_name,
                        ev->type == EVENT_UNKNOWN ? ev->type_name : event_type_to_string(ev->type));
    assert_str_eq_or_null(back.item, ev->item);
    assert_str_eq_or_null(back.phase, ev->phase);
    assert_str_eq_or_null(back.action, ev->action);
    assert_str_eq_or_null(back.note, ev->note);
    assert_str_eq_or_null(back.reason, ev->reason);
    assert_str_eq_or_null(back.result, ev->result);
    assert_int_equal(back.has_exit, ev->has_exit);
    assert_int_equal(back.exit_code, ev->has_exit ? ev->exit_code : 0);
    if (ev->extra && ev->extra->child) {
        assert_non_null(back.extra);
        assert_true(cJSON_Compare(back.extra, ev->extra, true));
    } else {
        assert_null(back.extra);
    }
    /* re-encoding the decoded event gives the same bytes */
    char *again = encode(&back);
    assert_string_equal(again, line);
    free(again);
    cJSON_Delete(json);
    free(line);
}

static const char *const nasty[] = {
    "plain",
    "quote \" and back\\slash and /slash",
    "two\nlines\r\nand\ttab",
    "ctl \x01\x02\x1b[31mred\x1b[0m \x7f del",
    "utf-8: é ß 日本語 🚀 \xe2\x80\xae bidi",
    "",
    "{\"crc\":\"00000000\",\"seq\":1}",
};

static void test_round_trip_every_type(void **state) {
    cJSON *extra = cJSON_Parse("{\"value\":\"41%\",\"n\":3,\"ok\":true,\"none\":null,"
                               "\"nested\":{\"a\":[1,2,{\"b\":\"c\\n\\u0001\"}]},"
                               "\"utf\":\"日本\"}");
    assert_non_null(extra);
    for (unsigned t = 0; t <= EVENT_UNKNOWN; t++) {
        for (size_t i = 0; i < ELEMENTSOF(nasty); i++) {
            const char *s = nasty[i];
            const char *other = nasty[(i + 1) % ELEMENTSOF(nasty)];
            JournalEvent ev = {.seq = 1 + t * 100 + i,
                               .uid = UID,
                               .at = 1795904043 + (time_t)i,
                               .by = s,
                               .host = other,
                               .type = (EventType)t,
                               .type_name = t == EVENT_UNKNOWN ? "phase-complete" : NULL,
                               .item = s,
                               .phase = other,
                               .action = s,
                               .note = other,
                               .reason = s,
                               .result = other,
                               .exit_code = (int)i - 3,
                               .has_exit = i % 2,
                               .extra = i % 3 ? extra : NULL};
            check_round_trip(&ev);
        }
        /* only the required fields */
        JournalEvent bare = {.seq = 9007199254740992ull,
                             .uid = UID,
                             .at = 0,
                             .by = "b",
                             .host = "h",
                             .type = (EventType)t,
                             .type_name = t == EVENT_UNKNOWN ? "x" : NULL};
        check_round_trip(&bare);
    }
    cJSON_Delete(extra);
}

static void test_encode_invalid_utf8_becomes_replacement(void **state) {
    JournalEvent ev = {.seq = 1,
                       .uid = UID,
                       .at = 1,
                       .by = "a\xff"
                             "b\xc3",
                       .host = "h",
                       .type = EVENT_NOTE,
                       .note = "\xed\xa0\x80 surrogate, \xc0\xaf overlong"};
    char *line = encode(&ev);
    JournalEvent back;
    cJSON *json;
    assert_int_equal(journal_decode(line, strlen(line) - 1, &back, &json), 0);
    assert_string_equal(back.by, "a\xef\xbf\xbd"
                                 "b\xef\xbf\xbd");
    assert_non_null(strstr(back.note, " surrogate, "));
    assert_null(strchr(back.note, '\xed'));
    cJSON_Delete(json);
    free(line);
}

static void test_encode_rejects(void **state) {
    char *line = (char *)"untouched";
    size_t len = 42;
    JournalEvent ok = {.seq = 1, .uid = UID, .at = 1, .by = "a", .host = "h", .type = EVENT_TICK};
    JournalEvent ev = ok;
    ev.by = NULL;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.uid = NULL;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.host = NULL;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.type = EVENT_UNKNOWN;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev.type_name = "";
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.type = _EVENT_TYPE_MAX;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.seq = 0;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev.seq = 9007199254740993ull;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev = ok;
    ev.at = 253402300800; /* year 10000 */
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
    ev.at = -62167219201;
    assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);

    static const char *const bad_extra[] = {"{\"seq\":2}",     "{\"item\":\"x\"}",
                                            "{\"crc\":\"0\"}", "{\"a\":1,\"b\":2,\"a\":3}",
                                            "[1,2]",           "\"s\""};
    for (size_t i = 0; i < ELEMENTSOF(bad_extra); i++) {
        cJSON *extra = cJSON_Parse(bad_extra[i]);
        assert_non_null(extra);
        ev = ok;
        ev.extra = extra;
        assert_int_equal(journal_encode(&ev, &line, &len), -EINVAL);
        cJSON_Delete(extra);
    }

    char *big = malloc(JOURNAL_RECORD_MAX + 1);
    assert_non_null(big);
    memset(big, 'x', JOURNAL_RECORD_MAX);
    big[JOURNAL_RECORD_MAX] = '\0';
    ev = ok;
    ev.note = big;
    assert_int_equal(journal_encode(&ev, &line, &len), -E2BIG);
    free(big);
    assert_int_equal(journal_encode(NULL, &line, &len), -EINVAL);
    assert_string_equal(line, "untouched");
    assert_int_equal(len, 42);
}

static void test_decode_any_field_order(void **state) {
    const char *rest = "\"type\":\"untick\",\"future\":{\"x\":1},\"by\":\"bob\",\"exit\":null,"
                       "\"at\":\"2026-11-28T23:14:03+01:00\",\"note\":null,\"host\":\"h2\","
                       "\"item\":\"p2.x\",\"id\":\"" UID "\",\"seq\":12}";
    size_t len;
    char *line = with_crc(rest, strlen(rest), &len);
    JournalEvent ev;
    cJSON *json = NULL;
    const char *why = NULL;
    assert_int_equal(journal_decode_reason(line, len, &ev, &json, &why), 0);
    assert_int_equal(ev.seq, 12);
    assert_int_equal(ev.type, EVENT_UNTICK);
    assert_string_equal(ev.by, "bob");
    assert_string_equal(ev.item, "p2.x");
    assert_int_equal(ev.at, 1795904043);
    assert_null(ev.note);
    assert_false(ev.has_exit);
    assert_non_null(ev.extra);
    cJSON *x = cJSON_GetObjectItem(cJSON_GetObjectItem(ev.extra, "future"), "x");
    assert_non_null(x);
    assert_int_equal(x->valueint, 1);
    cJSON_Delete(json);
    free(line);
}

static void expect_bad(const char *line, size_t len, const char *reason) {
    JournalEvent ev = {.seq = 99};
    cJSON *json = (cJSON *)&ev; /* any non-NULL marker: must stay untouched */
    const char *why = NULL;
    int r = journal_decode_reason(line, len, &ev, &json, &why);
    if (r != -EBADMSG) {
        fail_msg("accepted (%d): %.*s", r, (int)len, line);
    }
    assert_ptr_equal(json, (cJSON *)&ev);
    assert_int_equal(ev.seq, 99);
    assert_non_null(why);
    if (reason && !streq(why, reason)) {
        fail_msg("reason '%s', expected '%s' for %.*s", why, reason, (int)len, line);
    }
}

static void expect_bad_rest(const char *rest, const char *reason) {
    size_t len;
    char *line = with_crc(rest, strlen(rest), &len);
    expect_bad(line, len, reason);
    free(line);
}

#define REQ "\"id\":\"" UID "\",\"at\":\"2026-11-28T22:14:03Z\",\"by\":\"a\",\"host\":\"h\""

static void test_decode_rejects(void **state) {
    JournalEvent ok = {.seq = 3, .uid = UID, .at = 1, .by = "a", .host = "h", .type = EVENT_TICK};
    char *line = encode(&ok);
    size_t len = strlen(line) - 1;

    expect_bad("", 0, "empty line");
    expect_bad("garbage", 7, "not a record");
    expect_bad(line, JOURNAL_PREFIX_LEN, "not a record");
    expect_bad(line, len - 1, "checksum mismatch"); /* cut short */
    for (size_t i = JOURNAL_PREFIX_LEN; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            line[i] ^= (char)(1 << bit);
            expect_bad(line, len, "checksum mismatch");
            line[i] ^= (char)(1 << bit);
        }
    }
    char saved = line[9];
    line[9] = 'g';
    expect_bad(line, len, "bad checksum field");
    line[9] = saved;
    /* the same checksum in uppercase is not the format */
    for (size_t i = 8; i < 16; i++) {
        if (line[i] >= 'a' && line[i] <= 'f') {
            line[i] = (char)(line[i] - 'a' + 'A');
        }
    }
    expect_bad(line, len,
               strspn(line + 8, "0123456789") == 8 ? "checksum mismatch" : "bad checksum field");
    free(line);

    expect_bad_rest("\"seq\":1," REQ "}", "missing field"); /* no type */
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"\"}", "empty type");
    expect_bad_rest(REQ ",\"type\":\"tick\"}", "missing field");
    expect_bad_rest("\"seq\":0," REQ ",\"type\":\"tick\"}", "bad seq");
    expect_bad_rest("\"seq\":-1," REQ ",\"type\":\"tick\"}", "bad seq");
    expect_bad_rest("\"seq\":1.5," REQ ",\"type\":\"tick\"}", "bad seq");
    expect_bad_rest("\"seq\":\"1\"," REQ ",\"type\":\"tick\"}", "bad seq");
    expect_bad_rest("\"seq\":1e300," REQ ",\"type\":\"tick\"}", "bad seq");
    expect_bad_rest("\"seq\":1,\"seq\":2," REQ ",\"type\":\"tick\"}", "duplicate field");
    expect_bad_rest("\"seq\":1,\"crc\":\"x\"," REQ ",\"type\":\"tick\"}", "duplicate field");
    {
        /* the same through the reader's in-place decoder */
        const char *rest = "\"seq\":1,\"crc\":\"x\"," REQ ",\"type\":\"tick\"}";
        size_t l;
        char *dup = with_crc(rest, strlen(rest), &l);
        JournalEvent ev;
        cJSON *json;
        const char *why;
        assert_int_equal(journal_decode_buffer(dup, l, &ev, &json, &why), -EBADMSG);
        assert_string_equal(why, "duplicate field");
        free(dup);
    }
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\",\"x\":1,\"y\":2,\"x\":1}",
                    "duplicate field");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":7}", "field of the wrong type");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\",\"item\":[]}", "field of the wrong type");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\",\"exit\":1.5}", "bad exit code");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\",\"exit\":4294967296}", "bad exit code");
    expect_bad_rest("\"seq\":1,\"id\":\"x\",\"at\":\"yesterday\",\"by\":\"a\",\"host\":\"h\","
                    "\"type\":\"tick\"}",
                    "bad time");
    expect_bad_rest("\"seq\":1,\"id\":\"x\",\"at\":\"0000-01-01T00:00:00+01:00\",\"by\":\"a\","
                    "\"host\":\"h\",\"type\":\"tick\"}",
                    "bad time");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\"} ", "bad JSON");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\"}}", "bad JSON");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"tick\",}", "bad JSON");
    expect_bad_rest("\"seq\":1," REQ ",\"type\":\"ti", "bad JSON");
    expect_bad_rest("}", "bad JSON");

    const char nul_rest[] = "\"seq\":1," REQ ",\"type\":\"tick\",\"note\":\"a\0b\"}";
    size_t nlen;
    line = with_crc(nul_rest, sizeof(nul_rest) - 1, &nlen);
    expect_bad(line, nlen, "NUL byte in record");
    free(line);

    JournalEvent ev;
    cJSON *json;
    assert_int_equal(journal_decode(NULL, 5, &ev, &json), -EINVAL);
    assert_int_equal(journal_decode("x", 1, NULL, &json), -EINVAL);
}

static uint64_t rng(uint64_t *x) {
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    return *x;
}

/* Random damage with a valid checksum, so that it reaches the JSON parser and the
 * field checks: never a crash, and what decodes re-encodes and decodes the same. */
static void test_decode_fuzz(void **state) {
    static const char alphabet[] = "{}[]\":,\\u0aZ-+.e \x00\x01\x1f\x7f\x80\xbf\xc3\xe2\xf0\xff";
    cJSON *extra = cJSON_Parse("{\"v\":[1,{\"w\":\"x\"}],\"s\":\"\\u00e9\\n\"}");
    JournalEvent base = {.seq = 5,
                         .uid = UID,
                         .at = 1795904043,
                         .by = "alice",
                         .host = "jump1",
                         .type = EVENT_ACTION_END,
                         .action = "backup",
                         .result = "done",
                         .has_exit = true,
                         .extra = extra};
    char *orig = encode(&base);
    size_t olen = strlen(orig) - 1;
    size_t rest_len = olen - JOURNAL_PREFIX_LEN;
    char *rest = malloc(olen + 64);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    size_t decoded = 0;
    for (int iter = 0; iter < 30000; iter++) {
        size_t n = rest_len;
        memcpy(rest, orig + JOURNAL_PREFIX_LEN, rest_len);
        int edits = 1 + (int)(rng(&x) % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = rng(&x) % n;
            switch (rng(&x) % 4) {
            case 0: /* replace */
                rest[at] = alphabet[rng(&x) % (sizeof(alphabet) - 1)];
                break;
            case 1: /* random byte */
                rest[at] = (char)rng(&x);
                break;
            case 2: /* truncate */
                n = at + 1;
                break;
            case 3: /* duplicate a slice */
                if (n + 16 < olen + 64) {
                    size_t k = rng(&x) % 16;
                    memmove(rest + at + k, rest + at, n - at);
                    n += k;
                }
                break;
            }
        }
        size_t len;
        char *line = with_crc(rest, n, &len);
        JournalEvent ev;
        cJSON *json = NULL;
        int r = journal_decode(line, len, &ev, &json);
        assert_true(r == 0 || r == -EBADMSG);
        /* the reader's in-place variant agrees, and leaves the bytes as they were */
        char *copy = malloc(len + 1);
        memcpy(copy, line, len + 1);
        JournalEvent evb;
        cJSON *jsonb = NULL;
        assert_int_equal(journal_decode_buffer(copy, len, &evb, &jsonb, NULL), r);
        assert_memory_equal(copy, line, len + 1);
        if (r == 0) {
            assert_int_equal(evb.seq, ev.seq);
            assert_int_equal(evb.at, ev.at);
            assert_string_equal(evb.type_name, ev.type_name);
            assert_int_equal(evb.extra != NULL, ev.extra != NULL);
            if (ev.extra && !cJSON_Compare(evb.extra, ev.extra, true)) {
                char *a = cJSON_PrintUnformatted(ev.extra), *b = cJSON_PrintUnformatted(evb.extra);
                fail_msg("extra differs: %s vs %s", a, b);
            }
            cJSON_Delete(jsonb);
        }
        free(copy);
        if (r == 0) {
            decoded++;
            char *again = NULL;
            size_t alen;
            assert_int_equal(journal_encode(&ev, &again, &alen), 0);
            JournalEvent ev2;
            cJSON *json2 = NULL;
            assert_int_equal(journal_decode(again, alen - 1, &ev2, &json2), 0);
            assert_int_equal(ev2.seq, ev.seq);
            assert_int_equal(ev2.type, ev.type);
            assert_int_equal(ev2.at, ev.at);
            cJSON_Delete(json2);
            free(again);
            cJSON_Delete(json);
        }
        free(line);
        /* and the same bytes as a whole line, checksum unchecked: never a crash */
        r = journal_decode(rest, n, &ev, &json);
        assert_true(r == -EBADMSG);
    }
    assert_true(decoded > 1000); /* about 10% get through: both outcomes are exercised */
    free(rest);
    free(orig);
    cJSON_Delete(extra);
}

static void test_uid_unique(void **state) {
    enum { N = 10000 };
    char(*uids)[33] = calloc(N, sizeof(*uids));
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(journal_uid_new(uids[i]), 0);
        assert_true(is_hex32(uids[i]));
    }
    qsort(uids, N, sizeof(*uids), (int (*)(const void *, const void *))strcmp);
    for (size_t i = 1; i < N; i++) {
        assert_string_not_equal(uids[i - 1], uids[i]);
    }
    free(uids);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_type_strings),
        cmocka_unit_test(test_encode_format),
        cmocka_unit_test(test_round_trip_every_type),
        cmocka_unit_test(test_encode_invalid_utf8_becomes_replacement),
        cmocka_unit_test(test_encode_rejects),
        cmocka_unit_test(test_decode_any_field_order),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_decode_fuzz),
        cmocka_unit_test(test_uid_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
