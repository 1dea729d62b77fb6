/* The journal: record encoding, durable appends, incremental reads, damage. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "core/journal.h"
#include "core/journal_internal.h"
#include "core/timeutil.h"

/* ---- helpers ---- */

typedef struct Rec {
    uint64_t seq;
    EventType type;
    char by[32];
    char item[32];
    char uid[33];
} Rec;

/* What a JournalEventFn saw.  fail_at: return -ECANCELED for the event with that
 * index (0 = never). */
typedef struct Seen {
    size_t n;
    size_t fail_at;
    Rec v[2048];
} Seen;

static int collect(const JournalEvent *ev, void *userdata) {
    Seen *s = userdata;
    if (s->fail_at && s->n + 1 == s->fail_at) {
        s->fail_at = 0;
        return -ECANCELED;
    }
    assert_true(s->n < ELEMENTSOF(s->v));
    Rec *r = &s->v[s->n++];
    r->seq = ev->seq;
    r->type = ev->type;
    snprintf(r->by, sizeof(r->by), "%s", ev->by ? ev->by : "");
    snprintf(r->item, sizeof(r->item), "%s", ev->item ? ev->item : "");
    snprintf(r->uid, sizeof(r->uid), "%s", ev->uid ? ev->uid : "");
    return 0;
}

static Seen *seen_new(void) {
    Seen *s = calloc(1, sizeof(Seen));
    assert_non_null(s);
    return s;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    return remove(p);
}

static int setup_dir(void **state) {
    const char *tmp = getenv("TMPDIR");
    char *dir = NULL;
    assert_true(asprintf(&dir, "%s/opsdeck-tj.XXXXXX", tmp && *tmp ? tmp : "/tmp") > 0);
    assert_non_null(mkdtemp(dir));
    *state = dir;
    return 0;
}

static int teardown_dir(void **state) {
    char *dir = *state;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    return 0;
}

static char *pathf(const char *dir, const char *name) {
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

static int append_tick(Journal *j, const char *by, const char *item) {
    JournalEvent ev = {.type = EVENT_TICK, .by = by, .item = item};
    return journal_append(j, &ev, 1, NULL, NULL);
}

static Journal *open_rw(const char *path) {
    Journal *j = NULL;
    assert_int_equal(journal_open(path, 0, &j), 0);
    assert_non_null(j);
    return j;
}

/* Read the whole journal with a fresh read-only handle. */
static Seen *read_fresh(const char *path, size_t *ret_warnings, char **ret_first_warning) {
    Journal *j = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &j), 0);
    Seen *s = seen_new();
    assert_int_equal(journal_read(j, collect, s), 0);
    *ret_warnings = journal_n_warnings(j);
    if (ret_first_warning) {
        *ret_first_warning = journal_warning(j, 0) ? strdup(journal_warning(j, 0)) : NULL;
    }
    journal_free(j);
    return s;
}

static char *slurp(const char *path, size_t *ret_len) {
    FILE *f = fopen(path, "re");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        if (k == 0) {
            break;
        }
        len += k;
    }
    fclose(f);
    buf[len] = '\0';
    *ret_len = len;
    return buf;
}

