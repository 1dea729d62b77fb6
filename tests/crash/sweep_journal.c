/* crashsweep: the jcrash workloads (one process appending many events) killed, failed
 * and cut short at every journal call, and the dropped page cache. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/journal.h"
#include "tests/crash/sweep.h"

enum { PREFILL = 3, FAILS_SHOWN = 3 };

/* One run's directory, journal and the shim's view of it. */
typedef struct Run {
    char *dir, *jdir, *path, *suffixes, *log;
} Run;

static void run_init(Run *r, const Sweep *s) {
    r->dir = path_join(s->work, "run");
    r->jdir = path_join(r->dir, "j");
    r->path = path_join(r->jdir, "ops.journal");
    r->log = path_join(s->work, "shim.log");
    if (asprintf(&r->suffixes, "%s:%s.torn:%s", r->path, r->path, r->jdir) < 0) {
        abort();
    }
}

static void run_done(Run *r) {
    free(r->dir);
    free(r->jdir);
    free(r->path);
    free(r->suffixes);
    free(r->log);
}

/* A fresh directory; with torn_start a journal of PREFILL events (acknowledged: they
 * go into acks) ending in the first 40 bytes of another record. */
static void prepare(const Run *r, bool torn_start, Acks *acks) {
    if (reset_dir(r->dir) < 0) {
        perror("crashsweep: reset");
        exit(2);
    }
    if (!torn_start) {
        return;
    }
    Journal *j = NULL;
    if (journal_open(r->path, 0, &j) < 0) {
        exit(2);
    }
    for (int i = 0; i < PREFILL; i++) {
        JournalEvent ev = {.type = EVENT_TICK, .by = "prefill", .item = "p"};
        if (journal_append(j, &ev, 1, NULL, NULL) < 0) {
            exit(2);
        }
        acks_add(acks, ev.seq, ev.uid, NULL);
    }
    char uid[33];
    journal_uid_new(uid);
    JournalEvent ev = {.seq = PREFILL + 1,
                       .uid = uid,
                       .at = 1795000000,
                       .by = "torn",
                       .host = "h",
                       .type = EVENT_TICK,
                       .item = "t"};
    char *line;
    size_t len;
    if (journal_encode(&ev, &line, &len) < 0 || write(journal_fd(j), line, 40) != 40) {
        exit(2);
    }
    free(line);
    journal_free(j);
}

static char *env_kv(const char *k, const char *v) {
    char *s;
    if (asprintf(&s, "%s=%s", k, v) < 0) {
        abort();
    }
    return s;
}

static char *env_kl(const char *k, long v) {
    char *s;
    if (asprintf(&s, "%s=%ld", k, v) < 0) {
        abort();
    }
    return s;
}

static void env_free(char **env) {
    for (size_t i = 0; env[i]; i++) {
        free(env[i]);
    }
}

/* The workload once with the shim counting: how many calls of ops it makes. */
static long count_calls(Sweep *s, const Run *r, const char *ops, unsigned events, unsigned batch,
                        bool torn_start) {
    Acks acks = {0};
    prepare(r, torn_start, &acks);
    unlink(r->log);
    char n[16], b[16];
    snprintf(n, sizeof(n), "%u", events);
    snprintf(b, sizeof(b), "%u", batch);
    char *argv[] = {(char *)s->jcrash, r->path, n, "--batch", b, NULL};
    char *env[] = {env_kv("OPSDECK_SHIM_PATH", r->suffixes), env_kv("OPSDECK_SHIM_LOG", r->log),
                   env_kv("OPSDECK_SHIM_OPS", ops), NULL};
    Child c;
    long calls = -1;
    if (run_child(s, argv, env, true, &c) == 0 && child_exit(&c) == 0) {
        calls = count_lines(r->log);
    } else {
        fprintf(stderr, "crashsweep: the reference run failed: %s", c.err ? c.err : "");
    }
    child_done(&c);
    env_free(env);
    acks_free(&acks);
    return calls;
}

/* After a run: the journal, then the next append.  Returns whether all held. */
static bool verify(const Run *r, const Acks *acks, size_t max_extra, char *why, size_t size,
                   size_t *ret_extra) {
    char *data = NULL;
    size_t len = 0;
    if (slurp(r->path, &data, &len) < 0) {
        data = strdup("");
        len = 0;
    }
    size_t torn = torn_len(data, len);
    Recs recs;
    bool ok = check_journal(r->path, acks, max_extra, false, &recs, why, size);
    if (ok) {
        *ret_extra = recs.n - acks->n;
        recs_free(&recs);
        ok = check_next_append(r->path, acks, data + len - torn, torn, why, size);
    }
    free(data);
    return ok;
}

static void note_failure(Sweep *s, long n, const char *what, const char *why, long *failures) {
    if ((*failures)++ < FAILS_SHOWN) {
        printf("#   %s at call %ld: %s\n", what, n, why);
    }
    (void)s;
}

