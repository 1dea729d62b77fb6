/* Journal sync without a server: stream ids, payloads, and the SyncLog's order,
 * dedupe, acks and refolds (core/sync_record.h, core/sync_log.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/state.h"
#include "core/sync_log.h"
#include "core/sync_record.h"

#define T0 ((time_t)1795903200)

static StreamId sid(uint64_t ms, uint64_t seq) {
    return (StreamId){ms, seq};
}

/* uid "000…0NN" */
static const char *uid_of(int n) {
    static char bufs[64][33];
    char *b = bufs[n % 64];
    snprintf(b, 33, "%032x", n);
    return b;
}

static JournalEvent tick_ev(int n, const char *item, bool tick) {
    return (JournalEvent){.seq = (uint64_t)n,
                          .uid = uid_of(n),
                          .at = T0 + n,
                          .by = "alice",
                          .host = "h1",
                          .type = tick ? EVENT_TICK : EVENT_UNTICK,
                          .type_name = tick ? "tick" : "untick",
                          .item = item};
}

/* An event of another console: its record carries the stream id. */
static void add_remote(SyncLog *l, JournalEvent ev, StreamId id) {
    char text[STREAM_ID_MAX];
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, SYNC_FIELD_STREAM_ID, stream_id_format(id, text));
    ev.extra = extra;
    assert_int_equal(sync_log_add(l, &ev), 1);
    cJSON_Delete(extra);
}

static void add_ack(SyncLog *l, int n, StreamId id, StreamId read) {
    SyncAck a = {.id = id};
    memcpy(a.uid, uid_of(n), 33);
    cJSON *extra = sync_ack_extra(&a, 1, read);
    JournalEvent ev = {.seq = 99,
                       .uid = uid_of(1000 + n),
                       .at = T0,
                       .by = "alice",
                       .host = "h1",
                       .type = EVENT_UNKNOWN,
                       .type_name = SYNC_ACK_TYPE,
                       .extra = extra};
    assert_int_equal(sync_log_add(l, &ev), 0);
    cJSON_Delete(extra);
}

static const char *order(const SyncLog *l) {
    static char buf[256];
    buf[0] = '\0';
    for (size_t i = 0; i < sync_log_size(l); i++) {
        char one[16];
        snprintf(one, sizeof(one), "%s%d", i ? "," : "",
                 (int)strtol(sync_log_get(l, i)->ev.uid, NULL, 16));
        strcat(buf, one);
    }
    return buf;
}

static void test_stream_ids(void **st) {
    (void)st;
    StreamId id;
    assert_int_equal(stream_id_parse("1700000000000-3", 15, &id), 0);
    assert_true(id.ms == 1700000000000ull && id.seq == 3);
    assert_int_equal(stream_id_parse("1-", 2, &id), -EINVAL);
    assert_int_equal(stream_id_parse("-1", 2, &id), -EINVAL);
    assert_int_equal(stream_id_parse("1-2x", 4, &id), -EINVAL);
    assert_int_equal(stream_id_parse("99999999999999999999999-0", 25, &id), -EINVAL);
    assert_true(stream_id_cmp(sid(1, 9), sid(2, 0)) < 0);
    assert_true(stream_id_cmp(sid(2, 1), sid(2, 0)) > 0);
    assert_int_equal(stream_id_cmp(sid(2, 1), sid(2, 1)), 0);
    char buf[STREAM_ID_MAX];
    assert_string_equal(stream_id_format(stream_id_next(sid(5, 7)), buf), "5-8");
    assert_string_equal(stream_id_format(stream_id_next(sid(5, UINT64_MAX)), buf), "6-0");
}