static void spit(const char *path, const char *data, size_t len, const char *mode) {
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static bool is_hex32(const char *s) {
    if (!s || strlen(s) != 32) {
        return false;
    }
    return strspn(s, "0123456789abcdef") == 32;
}

static char *encode(const JournalEvent *ev) {
    char *line = NULL;
    size_t len = 0;
    assert_int_equal(journal_encode(ev, &line, &len), 0);
    assert_int_equal(strlen(line), len);
    return line;
}

/* A line with a valid crc around rest ("…}", the part after the prefix). */
static char *with_crc(const char *rest, size_t rest_len, size_t *ret_len) {
    char *line = malloc(JOURNAL_PREFIX_LEN + rest_len + 1);
    assert_non_null(line);
    unsigned long crc = crc32(0L, (const Bytef *)rest, (uInt)rest_len);
    snprintf(line, JOURNAL_PREFIX_LEN + 1, "{\"crc\":\"%08lx\",", crc);
    memcpy(line + JOURNAL_PREFIX_LEN, rest, rest_len);
    line[JOURNAL_PREFIX_LEN + rest_len] = '\0';
    *ret_len = JOURNAL_PREFIX_LEN + rest_len;
    return line;
}

#define UID "0123456789abcdef0123456789abcdef"

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

/* ---- appending and reading ---- */

static void test_seq_dense_and_fields_filled(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *j = open_rw(path);
    assert_int_equal(setenv("OPSDECK_NOW", "2026-11-28T22:14:03Z", 1), 0);

    Seen *s = seen_new();
    JournalEvent one = {.type = EVENT_TICK, .by = "alice", .item = "p1.a"};
    assert_int_equal(journal_append(j, &one, 1, collect, s), 0);
    assert_int_equal(one.seq, 1);
    assert_true(is_hex32(one.uid));
    assert_int_equal(one.at, 1795904043);
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    assert_string_equal(one.host, host);

    JournalEvent five[5];
    char items[5][16];
    for (int i = 0; i < 5; i++) {
        snprintf(items[i], sizeof(items[i]), "b%d", i);
        five[i] = (JournalEvent){.type = EVENT_NOTE, .by = "bob", .item = items[i], .note = "n"};
    }
    five[4].at = 1000; /* given: kept */
    five[4].host = "elsewhere";
    assert_int_equal(journal_append(j, five, 5, collect, s), 0);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(five[i].seq, 2 + i);
    }
    assert_int_equal(five[4].at, 1000);
    assert_string_equal(five[4].host, "elsewhere");
    assert_int_equal(journal_append(j, &one, 0, collect, s), 0); /* nothing */
    one.uid = NULL;
    assert_int_equal(journal_append(j, &one, 1, collect, s), 0);
    assert_int_equal(one.seq, 7);
    assert_int_equal(journal_last_seq(j), 7);
    unsetenv("OPSDECK_NOW");

    /* fn saw ours, in order */
    assert_int_equal(s->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(s->v[i].seq, i + 1);
    }
    assert_string_equal(s->v[3].item, "b2");

    size_t nw;
    Seen *r = read_fresh(path, &nw, NULL);
    assert_int_equal(nw, 0);
    assert_int_equal(r->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(r->v[i].seq, i + 1);
        assert_string_equal(r->v[i].uid, s->v[i].uid);
    }
    /* every uid distinct */
    for (size_t a = 0; a < 7; a++) {
        for (size_t b = a + 1; b < 7; b++) {
            assert_string_not_equal(r->v[a].uid, r->v[b].uid);
        }
    }
    free(r);
    free(s);
    journal_free(j);
    free(path);
}

static void test_append_invalid_writes_nothing(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *j = open_rw(path);
    JournalEvent ev = {.type = EVENT_TICK, .by = NULL, .item = "x"};
    assert_int_equal(journal_append(j, &ev, 1, NULL, NULL), -EINVAL);
    assert_int_equal(ev.seq, 0);
    assert_null(ev.uid);
    assert_int_equal(journal_append(j, NULL, 1, NULL, NULL), -EINVAL);
    assert_int_equal(journal_append(NULL, &ev, 1, NULL, NULL), -EINVAL);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    assert_false(journal_is_readonly(j));
    assert_int_equal(append_tick(j, "a", "x"), 0);
    assert_int_equal(journal_last_seq(j), 1);
    journal_free(j);
    free(path);
}

static void test_readonly_refuses_and_never_creates(void **state) {
    char *path = pathf(*state, "sub/dir/j.journal");
    Journal *j = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &j), 0);
    assert_true(journal_is_readonly(j));
    assert_null(journal_failure(j));
    assert_string_equal(journal_path(j), path);
    Seen *s = seen_new();
    assert_int_equal(journal_read(j, collect, s), 0);
    assert_int_equal(s->n, 0);
    JournalEvent ev = {.type = EVENT_TICK, .by = "a", .item = "x"};
    assert_int_equal(journal_append(j, &ev, 1, collect, s), -EROFS);
    assert_int_equal(ev.seq, 0);
    assert_int_equal(s->n, 0);
    struct stat st;
    char *sub = pathf(*state, "sub");
    assert_int_equal(stat(sub, &st), -1);
    assert_int_equal(errno, ENOENT);
    free(sub);

    /* an existing journal opened read-only: still -EROFS, file unchanged */
    Journal *w = open_rw(path);
    assert_int_equal(append_tick(w, "a", "x"), 0);
    journal_free(w);
    assert_int_equal(journal_read(j, collect, s), 0); /* the file appeared: now read */
    assert_int_equal(s->n, 1);
    assert_int_equal(journal_append(j, &ev, 1, NULL, NULL), -EROFS);
    assert_int_equal(stat(path, &st), 0);
    size_t size = (size_t)st.st_size;
    Journal *r = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    assert_int_equal(journal_append(r, &ev, 1, NULL, NULL), -EROFS);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, size);
    journal_free(r);
    journal_free(j);
    free(s);
    free(path);
}

