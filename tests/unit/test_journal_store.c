/* The journal file: durable appends, dense sequence numbers, incremental reads, modes, processes
 * appending at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "journal_test_util.h"

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
        cmocka_unit_test_setup_teardown(test_processes_append_at_once, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
