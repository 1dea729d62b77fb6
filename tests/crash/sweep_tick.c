/* crashsweep: `opsdeck tick`, one process per tick, killed or failed at every journal
 * call of a workload of many ticks.  The journal is created under XDG_STATE_HOME by
 * the first tick (directories, file, directory syncs), and a torn tail left by a
 * killed tick is set aside by the next one.
 *
 * Each tick is its own process whose only state is the journal file, so the sweep
 * does not replay ticks 1..t-1 before killing tick t: it restores the journal they
 * left in the reference run (t-1 lines of it), which is what replaying them would
 * produce.  That makes the sweep linear in the number of calls, not quadratic. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"
#include "tests/crash/sweep.h"

enum { FAILS_SHOWN = 3 };

typedef struct TickRun {
    char *dir, *plan, *state, *jdir, *path, *log, *suffixes;
    char *env_state;
    size_t *line_end; /* line_end[t]: bytes of the reference journal after tick t */
    long *calls;      /* calls[t]: counted calls of tick t (1-based) */
    char *ref;
    size_t ref_len;
} TickRun;

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    char *s;
    if (vasprintf(&s, f, ap) < 0) {
        abort();
    }
    va_end(ap);
    return s;
}

static void write_plan(const TickRun *r, unsigned ticks) {
    FILE *f = fopen(r->plan, "w");
    if (!f) {
        exit(2);
    }
    fputs("plan: Crash sweep\nid: crash\nphases:\n  - id: p1\n    title: Ticks\n    items:\n", f);
    for (unsigned t = 1; t <= ticks; t++) {
        fprintf(f, "      - { id: i%u, text: \"Item %u\" }\n", t, t);
    }
    fclose(f);
}

static void tick_init(TickRun *r, const Sweep *s, unsigned ticks) {
    *r = (TickRun){0};
    r->dir = path_join(s->work, "tick");
    r->plan = path_join(s->work, "tick-plan.yaml");
    r->state = path_join(r->dir, "state");
    r->jdir = path_join(r->state, "opsdeck");
    r->path = path_join(r->jdir, "crash.journal");
    r->log = path_join(s->work, "tick-shim.log");
    r->suffixes = fmt("%s:%s.torn:%s:%s:%s", r->path, r->path, r->jdir, r->state, r->dir);
    r->env_state = fmt("XDG_STATE_HOME=%s", r->state);
    r->line_end = calloc(ticks + 1, sizeof(*r->line_end));
    r->calls = calloc(ticks + 1, sizeof(*r->calls));
    write_plan(r, ticks);
}

static void tick_done(TickRun *r) {
    free(r->dir);
    free(r->plan);
    free(r->state);
    free(r->jdir);
    free(r->path);
    free(r->log);
    free(r->suffixes);
    free(r->env_state);
    free(r->line_end);
    free(r->calls);
    free(r->ref);
}

/* Run `opsdeck tick PLAN i<t> --note NOTE --as crash`, with shim settings in extra. */
static int run_tick(const Sweep *s, const TickRun *r, unsigned t, const char *note,
                    char *const extra[], Child *c) {
    char item[16];
    snprintf(item, sizeof(item), "i%u", t);
    char *argv[] = {(char *)s->opsdeck, "tick", r->plan, item, "--note",
                    (char *)note,       "--as", "crash", NULL};
    char *env[16] = {r->env_state, "OPSDECK_NOW=2026-11-28T22:30:00Z", "LC_ALL=C.UTF-8"};
    size_t n = 3;
    for (size_t i = 0; extra && extra[i] && n < 15; i++) {
        env[n++] = extra[i];
    }
    env[n] = NULL;
    return run_child(s, argv, env, extra != NULL, c);
}

static bool reference(Sweep *s, TickRun *r, unsigned ticks) {
    if (reset_dir(r->dir) < 0) {
        return false;
    }
    unlink(r->log);
    char *log = fmt("OPSDECK_SHIM_LOG=%s", r->log), *sfx = fmt("OPSDECK_SHIM_PATH=%s", r->suffixes);
    char *extra[] = {log, sfx, NULL};
    long before = 0;
    bool ok = true;
    for (unsigned t = 1; t <= ticks && ok; t++) {
        char note[32];
        snprintf(note, sizeof(note), "n%u", t);
        Child c;
        ok = run_tick(s, r, t, note, extra, &c) == 0 && child_exit(&c) == 0 &&
             strstr(c.out, "ticked ");
        if (!ok) {
            fprintf(stderr, "crashsweep: reference tick %u failed: %s%s\n", t, c.out, c.err);
        }
        child_done(&c);
        long now = count_lines(r->log);
        r->calls[t] = now - before;
        before = now;
    }
    free(log);
    free(sfx);
    if (!ok || slurp(r->path, &r->ref, &r->ref_len) < 0) {
        return false;
    }
    for (size_t i = 0, t = 1; i < r->ref_len && t <= ticks; i++) {
        if (r->ref[i] == '\n') {
            r->line_end[t++] = i + 1;
        }
    }
    return true;
}

/* The state directory as ticks 1..t-1 left it. */
static void restore(const TickRun *r, unsigned t) {
    if (reset_dir(r->dir) < 0) {
        exit(2);
    }
    if (t <= 1) {
        return;
    }
    if (mkdir(r->state, 0700) < 0 || mkdir(r->jdir, 0700) < 0 ||
        spit(r->path, r->ref, r->line_end[t - 1], 0600) < 0) {
        exit(2);
    }
}