static void test_open_errors(void **state) {
    Journal *j = (Journal *)state; /* marker */
    assert_int_equal(journal_open(NULL, 0, &j), -EINVAL);
    assert_int_equal(journal_open("", 0, &j), -EINVAL);
    assert_int_equal(journal_open("x", 1u << 7, &j), -EINVAL);
    assert_int_equal(journal_open(*state, 0, &j), -EISDIR);
    assert_int_equal(journal_open(*state, JOURNAL_READONLY, &j), -EISDIR);
    char *file = pathf(*state, "plain");
    spit(file, "x", 1, "we");
    char *below = pathf(*state, "plain/j.journal");
    assert_int_equal(journal_open(below, 0, &j), -ENOTDIR);
    assert_ptr_equal(j, (Journal *)state);
    assert_null(journal_free(NULL));
    free(below);
    free(file);
}

static void test_incremental_read_other_handle(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *a = open_rw(path), *b = open_rw(path);
    Seen *sa = seen_new(), *sb = seen_new();
    assert_int_equal(append_tick(a, "alice", "a1"), 0);
    assert_int_equal(append_tick(a, "alice", "a2"), 0);

    /* b appends: it first sees a's two, then its own as seq 3 */
    JournalEvent ev = {.type = EVENT_TICK, .by = "bob", .item = "b1"};
    assert_int_equal(journal_append(b, &ev, 1, collect, sb), 0);
    assert_int_equal(ev.seq, 3);
    assert_int_equal(sb->n, 3);
    assert_string_equal(sb->v[0].item, "a1");
    assert_string_equal(sb->v[1].item, "a2");
    assert_string_equal(sb->v[2].item, "b1");

    /* a only has to read what is new to it */
    assert_int_equal(journal_read(a, collect, sa), 0);
    assert_int_equal(sa->n, 1);
    assert_int_equal(sa->v[0].seq, 3);
    assert_string_equal(sa->v[0].by, "bob");
    assert_int_equal(journal_read(a, collect, sa), 0);
    assert_int_equal(sa->n, 1);
    assert_int_equal(journal_last_seq(a), 3);
    assert_int_equal(append_tick(a, "alice", "a3"), 0);
    assert_int_equal(journal_last_seq(a), 4);
    assert_int_equal(journal_read(b, collect, sb), 0);
    assert_int_equal(sb->n, 4);
    assert_int_equal(sb->v[3].seq, 4);
    assert_int_equal(journal_n_warnings(a) + journal_n_warnings(b), 0);
    free(sa);
    free(sb);
    journal_free(a);
    journal_free(b);
    free(path);
}

static void test_fn_error_stops(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *w = open_rw(path);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(append_tick(w, "a", "x"), 0);
    }
    Journal *r = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    Seen *s = seen_new();
    s->fail_at = 2;
    assert_int_equal(journal_read(r, collect, s), -ECANCELED);
    assert_int_equal(s->n, 1);
    /* the failed one counts as read; the next read goes on after it */
    assert_int_equal(journal_read(r, collect, s), 0);
    assert_int_equal(s->n, 3);
    assert_int_equal(s->v[1].seq, 3);

    /* a failing fn for the records of others aborts the append before writing */
    Journal *v = open_rw(path);
    Seen *sv = seen_new();
    sv->fail_at = 1;
    JournalEvent ev = {.type = EVENT_TICK, .by = "b", .item = "y"};
    assert_int_equal(journal_append(v, &ev, 1, collect, sv), -ECANCELED);
    assert_int_equal(ev.seq, 0);
    assert_false(journal_is_readonly(v));
    assert_int_equal(journal_append(v, &ev, 1, collect, sv), 0);
    assert_int_equal(ev.seq, 5);
    assert_int_equal(sv->n, 4);
    free(sv);
    free(s);
    journal_free(v);
    journal_free(r);
    journal_free(w);
    free(path);
}