static void test_payload_roundtrip(void **st) {
    (void)st;
    JournalEvent ev = tick_ev(7, "p1.a", true);
    ev.note = "with \"quotes\" and ünïcode";
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, "check_value", "41%");
    cJSON_AddStringToObject(extra, SYNC_FIELD_STREAM_ID, "5-0");
    ev.extra = extra;
    char *p;
    size_t n;
    assert_int_equal(sync_payload_encode(&ev, &p, &n), 0);
    assert_null(strstr(p, "\"crc\""));
    assert_null(strstr(p, "\"seq\""));
    assert_null(strstr(p, "stream_id"));
    JournalEvent back;
    cJSON *tree;
    assert_int_equal(sync_payload_decode(p, n, &back, &tree), 0);
    assert_string_equal(back.uid, ev.uid);
    assert_string_equal(back.item, "p1.a");
    assert_string_equal(back.note, ev.note);
    assert_int_equal(back.at, ev.at);
    assert_int_equal(back.type, EVENT_TICK);
    assert_string_equal(cJSON_GetObjectItem(back.extra, "check_value")->valuestring, "41%");
    cJSON_Delete(tree);
    free(p);
    cJSON_Delete(extra);

    /* what a stream may not carry */
    const char *bad[] = {
        "{}",
        "{\"seq\":3,\"id\":\"00000000000000000000000000000001\",\"at\":\"2026-11-28T22:00:00Z\","
        "\"by\":\"a\",\"host\":\"h\",\"type\":\"tick\"}",
        "{\"id\":\"x\",\"at\":\"not a time\",\"by\":\"a\",\"host\":\"h\",\"type\":\"tick\"}",
        "[1,2]",
        "{\"id\":\"00000000000000000000000000000001\",\"at\":\"2026-11-28T22:00:00Z\","
        "\"by\":\"a\",\"host\":\"h\",\"type\":\"tick\"} trailing",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(sync_payload_decode(bad[i], strlen(bad[i]), &back, &tree), -EBADMSG);
    }
}

/* Remote events arrive in stream order; a pending one of ours stays last until
 * its ack places it. */
static void test_order_pending_last(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    assert_int_equal(sync_log_add(l, &(JournalEvent){0}), 0); /* no uid: ignored */
    JournalEvent mine = tick_ev(1, "a", true);
    assert_int_equal(sync_log_add(l, &mine), 1);
    add_remote(l, tick_ev(2, "a", false), sid(10, 0));
    add_remote(l, tick_ev(3, "b", true), sid(11, 0));
    assert_string_equal(order(l), "2,3,1");
    assert_int_equal(sync_log_n_pending(l), 1);
    add_ack(l, 1, sid(12, 0), STREAM_ID_NONE);
    assert_string_equal(order(l), "2,3,1");
    assert_int_equal(sync_log_n_pending(l), 0);
    char buf[STREAM_ID_MAX];
    assert_string_equal(stream_id_format(sync_log_cursor(l), buf), "11-0");
    assert_string_equal(stream_id_format(sync_log_last_id(l), buf), "12-0");
    sync_log_free(l);
}

/* The same event twice (a copy another process appended, a duplicate stream
 * entry): kept once, the smallest stream id wins. */
static void test_dedupe_min_id(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    add_remote(l, tick_ev(1, "a", true), sid(20, 0));
    add_remote(l, tick_ev(2, "a", false), sid(21, 0));
    JournalEvent again = tick_ev(1, "a", true);
    char text[] = "22-0";
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, SYNC_FIELD_STREAM_ID, text);
    again.extra = extra;
    assert_int_equal(sync_log_add(l, &again), 0);
    assert_string_equal(order(l), "1,2");
    cJSON_ReplaceItemInObject(extra, SYNC_FIELD_STREAM_ID, cJSON_CreateString("19-0"));
    assert_int_equal(sync_log_add(l, &again), 0);
    assert_int_equal(sync_log_size(l), 2);
    assert_true(stream_id_cmp(sync_log_find(l, uid_of(1))->sid, sid(19, 0)) == 0);
    cJSON_Delete(extra);
    sync_log_free(l);
}

/* An ack read before its event (records of several processes interleave). */
static void test_early_ack(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    add_remote(l, tick_ev(2, "a", true), sid(30, 0));
    add_ack(l, 1, sid(29, 0), STREAM_ID_NONE);
    JournalEvent mine = tick_ev(1, "a", false);
    assert_int_equal(sync_log_add(l, &mine), 1);
    assert_string_equal(order(l), "1,2");
    assert_int_equal(sync_log_n_pending(l), 0);
    sync_log_free(l);
}

typedef struct Folded {
    char seen[256];
    int resets;
} Folded;

static int fold_reset(void *ud) {
    Folded *f = ud;
    f->seen[0] = '\0';
    f->resets++;
    return 0;
}

