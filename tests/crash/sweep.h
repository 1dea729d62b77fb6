#pragma once
/* crashsweep: the crash-safety sweep of the journal, SQLite style.  A workload runs
 * with tests/crash/shim.so preloaded, killed (or failed) at its n-th journal call
 * for every n; after each run the journal is checked:
 *   - it loads, without a warning;
 *   - seq is dense, every id unique: nothing duplicated;
 *   - every acknowledged event is there, exactly once, at its acknowledged seq;
 *   - at most the events of the append in flight are there besides;
 *   - the next append works and sets a torn tail aside in PATH.torn (0600);
 *   - after a failed fsync or write nothing was acknowledged any more, and the
 *     journal holds exactly what was acknowledged.
 * How it runs: README.md, "Reliability"; what it guarantees: docs/journal.md. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Rec {
    uint64_t seq;
    char uid[33];
    char *item, *note;
} Rec;

typedef struct Recs {
    Rec *v;
    size_t n, cap;
    size_t n_warnings;
    char *first_warning;
} Recs;

/* An acknowledged event: by id (jcrash) or by note (opsdeck tick). */
typedef struct Ack {
    uint64_t seq;
    char uid[33];
    char note[32];
} Ack;

typedef struct Acks {
    Ack *v;
    size_t n, cap;
} Acks;

typedef struct Child {
    int status; /* as from waitpid */
    char *out, *err;
} Child;

typedef struct Sweep {
    const char *shim, *jcrash, *opsdeck;
    char *work; /* scratch directory, removed at the end */
    unsigned events, ticks;
    long tried, survived; /* crash points */
    long checks_failed;   /* TAP lines "not ok" */
    long partial_batches; /* crash points that left part of an unacked batch readable */
    bool verbose;
} Sweep;

/* sweep_proc.c */
int run_child(const Sweep *s, char *const argv[], char *const env[], bool preload, Child *ret);
void child_done(Child *c);
bool child_killed(const Child *c);
int child_exit(const Child *c); /* exit code, or -1 when killed */
int reset_dir(const char *path);
char *path_join(const char *a, const char *b);
/* The whole file in *ret (NUL-terminated), its size in *ret_len; -errno. */
int slurp(const char *path, char **ret, size_t *ret_len);
int spit(const char *path, const char *data, size_t len, int mode);
/* Bytes after the last '\n' (the torn tail), 0 when it ends with one or is empty. */
size_t torn_len(const char *data, size_t len);
long count_lines(const char *path);

/* sweep_check.c */
void acks_add(Acks *a, uint64_t seq, const char *uid, const char *note);
void acks_free(Acks *a);
void recs_free(Recs *r);
int read_journal(const char *path, Recs *ret);
/* Parse jcrash output: "ack SEQ UID" into acks; the first "fail K ERR" into
 * *ret_fail_err (NULL: none), and whether an ack followed a failure or a later
 * failure was other than EROFS into *ret_bad (a static phrase). */
void parse_jcrash(const char *out, Acks *acks, const char **ret_fail_err, char *fail_err,
                  size_t size, const char **ret_bad);
/* The checks above; why gets a sentence on failure. by_note: acks carry notes. */
bool check_journal(const char *path, const Acks *acks, size_t max_extra, bool by_note,
                   Recs *ret_recs, char *why, size_t size);
/* Append one event in this process; the torn tail (torn bytes, n) must be set
 * aside with a warning; then check again.  extra: unacked records in the file. */
bool check_next_append(const char *path, const Acks *acks, const char *torn, size_t n_torn,
                       char *why, size_t size);

/* sweep_journal.c: the jcrash workloads */
void sweep_kill(Sweep *s, const char *when, unsigned events, unsigned batch, bool torn_start);
void sweep_fail(Sweep *s, const char *ops, const char *err, unsigned events, bool torn_start);
void sweep_short(Sweep *s, const char *then_err, unsigned events);
void sweep_pagecache(Sweep *s, unsigned synced, unsigned unsynced);

/* sweep_tick.c: opsdeck tick */
void sweep_tick(Sweep *s, const char *when, const char *fail_err, unsigned ticks);

/* sweep_main.c: one TAP line per sweep */
void report(Sweep *s, bool ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