static void test_modes(void **state) {
    mode_t old = umask(022);
    char *path = pathf(*state, "a/b/j.journal");
    Journal *j = open_rw(path);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    char *a = pathf(*state, "a"), *b = pathf(*state, "a/b");
    assert_int_equal(stat(a, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(b, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    /* close-on-exec */
    assert_true(fcntl(journal_fd(j), F_GETFD) & FD_CLOEXEC);
    assert_int_equal(append_tick(j, "a", "x"), 0);
    char *torn = pathf(*state, "a/b/j.journal.torn");
    assert_int_equal(stat(torn, &st), -1); /* no torn file without a torn tail */
    free(torn);
    free(a);
    free(b);
    journal_free(j);
    free(path);
}

static void test_torn_tail_set_aside(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *w = open_rw(path);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(append_tick(w, "alice", "x"), 0);
    }
    journal_free(w);
    size_t len;
    char *before = slurp(path, &len);
    /* a writer died 40 bytes into a record */
    spit(path, before, 40, "ae");

    /* a reader takes the complete records and leaves the tail alone, silently */
    Journal *r = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    Seen *sr = seen_new();
    assert_int_equal(journal_read(r, collect, sr), 0);
    assert_int_equal(sr->n, 3);
    assert_int_equal(journal_n_warnings(r), 0);
    assert_int_equal(journal_read(r, collect, sr), 0);
    assert_int_equal(journal_n_warnings(r), 0);

    /* the next writer sets it aside, says so, and appends cleanly */
    w = open_rw(path);
    Seen *sw = seen_new();
    JournalEvent two[2] = {{.type = EVENT_TICK, .by = "bob", .item = "y"},
                           {.type = EVENT_UNTICK, .by = "bob", .item = "x"}};
    assert_int_equal(journal_append(w, two, 2, collect, sw), 0);
    assert_int_equal(two[0].seq, 4);
    assert_int_equal(two[1].seq, 5);
    assert_int_equal(sw->n, 5);
    assert_int_equal(journal_n_warnings(w), 1);
    char want[4200];
    snprintf(want, sizeof(want), "torn record of 40 bytes at offset %zu set aside in %s.torn", len,
             path);
    assert_string_equal(journal_warning(w, 0), want);
    journal_clear_warnings(w);
    assert_int_equal(journal_n_warnings(w), 0);
    assert_null(journal_warning(w, 0));

    char *torn_path = pathf(*state, "j.journal.torn");
    size_t tlen;
    char *torn = slurp(torn_path, &tlen);
    assert_int_equal(tlen, 40);
    assert_memory_equal(torn, before, 40);
    struct stat st;
    assert_int_equal(stat(torn_path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    size_t alen;
    char *after = slurp(path, &alen);
    assert_memory_equal(after, before, len); /* earlier records intact */
    assert_int_equal(after[alen - 1], '\n');

    /* the old reader goes on with the new records */
    assert_int_equal(journal_read(r, collect, sr), 0);
    assert_int_equal(sr->n, 5);
    assert_int_equal(sr->v[3].seq, 4);
    assert_int_equal(sr->v[4].type, EVENT_UNTICK);
    assert_int_equal(journal_n_warnings(r), 0);

    size_t nw;
    Seen *f = read_fresh(path, &nw, NULL);
    assert_int_equal(f->n, 5);
    assert_int_equal(nw, 0);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(f->v[i].seq, i + 1);
    }
    free(f);
    free(after);
    free(torn);
    free(torn_path);
    free(sw);
    free(sr);
    free(before);
    journal_free(r);
    journal_free(w);
    free(path);
}

static void test_damaged_middle_record_skipped(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *w = open_rw(path);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(append_tick(w, "alice", "item"), 0);
    }
    journal_free(w);
    size_t len;
    char *data = slurp(path, &len);
    char *line3 = data;
    for (int i = 0; i < 2; i++) {
        line3 = strchr(line3, '\n') + 1;
    }
    char *alice = strstr(line3, "alice");
    assert_non_null(alice);
    alice[1] ^= 0x04; /* one bit: "alice" -> "ahice" */
    spit(path, data, len, "we");

    size_t nw;
    char *warning = NULL;
    Seen *s = read_fresh(path, &nw, &warning);
    assert_int_equal(s->n, 4);
    assert_int_equal(s->v[0].seq, 1);
    assert_int_equal(s->v[1].seq, 2);
    assert_int_equal(s->v[2].seq, 4);
    assert_int_equal(s->v[3].seq, 5);
    assert_int_equal(nw, 1); /* and no complaint about the seq gap it explains */
    assert_string_equal(warning, "line 3: damaged record skipped (checksum mismatch)");

    /* a writer goes on after the highest seq */
    w = open_rw(path);
    JournalEvent ev = {.type = EVENT_TICK, .by = "bob", .item = "x"};
    assert_int_equal(journal_append(w, &ev, 1, NULL, NULL), 0);
    assert_int_equal(ev.seq, 6);
    journal_free(w);
    free(warning);
    free(s);
    free(data);
    free(path);
}

static void test_damaged_lines_of_every_kind(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *w = open_rw(path);
    assert_int_equal(append_tick(w, "a", "x"), 0);
    journal_free(w);
    /* an empty line, garbage, a line longer than any record, then a valid one */
    spit(path, "\nnot json at all\n", 17, "ae");
    char *big = malloc(3 * JOURNAL_RECORD_MAX);
    memset(big, 'z', 3 * JOURNAL_RECORD_MAX);
    big[3 * JOURNAL_RECORD_MAX - 1] = '\n';
    spit(path, big, 3 * JOURNAL_RECORD_MAX, "ae");
    free(big);
    JournalEvent ev = {.seq = 2, .uid = UID, .at = 1, .by = "b", .host = "h", .type = EVENT_TICK};
    char *line = encode(&ev);
    spit(path, line, strlen(line), "ae");
    free(line);

    Journal *r = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    Seen *s = seen_new();
    assert_int_equal(journal_read(r, collect, s), 0);
    assert_int_equal(s->n, 2);
    assert_int_equal(s->v[1].seq, 2);
    assert_int_equal(journal_n_warnings(r), 3);
    assert_string_equal(journal_warning(r, 0), "line 2: damaged record skipped (empty line)");
    assert_string_equal(journal_warning(r, 1), "line 3: damaged record skipped (not a record)");
    assert_string_equal(journal_warning(r, 2),
                        "line 4: damaged record skipped (longer than any record)");

    /* a duplicated record is passed on, with a warning */
    w = open_rw(path);
    JournalEvent dup = {.seq = 2, .uid = UID, .at = 1, .by = "b", .host = "h", .type = EVENT_TICK};
    line = encode(&dup);
    spit(path, line, strlen(line), "ae");
    free(line);
    assert_int_equal(journal_read(r, collect, s), 0);
    assert_int_equal(s->n, 3);
    assert_string_equal(journal_warning(r, 3), "line 6: seq 2 out of order after 2");
    assert_int_equal(append_tick(w, "c", "y"), 0);
    assert_int_equal(journal_last_seq(w), 3);
    journal_free(w);
    free(s);
    journal_free(r);
    free(path);
}

static void test_write_failure_poisons(void **state) {
    /* /dev/full accepts open, flock and fstat (size 0) and fails every write with
     * ENOSPC, as a full disk does: a real failure, no mock. */
    if (access("/dev/full", W_OK) != 0) {
        skip();
    }
    char *path = pathf(*state, "full.journal");
    assert_int_equal(symlink("/dev/full", path), 0);
    Journal *j = open_rw(path);
    Seen *s = seen_new();
    JournalEvent ev = {.type = EVENT_TICK, .by = "alice", .item = "x"};
    assert_int_equal(journal_append(j, &ev, 1, collect, s), -ENOSPC);
    assert_int_equal(s->n, 0); /* never acknowledged */
    assert_int_equal(ev.seq, 0);
    assert_null(ev.uid);
    assert_true(journal_is_readonly(j));
    assert_string_equal(journal_failure(j), "write failed: No space left on device");
    assert_int_equal(journal_append(j, &ev, 1, collect, s), -EROFS);
    assert_int_equal(s->n, 0);
    free(s);
    journal_free(j);
    free(path);
}

static void test_sync_failure_poisons(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *j = open_rw(path);
    assert_int_equal(append_tick(j, "alice", "before"), 0);
    Seen *s = seen_new();
    journal_test_fail_sync(j, EIO);
    JournalEvent ev = {.type = EVENT_TICK, .by = "alice", .item = "x"};
    assert_int_equal(journal_append(j, &ev, 1, collect, s), -EIO);
    assert_int_equal(s->n, 0);
    assert_int_equal(ev.seq, 0);
    assert_true(journal_is_readonly(j));
    assert_string_equal(journal_failure(j), "fdatasync failed: Input/output error");
    /* never retried, even once the disk would work again */
    journal_test_fail_sync(j, 0);
    assert_int_equal(journal_append(j, &ev, 1, collect, s), -EROFS);
    assert_string_equal(journal_failure(j), "fdatasync failed: Input/output error");
    assert_int_equal(s->n, 0);
    /* reading still works */
    assert_int_equal(journal_read(j, collect, s), 0);
    /* what was reported as not recorded is not in the file for anyone either */
    Journal *r = NULL;
    Seen *all = seen_new();
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &r), 0);
    assert_int_equal(journal_read(r, collect, all), 0);
    assert_int_equal(all->n, 1);
    assert_int_equal(journal_n_warnings(r), 0);
    journal_free(r);
    free(all);
    journal_free(j);
    free(s);
    free(path);
}