static int fold_fn(const JournalEvent *ev, void *ud) {
    Folded *f = ud;
    char one[16];
    snprintf(one, sizeof(one), "%s%d", f->seen[0] ? "," : "", (int)strtol(ev->uid, NULL, 16));
    strcat(f->seen, one);
    return 0;
}

/* Appends in order fold incrementally; an insertion below the folded part, or
 * an ack that moves an event, starts the fold again. */
static void test_refold(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    Folded f = {0};
    add_remote(l, tick_ev(1, "a", true), sid(40, 0));
    JournalEvent mine = tick_ev(2, "a", false);
    sync_log_add(l, &mine);
    assert_int_equal(sync_log_fold(l, fold_reset, fold_fn, &f), 0);
    assert_string_equal(f.seen, "1,2");
    /* the ack keeps it where it is: nothing to redo */
    add_ack(l, 2, sid(41, 0), STREAM_ID_NONE);
    assert_false(sync_log_needs_refold(l));
    add_remote(l, tick_ev(3, "b", true), sid(42, 0));
    assert_int_equal(sync_log_fold(l, fold_reset, fold_fn, &f), 0);
    assert_string_equal(f.seen, "1,2,3");
    /* a pending event, then one of another console that the stream has before it */
    JournalEvent mine2 = tick_ev(4, "a", true);
    sync_log_add(l, &mine2);
    sync_log_fold(l, fold_reset, fold_fn, &f);
    add_remote(l, tick_ev(5, "a", false), sid(43, 0));
    assert_true(sync_log_needs_refold(l));
    assert_int_equal(sync_log_fold(l, fold_reset, fold_fn, &f), 1);
    assert_string_equal(f.seen, "1,2,3,5,4");
    assert_int_equal(f.resets, 1);
    /* an ack placing ours before a later one (a lower id from a lost reply) */
    add_ack(l, 4, sid(42, 5), STREAM_ID_NONE);
    assert_int_equal(sync_log_fold(l, fold_reset, fold_fn, &f), 1);
    assert_string_equal(f.seen, "1,2,3,4,5");
    sync_log_free(l);
}

static const char conflict_yaml[] = "plan: Conflict\n"
                                    "id: conflict\n"
                                    "phases:\n"
                                    "  - id: p\n"
                                    "    title: P\n"
                                    "    items:\n"
                                    "      - { id: p.a, text: A }\n"
                                    "      - { id: p.b, text: B }\n";

static int reset_state(void *ud) {
    State **s = ud;
    const Plan *p = (*s)->plan;
    state_free(*s);
    return state_new(p, s);
}

static int apply_state(const JournalEvent *ev, void *ud) {
    State **s = ud;
    return state_apply(*s, ev);
}

/* Two leads tick and untick the same item: whichever order their journals got
 * the events in, the state is the last event's in stream order. */
static void test_conflict_last_in_stream_wins(void **st) {
    (void)st;
    DiagList *d = diag_list_new("conflict.yaml");
    Plan *p = NULL;
    assert_int_equal(plan_load_buffer("conflict.yaml", conflict_yaml, strlen(conflict_yaml), d, &p),
                     0);
    for (int variant = 0; variant < 2; variant++) {
        SyncLog *l = sync_log_new();
        State *s = NULL;
        assert_int_equal(state_new(p, &s), 0);
        JournalEvent untick = tick_ev(2, "p.a", false);
        untick.by = "bob";
        JournalEvent tick = tick_ev(1, "p.a", true);
        /* the stream: bob's untick at 50-0, alice's tick at 51-0 */
        if (variant == 0) {
            /* alice's journal: her tick first, bob's untick read before her ack */
            sync_log_add(l, &tick);
            sync_log_fold(l, reset_state, apply_state, &s);
            assert_true(s->items[0].done);
            add_remote(l, untick, sid(50, 0));
            sync_log_fold(l, reset_state, apply_state, &s);
            assert_true(s->items[0].done); /* hers is pending: last for now */
            add_ack(l, 1, sid(51, 0), STREAM_ID_NONE);
        } else {
            /* bob's journal: his untick, alice's tick read before his ack */
            sync_log_add(l, &untick);
            add_remote(l, tick, sid(51, 0));
            sync_log_fold(l, reset_state, apply_state, &s);
            assert_false(s->items[0].done); /* his is pending: last for now */
            add_ack(l, 2, sid(50, 0), STREAM_ID_NONE);
        }
        sync_log_fold(l, reset_state, apply_state, &s);
        assert_true(s->items[0].done); /* the tick is last in the stream */
        assert_string_equal(s->items[0].by, "alice");
        assert_int_equal(sync_log_size(l), 2); /* both stay in the audit trail */
        state_free(s);
        sync_log_free(l);
    }
    plan_free(p);
    diag_list_free(d);
}