void sweep_kill(Sweep *s, const char *when, unsigned events, unsigned batch, bool torn_start) {
    Run r;
    run_init(&r, s);
    char name[96];
    snprintf(name, sizeof(name), "kill %s, %u events%s%s", when, events,
             batch > 1 ? " in batches" : "", torn_start ? ", starting torn" : "");
    long total = count_calls(s, &r, "", events, batch, torn_start);
    long failures = 0, partial = 0;
    for (long n = 1; n <= total; n++) {
        Acks acks = {0};
        prepare(&r, torn_start, &acks);
        char ev[16], b[16];
        snprintf(ev, sizeof(ev), "%u", events);
        snprintf(b, sizeof(b), "%u", batch);
        char *argv[] = {(char *)s->jcrash, r.path, ev, "--batch", b, NULL};
        char *env[] = {env_kv("OPSDECK_SHIM_PATH", r.suffixes), env_kl("OPSDECK_SHIM_KILL_AT", n),
                       env_kv("OPSDECK_SHIM_KILL_WHEN", when), NULL};
        Child c;
        char why[512] = "";
        const char *fail_err, *bad;
        char err[64];
        bool ok = run_child(s, argv, env, true, &c) == 0;
        if (ok && !child_killed(&c)) {
            ok = false;
            snprintf(why, sizeof(why), "the workload was not killed (exit %d): %s", child_exit(&c),
                     c.err);
        }
        if (ok) {
            size_t pre = acks.n;
            parse_jcrash(c.out, &acks, &fail_err, err, sizeof(err), &bad);
            size_t extra = 0;
            if (fail_err || bad) {
                ok = false;
                snprintf(why, sizeof(why), "%s", bad ? bad : "an append failed");
            } else {
                ok = verify(&r, &acks, batch, why, sizeof(why), &extra);
            }
            /* records of an unacknowledged batch, but not all of them */
            size_t inflight = MIN((size_t)batch, events - (acks.n - pre));
            if (ok && extra > 0 && extra < inflight) {
                partial++;
            }
        }
        s->tried++;
        if (ok) {
            s->survived++;
        } else {
            note_failure(s, n, name, why, &failures);
        }
        child_done(&c);
        env_free(env);
        acks_free(&acks);
    }
    s->partial_batches += partial;
    report(s, total > 0 && failures == 0, name, "%ld crash points (every call 1..%ld), %ld failed",
           total, total, failures);
    if (partial > 0) {
        printf("# %s: %ld crash points left part of an unacknowledged batch readable\n", name,
               partial);
    }
    run_done(&r);
}

void sweep_fail(Sweep *s, const char *ops, const char *err_name, unsigned events, bool torn_start) {
    Run r;
    run_init(&r, s);
    char name[96];
    snprintf(name, sizeof(name), "%s fails with %s, %u events%s", ops, err_name, events,
             torn_start ? ", starting torn" : "");
    long total = count_calls(s, &r, ops, events, 1, torn_start);
    long failures = 0;
    for (long n = 1; n <= total; n++) {
        Acks acks = {0};
        prepare(&r, torn_start, &acks);
        char ev[16];
        snprintf(ev, sizeof(ev), "%u", events);
        char *argv[] = {(char *)s->jcrash, r.path, ev, NULL};
        char *env[] = {env_kv("OPSDECK_SHIM_PATH", r.suffixes), env_kv("OPSDECK_SHIM_OPS", ops),
                       env_kl("OPSDECK_SHIM_FAIL_AT", n), env_kv("OPSDECK_SHIM_ERRNO", err_name),
                       NULL};
        Child c;
        char why[512] = "", err[64];
        const char *fail_err = NULL, *bad = NULL;
        bool ok = run_child(s, argv, env, true, &c) == 0;
        if (ok) {
            parse_jcrash(c.out, &acks, &fail_err, err, sizeof(err), &bad);
            if (child_exit(&c) != 1 || !fail_err) {
                ok = false;
                snprintf(why, sizeof(why), "the failure was not reported (exit %d)",
                         child_exit(&c));
            } else if (bad) {
                ok = false;
                snprintf(why, sizeof(why), "%s", bad);
            } else if (strcmp(fail_err, err_name) != 0) {
                ok = false;
                snprintf(why, sizeof(why), "the append failed with %s, not %s", fail_err, err_name);
            }
        }
        size_t extra = 0;
        /* nothing but what was acknowledged: a failed append leaves no record */
        ok = ok && verify(&r, &acks, 0, why, sizeof(why), &extra);
        s->tried++;
        if (ok) {
            s->survived++;
        } else {
            note_failure(s, n, name, why, &failures);
        }
        child_done(&c);
        env_free(env);
        acks_free(&acks);
    }
    report(s, total > 0 && failures == 0, name,
           "%ld failure points (every %s call 1..%ld), %ld failed", total, ops, total, failures);
    run_done(&r);
}