static void test_sync_failure_while_setting_torn_aside(void **state) {
    char *path = pathf(*state, "j.journal");
    Journal *j = open_rw(path);
    assert_int_equal(append_tick(j, "alice", "x"), 0);
    spit(path, "{\"crc\":", 7, "ae");
    journal_test_fail_sync(j, EIO);
    assert_int_equal(append_tick(j, "alice", "y"), -EIO);
    assert_true(journal_is_readonly(j));
    assert_string_equal(journal_failure(j), "fdatasync failed: Input/output error");
    journal_free(j);
    free(path);
}

/* Processes appending at once: every record whole, seq dense. */
static void test_processes_append_at_once(void **state) {
    enum { PER = 100, WRITERS = 3 };
    char *path = pathf(*state, "j.journal");
    Journal *j = open_rw(path);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            Journal *c = NULL;
            if (journal_open(path, 0, &c) < 0) {
                _exit(1);
            }
            char by[16];
            snprintf(by, sizeof(by), "w%d", w);
            for (int k = 0; k < PER; k++) {
                /* batches of 1 and 2 */
                JournalEvent evs[2] = {{.type = EVENT_TICK, .by = by, .item = "i"},
                                       {.type = EVENT_NOTE, .by = by, .item = "i", .note = "n"}};
                if (journal_append(c, evs, k % 2 + 1, NULL, NULL) < 0) {
                    _exit(1);
                }
            }
            journal_free(c);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    size_t total = WRITERS * (PER / 2 * 1 + PER / 2 * 2);
    Seen *s = seen_new();
    assert_int_equal(journal_read(j, collect, s), 0);
    assert_int_equal(s->n, total);
    assert_int_equal(journal_n_warnings(j), 0);
    for (size_t i = 0; i < total; i++) {
        assert_int_equal(s->v[i].seq, i + 1);
    }
    /* a batch of two is never split by another writer */
    for (size_t i = 0; i < total; i++) {
        if (s->v[i].type == EVENT_NOTE) {
            assert_true(i > 0 && s->v[i - 1].type == EVENT_TICK);
            assert_string_equal(s->v[i - 1].by, s->v[i].by);
        }
    }
    free(s);
    journal_free(j);
    free(path);
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
        cmocka_unit_test_setup_teardown(test_seq_dense_and_fields_filled, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_append_invalid_writes_nothing, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_readonly_refuses_and_never_creates, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_open_errors, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_incremental_read_other_handle, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_fn_error_stops, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_modes, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_torn_tail_set_aside, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_damaged_middle_record_skipped, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_damaged_lines_of_every_kind, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_failure_poisons, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sync_failure_poisons, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sync_failure_while_setting_torn_aside, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_processes_append_at_once, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