static int collect_ids(const JournalEvent *ev, void *ud) {
    char *out = ud;
    const cJSON *id = cJSON_GetObjectItem(ev->extra, SYNC_FIELD_STREAM_ID);
    strcat(out, cJSON_IsString(id) ? id->valuestring : cJSON_IsNull(id) ? "null" : "?");
    strcat(out, ";");
    return 0;
}

static void test_foreach_carries_stream_id(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    add_remote(l, tick_ev(1, "a", true), sid(60, 0));
    JournalEvent mine = tick_ev(2, "a", false);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, "check_value", "ok");
    mine.extra = extra;
    sync_log_add(l, &mine);
    cJSON_Delete(extra);
    char out[128] = "";
    assert_int_equal(sync_log_foreach(l, collect_ids, out), 0);
    assert_string_equal(out, "60-0;null;");
    /* the stored extra is untouched by it */
    assert_null(cJSON_GetObjectItem(sync_log_find(l, uid_of(2))->ev.extra, SYNC_FIELD_STREAM_ID));
    assert_null(sync_log_find(l, uid_of(1))->ev.extra);
    sync_log_free(l);
}

/* The ack walker ignores what is not a well-formed pair; "read" moves the cursor. */
static void test_ack_records(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    const char *json = "{\"acks\":[[\"00000000000000000000000000000001\",\"70-0\"],"
                       "[\"short\",\"71-0\"],[\"00000000000000000000000000000002\",\"bad\"],7],"
                       "\"read\":\"75-2\"}";
    cJSON *extra = cJSON_Parse(json);
    JournalEvent ev = {.uid = uid_of(900),
                       .by = "a",
                       .host = "h",
                       .type = EVENT_UNKNOWN,
                       .type_name = SYNC_ACK_TYPE,
                       .extra = extra};
    assert_int_equal(sync_log_add(l, &ev), 0);
    JournalEvent one = tick_ev(1, "a", true);
    sync_log_add(l, &one);
    JournalEvent two = tick_ev(2, "a", true);
    sync_log_add(l, &two);
    assert_int_equal(sync_log_n_pending(l), 1);
    char buf[STREAM_ID_MAX];
    assert_string_equal(stream_id_format(sync_log_cursor(l), buf), "75-2");
    cJSON_Delete(extra);
    sync_log_free(l);
}

/* Many events in stream order, then many pending: sizes and order hold. */
static void test_many(void **st) {
    (void)st;
    SyncLog *l = sync_log_new();
    for (int i = 1; i <= 3000; i++) {
        add_remote(l, tick_ev(i, "a", i % 2), sid(1000 + (uint64_t)i, 0));
    }
    /* arriving out of order (two readers interleaved) */
    for (int i = 3001; i <= 3100; i++) {
        add_remote(l, tick_ev(i, "a", true), sid(5000 - (uint64_t)i, 1));
    }
    for (size_t i = 1; i < sync_log_size(l); i++) {
        assert_true(stream_id_cmp(sync_log_get(l, i - 1)->sid, sync_log_get(l, i)->sid) < 0);
    }
    assert_int_equal(sync_log_size(l), 3100);
    sync_log_free(l);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_ids),
        cmocka_unit_test(test_payload_roundtrip),
        cmocka_unit_test(test_order_pending_last),
        cmocka_unit_test(test_dedupe_min_id),
        cmocka_unit_test(test_early_ack),
        cmocka_unit_test(test_refold),
        cmocka_unit_test(test_conflict_last_in_stream_wins),
        cmocka_unit_test(test_foreach_carries_stream_id),
        cmocka_unit_test(test_ack_records),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
