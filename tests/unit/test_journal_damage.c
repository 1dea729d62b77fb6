/* A damaged journal: torn tails set aside, damaged records skipped, failed writes and syncs poison
 * the handle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "journal_test_util.h"

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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_torn_tail_set_aside, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_damaged_middle_record_skipped, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_damaged_lines_of_every_kind, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_failure_poisons, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sync_failure_poisons, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_sync_failure_while_setting_torn_aside, setup_dir,
                                        teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