void sweep_short(Sweep *s, const char *then_err, unsigned events) {
    Run r;
    run_init(&r, s);
    char name[96];
    snprintf(name, sizeof(name), "short writes%s%s, %u events", then_err ? " then " : "",
             then_err ? then_err : "", events);
    long total = count_calls(s, &r, "write", events, 1, false);
    long failures = 0;
    for (long n = 1; n <= total; n++) {
        Acks acks = {0};
        prepare(&r, false, &acks);
        char ev[16];
        snprintf(ev, sizeof(ev), "%u", events);
        char *argv[] = {(char *)s->jcrash, r.path, ev, NULL};
        char *env[] = {env_kv("OPSDECK_SHIM_PATH", r.suffixes), env_kv("OPSDECK_SHIM_OPS", "write"),
                       env_kl("OPSDECK_SHIM_SHORT_AT", n),
                       env_kv("OPSDECK_SHIM_SHORT_ERRNO", then_err ? then_err : ""), NULL};
        Child c;
        char why[512] = "", err[64];
        const char *fail_err = NULL, *bad = NULL;
        bool ok = run_child(s, argv, env, true, &c) == 0;
        if (ok) {
            parse_jcrash(c.out, &acks, &fail_err, err, sizeof(err), &bad);
            int want = then_err ? 1 : 0;
            if (child_exit(&c) != want || bad ||
                (then_err && (!fail_err || strcmp(fail_err, then_err)))) {
                ok = false;
                snprintf(why, sizeof(why), "exit %d (want %d), %s", child_exit(&c), want,
                         bad        ? bad
                         : fail_err ? fail_err
                                    : "no failure");
            } else if (!then_err && acks.n != events) {
                ok = false;
                snprintf(why, sizeof(why), "%zu of %u acknowledged", acks.n, events);
            }
        }
        size_t extra = 0;
        ok = ok && verify(&r, &acks, 0, why, sizeof(why), &extra);
        s->tried++;
        if (ok) {
            s->survived++;
        } else {
            note_failure(s, n, name, why, &failures);
        }
        child_done(&c);
        env_free(env);
        acks_free(&acks);
    }
    report(s, total > 0 && failures == 0, name,
           "%ld writes cut short (every write 1..%ld), %ld failed", total, total, failures);
    run_done(&r);
}

/* Synced events, then unsynced ones the power cut drops: the file keeps a prefix of
 * the unsynced tail (every byte length), or its length with the tail zeroed. */
void sweep_pagecache(Sweep *s, unsigned synced, unsigned unsynced) {
    Run r;
    run_init(&r, s);
    Acks acks = {0};
    prepare(&r, false, &acks);
    char n1[16], n2[16];
    snprintf(n1, sizeof(n1), "%u", synced);
    snprintf(n2, sizeof(n2), "%u", unsynced);
    char *a1[] = {(char *)s->jcrash, r.path, n1, NULL};
    char *a2[] = {(char *)s->jcrash, "--nosync", r.path, n2, NULL};
    Child c1, c2;
    char *full = NULL, *dirty = NULL;
    size_t full_len = 0, dirty_len = 0;
    const char *fe, *bad;
    char err[64];
    if (run_child(s, a1, NULL, false, &c1) < 0 || child_exit(&c1) != 0 ||
        slurp(r.path, &full, &full_len) < 0 || run_child(s, a2, NULL, false, &c2) < 0 ||
        child_exit(&c2) != 0 || slurp(r.path, &dirty, &dirty_len) < 0) {
        report(s, false, "dropped page cache", "cannot run the workload");
        run_done(&r);
        return;
    }
    parse_jcrash(c1.out, &acks, &fe, err, sizeof(err), &bad);
    child_done(&c1);
    child_done(&c2);
    size_t tail = dirty_len - full_len;
    long failures = 0, points = 0;
    for (int zeroed = 0; zeroed <= 1; zeroed++) {
        for (size_t keep = 0; keep <= tail; keep++) {
            if (reset_dir(r.dir) < 0 || reset_dir(r.jdir) < 0) {
                exit(2);
            }
            /* what survived: the synced part, keep bytes of the rest, then zeros */
            size_t len = zeroed ? dirty_len : full_len + keep;
            char *img = malloc(len + 1);
            memcpy(img, dirty, full_len + keep);
            memset(img + full_len + keep, 0, len - full_len - keep);
            spit(r.path, img, len, 0600);
            char why[512] = "";
            size_t extra = 0;
            size_t complete = 0;
            for (size_t i = full_len; i < full_len + keep; i++) {
                complete += dirty[i] == '\n';
            }
            bool ok = verify(&r, &acks, complete, why, sizeof(why), &extra);
            if (ok && extra != complete) {
                ok = false;
                snprintf(why, sizeof(why), "%zu unsynced records read, %zu are whole", extra,
                         complete);
            }
            free(img);
            points++;
            s->tried++;
            if (ok) {
                s->survived++;
            } else {
                char what[64];
                snprintf(what, sizeof(what), "page cache %s, %zu bytes kept",
                         zeroed ? "zeroed" : "cut", keep);
                note_failure(s, (long)keep, what, why, &failures);
            }
        }
    }
    char name[96];
    snprintf(name, sizeof(name), "dropped page cache, %u synced + %u unsynced events", synced,
             unsynced);
    report(s, failures == 0, name,
           "%ld images (every prefix of the %zu unsynced bytes, cut and zeroed), %ld failed",
           points, tail, failures);
    free(full);
    free(dirty);
    acks_free(&acks);
    run_done(&r);
}