/* The crashed or failed tick t, then its retry; why on failure. */
static bool check_tick(const Sweep *s, const TickRun *r, unsigned t, const Child *c, bool killed,
                       char *why, size_t size) {
    if (killed && !child_killed(c)) {
        snprintf(why, size, "tick %u was not killed (exit %d)", t, child_exit(c));
        return false;
    }
    if (!killed && (child_exit(c) != 1 || strstr(c->out, "ticked ") ||
                    (!strstr(c->err, "NOT recorded") && !strstr(c->err, "cannot open journal")))) {
        snprintf(why, size, "tick %u: exit %d, a failed sync not reported: %s%s", t, child_exit(c),
                 c->out, c->err);
        return false;
    }
    Acks acks = {0};
    for (unsigned k = 1; k < t; k++) {
        char note[32];
        snprintf(note, sizeof(note), "n%u", k);
        acks_add(&acks, k, NULL, note);
    }
    Recs recs;
    bool ok = check_journal(r->path, &acks, killed ? 1 : 0, true, &recs, why, size);
    acks_free(&acks);
    if (!ok) {
        return false;
    }
    size_t n_before = recs.n;
    recs_free(&recs);
    char *data = NULL;
    size_t len = 0, torn = 0;
    if (slurp(r->path, &data, &len) == 0) {
        torn = torn_len(data, len);
    }
    free(data);
    char note[32];
    snprintf(note, sizeof(note), "r%u", t);
    Child retry;
    if (run_tick(s, r, t, note, NULL, &retry) < 0 || child_exit(&retry) != 0) {
        snprintf(why, size, "the next tick failed: %s", retry.err);
        child_done(&retry);
        return false;
    }
    char want[64];
    snprintf(want, sizeof(want), "torn record of %zu bytes", torn);
    if (torn > 0 ? !strstr(retry.err, want) : strstr(retry.err, "warning") != NULL) {
        snprintf(why, size, "the next tick %s: %s",
                 torn ? "did not set the torn tail aside" : "warned", retry.err);
        child_done(&retry);
        return false;
    }
    char seq[32];
    snprintf(seq, sizeof(seq), "(seq %zu)", n_before + 1);
    ok = strstr(retry.out, seq) != NULL;
    child_done(&retry);
    if (!ok) {
        snprintf(why, size, "the next tick was not acknowledged as seq %zu", n_before + 1);
        return false;
    }
    Acks none = {0};
    ok = check_journal(r->path, &none, SIZE_MAX / 2, false, &recs, why, size);
    if (ok && (recs.n != n_before + 1 || !recs.v[n_before].note ||
               strcmp(recs.v[n_before].note, note) != 0)) {
        ok = false;
        snprintf(why, size, "the next tick's record is not the last one");
    }
    if (ok) {
        recs_free(&recs);
    }
    return ok;
}

void sweep_tick(Sweep *s, const char *when, const char *fail_err, unsigned ticks) {
    TickRun r;
    tick_init(&r, s, ticks);
    char name[96];
    if (fail_err) {
        snprintf(name, sizeof(name), "opsdeck tick, sync fails with %s, %u ticks", fail_err, ticks);
    } else {
        snprintf(name, sizeof(name), "opsdeck tick killed %s, %u ticks", when, ticks);
    }
    if (!s->opsdeck || !reference(s, &r, ticks)) {
        report(s, false, name, "the reference run failed");
        tick_done(&r);
        return;
    }
    char *sfx = fmt("OPSDECK_SHIM_PATH=%s", r.suffixes);
    long failures = 0, points = 0;
    if (fail_err) {
        /* the reference counted every kind; count the syncs of each tick */
        char *log = fmt("OPSDECK_SHIM_LOG=%s", r.log), *ops = "OPSDECK_SHIM_OPS=sync";
        char *extra[] = {log, sfx, ops, NULL};
        for (unsigned t = 1; t <= ticks; t++) {
            restore(&r, t);
            unlink(r.log);
            Child c;
            if (run_tick(s, &r, t, "count", extra, &c) == 0) {
                r.calls[t] = count_lines(r.log);
            }
            child_done(&c);
        }
        free(log);
    }
    for (unsigned t = 1; t <= ticks; t++) {
        for (long m = 1; m <= r.calls[t]; m++) {
            restore(&r, t);
            char *at =
                fail_err ? fmt("OPSDECK_SHIM_FAIL_AT=%ld", m) : fmt("OPSDECK_SHIM_KILL_AT=%ld", m);
            char *how = fail_err ? fmt("OPSDECK_SHIM_ERRNO=%s", fail_err)
                                 : fmt("OPSDECK_SHIM_KILL_WHEN=%s", when);
            char *extra[] = {sfx, at, how, fail_err ? "OPSDECK_SHIM_OPS=sync" : NULL, NULL};
            char note[32];
            snprintf(note, sizeof(note), "n%u", t);
            Child c;
            char why[1024] = "";
            bool ok = run_tick(s, &r, t, note, extra, &c) == 0 &&
                      check_tick(s, &r, t, &c, !fail_err, why, sizeof(why));
            child_done(&c);
            free(at);
            free(how);
            points++;
            s->tried++;
            if (ok) {
                s->survived++;
            } else if (failures++ < FAILS_SHOWN) {
                printf("#   %s: tick %u, call %ld: %s\n", name, t, m, why);
            }
        }
    }
    free(sfx);
    report(s, points > 0 && failures == 0, name,
           "%ld crash points (every call of every tick), %ld failed", points, failures);
    tick_done(&r);
}
